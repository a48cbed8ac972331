"""The Scheduler from Python, on the in-memory store and on a SQLite file."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest

import slotcraft as sc
from conftest import MONDAY, NOW, build_salon, minutes, utc

BERLIN = ZoneInfo("Europe/Berlin")


def test_slots_are_located_and_listed_in_utc(salon: sc.Scheduler) -> None:
    free = salon.slots("cut", MONDAY, MONDAY + timedelta(days=1), now=NOW)
    # 09:00-13:00 and 14:00-18:00 Berlin (UTC+1), every 30 minutes.
    assert [s.start for s in free[:2]] == [utc("2027-03-01T08:00"), utc("2027-03-01T08:30")]
    assert len(free) == 16
    first = free[0]
    assert first.location == "salon"
    assert first.resources == ["anna", "boris"]
    assert first.seats_left == 1
    assert first.end - first.start == minutes(30)
    assert first.start.tzinfo is timezone.utc
    assert first.slot.time == sc.Interval(first.start, first.end)


def test_slots_json_is_the_slots_in_utc_and_on_the_first_resources_wall_clock_across_dst(
    salon: sc.Scheduler,
) -> None:
    """Berlin moves to summer time on 2027-03-28: the Friday before is UTC+1, the Monday after UTC+2."""
    friday, monday = utc("2027-03-26T00:00"), utc("2027-03-29T00:00")
    answer = json.loads(salon.slots_json("cut", friday, monday + timedelta(days=1), resources=["boris"], now=NOW))
    slots = answer["slots"]
    assert list(answer) == ["slots"]
    listed = salon.slots("cut", friday, monday + timedelta(days=1), resources=["boris"], now=NOW)
    assert [(s["start"], s["end"], s["resources"], s["seats_left"], s["location"]) for s in slots] == [
        (sc.format_instant(x.start), sc.format_instant(x.end), x.resources, x.seats_left, x.location) for x in listed]
    assert slots[0] == {"start": "2027-03-26T08:00:00Z", "end": "2027-03-26T08:30:00Z",
                        "local_start": "2027-03-26T09:00:00+01:00", "local_end": "2027-03-26T09:30:00+01:00",
                        "time_zone": "Europe/Berlin", "location": "salon", "resources": ["boris"], "seats_left": 1}
    after = [s for s in slots if s["start"] >= "2027-03-29"][0]
    assert (after["start"], after["local_start"]) == ("2027-03-29T07:00:00Z", "2027-03-29T09:00:00+02:00")
    for s in slots:  # the local time is the UTC one moved by its offset, whatever the day
        local = datetime.fromisoformat(s["local_start"])
        assert local == datetime.fromisoformat(s["start"].replace("Z", "+00:00"))
        assert local.utcoffset() == BERLIN.utcoffset(local.replace(tzinfo=None))


def test_slots_json_keeps_the_first_limit_slots(salon: sc.Scheduler) -> None:
    day = (MONDAY, MONDAY + timedelta(days=1))
    every = json.loads(salon.slots_json("cut", *day, now=NOW))["slots"]
    assert len(every) == 16 and every[0]["resources"] == ["anna", "boris"]
    assert json.loads(salon.slots_json("cut", *day, now=NOW, limit=3))["slots"] == every[:3]
    assert json.loads(salon.slots_json("cut", *day, now=NOW, limit=100))["slots"] == every


def test_slots_take_resources_location_seats_and_mode(salon: sc.Scheduler) -> None:
    day = (MONDAY, MONDAY + timedelta(days=1))
    only_boris = salon.slots("cut", *day, resources=["boris"], now=NOW)
    assert {tuple(s.resources) for s in only_boris} == {("boris",)}
    assert salon.slots("cut", *day, location="salon", mode=sc.Mode.all, now=NOW)[0].resources == ["anna", "boris"]
    assert salon.slots("yoga", *day, seats=3, mode="any", now=NOW)[0].seats_left == 3
    assert salon.slots("yoga", *day, seats=4, now=NOW) == []


def test_book_writes_a_confirmed_booking_and_refuses_the_same_time_with_reasons(salon: sc.Scheduler) -> None:
    start = utc("2027-03-01T08:00")
    booked = salon.book("anna", "cut", start, client="c1", actor="bot", now=NOW)
    assert booked.status == sc.BookingStatus.confirmed
    assert (booked.resource, booked.service, booked.location, booked.client) == ("anna", "cut", "salon", "c1")
    assert booked.start == start and booked.end == start + minutes(30)
    assert booked.buffer_after == minutes(10)
    assert booked.created_at == NOW
    assert salon.booking(booked.id) == booked

    with pytest.raises(sc.Conflict) as refused:
        salon.book("anna", "cut", start, now=NOW)
    assert refused.value.field == "start"
    assert [r.code for r in refused.value.reasons] == [sc.ReasonCode.busy]
    assert refused.value.reasons[0].booking == booked.id
    assert "09:00" in refused.value.reasons[0].message  # said in Berlin time
    # Right after it, only the booking's 10-minute buffer is in the way.
    reasons = salon.check("anna", "cut", utc("2027-03-01T08:30"), now=NOW)
    assert [r.code for r in reasons] == [sc.ReasonCode.buffer]


def test_a_stored_rotation_takes_turns_in_slots_check_and_book(salon: sc.Scheduler) -> None:
    # SPEC §9: Boris works Mondays 09:00-10:00 Berlin in the anchor's week (from Monday 2027-03-01), not the next.
    rotation = sc.Rotation(date(2027, 3, 3), [{"mon": [("09:00", "10:00")]}, {}])
    boris = salon.resource("boris")
    assert boris is not None
    boris.schedules = [sc.LocationSchedule("salon", rotation=rotation)]
    salon.put_resource(boris)
    stored = salon.resource("boris")
    assert stored is not None and stored.schedules[0].rotation == rotation and stored.schedules[0].weekly["mon"] == []

    def boris_starts(day: datetime) -> list[datetime]:
        return [s.start for s in salon.slots("cut", day, day + timedelta(days=1), resources=["boris"], now=NOW)]

    assert boris_starts(MONDAY) == [utc("2027-03-01T08:00"), utc("2027-03-01T08:30")]
    assert boris_starts(MONDAY + timedelta(days=7)) == []
    assert boris_starts(MONDAY + timedelta(days=14)) == [utc("2027-03-15T08:00"), utc("2027-03-15T08:30")]
    off_week = utc("2027-03-08T08:00")
    assert [r.code for r in salon.check("boris", "cut", off_week, now=NOW)] == [sc.ReasonCode.outside_hours]
    with pytest.raises(sc.Conflict):
        salon.book("boris", "cut", off_week, client="c1", now=NOW)
    assert salon.book("boris", "cut", utc("2027-03-15T08:00"), client="c1", now=NOW).location == "salon"


def test_a_limit_per_client_drops_a_clients_second_cut_that_day(salon: sc.Scheduler) -> None:
    salon.put_service(sc.ServiceRecord(sc.Service("cut", minutes(30), buffer_after=minutes(10),
                                                  max_per_client_per_day=1), name="Haircut"))
    salon.put_client(sc.Client("c2", name="Client Two"))
    salon.book("anna", "cut", utc("2027-03-01T08:00"), client="c1", now=NOW)
    day = (MONDAY, MONDAY + timedelta(days=1))
    assert salon.slots("cut", *day, client="c1", now=NOW) == []
    assert len(salon.slots("cut", *day, client="c2", now=NOW)) == len(salon.slots("cut", *day, now=NOW)) > 10
    later = utc("2027-03-01T10:00")
    assert [r.code for r in salon.check("boris", "cut", later, client="c1", now=NOW)] == [sc.ReasonCode.client_limit]
    with pytest.raises(sc.Conflict):
        salon.book("boris", "cut", later, client="c1", now=NOW)
    assert salon.book("boris", "cut", later, client="c2", now=NOW).client == "c2"
    with pytest.raises(sc.NotFound) as unknown:
        salon.slots("cut", *day, client="nobody", now=NOW)
    assert unknown.value.field == "client"


def test_a_services_assignment_orders_each_slots_masters_and_is_stored(salon: sc.Scheduler) -> None:
    salon.book("anna", "cut", utc("2027-03-01T08:00"), client="c1", now=NOW)
    day = (MONDAY, MONDAY + timedelta(days=1))

    def both_free() -> list[list[str]]:
        return [list(s.resources) for s in salon.slots("cut", *day, now=NOW) if len(s.resources) == 2]

    assert both_free() and all(order == ["boris", "anna"] for order in both_free())  # least_booked: 0 before 1
    # Any mapping will do for the priorities (SPEC §12).
    fair = sc.ServiceRecord(sc.Service("cut", minutes(30), buffer_after=minutes(10)), name="Haircut",
                            assign=sc.Assignment("priority", priorities=MappingProxyType({"anna": 1})))
    salon.put_service(fair)
    assert all(order == ["anna", "boris"] for order in both_free())
    stored = salon.service("cut")
    assert stored is not None and stored.assign == fair.assign
    assert stored.to_dict()["assign"] == {"strategy": "priority", "weights": {}, "priorities": {"anna": 1}}
    assert sc.ServiceRecord.from_dict(stored.to_dict()) == stored


def test_a_service_with_a_room_pool_books_the_master_and_the_room_and_cancels_them_together(
    salon: sc.Scheduler,
) -> None:
    """SPEC §10: one room, open 10:00-12:00 Berlin, shared by anna and boris."""
    room_hours = {day: [("10:00", "12:00")] for day in ("mon", "tue")}
    salon.put_resource(sc.ResourceRecord("room-1", "Europe/Berlin", name="Room 1",
                                         schedules=[sc.LocationSchedule("salon", weekly=room_hours)]))
    color = sc.ServiceRecord(sc.Service("color", minutes(60)), name="Colour", pools={"room": ["room-1"]})
    salon.put_service(color)
    salon.link("anna", "color")
    salon.link("boris", "color")
    stored = salon.service("color")
    assert stored is not None and stored.pools == {"room": ["room-1"]}
    assert stored.to_dict()["pools"] == [{"id": "room", "resources": ["room-1"]}]
    assert sc.ServiceRecord.from_dict(stored.to_dict()) == stored

    day = (MONDAY, MONDAY + timedelta(days=1))
    free = salon.slots("color", *day, now=NOW)
    assert [s.start for s in free] == [utc("2027-03-01T09:00"), utc("2027-03-01T10:00")]
    assert free[0].pools == {"room": ["room-1"]}
    assert json.loads(salon.slots_json("color", *day, now=NOW))["slots"][0]["pools"] == {"room": ["room-1"]}

    main = salon.book("anna", "color", free[0].start, client="c1", pool_members={"room": "room-1"}, now=NOW)
    room = salon.upcoming("room-1", MONDAY, days=1)
    assert [(b.group, b.pool, b.client, b.start) for b in room] == [(main.id, "room", "", main.start)]
    refused = salon.check("boris", "color", free[0].start, now=NOW)
    assert [r.code for r in refused] == [sc.ReasonCode.pool_busy]
    with pytest.raises(sc.Conflict):
        salon.book("boris", "color", free[0].start, now=NOW)
    salon.cancel(room[0].id, "no room", now=NOW)  # a room booking's id cancels its group
    got = salon.booking(main.id)
    assert got is not None and got.status == sc.BookingStatus.cancelled
    assert salon.book("boris", "color", free[0].start, now=NOW).resource == "boris"

    with pytest.raises(sc.InvalidArgument) as bad_pool:
        salon.book("anna", "color", free[1].start, pool_members={"desk": "room-1"}, now=NOW)
    assert bad_pool.value.field == "pool_members.desk"
    with pytest.raises(sc.InvalidArgument) as bad_member:
        salon.check("anna", "color", free[1].start, pool_members={"room": 7}, now=NOW)  # type: ignore[dict-item]
    assert bad_member.value.field == "pool_members.room"
    with pytest.raises(sc.InvalidArgument) as bad_pools:
        sc.ServiceRecord(sc.Service("color", minutes(60)), pools=["room-1"])  # type: ignore[arg-type]
    assert bad_pools.value.field == "pools"
    with pytest.raises(sc.NotFound) as ghost:
        salon.put_service(sc.ServiceRecord(sc.Service("color", minutes(60)), pools={"room": ["ghost"]}))
    assert ghost.value.field == "pools[0].resources[0]"
    with pytest.raises(sc.InvalidArgument) as master_as_room:  # anna could be booked as her own room
        salon.put_service(sc.ServiceRecord(sc.Service("color", minutes(60)), pools={"room": ["room-1", "anna"]}))
    assert master_as_room.value.field == "pools[0].resources[1]"
    with pytest.raises(sc.InvalidArgument) as room_as_master:
        salon.link("room-1", "color")
    assert room_as_master.value.field == "resource"
    assert salon.service("color") == stored
    assert salon.providers("color") == ["anna", "boris"]


def test_a_waiting_list_offers_a_freed_start_as_a_hold_once_and_the_next_waiter_gets_it_after_expiry(
    salon: sc.Scheduler,
) -> None:
    salon.put_client(sc.Client("c2", name="Client Two"))
    nine = utc("2027-03-01T08:00")
    taken = salon.book("anna", "cut", nine, client="c1", now=NOW)
    salon.book("boris", "cut", nine, now=NOW)
    first = salon.join_waitlist("c2", "cut", nine, nine + minutes(1), offer_ttl=minutes(15), now=NOW)
    second = salon.join_waitlist("c1", "cut", nine, nine + minutes(1), resource="anna", now=NOW + minutes(1))
    assert (first.status, first.offer_ttl, first.start, first.resource) == (
        sc.WaitlistStatus.waiting, minutes(15), nine, "")
    assert salon.process_waitlist(now=NOW) == []

    salon.cancel(taken.id, now=NOW)
    [offer] = salon.process_waitlist(now=NOW, actor="worker")
    assert (offer.entry.id, offer.hold.client, offer.hold.resource) == (first.id, "c2", "anna")
    assert offer.hold.status == sc.BookingStatus.held and offer.hold.expires == NOW + minutes(15)
    assert salon.process_waitlist(now=NOW) == []
    assert [o.entry.id for o in salon.due_waitlist_offers(now=NOW)] == [first.id]
    assert salon.mark_waitlist_notified(first.id) and not salon.mark_waitlist_notified(first.id)

    [passed] = salon.process_waitlist(now=NOW + minutes(16))
    assert passed.entry.id == second.id
    lapsed = salon.find_waitlist_entry(first.id)
    assert lapsed is not None and lapsed.status == sc.WaitlistStatus.lapsed
    left = salon.leave_waitlist(second.id, now=NOW + minutes(16))
    assert left.status == sc.WaitlistStatus.left
    assert salon.booking(passed.hold.id).status == sc.BookingStatus.cancelled  # type: ignore[union-attr]
    assert [e.id for e in salon.client_waitlist("c2")] == [first.id]
    assert salon.client_waitlist("c2")[0].to_dict()["status"] == "lapsed"

    with pytest.raises(sc.InvalidArgument) as backwards:
        salon.join_waitlist("c2", "cut", nine, nine - minutes(1), now=NOW)
    assert backwards.value.field == "end"
    with pytest.raises(sc.InvalidArgument) as no_ttl:
        salon.join_waitlist("c2", "cut", nine, nine + minutes(1), offer_ttl=minutes(0), now=NOW)
    assert no_ttl.value.field == "offer_ttl"
    with pytest.raises(sc.NotFound) as nobody:
        salon.join_waitlist("nobody", "cut", nine, nine + minutes(1), now=NOW)
    assert nobody.value.field == "client"
    with pytest.raises(sc.InvalidArgument) as seats:
        salon.join_waitlist("c2", "cut", nine, nine + minutes(1), seats="2", now=NOW)  # type: ignore[arg-type]
    assert seats.value.field == "seats"
    with pytest.raises(sc.NotFound):
        salon.leave_waitlist("wl_nope")


def test_check_lists_every_reason_and_nothing_for_a_free_start(salon: sc.Scheduler) -> None:
    assert salon.check("anna", "cut", utc("2027-03-01T08:00"), now=NOW) == []
    sunday_morning = utc("2027-02-28T11:00")  # before now, and a Sunday
    sunday = salon.check("anna", "cut", sunday_morning, now=NOW)
    assert [r.code for r in sunday] == [sc.ReasonCode.too_soon, sc.ReasonCode.outside_hours]
    lunch = salon.check("anna", "cut", utc("2027-03-01T12:00"), location="salon", client="c1", seats=1, now=NOW)
    assert [r.code for r in lunch] == [sc.ReasonCode.on_break]


def test_hold_blocks_until_confirmed_and_an_expired_hold_cannot_be_confirmed(salon: sc.Scheduler) -> None:
    start = utc("2027-03-01T09:00")
    held = salon.hold("anna", "cut", start, minutes(10), client="c1", now=NOW)
    assert held.status == sc.BookingStatus.held
    assert held.expires == NOW + minutes(10)
    assert held.hold_token
    assert [r.code for r in salon.check("anna", "cut", start, now=NOW)] == [sc.ReasonCode.busy]

    confirmed = salon.confirm(held.hold_token, now=NOW + minutes(5), actor="bot")
    assert confirmed.id == held.id
    assert confirmed.status == sc.BookingStatus.confirmed
    assert confirmed.expires is None

    late = salon.hold("boris", "cut", start, minutes(10), now=NOW)
    with pytest.raises(sc.Conflict) as expired:
        salon.confirm(late.hold_token, now=NOW + minutes(10))
    assert expired.value.field == "hold_token"
    with pytest.raises(sc.NotFound) as unknown:
        salon.confirm("no-such-token", now=NOW)
    assert unknown.value.field == "hold_token"


def test_cancel_releases_the_time_and_is_idempotent(salon: sc.Scheduler) -> None:
    start = utc("2027-03-01T10:00")
    booked = salon.book("anna", "cut", start, now=NOW)
    cancelled = salon.cancel(booked.id, "client asked", now=NOW, actor="desk")
    assert cancelled.status == sc.BookingStatus.cancelled
    assert cancelled.cancel_reason == "client asked"
    assert not cancelled.active_at(NOW)
    assert salon.cancel(booked.id, now=NOW + minutes(1)) == cancelled
    assert salon.check("anna", "cut", start, now=NOW) == []


def test_reschedule_moves_atomically_and_refuses_a_taken_time(salon: sc.Scheduler) -> None:
    first = salon.book("anna", "cut", utc("2027-03-01T08:00"), now=NOW)
    other = salon.book("anna", "cut", utc("2027-03-01T10:00"), now=NOW)
    # Its own old time and buffer do not block a move by 30 minutes.
    moved = salon.reschedule(first.id, utc("2027-03-01T08:30"), now=NOW, actor="desk")
    assert moved.id == first.id and moved.start == utc("2027-03-01T08:30")
    with pytest.raises(sc.Conflict) as refused:
        salon.reschedule(first.id, other.start, now=NOW)
    assert refused.value.field == "start"
    assert refused.value.reasons[0].code == sc.ReasonCode.busy
    kept = salon.booking(first.id)
    assert kept is not None and kept.start == utc("2027-03-01T08:30")  # unchanged by the refusal


def test_book_series_is_all_or_nothing_and_names_the_refused_request(salon: sc.Scheduler) -> None:
    weekly = [sc.BookingRequest("anna", "cut", utc("2027-03-01T08:00") + timedelta(days=7 * i), client="c1") for i in range(3)]
    series = salon.book_series(weekly, now=NOW)
    assert len(series) == 3 and len({b.series for b in series}) == 1 and series[0].series

    clash = [sc.BookingRequest("boris", "cut", utc("2027-03-02T08:00")), sc.BookingRequest("anna", "cut", weekly[1].start)]
    with pytest.raises(sc.Conflict) as refused:
        salon.book_series(clash, now=NOW)
    assert refused.value.field == "[1].start"
    assert salon.check("boris", "cut", utc("2027-03-02T08:00"), now=NOW) == []  # nothing was written


def test_book_many_commits_independent_requests_or_lists_each_refusal(salon: sc.Scheduler) -> None:
    first = sc.BookingRequest("anna", "cut", utc("2027-03-01T08:00"), client="c1")
    second = sc.BookingRequest("boris", "cut", utc("2027-03-01T08:00"))
    done = salon.book_many([first, second], now=NOW)
    assert [b.resource for b in done.booked] == ["anna", "boris"] and done.refused == []
    assert all(b.series == "" for b in done.booked)

    later = sc.BookingRequest("anna", "cut", utc("2027-03-01T09:00"))
    with pytest.raises(sc.Conflict) as refused:
        salon.book_many([later, first], now=NOW)
    assert refused.value.field == "requests[1].start"
    assert salon.check("anna", "cut", later.start, now=NOW) == []  # nothing was written

    ghost = sc.BookingRequest("ghost", "cut", later.start)
    each = salon.book_many([first, later, ghost], each_alone=True, now=NOW)
    assert [b.start for b in each.booked] == [later.start]
    assert [(r.index, r.field, r.category) for r in each.refused] == [
        (0, "requests[0].start", "conflict"),
        (2, "requests[2].resource", "not_found"),
    ]
    assert [r.code for r in each.refused[0].reasons] == [sc.ReasonCode.busy]


def test_idempotency_key_returns_the_first_booking_and_refuses_another_request(salon: sc.Scheduler) -> None:
    start = utc("2027-03-01T08:00")
    first = salon.book("anna", "cut", start, idempotency_key="msg-42", now=NOW)
    again = salon.book("anna", "cut", start, idempotency_key="msg-42", now=NOW)
    assert again == first
    with pytest.raises(sc.Conflict) as reused:
        salon.book("boris", "cut", start, idempotency_key="msg-42", now=NOW)
    assert reused.value.field == "idempotency_key"


def test_group_class_sells_seats(salon: sc.Scheduler) -> None:
    start = utc("2027-03-01T15:00")
    salon.book("anna", "yoga", start, seats=2, now=NOW)
    free = salon.slots("yoga", start, start + minutes(1), now=NOW)
    assert free[0].seats_left == 1
    with pytest.raises(sc.Conflict) as full:
        salon.book("anna", "yoga", start, seats=2, now=NOW)
    assert [r.code for r in full.value.reasons] == [sc.ReasonCode.no_seats]


def test_reminders_are_due_once_per_booking_and_offset(salon: sc.Scheduler) -> None:
    salon.save_settings(sc.Settings(reminder_offsets=[timedelta(days=1), timedelta(hours=2)]))
    assert salon.settings().reminder_offsets == [timedelta(days=1), timedelta(hours=2)]
    booked = salon.book("anna", "cut", utc("2027-03-01T08:00"), now=NOW)
    due = salon.due_reminders(now=utc("2027-03-01T06:00"))
    assert [(d.booking.id, d.offset) for d in due] == [(booked.id, timedelta(hours=2))]
    assert salon.mark_reminded(booked.id, timedelta(hours=2)) is True
    assert salon.mark_reminded(booked.id, timedelta(hours=2)) is False
    assert salon.due_reminders(now=utc("2027-03-01T06:00")) == []


def test_upcoming_and_client_bookings(salon: sc.Scheduler) -> None:
    a = salon.book("anna", "cut", utc("2027-03-01T08:00"), client="c1", now=NOW)
    b = salon.book("anna", "cut", utc("2027-03-02T08:00"), client="c1", now=NOW)
    assert [x.id for x in salon.upcoming("anna", MONDAY, 1)] == [a.id]
    assert [x.id for x in salon.upcoming("anna", MONDAY, 7)] == [a.id, b.id]
    assert salon.upcoming("boris", MONDAY, 7) == []
    salon.cancel(b.id, now=NOW)
    assert [x.id for x in salon.client_bookings("c1", now=NOW)] == [a.id]
    assert [x.id for x in salon.client_bookings("c1", active=False, now=NOW)] == [b.id]


def test_bookings_lists_every_status_in_a_period_by_start_narrowed_by_each_filter(salon: sc.Scheduler) -> None:
    late = salon.book("boris", "cut", utc("2027-03-01T09:00"), client="c1", now=NOW)
    early = salon.book("anna", "cut", utc("2027-03-01T08:00"), now=NOW)
    held = salon.hold("anna", "yoga", utc("2027-03-02T08:00"), minutes(10), client="c1", now=NOW)
    gone = salon.book("anna", "cut", utc("2027-03-03T08:00"), now=NOW)
    salon.cancel(gone.id, now=NOW)
    outside = salon.book("anna", "cut", utc("2027-03-08T08:00"), now=NOW)
    week = (MONDAY, MONDAY + timedelta(days=7))

    def ids(**filters: object) -> list[str]:
        return [b.id for b in salon.bookings(*week, **filters)]

    assert ids() == [early.id, late.id, held.id, gone.id]
    assert outside.id not in ids() and [b.id for b in salon.bookings(MONDAY, utc("2027-03-08T08:01"))][-1] == outside.id
    assert ids(resources=["boris"]) == [late.id]
    assert ids(client="c1") == [late.id, held.id]
    assert ids(service="yoga") == [held.id]
    assert ids(status="cancelled") == [gone.id]
    assert ids(status="held") == [held.id]
    assert ids(resources=["anna"], status="confirmed") == [early.id]


def test_clients_lists_every_client_by_id(salon: sc.Scheduler) -> None:
    assert [c.id for c in salon.clients()] == ["c1"]
    salon.put_client(sc.Client("a0", name="Аня", identities=[sc.Identity("vk", "id1"), sc.Identity("telegram", "7")]))
    found = salon.clients()
    assert [c.id for c in found] == ["a0", "c1"]
    assert found[0] == salon.client("a0") and found[0].name == "Аня"


def test_catalog_reads_return_what_was_written_and_none_for_unknown_or_empty_ids(salon: sc.Scheduler) -> None:
    anna = salon.resource("anna")
    assert anna is not None
    assert anna.time_zone == "Europe/Berlin" and anna.name == "Anna"
    assert anna.schedules[0].weekly["mon"] == [sc.LocalRange("09:00", "18:00")]
    assert anna.schedules[0].weekly["sat"] == []
    cut = salon.service("cut")
    assert cut is not None and cut.name == "Haircut" and cut.rules.buffer_after == minutes(10)
    yoga, client = salon.service("yoga"), salon.client("c1")
    assert yoga is not None and yoga.rules.capacity == 3 and yoga.locations == []  # a Service: offered everywhere
    assert client is not None and client.identities == [sc.Identity(sc.Messenger.telegram, "tg-1")]
    assert salon.providers("cut") == ["anna", "boris"]
    assert salon.providers("yoga") == ["anna"]
    for lookup in (salon.resource, salon.service, salon.client, salon.booking):
        assert lookup("ghost") is None
        assert lookup("") is None


def test_locations_and_services_of_read_the_catalog_and_unlink_stops_offering_a_service(salon: sc.Scheduler) -> None:
    assert salon.locations() == [sc.Location("salon", name="Salon")]
    assert salon.location("salon") == sc.Location("salon", name="Salon")
    assert salon.location("ghost") is None
    assert salon.services_of("anna") == ["cut", "yoga"]
    kept = salon.book("anna", "cut", utc("2027-03-01T08:00"), now=NOW)

    salon.unlink("anna", "cut", actor="owner")
    assert salon.services_of("anna") == ["yoga"]
    assert salon.providers("cut") == ["boris"]
    free = salon.slots("cut", MONDAY, MONDAY + timedelta(days=1), now=NOW)
    assert {tuple(s.resources) for s in free} == {("boris",)}
    assert salon.booking(kept.id).status == sc.BookingStatus.confirmed
    salon.unlink("anna", "cut")  # not linked any more: nothing happens
    assert salon.services_of("anna") == ["yoga"]


def test_client_for_finds_or_creates_one_client_per_identity(salon: sc.Scheduler) -> None:
    known = salon.client_for(sc.Identity("telegram", "tg-1"), "ignored")
    assert known.id == "c1"
    fresh = salon.client_for(sc.Identity(sc.Messenger.whatsapp, "+49 30 1234"), "Neu", actor="bot")
    assert fresh.id.startswith("cl_") and fresh.name == "Neu"
    assert salon.client_for(sc.Identity("whatsapp", "+49 30 1234")) == fresh
    with pytest.raises(sc.Conflict) as taken:
        salon.put_client(sc.Client("c2", identities=[sc.Identity("telegram", "tg-1")]))
    assert taken.value.field == "identities[0]"


def test_settings_default_step_and_global_breaks_apply_to_every_resource(salon: sc.Scheduler) -> None:
    salon.save_settings(sc.Settings(global_breaks=[("11:00", "12:00")], default_step=minutes(60)))
    got = salon.settings()
    assert got.default_step == minutes(60) and got.global_breaks == [sc.LocalRange("11:00", "12:00")]
    starts = [s.start.astimezone(BERLIN).strftime("%H:%M") for s in salon.slots("cut", MONDAY, MONDAY + timedelta(days=1), now=NOW)]
    assert starts == ["09:00", "10:00", "12:00", "14:00", "15:00", "16:00", "17:00"]


def test_audit_log_records_every_mutation_with_actor_and_json(salon: sc.Scheduler) -> None:
    booked = salon.book("anna", "cut", utc("2027-03-01T08:00"), actor="bot", now=NOW)
    entries = salon.audit()
    assert [e.sequence for e in entries] == sorted(e.sequence for e in entries)
    last = entries[-1]
    assert (last.action, last.subject, last.actor, last.at) == ("book", booked.id, "bot", NOW)
    assert last.before == "" and json.loads(last.after)["start"] == "2027-03-01T08:00:00Z"
    assert salon.audit(after=last.sequence) == []
    assert len(salon.audit(after=0, limit=2)) == 2
    assert {"put_location", "put_resource", "put_service", "link", "put_client"} <= {e.action for e in entries}


def test_a_second_scheduler_on_the_same_store_sees_the_bookings(salon: sc.Scheduler) -> None:
    booked = salon.book("anna", "cut", utc("2027-03-01T08:00"), now=NOW)
    other = sc.Scheduler(salon.store)
    assert other.booking(booked.id) == booked
    assert other.store.target == salon.store.target


def test_sqlite_file_keeps_bookings_across_opens(tmp_path: Path) -> None:
    path = tmp_path / "keep.sqlite"
    booked = build_salon(str(path)).book("anna", "cut", utc("2027-03-01T08:00"), now=NOW)
    reopened = sc.Scheduler(path)  # an os.PathLike
    assert reopened.booking(booked.id) == booked
    tuned = sc.Scheduler(sc.open_sqlite_store(path, busy_timeout=timedelta(seconds=5), synchronous="normal", max_idle_connections=2))
    assert tuned.booking(booked.id) == booked


def test_open_store_names_each_kind_of_store(tmp_path: Path) -> None:
    assert sc.open_store("memory:").target == "memory:"
    assert sc.open_memory_store().target == "memory:"
    assert sc.open_store(tmp_path / "x.sqlite").target == str(tmp_path / "x.sqlite")
    assert (tmp_path / "x.sqlite").exists()
    assert sc.open_store(":memory:").target == ":memory:"
    assert isinstance(sc.sqlite_schema_version(), int) and sc.sqlite_schema_version() >= 1


def test_memory_stores_are_separate() -> None:
    a = build_salon("memory:")
    b = sc.Scheduler("memory:")
    assert a.resource("anna") is not None
    assert b.resource("anna") is None


@pytest.mark.skipif(sc.postgres_store_available(), reason="this build has the PostgreSQL store")
def test_postgres_uri_without_the_postgres_store_is_invalid_argument_on_db() -> None:
    assert sc.postgres_store_available() is False
    for open_it in (sc.open_store, sc.Scheduler):
        with pytest.raises(sc.InvalidArgument) as refused:
            open_it("postgresql://localhost/slotcraft")
        assert refused.value.field == "db"
        assert "PostgreSQL" in refused.value.message
    with pytest.raises(sc.InvalidArgument):
        sc.open_store("postgres://localhost/slotcraft")


def test_a_file_that_is_not_a_slotcraft_database_is_a_storage_error(tmp_path: Path) -> None:
    import sqlite3

    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    db.close()
    with pytest.raises(sc.StorageError) as refused:
        sc.Scheduler(str(foreign))
    assert refused.value.category == "storage"
    with pytest.raises(sc.StorageError):
        sc.open_sqlite_store(tmp_path)  # a directory


def test_now_defaults_to_the_wall_clock(memory_salon: sc.Scheduler) -> None:
    far = datetime.now(timezone.utc) + timedelta(days=400)
    monday = far + timedelta(days=(7 - far.weekday()) % 7)
    start = monday.replace(hour=8, minute=0, second=0, microsecond=0)
    booked = memory_salon.book("anna", "cut", start)
    age = datetime.now(timezone.utc) - booked.created_at
    assert timedelta(0) <= age < timedelta(minutes=1)
    assert booked.created_at.microsecond == 0


def test_bookings_made_in_local_time_are_stored_as_the_same_instant(salon: sc.Scheduler) -> None:
    local = datetime(2027, 3, 1, 9, 0, tzinfo=BERLIN)
    booked = salon.book("anna", "cut", local, now=NOW)
    assert booked.start == local
    assert booked.start == utc("2027-03-01T08:00")
    assert booked.start.tzinfo is timezone.utc
    assert salon.upcoming("anna", datetime(2027, 3, 1, tzinfo=BERLIN), 1)[0].id == booked.id
    assert date(2027, 3, 1) == sc.Zone("Europe/Berlin").date_of(booked.start)
