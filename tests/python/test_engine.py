"""The stateless engine: the SPEC §8 query as Python objects and as a dict, explanations, DST."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import slotcraft as sc
from conftest import minutes, utc

NEW_YORK = ZoneInfo("America/New_York")

# SPEC §8's example query, as a dict.
SPEC_QUERY = {
    "now": "2026-03-01T08:00:00Z",
    "from": "2026-03-02T00:00:00Z",
    "to": "2026-03-09T00:00:00Z",
    "mode": "any",
    "service": {"id": "cut", "duration": 30, "step": 15, "align": "window", "buffer_before": 0, "buffer_after": 10,
                "min_notice": 120, "max_advance": 0, "capacity": 1, "max_per_day": 0},
    "seats": 1,
    "resources": [
        {"id": "anna", "timezone": "Europe/Berlin",
         "weekly": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], "tue": [], "wed": [], "thu": [], "fri": [],
                    "sat": [], "sun": []},
         "overrides": {"2026-03-04": [["10:00", "12:00"]]},
         "breaks": [["11:00", "11:15"]],
         "time_off": [{"start": "2026-03-05T00:00:00Z", "end": "2026-03-06T00:00:00Z"}],
         "bookings": [{"start": "2026-03-02T09:00:00Z", "end": "2026-03-02T09:30:00Z", "service": "cut", "seats": 1,
                       "status": "confirmed", "buffer_before": 0, "buffer_after": 10}]}
    ],
}


def spec_query_as_objects() -> sc.Query:
    anna = sc.Resource(
        "anna",
        ZoneInfo("Europe/Berlin"),
        weekly={"mon": [("09:00", "13:00"), (time(14), time(18))]},
        overrides={date(2026, 3, 4): [("10:00", "12:00")]},
        breaks=[("11:00", "11:15")],
        time_off=[(utc("2026-03-05T00:00"), utc("2026-03-06T00:00"))],
        bookings=[sc.Booking(utc("2026-03-02T09:00"), utc("2026-03-02T09:30"), service="cut", buffer_after=minutes(10))],
    )
    cut = sc.Service("cut", minutes(30), step=minutes(15), buffer_after=minutes(10), min_notice=minutes(120))
    return sc.Query(utc("2026-03-01T08:00"), utc("2026-03-02T00:00"), utc("2026-03-09T00:00"), cut, [anna])


def test_query_objects_dict_and_json_text_give_the_same_slots() -> None:
    from_objects = sc.find_slots(spec_query_as_objects())
    assert from_objects == sc.find_slots(SPEC_QUERY)
    assert from_objects == sc.find_slots(json.dumps(SPEC_QUERY))
    assert from_objects == sc.find_slots(sc.Query.from_dict(SPEC_QUERY))
    assert from_objects == sc.find_slots(sc.Query.from_json(json.dumps(SPEC_QUERY)))
    # Monday 09:00-13:00 and 14:00-18:00 Berlin, a 09:00Z booking + 10 min buffer, an 11:00 break.
    assert from_objects[0].start == utc("2026-03-02T08:00")
    assert utc("2026-03-02T09:00") not in [s.start for s in from_objects]
    assert all(s.resources == ["anna"] and s.seats_left == 1 for s in from_objects)


def test_slots_to_dict_is_the_spec_answer() -> None:
    answer = sc.slots_to_dict(sc.find_slots(SPEC_QUERY))
    assert answer["slots"][0] == {"start": "2026-03-02T08:00:00Z", "end": "2026-03-02T08:30:00Z",
                                  "resources": ["anna"], "seats_left": 1}
    assert sc.find_slots(SPEC_QUERY)[0].to_dict() == answer["slots"][0]
    assert json.loads(json.dumps(answer)) == answer


def test_a_dict_may_hold_aware_datetimes_for_instants() -> None:
    query = copy.deepcopy(SPEC_QUERY)
    query["now"] = datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert sc.find_slots(query) == sc.find_slots(SPEC_QUERY)
    query["now"] = datetime(2026, 3, 1, 8, 0)
    with pytest.raises(sc.InvalidArgument) as refused:
        sc.find_slots(query)
    assert refused.value.field == "now"


def test_explain_gives_every_reason_per_resource() -> None:
    q = spec_query_as_objects()
    busy = sc.explain(q, utc("2026-03-02T09:15"))
    assert [r.resource for r in busy] == ["anna"]
    assert [r.code for r in busy[0].reasons] == [sc.ReasonCode.busy]
    assert busy[0].reasons[0].to_dict()["code"] == "busy"
    lunch = sc.explain(SPEC_QUERY, utc("2026-03-02T10:00"))[0].reasons
    assert [r.code for r in lunch] == [sc.ReasonCode.on_break]
    assert lunch[0].to_dict()["code"] == "break"
    assert sc.explain(q, utc("2026-03-02T08:00"))[0].reasons == []
    assert [r.code for r in sc.explain(q, utc("2026-03-02T08:05"))[0].reasons] == [sc.ReasonCode.off_grid]


def test_dst_spring_forward_through_aware_datetimes() -> None:
    """New York, Sunday 2026-03-08: 02:00-03:00 does not exist. Hours 01:00-04:00 are two real hours."""
    ny = sc.Resource("ny", "America/New_York", weekly={"sun": [("01:00", "04:00")]})
    q = sc.Query(
        datetime(2026, 3, 1, tzinfo=NEW_YORK),
        datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK),
        datetime(2026, 3, 9, 0, 0, tzinfo=NEW_YORK),
        sc.Service("call", minutes(30)),
        [ny],
    )
    starts = [s.start for s in sc.find_slots(q)]
    assert starts == [utc("2026-03-08T06:00"), utc("2026-03-08T06:30"), utc("2026-03-08T07:00"), utc("2026-03-08T07:30")]
    assert [t.astimezone(NEW_YORK).strftime("%H:%M %Z") for t in starts] == ["01:00 EST", "01:30 EST", "03:00 EDT", "03:30 EDT"]


def test_dst_fall_back_through_aware_datetimes() -> None:
    """New York, Sunday 2026-11-01: 01:00-02:00 happens twice. Hours 00:00-03:00 are four real hours."""
    ny = sc.Resource("ny", NEW_YORK, weekly={"sun": [("00:00", "03:00")]})
    q = sc.Query(
        datetime(2026, 10, 1, tzinfo=NEW_YORK),
        datetime(2026, 11, 1, tzinfo=NEW_YORK),
        datetime(2026, 11, 2, tzinfo=NEW_YORK),
        sc.Service("call", minutes(60)),
        [ny],
    )
    starts = [s.start for s in sc.find_slots(q)]
    second_one_oclock = datetime(2026, 11, 1, 1, 0, fold=1, tzinfo=NEW_YORK)  # EST
    # (PEP 495: an ambiguous time never compares equal across zones, so compare in UTC.)
    assert starts == [utc("2026-11-01T04:00"), utc("2026-11-01T05:00"), second_one_oclock.astimezone(timezone.utc),
                      utc("2026-11-01T07:00")]
    assert sc.explain(q, second_one_oclock)[0].reasons == []
    assert sc.explain(q, datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK))[0].reasons[0].code == sc.ReasonCode.off_grid


def test_any_mode_prefers_the_least_booked_resource_and_all_mode_needs_everyone() -> None:
    day = {"mon": [("09:00", "11:00")]}
    a = sc.Resource("a", "UTC", weekly=day, bookings=[sc.Booking(utc("2026-03-02T09:00"), utc("2026-03-02T10:00"))])
    b = sc.Resource("b", "UTC", weekly=day)
    svc = sc.Service("s", minutes(60))
    q = sc.Query(utc("2026-03-01T00:00"), utc("2026-03-02T00:00"), utc("2026-03-03T00:00"), svc, [a, b])
    assert [(s.start, s.resources) for s in sc.find_slots(q)] == [
        (utc("2026-03-02T09:00"), ["b"]),
        (utc("2026-03-02T10:00"), ["b", "a"]),
    ]
    q.mode = "all"
    assert q.mode == sc.Mode.all
    assert [(s.start, s.resources) for s in sc.find_slots(q)] == [(utc("2026-03-02T10:00"), ["a", "b"])]


def test_holds_block_until_they_expire_and_cancelled_bookings_block_nothing() -> None:
    hold = sc.Booking(utc("2026-03-02T09:00"), utc("2026-03-02T10:00"), status="held", expires=utc("2026-03-01T12:00"))
    gone = sc.Booking(utc("2026-03-02T10:00"), utc("2026-03-02T11:00"), status=sc.BookingStatus.cancelled)
    r = sc.Resource("r", weekly={"mon": [("09:00", "11:00")]}, bookings=[hold, gone])
    q = sc.Query(utc("2026-03-01T11:00"), utc("2026-03-02T00:00"), utc("2026-03-03T00:00"), sc.Service("s", minutes(60)), [r])
    assert [s.start for s in sc.find_slots(q)] == [utc("2026-03-02T10:00")]
    q.now = utc("2026-03-01T12:00")
    assert [s.start for s in sc.find_slots(q)] == [utc("2026-03-02T09:00"), utc("2026-03-02T10:00")]
    assert hold.active_at(utc("2026-03-01T11:59")) and not hold.active_at(utc("2026-03-01T12:00"))
    assert hold.padded == sc.Interval(hold.start, hold.end)


def test_engine_objects_expose_and_update_their_fields() -> None:
    s = sc.Service("cut", minutes(30))
    assert (s.step, s.grid_step, s.align, s.capacity, s.is_group) == (None, minutes(30), sc.Align.window, 1, False)
    s.step, s.align, s.capacity = minutes(15), "clock", 4
    assert (s.grid_step, s.align, s.is_group) == (minutes(15), sc.Align.clock, True)
    assert s.to_dict()["align"] == "clock" and sc.Service.from_dict(s.to_dict()) == s

    r = sc.Resource("r", "Asia/Kathmandu")
    r.rules.breaks = [("12:00", "12:30")]  # `rules` is the resource's own schedule, not a copy
    assert r.rules.breaks == [sc.LocalRange("12:00", "12:30")]
    assert r.rules.time_zone == "Asia/Kathmandu"
    r.rules.weekly = {"tue": [("08:00", "10:00")]}
    assert r.rules.hours_on(date(2026, 3, 3)) == [sc.LocalRange("08:00", "10:00")]
    assert r.rules.hours_on(date(2026, 3, 4)) == []

    q = spec_query_as_objects()
    q.service.duration = minutes(60)  # `service` is the query's own, too
    assert q.service.duration == minutes(60)
    assert q.resources[0].id == "anna" and q.start < q.end


def test_open_time_shows_the_windows_of_each_local_date() -> None:
    rules = sc.Schedule("Europe/Berlin", weekly={"mon": [("09:00", "13:00")]}, breaks=[("11:00", "11:15")])
    opened = sc.open_time(rules, utc("2026-03-02T00:00"), utc("2026-03-03T00:00"))
    assert [(w.day, w.span) for w in opened.windows] == [
        (date(2026, 3, 2), sc.Interval(utc("2026-03-02T08:00"), utc("2026-03-02T10:00"))),
        (date(2026, 3, 2), sc.Interval(utc("2026-03-02T10:15"), utc("2026-03-02T12:00"))),
    ]
    assert opened.hours.parts == [sc.Interval(utc("2026-03-02T08:00"), utc("2026-03-02T12:00"))]
    assert opened.open == sc.IntervalSet([w.span for w in opened.windows])
    assert opened.time_off == sc.IntervalSet()
    assert len(opened.breaks) > 0


def test_query_validate_names_fields_as_the_spec_json_does() -> None:
    q = spec_query_as_objects()
    q.validate()
    q.service.duration = timedelta(0)
    with pytest.raises(sc.InvalidArgument) as refused:
        q.validate()
    assert refused.value.field == "service.duration"
    with pytest.raises(sc.InvalidArgument) as again:
        sc.find_slots(q)
    assert again.value.field == "service.duration"


def test_a_rotation_in_a_query_dict_alternates_its_weeks_and_schedules_compare_by_it() -> None:
    # SPEC §9: the anchor's week (from Monday 2026-03-02) takes the first pattern, the next week the second.
    rotation = {"anchor": "2026-03-04", "weeks": [{"mon": [["09:00", "10:00"]]}, {"mon": [["14:00", "15:00"]]}]}
    query = {"now": "2026-03-01T00:00:00Z", "from": "2026-03-02T00:00:00Z", "to": "2026-03-17T00:00:00Z",
             "service": {"id": "s", "duration": 60},
             "resources": [{"id": "r", "timezone": "UTC", "rotation": rotation}]}
    starts = [slot.time.start for slot in sc.find_slots(query)]
    assert starts == [utc("2026-03-02T09:00"), utc("2026-03-09T14:00"), utc("2026-03-16T09:00")]
    parsed = sc.Query.from_dict(query).resources[0].rules
    assert parsed.hours_on(date(2026, 3, 9)) != parsed.hours_on(date(2026, 3, 2))  # week B's Monday, week A's
    assert parsed.hours_on(date(2026, 3, 16)) == parsed.hours_on(date(2026, 3, 2))
    other = copy.deepcopy(query)
    other["resources"][0]["rotation"]["anchor"] = "2026-03-09"
    assert sc.Query.from_dict(other).resources[0].rules != parsed
    assert [slot.time.start for slot in sc.find_slots(other)][0] == utc("2026-03-02T14:00")


def test_a_rotation_object_gives_each_week_its_pattern_and_compares_by_value() -> None:
    week_a, week_b = {"mon": [("09:00", "10:00")]}, {"mon": [("14:00", "15:00")]}
    rotation = sc.Rotation(date(2026, 3, 4), [week_a, week_b])
    assert rotation.anchor == date(2026, 3, 4) and len(rotation.weeks) == 2
    assert rotation.week_of(date(2026, 3, 2)) == sc.Rotation(date(2026, 3, 4), [week_a]).weeks[0]
    assert rotation.week_of(date(2026, 2, 23)) == rotation.weeks[1]  # the week before the anchor's
    assert rotation == sc.Rotation(date(2026, 3, 4), [week_a, week_b])
    assert rotation != sc.Rotation(date(2026, 3, 9), [week_a, week_b])
    as_dict = rotation.to_dict()
    assert as_dict["anchor"] == "2026-03-04" and as_dict["weeks"][1]["mon"] == [["14:00", "15:00"]]
    assert sc.Rotation.from_dict(as_dict) == rotation and sc.Rotation.from_dict(json.dumps(as_dict)) == rotation
    resource = sc.Resource("r", rotation=rotation)
    assert resource.rules.rotation == rotation and resource.rules.weekly["mon"] == []
    query = sc.Query(utc("2026-03-01T00:00"), utc("2026-03-02T00:00"), utc("2026-03-17T00:00"),
                     sc.Service("s", minutes(60)), [resource])
    starts = [slot.time.start for slot in sc.find_slots(query)]
    assert starts == [utc("2026-03-02T09:00"), utc("2026-03-09T14:00"), utc("2026-03-16T09:00")]
    schedule = sc.Schedule(rotation=rotation)
    schedule.rotation = None
    assert schedule.rotation is None and schedule.hours_on(date(2026, 3, 2)) == []


def test_an_asking_client_with_a_booking_that_day_is_offered_nothing_more_that_day() -> None:
    # SPEC §11: one cut a day per client; the client's booking is on another resource.
    cut = sc.Service("cut", minutes(60), max_per_client_per_day=1)
    hours = {day: [("09:00", "11:00")] for day in ("mon", "tue")}
    taken = sc.Booking(utc("2026-03-02T15:00"), utc("2026-03-02T16:00"), service="cut")
    query = sc.Query(utc("2026-01-01T00:00"), utc("2026-03-02T00:00"), utc("2026-03-04T00:00"), cut,
                     [sc.Resource("r1", weekly=hours)], client=sc.AskingClient("c1", [taken]))
    assert [s.time.start for s in sc.find_slots(query)] == [utc("2026-03-03T09:00"), utc("2026-03-03T10:00")]
    [refusal] = sc.explain(query, utc("2026-03-02T09:00"))
    assert [r.code for r in refusal.reasons] == [sc.ReasonCode.client_limit]
    assert query.client == sc.AskingClient("c1", [taken])
    query.client = None  # without the asking client the limit does not apply
    assert len(sc.find_slots(query)) == 4
    as_dict = {"now": "2026-01-01T00:00:00Z", "from": "2026-03-02T00:00:00Z", "to": "2026-03-04T00:00:00Z",
               "service": cut.to_dict(), "resources": [{"id": "r1", "timezone": "UTC", "weekly": {"mon": [["09:00", "11:00"]]}}],
               "client": {"id": "c1", "bookings": [{"start": "2026-03-02T15:00:00Z", "end": "2026-03-02T16:00:00Z",
                                                     "service": "cut"}]}}
    assert sc.find_slots(as_dict) == []
    assert cut.to_dict()["max_per_client_per_day"] == 1 and sc.Service.from_dict(cut.to_dict()) == cut


def test_an_assignment_orders_a_slots_free_resources() -> None:
    # SPEC §12: r1 has two bookings in the range, r2 one, r3 none (in the afternoon, out of the slot's way).
    def resource(rid: str, count: int) -> sc.Resource:
        later = [sc.Booking(utc(f"2026-03-02T{14 + 2 * k}:00"), utc(f"2026-03-02T{15 + 2 * k}:00"), service="x")
                 for k in range(count)]
        return sc.Resource(rid, weekly={"mon": [("09:00", "10:00")]}, bookings=later)

    query = sc.Query(utc("2026-01-01T00:00"), utc("2026-03-02T00:00"), utc("2026-03-03T00:00"),
                     sc.Service("s", minutes(60)), [resource("r1", 2), resource("r2", 1), resource("r3", 0)])
    order = lambda: [list(s.resources) for s in sc.find_slots(query)]  # noqa: E731
    assert query.assign == sc.Assignment() and order() == [["r3", "r2", "r1"]]
    query.assign = sc.Assignment("weighted", weights={"r1": 4})
    assert order() == [["r3", "r1", "r2"]]
    query.assign = sc.Assignment(sc.AssignStrategy.priority, priorities={"r1": 5})
    assert order() == [["r1", "r3", "r2"]]
    assert query.assign.priorities == {"r1": 5} and query.assign.strategy == sc.AssignStrategy.priority
    assert query.assign.to_dict() == {"strategy": "priority", "weights": {}, "priorities": {"r1": 5}}
    assert sc.Assignment.from_dict(query.assign.to_dict()) == query.assign
    query.assign = sc.Assignment("priority", priorities={"r9": 1})
    with pytest.raises(sc.InvalidArgument) as unknown:
        sc.find_slots(query)
    assert unknown.value.field == "assign.priorities"

def test_a_pool_needs_a_free_member_at_each_start_and_the_slot_lists_the_free_ones() -> None:
    # SPEC §10: Anna (Berlin, 09:00-12:00) needs the studio, which Boris has booked 09:00-10:00 UTC.
    anna = sc.Resource("anna", "Europe/Berlin", weekly={"mon": [("09:00", "12:00")]})
    studio = sc.Resource("studio", weekly={"mon": [("00:00", "24:00")]},
                         bookings=[sc.Booking(utc("2026-03-02T09:00"), utc("2026-03-02T10:00"), service="s")])
    query = sc.Query(utc("2026-01-01T00:00"), utc("2026-03-02T00:00"), utc("2026-03-03T00:00"),
                     sc.Service("s", minutes(60)), [anna], pools=(sc.Pool("room", [studio]),))
    slots = sc.find_slots(query)
    assert [s.start for s in slots] == [utc("2026-03-02T08:00"), utc("2026-03-02T10:00")]
    assert slots[0].pools == {"room": ["studio"]} and slots[0].to_dict()["pools"] == {"room": ["studio"]}
    assert sc.slots_to_dict(slots)["slots"][1]["pools"] == {"room": ["studio"]}
    [refusal] = sc.explain(query, utc("2026-03-02T09:00"))
    assert [r.code for r in refusal.reasons] == [sc.ReasonCode.pool_busy] and '"room"' in refusal.reasons[0].message
    assert [p.id for p in query.pools] == ["room"] and query.pools[0].resources[0].id == "studio"
    # Pools compare by value, as resources do: a query read back holds an equal pool, not the same object.
    assert query.pools[0] == sc.Pool("room", [studio]) and query.pools[0] is not query.pools[0]
    assert sc.Pool("room", [studio]) != sc.Pool("room", [anna]) and sc.Pool("room") != sc.Pool("desk")
    assert sc.Pool("room", [studio]) != "room"
    # The same query as a SPEC §8 dict; without pools the slots have none.
    as_dict = {"now": "2026-01-01T00:00:00Z", "from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z",
               "service": {"id": "s", "duration": 60},
               "resources": [{"id": "anna", "timezone": "Europe/Berlin", "weekly": {"mon": [["09:00", "12:00"]]}}],
               "pools": [{"id": "room", "resources": [{"id": "studio", "timezone": "UTC",
                                                       "weekly": {"mon": [["00:00", "24:00"]]},
                                                       "bookings": [{"start": "2026-03-02T09:00:00Z",
                                                                     "end": "2026-03-02T10:00:00Z",
                                                                     "service": "s"}]}]}]}
    assert sc.find_slots(as_dict) == slots
    query.pools = []
    assert len(sc.find_slots(query)) == 3 and sc.find_slots(query)[0].pools == {}
    assert "pools" not in sc.find_slots(query)[0].to_dict()
