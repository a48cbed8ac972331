"""Bad input at every entry point: the exception class and the field it names.

Each row: an id, a call that must fail (given the salon scheduler), the
exception class, the field. A naive datetime, a wrong type, an unknown zone,
a negative or fractional duration, an empty id, ... all name what was wrong.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, Callable

import pytest

import slotcraft as sc
from conftest import NOW, minutes, utc

NAIVE = datetime(2027, 3, 1, 9, 0)
T = utc("2027-03-01T08:00")
RULES = sc.Schedule("UTC", weekly={"mon": [("09:00", "10:00")]})
QUERY = {
    "now": "2026-03-01T08:00:00Z", "from": "2026-03-02T00:00:00Z", "to": "2026-03-03T00:00:00Z",
    "service": {"id": "s", "duration": 30},
    "resources": [{"id": "r", "timezone": "UTC", "weekly": {"mon": [["09:00", "10:00"]]}}],
}


class OffsetNotADelta(datetime):
    """A datetime whose utcoffset() answers something else: its fields were once read as a timedelta's."""

    def utcoffset(self) -> Any:  # type: ignore[override]
        return "not a timedelta"


class OffsetOfAges(datetime):
    def utcoffset(self) -> timedelta:  # type: ignore[override]
        return timedelta(days=999999999)


class ThreeDaysAhead(tzinfo):
    """A tzinfo of an offset datetime itself refuses (a day or more): datetime.utcoffset() raises ValueError."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(days=3)


class NoSuchZone(tzinfo):
    def utcoffset(self, dt: datetime | None) -> timedelta:
        raise KeyError("Mars/Olympus")


AT_9 = datetime(2027, 3, 1, 9, tzinfo=timezone.utc)
BEFORE_YEAR_1 = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))  # 0000-12-31T10:00:00Z


def query(**changes: Any) -> dict[str, Any]:
    out = dict(QUERY)
    out.update(changes)
    return out


def cut(**changes: Any) -> sc.Service:
    s = sc.Service("cut", minutes(30))
    for name, value in changes.items():
        setattr(s, name, value)
    return s


def holding_itself(data: dict[str, Any], member: str = "x") -> dict[str, Any]:
    """A copy of `data` whose `member` is the dict itself: JSON-like data nested without end."""
    out = dict(data)
    out[member] = out
    return out


def nested_lists(depth: int) -> list[Any]:
    """`[[[...]]]`, `depth` lists deep."""
    outer: list[Any] = []
    inner = outer
    for _ in range(depth):
        inner.append([])
        inner = inner[0]
    return outer


def engine_query() -> sc.Query:
    return sc.Query.from_dict(QUERY)


def set_attr(obj: Any, name: str, value: Any) -> None:
    setattr(obj, name, value)


Case = tuple[str, Callable[[sc.Scheduler], Any], type, str]

CASES: list[Case] = [
    # ---- time ----
    ("parse_instant: not text", lambda s: sc.parse_instant(20260301), sc.InvalidArgument, "text"),
    ("parse_instant: no offset", lambda s: sc.parse_instant("2026-03-01T10:00"), sc.InvalidArgument, "text"),
    ("parse_instant: the year 10000 in UTC", lambda s: sc.parse_instant("9999-12-31T23:00:00-05:00"), sc.InvalidArgument, "text"),
    ("format_instant: naive", lambda s: sc.format_instant(NAIVE), sc.InvalidArgument, "t"),
    ("format_instant: a date", lambda s: sc.format_instant(date(2026, 3, 1)), sc.InvalidArgument, "t"),
    ("format_instant: text", lambda s: sc.format_instant("2026-03-01T10:00:00Z"), sc.InvalidArgument, "t"),
    ("Interval: naive start", lambda s: sc.Interval(NAIVE, T), sc.InvalidArgument, "start"),
    ("Interval: number end", lambda s: sc.Interval(T, 5), sc.InvalidArgument, "end"),
    ("Interval.contains: naive", lambda s: sc.Interval(T, T).contains(NAIVE), sc.InvalidArgument, "t"),
    ("Interval.covers: not a span", lambda s: sc.Interval(T, T).covers(T), sc.InvalidArgument, "inner"),
    ("Interval.overlaps: naive pair", lambda s: sc.Interval(T, T).overlaps((T, NAIVE)), sc.InvalidArgument, "other.end"),
    ("IntervalSet: naive part", lambda s: sc.IntervalSet([(NAIVE, T)]), sc.InvalidArgument, "parts[0].start"),
    ("IntervalSet: not a list", lambda s: sc.IntervalSet(sc.Interval(T, T)), sc.InvalidArgument, "parts"),
    ("IntervalSet.part_containing: naive", lambda s: sc.IntervalSet().part_containing(NAIVE), sc.InvalidArgument, "t"),
    ("IntervalSet.covers: number", lambda s: sc.IntervalSet().covers(1), sc.InvalidArgument, "piece"),
    ("IntervalSet.overlaps: number", lambda s: sc.IntervalSet().overlaps(1), sc.InvalidArgument, "piece"),
    ("IntervalSet.clipped_to: number", lambda s: sc.IntervalSet().clipped_to(1), sc.InvalidArgument, "window"),
    ("IntervalSet | list", lambda s: sc.IntervalSet() | [], sc.InvalidArgument, "other"),
    ("LocalRange: 25:00", lambda s: sc.LocalRange("25:00", "26:00"), sc.InvalidArgument, "start"),
    ("LocalRange: 9:00", lambda s: sc.LocalRange("09:00", "9:30"), sc.InvalidArgument, "end"),
    ("LocalRange: seconds", lambda s: sc.LocalRange(time(9, 0, 30), "10:00"), sc.InvalidArgument, "start"),
    ("LocalRange: aware time", lambda s: sc.LocalRange(time(9, tzinfo=timezone.utc), "10:00"), sc.InvalidArgument, "start"),
    ("LocalRange: int", lambda s: sc.LocalRange(9, 10), sc.InvalidArgument, "start"),
    ("Zone: unknown", lambda s: sc.Zone("Mars/Olympus_Mons"), sc.InvalidArgument, "name"),
    ("Zone: fixed offset", lambda s: sc.Zone(timezone.utc), sc.InvalidArgument, "name"),
    ("Zone.to_utc: datetime as day", lambda s: sc.Zone("UTC").to_utc(T, "09:00"), sc.InvalidArgument, "day"),
    ("Zone.to_utc: int time", lambda s: sc.Zone("UTC").to_utc(date(2026, 3, 1), 9), sc.InvalidArgument, "at"),
    ("Zone.instants_at: text day", lambda s: sc.Zone("UTC").instants_at("2026-03-01", "09:00"), sc.InvalidArgument, "day"),
    ("Zone.date_of: naive", lambda s: sc.Zone("UTC").date_of(NAIVE), sc.InvalidArgument, "t"),
    ("Zone.date_of: the year 0 in New York", lambda s: sc.Zone("America/New_York").date_of(datetime(1, 1, 1, tzinfo=timezone.utc)), sc.InvalidArgument, "t"),
    ("Zone.to_utc: the year 10000 in UTC", lambda s: sc.Zone("Etc/GMT+12").to_utc(date(9999, 12, 31), "23:30"), sc.InvalidArgument, "day"),
    ("Zone.instants_at: the year 0 in UTC", lambda s: sc.Zone("Etc/GMT-14").instants_at(date(1, 1, 1), "00:30"), sc.InvalidArgument, "day"),
    # ---- engine objects ----
    ("Service: int duration", lambda s: sc.Service("cut", 30), sc.InvalidArgument, "duration"),
    ("Service: 90 seconds", lambda s: sc.Service("cut", timedelta(seconds=90)), sc.InvalidArgument, "duration"),
    ("Service: id not text", lambda s: sc.Service(None, minutes(30)), sc.InvalidArgument, "id"),
    ("Service: unknown align", lambda s: sc.Service("cut", minutes(30), align="diagonal"), sc.InvalidArgument, "align"),
    ("Service: capacity text", lambda s: sc.Service("cut", minutes(30), capacity="3"), sc.InvalidArgument, "capacity"),
    ("Service: capacity bool", lambda s: sc.Service("cut", minutes(30), capacity=True), sc.InvalidArgument, "capacity"),
    ("Service: float step", lambda s: sc.Service("cut", minutes(30), step=15.0), sc.InvalidArgument, "step"),
    ("Service: huge max_per_day", lambda s: sc.Service("cut", minutes(30), max_per_day=2**40), sc.InvalidArgument, "max_per_day"),
    ("Service.validate: negative duration", lambda s: cut(duration=minutes(-5)).validate(), sc.InvalidArgument, "duration"),
    ("Service.validate: negative buffer", lambda s: cut(buffer_after=minutes(-1)).validate(), sc.InvalidArgument, "buffer_after"),
    ("Service: timedelta.max", lambda s: sc.Service("cut", timedelta.max), sc.InvalidArgument, "duration"),
    ("Service.validate: a million years", lambda s: sc.Service("cut", timedelta(days=999_999_999)).validate(), sc.InvalidArgument, "duration"),
    ("Service.validate: zero step", lambda s: cut(step=timedelta(0)).validate(), sc.InvalidArgument, "step"),
    ("Service.validate: capacity 0", lambda s: cut(capacity=0).validate(), sc.InvalidArgument, "capacity"),
    ("Service.min_notice = int", lambda s: set_attr(cut(), "min_notice", 60), sc.InvalidArgument, "min_notice"),
    ("Service.from_dict: text duration", lambda s: sc.Service.from_dict({"duration": "30"}), sc.InvalidArgument, "service.duration"),
    ("Booking: naive start", lambda s: sc.Booking(NAIVE, T), sc.InvalidArgument, "start"),
    ("Booking: unknown status", lambda s: sc.Booking(T, T, status="maybe"), sc.InvalidArgument, "status"),
    ("Booking: naive expires", lambda s: sc.Booking(T, T, expires=NAIVE), sc.InvalidArgument, "expires"),
    ("Booking: float seats", lambda s: sc.Booking(T, T, seats=1.5), sc.InvalidArgument, "seats"),
    ("Booking.active_at: naive", lambda s: sc.Booking(T, T).active_at(NAIVE), sc.InvalidArgument, "now"),
    ("Schedule: unknown zone", lambda s: sc.Schedule("Nowhere/City"), sc.InvalidArgument, "time_zone"),
    ("Schedule: unknown weekday", lambda s: sc.Schedule(weekly={"monday": []}), sc.InvalidArgument, "weekly.monday"),
    ("Schedule: one-time range", lambda s: sc.Schedule(weekly={"mon": [("09:00",)]}), sc.InvalidArgument, "weekly.mon[0]"),
    ("Schedule: bad time in range", lambda s: sc.Schedule(weekly={"mon": [("09:00", "9")]}), sc.InvalidArgument, "weekly.mon[0][1]"),
    ("Schedule: weekly as list", lambda s: sc.Schedule(weekly=[]), sc.InvalidArgument, "weekly"),
    ("Schedule: override key text", lambda s: sc.Schedule(overrides={"2026-03-04": []}), sc.InvalidArgument, "overrides"),
    ("Schedule: override bad range", lambda s: sc.Schedule(overrides={date(2026, 3, 4): [1]}), sc.InvalidArgument, "overrides.2026-03-04[0]"),
    ("Schedule: breaks as text", lambda s: sc.Schedule(breaks="09:00-10:00"), sc.InvalidArgument, "breaks"),
    ("Schedule: naive time off", lambda s: sc.Schedule(time_off=[(T, NAIVE)]), sc.InvalidArgument, "time_off[0].end"),
    ("Schedule.hours_on: datetime", lambda s: RULES.hours_on(T), sc.InvalidArgument, "day"),
    ("Resource: id not text", lambda s: sc.Resource(5), sc.InvalidArgument, "id"),
    ("Resource: not a booking", lambda s: sc.Resource("r", bookings=[{"start": T}]), sc.InvalidArgument, "bookings[0]"),
    ("Resource.rules = dict", lambda s: set_attr(sc.Resource("r"), "rules", {}), sc.InvalidArgument, "rules"),
    ("Query: naive now", lambda s: sc.Query(NAIVE, T, T, cut(), []), sc.InvalidArgument, "now"),
    ("Query: naive start, named as SPEC names it", lambda s: sc.Query(T, NAIVE, T, cut(), []), sc.InvalidArgument, "from"),
    ("Query: text end, named as SPEC names it", lambda s: sc.Query(T, T, "2027-03-02T00:00:00Z", cut(), []), sc.InvalidArgument, "to"),
    ("Query.end = naive", lambda s: set_attr(engine_query(), "end", NAIVE), sc.InvalidArgument, "to"),
    ("Query: service as dict", lambda s: sc.Query(T, T, T, {"id": "cut"}, []), sc.InvalidArgument, "service"),
    ("Query: unknown mode", lambda s: sc.Query(T, T, T, cut(), [], mode="most"), sc.InvalidArgument, "mode"),
    ("Query: text seats", lambda s: sc.Query(T, T, T, cut(), [], seats="1"), sc.InvalidArgument, "seats"),
    ("Query.validate: no resources", lambda s: sc.Query(T, T, T + minutes(1), cut(), []).validate(), sc.InvalidArgument, "resources"),
    ("Query.validate: empty range", lambda s: sc.Query(T, T, T, cut(), [sc.Resource("r")]).validate(), sc.InvalidArgument, "to"),
    ("Query.from_dict: a member given twice", lambda s: sc.Query.from_dict('{"service": {"id": "s", "duration": -5, "duration": 30}}'), sc.InvalidArgument, "service.duration"),
    ("find_slots: a weekday given twice", lambda s: sc.find_slots('{"resources": [{"weekly": {"mon": [["09:00", "10:00"]], "mon": []}}]}'), sc.InvalidArgument, "resources[0].weekly.mon"),
    ("ResourceRecord.from_dict: an id given twice", lambda s: sc.ResourceRecord.from_dict('{"id": "anna", "id": "bob", "timezone": "UTC"}'), sc.InvalidArgument, "id"),
    ("Query.from_dict: missing now", lambda s: sc.Query.from_dict({k: v for k, v in QUERY.items() if k != "now"}), sc.InvalidArgument, "now"),
    ("Query.from_dict: not a dict", lambda s: sc.Query.from_dict([QUERY]), sc.InvalidArgument, "query"),
    ("Query.from_dict: bytes value", lambda s: sc.Query.from_dict(query(mode=b"any")), sc.InvalidArgument, "mode"),
    ("Query.from_dict: int keys", lambda s: sc.Query.from_dict(query(service={1: 2})), sc.InvalidArgument, "service"),
    ("Query.from_json: not JSON", lambda s: sc.Query.from_json("{not json"), sc.InvalidArgument, "query"),
    ("Query.from_json: JSON, a NUL and more text", lambda s: sc.Query.from_json(json.dumps(QUERY) + "\x00{{{"), sc.InvalidArgument, "query"),
    ("find_slots: JSON, a NUL and more text", lambda s: sc.find_slots(json.dumps(QUERY) + "\x00garbage"), sc.InvalidArgument, "query"),
    ("Query.from_json: not text", lambda s: sc.Query.from_json(QUERY), sc.InvalidArgument, "text"),
    ("find_slots: a list", lambda s: sc.find_slots([QUERY]), sc.InvalidArgument, "query"),
    ("find_slots: a slot would end in the year 10000", lambda s: sc.find_slots(query(**{"from": "9999-12-31T23:00:00Z", "to": "9999-12-31T23:59:59Z"})), sc.InvalidArgument, "to"),
    ("find_slots: a dict that holds itself", lambda s: sc.find_slots(holding_itself(QUERY)), sc.InvalidArgument, "x"),
    ("find_slots: 50,000 nested lists in a member it ignores", lambda s: sc.find_slots(query(note=nested_lists(50_000))), sc.InvalidArgument, "note"),
    ("explain: a dict that holds itself", lambda s: sc.explain(holding_itself(QUERY), utc("2026-03-02T09:00")), sc.InvalidArgument, "x"),
    ("Query.from_dict: a service that holds itself", lambda s: sc.Query.from_dict(query(service=holding_itself({"id": "s", "duration": 30}))), sc.InvalidArgument, "service"),
    ("Service.from_dict: holds itself", lambda s: sc.Service.from_dict(holding_itself({"id": "s", "duration": 30})), sc.InvalidArgument, "service"),
    ("ResourceRecord.from_dict: a name that holds it", lambda s: sc.ResourceRecord.from_dict(holding_itself({"id": "a", "timezone": "UTC"}, "name")), sc.InvalidArgument, "resource"),
    ("find_slots: weekly and rotation", lambda s: sc.find_slots(query(resources=[{"id": "r", "timezone": "UTC", "weekly": {}, "rotation": {"anchor": "2026-03-02", "weeks": [{}]}}])), sc.InvalidArgument, "resources[0].rotation"),
    ("find_slots: rotation of 53 weeks", lambda s: sc.find_slots(query(resources=[{"id": "r", "timezone": "UTC", "rotation": {"anchor": "2026-03-02", "weeks": [{}] * 53}}])), sc.InvalidArgument, "resources[0].rotation"),
    ("find_slots: rotation anchor", lambda s: sc.find_slots(query(resources=[{"id": "r", "timezone": "UTC", "rotation": {"anchor": "soon", "weeks": [{}]}}])), sc.InvalidArgument, "resources[0].rotation.anchor"),
    ("Service: negative limit per client", lambda s: sc.Service("x", minutes(30), max_per_client_per_week=-1).validate(), sc.InvalidArgument, "max_per_client_per_week"),
    ("Service: text seats per client", lambda s: sc.Service("x", minutes(30), max_seats_per_client="2"), sc.InvalidArgument, "max_seats_per_client"),
    ("AskingClient: not a booking", lambda s: sc.AskingClient("c1", [{"start": T}]), sc.InvalidArgument, "bookings[0]"),
    ("Query: client as dict", lambda s: sc.Query(T, T, T, cut(), [], client={"id": "c1"}), sc.InvalidArgument, "client"),
    ("find_slots: client with no id", lambda s: sc.find_slots(query(client={"id": "", "bookings": []})), sc.InvalidArgument, "client.id"),
    ("find_slots: client booking ends first", lambda s: sc.find_slots(query(client={"id": "c1", "bookings": [{"start": "2026-03-02T10:00:00Z", "end": "2026-03-02T09:00:00Z"}]})), sc.InvalidArgument, "client.bookings[0].end"),
    ("find_slots: negative seats per client", lambda s: sc.find_slots(query(service={"id": "cut", "duration": 30, "max_seats_per_client": -1})), sc.InvalidArgument, "service.max_seats_per_client"),
    ("Assignment: unknown strategy", lambda s: sc.Assignment("round_robin"), sc.InvalidArgument, "strategy"),
    ("Assignment.from_dict: misspelt weights", lambda s: sc.Assignment.from_dict({"strategy": "weighted", "wieghts": {"anna": 5}}), sc.InvalidArgument, "assign.wieghts"),
    ("Assignment.from_dict: unknown strategy", lambda s: sc.Assignment.from_dict({"strategy": "fair"}), sc.InvalidArgument, "assign.strategy"),
    ("Rotation.from_dict: bad anchor", lambda s: sc.Rotation.from_dict({"anchor": "soon", "weeks": [{}]}), sc.InvalidArgument, "rotation.anchor"),
    ("Rotation.from_dict: no weeks", lambda s: sc.Rotation.from_dict({"anchor": "2026-03-02", "weeks": []}), sc.InvalidArgument, "rotation"),
    ("Assignment: weights as list", lambda s: sc.Assignment("weighted", weights=[1]), sc.InvalidArgument, "weights"),
    ("Assignment: text priority", lambda s: sc.Assignment("priority", priorities={"r": "1"}), sc.InvalidArgument, "priorities"),
    ("Query: assign as dict", lambda s: sc.Query(T, T, T, cut(), [], assign={"strategy": "weighted"}), sc.InvalidArgument, "assign"),
    ("find_slots: negative weight", lambda s: sc.find_slots(query(assign={"strategy": "weighted", "weights": {"r": -1}})), sc.InvalidArgument, "assign.weights"),
    ("find_slots: unknown strategy", lambda s: sc.find_slots(query(assign={"strategy": "fair"})), sc.InvalidArgument, "assign.strategy"),
    ("Pool: not resources", lambda s: sc.Pool("room", ["r1"]), sc.InvalidArgument, "resources[0]"),
    ("Query: pools as dict", lambda s: sc.Query(T, T, T, cut(), [], pools={"room": []}), sc.InvalidArgument, "pools"),
    ("find_slots: pool without id", lambda s: sc.find_slots(query(pools=[{"resources": []}])), sc.InvalidArgument, "pools[0].id"),
    ("find_slots: pool member zone", lambda s: sc.find_slots(query(pools=[{"id": "room", "resources": [{"id": "r", "timezone": "X/Y", "weekly": {}}]}])), sc.InvalidArgument, "pools[0].resources[0].timezone"),
    ("find_slots: to before from", lambda s: sc.find_slots(query(to="2026-03-01T00:00:00Z")), sc.InvalidArgument, "to"),
    ("find_slots: over 366 days", lambda s: sc.find_slots(query(to="2027-03-04T00:00:00Z")), sc.InvalidArgument, "to"),
    ("find_slots: unknown zone", lambda s: sc.find_slots(query(resources=[{"id": "r", "timezone": "X/Y", "weekly": {}}])), sc.InvalidArgument, "resources[0].timezone"),
    ("find_slots: negative buffer", lambda s: sc.find_slots(query(service={"duration": 30, "buffer_after": -5})), sc.InvalidArgument, "service.buffer_after"),
    ("explain: naive start", lambda s: sc.explain(QUERY, NAIVE), sc.InvalidArgument, "start"),
    ("explain: bad query", lambda s: sc.explain(5, T), sc.InvalidArgument, "query"),
    ("slots_to_dict: not slots", lambda s: sc.slots_to_dict([1]), sc.InvalidArgument, "slots[0]"),
    ("open_time: not a schedule", lambda s: sc.open_time(5, T, T), sc.InvalidArgument, "schedule"),
    ("open_time: naive start", lambda s: sc.open_time(RULES, NAIVE, T), sc.InvalidArgument, "start"),
    ("open_time: end before start", lambda s: sc.open_time(RULES, T, T - minutes(1)), sc.InvalidArgument, "end"),
    # ---- catalog records ----
    ("Location: id not text", lambda s: sc.Location(5), sc.InvalidArgument, "id"),
    ("Location.from_dict: no id", lambda s: sc.Location.from_dict({"name": "x"}), sc.InvalidArgument, "location.id"),
    ("LocationSchedule: weekly list", lambda s: sc.LocationSchedule("salon", weekly=[]), sc.InvalidArgument, "weekly"),
    ("LocationSchedule: rotation as dict", lambda s: sc.LocationSchedule("salon", rotation={"anchor": "2026-03-02", "weeks": [{}]}), sc.InvalidArgument, "rotation"),
    ("LocationSchedule.from_dict: weekly and rotation", lambda s: sc.LocationSchedule.from_dict({"location": "x", "weekly": {}, "rotation": {"anchor": "2026-03-02", "weeks": [{}]}}), sc.InvalidArgument, "schedule.rotation"),
    ("Rotation: anchor as text", lambda s: sc.Rotation("2026-03-02", [{}]), sc.InvalidArgument, "anchor"),
    ("Rotation: weeks not a list", lambda s: sc.Rotation(date(2026, 3, 2), {"mon": []}), sc.InvalidArgument, "weeks"),
    ("Rotation: unknown weekday", lambda s: sc.Rotation(date(2026, 3, 2), [{}, {"moon": []}]), sc.InvalidArgument, "weeks[1].moon"),
    ("Rotation.validate: no weeks", lambda s: sc.Rotation(date(2026, 3, 2), []).validate(), sc.InvalidArgument, "rotation"),
    ("Rotation.week_of: datetime", lambda s: sc.Rotation(date(2026, 3, 2), [{}]).week_of(T), sc.InvalidArgument, "day"),
    ("Schedule: rotation as list", lambda s: sc.Schedule(rotation=[{}]), sc.InvalidArgument, "rotation"),
    ("find_slots: Resource with weekly and rotation", lambda s: sc.find_slots(sc.Query(T, T, T + minutes(60), cut(), [sc.Resource("r", weekly={"mon": [("09:00", "10:00")]}, rotation=sc.Rotation(date(2026, 3, 2), [{}]))])), sc.InvalidArgument, "resources[0].rotation"),
    ("LocationSchedule.from_dict: bad time", lambda s: sc.LocationSchedule.from_dict({"location": "x", "weekly": {"mon": [["9:00", "10:00"]]}}), sc.InvalidArgument, "schedule.weekly.mon[0][0]"),
    ("ResourceRecord: unknown zone", lambda s: sc.ResourceRecord("a", "Not/AZone"), sc.InvalidArgument, "time_zone"),
    ("ResourceRecord: bad schedule", lambda s: sc.ResourceRecord("a", schedules=[1]), sc.InvalidArgument, "schedules[0]"),
    ("ResourceRecord.time_zone = int", lambda s: set_attr(sc.ResourceRecord("a"), "time_zone", 3), sc.InvalidArgument, "time_zone"),
    ("ResourceRecord.from_dict: bad", lambda s: sc.ResourceRecord.from_dict({"id": "a", "time_off": [{"start": "x"}]}), sc.InvalidArgument, "resource.time_off[0].start"),
    ("ServiceRecord: not a Service", lambda s: sc.ServiceRecord("cut"), sc.InvalidArgument, "rules"),
    ("ServiceRecord: locations text", lambda s: sc.ServiceRecord(cut(), locations="salon"), sc.InvalidArgument, "locations"),
    ("ServiceRecord.from_dict: no id", lambda s: sc.ServiceRecord.from_dict({"duration": 30}), sc.InvalidArgument, "service.id"),
    ("ServiceRecord: assign as dict", lambda s: sc.ServiceRecord(cut(), assign={"strategy": "weighted"}), sc.InvalidArgument, "assign"),
    ("ServiceRecord.from_dict: misspelt weights", lambda s: sc.ServiceRecord.from_dict({"id": "x", "duration": 30, "assign": {"strategy": "weighted", "wieghts": {"anna": 5}}}), sc.InvalidArgument, "service.assign.wieghts"),
    ("ServiceRecord.from_dict: unknown strategy", lambda s: sc.ServiceRecord.from_dict({"id": "x", "duration": 30, "assign": {"strategy": "fair"}}), sc.InvalidArgument, "service.assign.strategy"),
    ("Identity: unknown network", lambda s: sc.Identity("icq", "1"), sc.InvalidArgument, "network"),
    ("Identity: int external id", lambda s: sc.Identity("vk", 1), sc.InvalidArgument, "external_id"),
    ("Identity.from_dict: bad network", lambda s: sc.Identity.from_dict({"network": "icq", "external_id": "1"}), sc.InvalidArgument, "identity.network"),
    ("Client: tuple identity", lambda s: sc.Client("c", identities=[("telegram", "1")]), sc.InvalidArgument, "identities[0]"),
    ("Client.from_dict: no id", lambda s: sc.Client.from_dict({}), sc.InvalidArgument, "client.id"),
    ("Settings: minutes as int", lambda s: sc.Settings(reminder_offsets=[60]), sc.InvalidArgument, "reminder_offsets[0]"),
    ("Settings: one-second step", lambda s: sc.Settings(default_step=timedelta(seconds=1)), sc.InvalidArgument, "default_step"),
    ("Settings.from_dict: text offset", lambda s: sc.Settings.from_dict({"reminder_offsets": ["60"]}), sc.InvalidArgument, "settings.reminder_offsets[0]"),
    ("BookingRecord.from_dict: no end", lambda s: sc.BookingRecord.from_dict({"id": "b", "start": "2026-03-01T10:00:00Z"}), sc.InvalidArgument, "booking.end"),
    ("BookingRequest: int resource", lambda s: sc.BookingRequest(5, "cut", T), sc.InvalidArgument, "resource"),
    ("BookingRequest: naive start", lambda s: sc.BookingRequest("anna", "cut", NAIVE), sc.InvalidArgument, "start"),
    # ---- stores ----
    ("open_store: empty", lambda s: sc.open_store(""), sc.InvalidArgument, "db"),
    ("open_store: int", lambda s: sc.open_store(5), sc.InvalidArgument, "target"),
    ("open_store: a NUL in the path", lambda s: sc.open_store("/tmp/x\0y.sqlite"), sc.InvalidArgument, "db"),
    ("Scheduler: a NUL in the path", lambda s: sc.Scheduler("/tmp/x\0y.sqlite"), sc.InvalidArgument, "db"),
    ("open_sqlite_store: a NUL in the path", lambda s: sc.open_sqlite_store("/tmp/x\0y.sqlite"), sc.InvalidArgument, "path"),
    ("open_sqlite_store: int timeout", lambda s: sc.open_sqlite_store(":memory:", busy_timeout=5), sc.InvalidArgument, "busy_timeout"),
    ("open_sqlite_store: negative timeout", lambda s: sc.open_sqlite_store(":memory:", busy_timeout=timedelta(seconds=-1)), sc.InvalidArgument, "busy_timeout"),
    ("open_sqlite_store: sync off", lambda s: sc.open_sqlite_store(":memory:", synchronous="off"), sc.InvalidArgument, "synchronous"),
    ("open_sqlite_store: negative idle", lambda s: sc.open_sqlite_store(":memory:", max_idle_connections=-1), sc.InvalidArgument, "max_idle_connections"),
    ("Scheduler: int store", lambda s: sc.Scheduler(5), sc.InvalidArgument, "store"),
    # ---- scheduler: catalog ----
    ("put_location: empty id", lambda s: s.put_location(sc.Location("")), sc.InvalidArgument, "id"),
    ("put_location: text", lambda s: s.put_location("salon"), sc.InvalidArgument, "location"),
    ("put_location: int actor", lambda s: s.put_location(sc.Location("x"), actor=1), sc.InvalidArgument, "actor"),
    ("put_location: NUL in name", lambda s: s.put_location(sc.Location("x", name="Sal\x00on")), sc.InvalidArgument, "name"),
    ("put_location: line break in id", lambda s: s.put_location(sc.Location("x\ny")), sc.InvalidArgument, "id"),
    ("put_location: escape in actor", lambda s: s.put_location(sc.Location("x"), actor="\x1b[31m"), sc.InvalidArgument, "actor"),
    ("put_resource: empty id", lambda s: s.put_resource(sc.ResourceRecord("")), sc.InvalidArgument, "id"),
    ("put_resource: unknown location", lambda s: s.put_resource(sc.ResourceRecord("x", schedules=[sc.LocationSchedule("mars")])), sc.NotFound, "schedules[0].location"),
    ("put_resource: empty time off", lambda s: s.put_resource(sc.ResourceRecord("x", time_off=[(T, T)])), sc.InvalidArgument, "time_off[0].end"),
    ("put_resource: rotation of no weeks", lambda s: s.put_resource(sc.ResourceRecord("x", schedules=[sc.LocationSchedule("salon", rotation=sc.Rotation(date(2026, 3, 2), []))])), sc.InvalidArgument, "schedules[0].rotation"),
    ("put_resource: weekly beside rotation", lambda s: s.put_resource(sc.ResourceRecord("x", schedules=[sc.LocationSchedule("salon", weekly={"mon": [("09:00", "10:00")]}, rotation=sc.Rotation(date(2026, 3, 2), [{}]))])), sc.InvalidArgument, "schedules[0].rotation"),
    ("put_service: zero duration", lambda s: s.put_service(sc.Service("x", timedelta(0))), sc.InvalidArgument, "duration"),
    ("put_service: empty id", lambda s: s.put_service(sc.Service("", minutes(30))), sc.InvalidArgument, "id"),
    ("put_service: unknown location", lambda s: s.put_service(sc.ServiceRecord(cut(), locations=["mars"])), sc.NotFound, "locations[0]"),
    ("put_service: a dict", lambda s: s.put_service({"id": "x"}), sc.InvalidArgument, "service"),
    ("put_service: weight of an unknown resource", lambda s: s.put_service(sc.ServiceRecord(cut(), assign=sc.Assignment("weighted", weights={"ghost": 1}))), sc.NotFound, "assign.weights"),
    ("put_service: negative priority", lambda s: s.put_service(sc.ServiceRecord(cut(), assign=sc.Assignment("priority", priorities={"anna": -1}))), sc.InvalidArgument, "assign.priorities"),
    ("link: unknown resource", lambda s: s.link("ghost", "cut"), sc.NotFound, "resource"),
    ("link: unknown service", lambda s: s.link("anna", "ghost"), sc.NotFound, "service"),
    ("link: empty resource", lambda s: s.link("", "cut"), sc.NotFound, "resource"),
    ("link: int service", lambda s: s.link("anna", 5), sc.InvalidArgument, "service"),
    ("unlink: unknown resource", lambda s: s.unlink("ghost", "cut"), sc.NotFound, "resource"),
    ("unlink: unknown service", lambda s: s.unlink("anna", "ghost"), sc.NotFound, "service"),
    ("unlink: int resource", lambda s: s.unlink(5, "cut"), sc.InvalidArgument, "resource"),
    ("services_of: None", lambda s: s.services_of(None), sc.InvalidArgument, "resource"),
    ("location: int id", lambda s: s.location(7), sc.InvalidArgument, "id"),
    ("put_client: empty id", lambda s: s.put_client(sc.Client("")), sc.InvalidArgument, "id"),
    ("put_client: empty identity", lambda s: s.put_client(sc.Client("c", identities=[sc.Identity("vk", "")])), sc.InvalidArgument, "identities[0].external_id"),
    ("put_client: taken identity", lambda s: s.put_client(sc.Client("c2", identities=[sc.Identity("telegram", "tg-1")])), sc.Conflict, "identities[0]"),
    ("client_for: empty identity", lambda s: s.client_for(sc.Identity("telegram", "")), sc.InvalidArgument, "external_id"),
    ("client_for: text", lambda s: s.client_for("telegram"), sc.InvalidArgument, "identity"),
    ("client_for: int name", lambda s: s.client_for(sc.Identity("vk", "1"), 7), sc.InvalidArgument, "name"),
    ("client_for: C1 control in name", lambda s: s.client_for(sc.Identity("vk", "1"), "Ann\x85a"), sc.InvalidArgument, "name"),
    ("put_client: tab in name", lambda s: s.put_client(sc.Client("c", name="Ann\ta")), sc.InvalidArgument, "name"),
    ("save_settings: zero offset", lambda s: s.save_settings(sc.Settings(reminder_offsets=[timedelta(0)])), sc.InvalidArgument, "reminder_offsets[0]"),
    ("save_settings: an offset twice", lambda s: s.save_settings(sc.Settings(reminder_offsets=[timedelta(hours=1), timedelta(hours=1)])), sc.InvalidArgument, "reminder_offsets[1]"),
    ("Zone: localtime, the host's zone", lambda s: sc.Zone("localtime"), sc.InvalidArgument, "name"),
    ("format_instant: utcoffset not a timedelta", lambda s: sc.format_instant(OffsetNotADelta(2027, 3, 1, 9, tzinfo=timezone.utc)), sc.InvalidArgument, "t"),
    ("format_instant: a tzinfo of three days", lambda s: sc.format_instant(datetime(2027, 3, 1, 9, tzinfo=ThreeDaysAhead())), sc.InvalidArgument, "t"),
    ("format_instant: a tzinfo that raises", lambda s: sc.format_instant(datetime(2027, 3, 1, 9, tzinfo=NoSuchZone())), sc.InvalidArgument, "t"),
    ("format_instant: utcoffset of ages", lambda s: sc.format_instant(OffsetOfAges(2027, 3, 1, 9, tzinfo=timezone.utc)), sc.InvalidArgument, "t"),
    ("format_instant: before the year 1 in UTC", lambda s: sc.format_instant(BEFORE_YEAR_1), sc.InvalidArgument, "t"),
    ("put_resource: time off before the year 1", lambda s: s.put_resource(sc.ResourceRecord("r", "UTC", time_off=[(BEFORE_YEAR_1, AT_9)])), sc.InvalidArgument, "time_off[0].start"),
    ("save_settings: zero step", lambda s: s.save_settings(sc.Settings(default_step=timedelta(0))), sc.InvalidArgument, "default_step"),
    ("save_settings: a dict", lambda s: s.save_settings({}), sc.InvalidArgument, "settings"),
    ("resource: int id", lambda s: s.resource(5), sc.InvalidArgument, "id"),
    ("service: None id", lambda s: s.service(None), sc.InvalidArgument, "id"),
    ("client: bytes id", lambda s: s.client(b"c1"), sc.InvalidArgument, "id"),
    ("booking: int id", lambda s: s.booking(1), sc.InvalidArgument, "id"),
    ("providers: int", lambda s: s.providers(1), sc.InvalidArgument, "service"),
    # ---- scheduler: availability and bookings ----
    ("slots: naive start", lambda s: s.slots("cut", NAIVE, T, now=NOW), sc.InvalidArgument, "start"),
    ("slots: naive now", lambda s: s.slots("cut", T, T + minutes(60), now=NAIVE), sc.InvalidArgument, "now"),
    ("slots: end before start", lambda s: s.slots("cut", T, T - minutes(1), now=NOW), sc.InvalidArgument, "end"),
    ("slots: over 366 days", lambda s: s.slots("cut", T, T + timedelta(days=367), now=NOW), sc.InvalidArgument, "end"),
    ("slots_json: over 366 days", lambda s: s.slots_json("cut", T, T + timedelta(days=367), now=NOW), sc.InvalidArgument, "end"),
    ("slots_json: limit 0", lambda s: s.slots_json("cut", T, T + minutes(60), now=NOW, limit=0), sc.InvalidArgument, "limit"),
    ("slots_json: limit as text", lambda s: s.slots_json("cut", T, T + minutes(60), now=NOW, limit="3"), sc.InvalidArgument, "limit"),
    ("slots_json: unknown service", lambda s: s.slots_json("nope", T, T + minutes(60), now=NOW), sc.NotFound, "service"),
    ("slots: unknown service", lambda s: s.slots("ghost", T, T + minutes(60), now=NOW), sc.NotFound, "service"),
    ("slots: empty service", lambda s: s.slots("", T, T + minutes(60), now=NOW), sc.NotFound, "service"),
    ("slots: resources as text", lambda s: s.slots("cut", T, T + minutes(60), resources="anna", now=NOW), sc.InvalidArgument, "resources"),
    ("slots: unknown resource", lambda s: s.slots("cut", T, T + minutes(60), resources=["anna", "ghost"], now=NOW), sc.NotFound, "resources[1]"),
    ("slots: not a provider", lambda s: s.slots("yoga", T, T + minutes(60), resources=["boris"], now=NOW), sc.InvalidArgument, "resources[0]"),
    ("slots: unknown location", lambda s: s.slots("cut", T, T + minutes(60), location="mars", now=NOW), sc.NotFound, "location"),
    ("book: unknown location", lambda s: s.book("anna", "cut", T, location="mars", now=NOW), sc.NotFound, "location"),
    ("check: unknown location", lambda s: s.check("anna", "cut", T, location="mars", now=NOW), sc.NotFound, "location"),
    ("hold: unknown location", lambda s: s.hold("anna", "cut", T, minutes(10), location="mars", now=NOW), sc.NotFound, "location"),
    ("book: ends in the year 10000", lambda s: s.book("anna", "cut", datetime(9999, 12, 31, 23, 45, tzinfo=timezone.utc), now=NOW), sc.InvalidArgument, "start"),
    ("check: ends in the year 10000", lambda s: s.check("anna", "cut", datetime(9999, 12, 31, 23, 45, tzinfo=timezone.utc), now=NOW), sc.InvalidArgument, "start"),
    ("slots: unknown mode", lambda s: s.slots("cut", T, T + minutes(60), mode="most", now=NOW), sc.InvalidArgument, "mode"),
    ("slots: zero seats", lambda s: s.slots("cut", T, T + minutes(60), seats=0, now=NOW), sc.InvalidArgument, "seats"),
    ("check: empty resource", lambda s: s.check("", "cut", T, now=NOW), sc.InvalidArgument, "resource"),
    ("check: unknown service", lambda s: s.check("anna", "ghost", T, now=NOW), sc.NotFound, "service"),
    ("check: naive start", lambda s: s.check("anna", "cut", NAIVE, now=NOW), sc.InvalidArgument, "start"),
    ("book: empty resource", lambda s: s.book("", "cut", T, now=NOW), sc.InvalidArgument, "resource"),
    ("book: empty service", lambda s: s.book("anna", "", T, now=NOW), sc.InvalidArgument, "service"),
    ("book: naive start", lambda s: s.book("anna", "cut", NAIVE, now=NOW), sc.InvalidArgument, "start"),
    ("book: naive now", lambda s: s.book("anna", "cut", T, now=NAIVE), sc.InvalidArgument, "now"),
    ("book: zero seats", lambda s: s.book("anna", "cut", T, seats=0, now=NOW), sc.InvalidArgument, "seats"),
    ("book: seats over capacity", lambda s: s.book("anna", "cut", T, seats=2, now=NOW), sc.InvalidArgument, "seats"),
    ("book: unknown client", lambda s: s.book("anna", "cut", T, client="ghost", now=NOW), sc.NotFound, "client"),
    ("book: unknown resource", lambda s: s.book("ghost", "cut", T, now=NOW), sc.NotFound, "resource"),
    ("book: not provided", lambda s: s.book("boris", "yoga", T, now=NOW), sc.InvalidArgument, "service"),
    ("book: outside hours", lambda s: s.book("anna", "cut", utc("2027-03-01T20:00"), now=NOW), sc.Conflict, "start"),
    ("book: int key", lambda s: s.book("anna", "cut", T, idempotency_key=5, now=NOW), sc.InvalidArgument, "idempotency_key"),
    ("hold: zero ttl", lambda s: s.hold("anna", "cut", T, timedelta(0), now=NOW), sc.InvalidArgument, "ttl"),
    ("hold: int ttl", lambda s: s.hold("anna", "cut", T, 10, now=NOW), sc.InvalidArgument, "ttl"),
    ("hold: negative ttl", lambda s: s.hold("anna", "cut", T, minutes(-10), now=NOW), sc.InvalidArgument, "ttl"),
    ("confirm: unknown token", lambda s: s.confirm("nope", now=NOW), sc.NotFound, "hold_token"),
    ("confirm: empty token", lambda s: s.confirm("", now=NOW), sc.NotFound, "hold_token"),
    ("confirm: int token", lambda s: s.confirm(5, now=NOW), sc.InvalidArgument, "hold_token"),
    ("cancel: unknown id", lambda s: s.cancel("nope", now=NOW), sc.NotFound, "id"),
    ("cancel: int reason", lambda s: s.cancel("nope", 5, now=NOW), sc.InvalidArgument, "reason"),
    ("reschedule: unknown id", lambda s: s.reschedule("nope", T, now=NOW), sc.NotFound, "id"),
    ("reschedule: naive start", lambda s: s.reschedule("nope", NAIVE, now=NOW), sc.InvalidArgument, "new_start"),
    ("book_series: not requests", lambda s: s.book_series([("anna", "cut", T)], now=NOW), sc.InvalidArgument, "requests[0]"),
    ("book_series: second refused", lambda s: s.book_series([sc.BookingRequest("anna", "cut", T), sc.BookingRequest("anna", "cut", T)], now=NOW), sc.Conflict, "[1].start"),
    ("book_many: not requests", lambda s: s.book_many([("anna", "cut", T)], now=NOW), sc.InvalidArgument, "requests[0]"),
    ("book_many: text each_alone", lambda s: s.book_many([], each_alone="yes", now=NOW), sc.InvalidArgument, "each_alone"),
    ("book_many: second refused", lambda s: s.book_many([sc.BookingRequest("anna", "cut", T), sc.BookingRequest("anna", "cut", T)], now=NOW), sc.Conflict, "requests[1].start"),
    ("book_many: too many", lambda s: s.book_many([sc.BookingRequest("anna", "cut", T)] * 10001, now=NOW), sc.InvalidArgument, "requests"),
    ("due_reminders: naive now", lambda s: s.due_reminders(now=NAIVE), sc.InvalidArgument, "now"),
    ("mark_reminded: unknown id", lambda s: s.mark_reminded("nope", minutes(60)), sc.NotFound, "id"),
    ("mark_reminded: int offset", lambda s: s.mark_reminded("nope", 60), sc.InvalidArgument, "offset"),
    ("upcoming: zero days", lambda s: s.upcoming("anna", T, 0), sc.InvalidArgument, "days"),
    ("upcoming: unknown resource", lambda s: s.upcoming("ghost", T, 1), sc.NotFound, "resource"),
    ("upcoming: naive start", lambda s: s.upcoming("anna", NAIVE, 1), sc.InvalidArgument, "start"),
    ("client_bookings: unknown client", lambda s: s.client_bookings("ghost", now=NOW), sc.NotFound, "client"),
    ("client_bookings: text active", lambda s: s.client_bookings("c1", active="yes", now=NOW), sc.InvalidArgument, "active"),
    ("audit: negative limit", lambda s: s.audit(limit=-1), sc.InvalidArgument, "limit"),
    ("audit: text after", lambda s: s.audit(after="0"), sc.InvalidArgument, "after"),
    # ---- bounds: every duration, offset and TTL has one ----
    ("put_service: max_advance over 3660 days", lambda s: s.put_service(sc.Service("far", minutes(30), max_advance=minutes(2**31))), sc.InvalidArgument, "max_advance"),
    ("save_settings: offset over 366 days", lambda s: s.save_settings(sc.Settings(reminder_offsets=[minutes(2**31)])), sc.InvalidArgument, "reminder_offsets[0]"),
    ("save_settings: step over 366 days", lambda s: s.save_settings(sc.Settings(default_step=minutes(527041))), sc.InvalidArgument, "default_step"),
    ("hold: ttl over 366 days", lambda s: s.hold("anna", "cut", T, minutes(10**12), now=NOW), sc.InvalidArgument, "ttl"),
    ("mark_reminded: offset over 366 days", lambda s: s.mark_reminded("nope", minutes(2**31)), sc.InvalidArgument, "offset"),
    ("upcoming: days over 3660", lambda s: s.upcoming("anna", T, 3661), sc.InvalidArgument, "days"),
    # ---- moving, archiving, the day's grid ----
    ("slots: unknown ignore_booking", lambda s: s.slots("cut", T, T + minutes(60), ignore_booking="bk_none", now=NOW), sc.NotFound, "ignore_booking"),
    ("slots: int ignore_booking", lambda s: s.slots("cut", T, T + minutes(60), ignore_booking=5, now=NOW), sc.InvalidArgument, "ignore_booking"),
    ("check: unknown ignore_booking", lambda s: s.check("anna", "cut", T, ignore_booking="bk_none", now=NOW), sc.NotFound, "ignore_booking"),
    ("reschedule: int location", lambda s: s.reschedule("nope", T, location=5, now=NOW), sc.InvalidArgument, "location"),
    ("archive_resource: unknown id", lambda s: s.archive_resource("ghost", now=NOW), sc.NotFound, "id"),
    ("archive_location: int id", lambda s: s.archive_location(7, now=NOW), sc.InvalidArgument, "id"),
    ("archive_service: naive now", lambda s: s.archive_service("cut", now=NAIVE), sc.InvalidArgument, "now"),
    ("restore_service: unknown id", lambda s: s.restore_service("ghost"), sc.NotFound, "id"),
    ("locations: text include_archived", lambda s: s.locations(include_archived="yes"), sc.InvalidArgument, "include_archived"),
    ("providers: int include_archived", lambda s: s.providers("cut", include_archived=1), sc.InvalidArgument, "include_archived"),
    ("bookings_csv: text bom", lambda s: s.bookings_csv(T, T + minutes(60), bom="no"), sc.InvalidArgument, "bom"),
    ("bookings: end before start", lambda s: s.bookings(T, T - minutes(1)), sc.InvalidArgument, "period"),
    ("bookings: unknown resource", lambda s: s.bookings(T, T + minutes(60), resources=["anna", "ghost"]), sc.NotFound, "resources[1]"),
    ("bookings: unknown status", lambda s: s.bookings(T, T + minutes(60), status="gone"), sc.InvalidArgument, "status"),
    ("bookings: naive start", lambda s: s.bookings(NAIVE, T), sc.InvalidArgument, "start"),
    ("Location: text archived", lambda s: sc.Location("x", archived="no"), sc.InvalidArgument, "archived"),
    ("open_time: unknown resource", lambda s: s.open_time("ghost", T, T + minutes(60)), sc.NotFound, "resource"),
    ("open_time: end before start", lambda s: s.open_time("anna", T, T - minutes(1)), sc.InvalidArgument, "end"),
    ("open_time: over 366 days", lambda s: s.open_time("anna", T, T + timedelta(days=367)), sc.InvalidArgument, "end"),
    ("open_time: unknown location", lambda s: s.open_time("anna", T, T + minutes(60), location="mars"), sc.NotFound, "location"),
    ("day_grid: unknown resource", lambda s: s.day_grid("ghost", date(2027, 3, 1), "cut"), sc.NotFound, "resource"),
    ("day_grid: a datetime day", lambda s: s.day_grid("anna", T, "cut"), sc.InvalidArgument, "day"),
    ("day_grid: unknown service", lambda s: s.day_grid("anna", date(2027, 3, 1), "ghost"), sc.NotFound, "service"),
    ("day_grid: unknown location", lambda s: s.day_grid("anna", date(2027, 3, 1), "cut", location="mars"), sc.NotFound, "location"),
    ("day_grid: int usual_hours", lambda s: s.day_grid("anna", date(2027, 3, 1), "cut", usual_hours=1), sc.InvalidArgument, "usual_hours"),
    # ---- calendars ----
    ("read_ics: bytes", lambda s: sc.read_ics(b"BEGIN:VCALENDAR", "UTC", T, T + minutes(60)), sc.InvalidArgument, "ics"),
    ("read_ics: unknown zone", lambda s: sc.read_ics("", "Mars/Base", T, T + minutes(60)), sc.InvalidArgument, "zone"),
    ("read_ics: naive start", lambda s: sc.read_ics("", "UTC", NAIVE, T), sc.InvalidArgument, "start"),
    ("read_ics: end before start", lambda s: sc.read_ics("", "UTC", T, T - minutes(1)), sc.InvalidArgument, "end"),
    ("read_ics: no VCALENDAR", lambda s: sc.read_ics("SUMMARY:x\r\n", "UTC", T, T + minutes(60)), sc.InvalidArgument, "ics"),
    ("read_ics: unknown TZID", lambda s: sc.read_ics("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Mars:20270101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "UTC", T, T + minutes(60)), sc.InvalidArgument, "ics"),
    ("expand_recurrence: hourly", lambda s: sc.expand_recurrence("FREQ=HOURLY;COUNT=2", "UTC", T), sc.InvalidArgument, "rrule"),
    ("expand_recurrence: no end", lambda s: sc.expand_recurrence("FREQ=DAILY", "UTC", T), sc.InvalidArgument, "rrule"),
    ("expand_recurrence: int rule", lambda s: sc.expand_recurrence(5, "UTC", T), sc.InvalidArgument, "rrule"),
    ("expand_recurrence: unknown zone", lambda s: sc.expand_recurrence("FREQ=DAILY;COUNT=2", "Mars/Base", T), sc.InvalidArgument, "zone"),
    ("expand_recurrence: naive start", lambda s: sc.expand_recurrence("FREQ=DAILY;COUNT=2", "UTC", NAIVE), sc.InvalidArgument, "first_start"),
    ("expand_recurrence: text except_dates", lambda s: sc.expand_recurrence("FREQ=DAILY;COUNT=2", "UTC", T, "2027-03-01"), sc.InvalidArgument, "except_dates"),
    ("expand_recurrence: empty series", lambda s: sc.expand_recurrence("FREQ=DAILY;UNTIL=20270101", "UTC", T), sc.InvalidArgument, "rrule"),
]


@pytest.mark.parametrize("call, error, field", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_the_right_error_naming_the_field(
    memory_salon: sc.Scheduler, call: Callable[[sc.Scheduler], Any], error: type, field: str
) -> None:
    with pytest.raises(sc.Error) as caught:
        call(memory_salon)
    assert type(caught.value) is error, f"{type(caught.value).__name__}: {caught.value}"
    assert caught.value.field == field
    assert caught.value.message
    assert str(caught.value) == (f"{field}: {caught.value.message}" if field else caught.value.message)


def test_bad_input_writes_nothing(memory_salon: sc.Scheduler) -> None:
    before = len(memory_salon.audit())
    for _, call, _, _ in CASES:
        try:
            call(memory_salon)
        except sc.Error:
            pass
    assert len(memory_salon.audit()) == before


def test_a_sqlite_file_of_another_program_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    with pytest.raises(sc.StorageError):
        sc.open_sqlite_store(path)
    with sqlite3.connect(path) as db:
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["t"]
    db.close()
