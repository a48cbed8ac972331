"""slotcraft.client.RemoteScheduler: the same calls as an in-process Scheduler
give the same answers and the same errors, through the API run in-process
(Starlette's test client) and through `python3 -m slotcraft.server`."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

import slotcraft as sc
import slotcraft.client as remote
import slotcraft.server as server
from conftest import MONDAY, NOW, build_salon, minutes, utc
from server.test_http_process import free_port, next_monday_at_ten_berlin, serving  # tests/python/server
from slotcraft.client import RemoteError, RemoteScheduler
from slotcraft.server import app as server_app
from slotcraft.server import keys as api_keys
from slotcraft.server.limits import RateLimiter

NINE = utc("2027-03-01T08:00")  # Monday 09:00 in Berlin
TEN = utc("2027-03-01T09:00")
DAY = timedelta(days=1)
WEEK = timedelta(days=7)


@pytest.fixture(autouse=True)
def cheap_key_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys are hashed at a low scrypt cost here (the process test uses the real one)."""
    monkeypatch.setattr(api_keys, "SCRYPT_COST", {"n": 16, "r": 1, "p": 1})


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Served:
    """A salon behind the API in-process, and RemoteSchedulers on it."""

    scheduler: sc.Scheduler
    keys: server.ApiKeys
    clock: Clock
    http: TestClient

    def remote(self, role: str = "admin", **of: str) -> RemoteScheduler:
        _, text = self.keys.create(f"{role} test key", role, **of)
        return RemoteScheduler("http://testserver", text, http=self.http)


def serve(scheduler: sc.Scheduler, clock: Clock, limits: server.Limits = server.Limits(0, 0)) -> Iterator[Served]:
    keys = server.ApiKeys(scheduler)
    with TestClient(server.create_app(scheduler, keys, clock=clock, limits=limits)) as http:
        yield Served(scheduler, keys, clock, http)
    keys.close()


@pytest.fixture
def served(salon: sc.Scheduler) -> Iterator[Served]:
    """On every store of conftest.py."""
    yield from serve(salon, Clock())


@pytest.fixture
def memory_served(memory_salon: sc.Scheduler) -> Iterator[Served]:
    yield from serve(memory_salon, Clock())


# ---- the differential test ------------------------------------------------------------


class Local:
    """An in-process Scheduler called as a bot calls it, `now=` from the test's clock."""

    def __init__(self, scheduler: sc.Scheduler, clock: Clock) -> None:
        self.s, self.clock = scheduler, clock

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.s, name)
        if name in ("slots", "book", "hold", "confirm", "cancel", "reschedule", "client_bookings", "due_reminders",
                    "mark_reminded", "mark_attendance", "join_waitlist", "leave_waitlist", "process_waitlist"):
            return lambda *args, **kwargs: method(*args, **kwargs, now=self.clock.now)
        return method  # type: ignore[no-any-return]


class Ids:
    """Random ids (bookings, hold tokens, clients) → `#1`, `#2`, ... in order of appearance."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        return re.sub(r"\b(bk|cl|wl)_[0-9a-f]{16}\b|\b[0-9a-f]{32}\b",
                      lambda m: self.seen.setdefault(m.group(0), f"#{len(self.seen) + 1}"), text)


def plain(value: Any, ids: Ids) -> Any:
    """An answer as comparable data: records as their JSON form, random ids numbered."""
    if isinstance(value, (list, tuple)):
        return [plain(v, ids) for v in value]
    if isinstance(value, str):
        return ids(value)
    if hasattr(value, "to_dict"):
        return plain(value.to_dict(), ids)
    if isinstance(value, dict):
        return {k: plain(v, ids) for k, v in value.items()}
    if isinstance(value, (sc.LocatedSlot, remote.LocatedSlot)):
        return plain([value.slot.to_dict(), value.location, value.start, value.end, value.resources,
                      value.seats_left], ids)
    if isinstance(value, (sc.DueReminder, remote.DueReminder)):
        return plain([value.booking, value.offset], ids)
    if isinstance(value, (sc.WaitlistOffer, remote.WaitlistOffer)):
        return plain([value.entry, value.hold], ids)
    if isinstance(value, datetime):
        return sc.format_instant(value)
    return value if value is None or isinstance(value, (bool, int, timedelta)) else repr(value)


def outcome(call: Callable[[], Any], ids: Ids) -> Any:
    try:
        return plain(call(), ids)
    except sc.Error as error:
        return ["raised", type(error).__name__, error.category, error.field, ids(error.message),
                plain([r.to_dict() for r in error.reasons], ids), ids(str(error))]


def script(s: Any, clock: Clock) -> list[tuple[str, Callable[[], Any]]]:
    """A bot's life in calls; each later call may use what earlier ones answered (through `made`)."""
    made: dict[str, Any] = {}

    def keep(name: str, call: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            made[name] = call()
            return made[name]
        return run

    def later(minutes_: int) -> Callable[[], None]:
        def run() -> None:
            clock.now += timedelta(minutes=minutes_)
        return run

    hours = {day: [("09:00", "18:00")] for day in ("mon", "tue", "wed")}
    carl = sc.ResourceRecord("carl", "America/New_York", name="Carl",
                             schedules=[sc.LocationSchedule("annex", weekly=hours, breaks=[("12:00", "12:30")])])
    return [
        ("catalog", lambda: [s.locations(), s.resources(), s.services(), s.resource("anna"), s.service("cut"),
                             s.location("salon"), s.client("c1")]),
        ("unknown records are None", lambda: [s.resource("zed"), s.service("zed"), s.location("zed"),
                                              s.client("zed"), s.booking("bk_0000000000000000"), s.booking("")]),
        ("links", lambda: [s.services_of("anna"), s.providers("cut"), s.services_of("zed"), s.providers("zed")]),
        ("put a location", lambda: s.put_location(sc.Location("annex", name="Annex"))),
        ("put a resource", lambda: s.put_resource(carl)),
        ("an id holding a slash and a tilde", lambda: s.put_resource(sc.ResourceRecord(
            "desk/2~b", "Europe/Berlin", name="Desk 2", schedules=[sc.LocationSchedule("salon", weekly=hours)]))),
        ("read it back", lambda: [s.resource("desk/2~b"), s.resource("desk"), s.resource("desk%2F2~b")]),
        ("unknown ids with slashes", lambda: [s.booking("bk/../x"), s.resource("a/b"), s.find_waitlist_entry("wl/1"),
                                              s.service("a/"), s.location("/")]),
        ("cancel an id with a slash", lambda: s.cancel("a/b")),
        ("put a service", lambda: s.put_service(sc.Service("shave", minutes(20), buffer_before=minutes(5)))),
        ("link it", lambda: s.link("carl", "shave")),
        ("link again", lambda: s.link("carl", "shave")),
        ("link cut too", lambda: s.link("carl", "cut")),
        ("link the desk", lambda: s.link("desk/2~b", "shave")),
        ("book the desk", keep("desk", lambda: s.book(
            "desk/2~b", "shave", s.slots("shave", MONDAY, MONDAY + DAY, resources=["desk/2~b"])[0].start))),
        ("cancel the desk's booking", lambda: s.cancel(made["desk"].id)),
        ("the desk's bookings", lambda: [s.upcoming("desk/2~b", MONDAY, 1), s.services_of("desk/2~b")]),
        ("unlink cut", lambda: s.unlink("carl", "cut")),
        ("unlink what is not linked", lambda: s.unlink("carl", "yoga")),
        ("catalog after", lambda: [s.resources(), s.services(), s.services_of("carl"), s.providers("shave")]),
        ("slots", lambda: s.slots("cut", MONDAY, MONDAY + DAY)),
        ("slots of one resource at one place", lambda: s.slots("cut", MONDAY, MONDAY + DAY, resources=["boris"],
                                                               location="salon")),
        ("slots of a team", lambda: s.slots("cut", MONDAY, MONDAY + DAY, resources=["anna", "boris"], mode="all")),
        ("yoga slots for two", lambda: s.slots("yoga", MONDAY, MONDAY + DAY, seats=2, mode=sc.Mode.any)),
        ("shave slots in New York", lambda: s.slots("shave", MONDAY, MONDAY + DAY)),
        ("a client", keep("client", lambda: s.client_for(sc.Identity("telegram", "tg-9"), "Nine"))),
        ("the same client again", lambda: s.client_for(sc.Identity("telegram", "tg-9"), "Other name")),
        ("book", keep("first", lambda: s.book("anna", "cut", NINE, client="c1"))),
        ("book it again", lambda: s.book("anna", "cut", NINE)),
        ("book in the buffer", lambda: s.book("anna", "cut", NINE + minutes(30))),
        ("book idempotently", keep("keyed", lambda: s.book("boris", "cut", TEN, idempotency_key="k-1"))),
        ("the same key again", lambda: s.book("boris", "cut", TEN, idempotency_key="k-1")),
        ("the same key, another start", lambda: s.book("boris", "cut", NINE, idempotency_key="k-1")),
        ("yoga for two", lambda: s.book("anna", "yoga", TEN + 2 * timedelta(hours=1), seats=2,
                                        client=made["client"].id)),
        ("yoga for two more", lambda: s.book("anna", "yoga", TEN + 2 * timedelta(hours=1), seats=2)),
        ("hold", keep("hold", lambda: s.hold("boris", "cut", NINE, timedelta(minutes=10), client="c1"))),
        ("the held start is taken", lambda: s.book("boris", "cut", NINE)),
        ("confirm", lambda: s.confirm(made["hold"].hold_token)),
        ("confirm twice", lambda: s.confirm(made["hold"].hold_token)),
        ("confirm an unknown token", lambda: s.confirm("0" * 32)),
        ("a short hold", keep("short", lambda: s.hold("anna", "cut", TEN + timedelta(hours=5), timedelta(minutes=5),
                                                      idempotency_key="h-1"))),
        ("the same hold again", lambda: s.hold("anna", "cut", TEN + timedelta(hours=5), timedelta(minutes=5),
                                               idempotency_key="h-1")),
        ("six minutes pass", later(6)),
        ("confirm the expired hold", lambda: s.confirm(made["short"].hold_token)),
        ("a hold released", keep("released", lambda: s.hold("anna", "cut", TEN + timedelta(hours=6),
                                                            timedelta(minutes=5)))),
        ("release it", lambda: s.cancel(made["released"].id, "released")),
        ("confirm the released hold", lambda: s.confirm(made["released"].hold_token)),
        ("reschedule", lambda: s.reschedule(made["first"].id, TEN + timedelta(hours=1))),
        ("reschedule onto the break", lambda: s.reschedule(made["first"].id, utc("2027-03-01T12:10"))),
        ("reschedule to an unknown place", lambda: s.reschedule(made["first"].id, TEN, location="zed")),
        ("reschedule an unknown booking", lambda: s.reschedule("bk_0000000000000000", TEN)),
        ("upcoming", lambda: [s.upcoming("anna", MONDAY, 7), s.upcoming("boris", MONDAY, 1),
                              s.upcoming("anna", MONDAY + DAY, 400)]),
        ("a client's bookings", lambda: [s.client_bookings("c1"), s.client_bookings("c1", active=False),
                                         s.client_bookings(made["client"].id)]),
        ("mark attendance before it starts", lambda: s.mark_attendance(made["first"].id, "attended")),
        ("cancel", lambda: s.cancel(made["keyed"].id, "ill")),
        ("cancel twice", lambda: s.cancel(made["keyed"].id, "again")),
        ("cancel an unknown booking", lambda: s.cancel("bk_0000000000000000")),
        ("cancel no booking", lambda: s.cancel("")),
        ("after cancelling", lambda: [s.client_bookings("c1", active=False), s.upcoming("boris", MONDAY, 7),
                                      s.booking(made["keyed"].id), s.slots("cut", MONDAY, MONDAY + DAY)]),
        ("settings", lambda: s.settings()),
        ("save settings", lambda: s.save_settings(sc.Settings(reminder_offsets=[timedelta(hours=24), minutes(120)],
                                                              global_breaks=[("12:00", "12:15")]))),
        ("settings after", lambda: [s.settings(), s.slots("cut", MONDAY, MONDAY + DAY, resources=["boris"])]),
        ("a client record", lambda: s.put_client(sc.Client("c2", name="Two", identities=[
            sc.Identity("vk", "v-2")]))),
        ("clients", lambda: [s.client("c2"), s.client_for(sc.Identity("vk", "v-2"))]),
        ("due reminders", lambda: s.due_reminders()),
        ("mark one sent", lambda: s.mark_reminded(made["first"].id, timedelta(hours=24))),
        ("mark it again", lambda: s.mark_reminded(made["first"].id, timedelta(hours=24))),
        ("mark in seconds", lambda: s.mark_reminded(made["first"].id, timedelta(seconds=30))),
        ("mark each due one sent", lambda: [s.mark_reminded(r.booking.id, r.offset) for r in s.due_reminders()]),
        ("due after", lambda: s.due_reminders()),
        ("wait for boris at nine", keep("waiter", lambda: s.join_waitlist(
            "c2", "cut", NINE, NINE + minutes(30), resource="boris", offer_ttl=minutes(15)))),
        ("wait for any cut that morning", keep("any", lambda: s.join_waitlist("c1", "cut", NINE, NINE + 3 * minutes(60)))),
        ("wait with a range that ends first", lambda: s.join_waitlist("c1", "cut", TEN, NINE)),
        ("wait for a service that is not", lambda: s.join_waitlist("c1", "zed", NINE, TEN)),
        ("wait with an offer of no time", lambda: s.join_waitlist("c1", "cut", NINE, TEN, offer_ttl=timedelta(0))),
        ("the entries", lambda: [s.client_waitlist("c2"), s.client_waitlist("c1"), s.find_waitlist_entry(
            made["waiter"].id), s.find_waitlist_entry("wl_0000000000000000"), s.find_waitlist_entry("")]),
        ("the entries of no client", lambda: s.client_waitlist("")),
        ("the entries of an unknown client", lambda: s.client_waitlist("zed")),
        ("a pass with boris busy", lambda: s.process_waitlist()),
        ("boris's nine o'clock frees up", lambda: s.cancel(made["hold"].id, "moved away")),
        ("a pass offers it", keep("offers", lambda: s.process_waitlist())),
        ("a pass again offers nothing new", lambda: s.process_waitlist()),
        ("the offered entry", lambda: s.find_waitlist_entry(made["waiter"].id)),
        ("leave the other", lambda: s.leave_waitlist(made["any"].id)),
        ("leave it twice", lambda: s.leave_waitlist(made["any"].id)),
        ("leave an unknown entry", lambda: s.leave_waitlist("wl_0000000000000000")),
        ("leave no entry", lambda: s.leave_waitlist("")),
        ("sixteen minutes pass", later(16)),
        ("the offer lapses", lambda: [s.process_waitlist(), s.find_waitlist_entry(made["waiter"].id)]),
    ]


def test_a_remote_scheduler_answers_as_the_scheduler_does(served: Served, memory_salon: sc.Scheduler) -> None:
    local_clock = Clock()
    local = Local(memory_salon, local_clock)
    there = served.remote()
    local_ids, remote_ids = Ids(), Ids()
    steps = list(zip(script(local, local_clock), script(there, served.clock)))
    assert len(steps) > 50
    for (name, here_call), (_, there_call) in steps:
        assert outcome(there_call, remote_ids) == outcome(here_call, local_ids), name


def test_the_differential_test_sees_a_difference(memory_served: Served) -> None:
    """One booking more on the served salon changes the slots the comparison sees."""
    local = Local(build_salon("memory:"), Clock())
    same = [outcome(lambda: s.slots("cut", MONDAY, MONDAY + DAY), Ids()) for s in (local, memory_served.remote())]
    assert same[0] == same[1]
    memory_served.scheduler.book("anna", "cut", NINE, now=NOW)
    there = outcome(lambda: memory_served.remote().slots("cut", MONDAY, MONDAY + DAY), Ids())
    assert there != same[0]


def test_slots_for_a_move_leave_the_booking_out_as_in_process(memory_served: Served) -> None:
    """What the bot offers for *Reschedule*: the booking's own time and the times its buffer blocks."""
    s, there = memory_served.scheduler, memory_served.remote()
    booked = s.book("anna", "cut", NINE, now=NOW)
    here = s.slots("cut", MONDAY, MONDAY + DAY, resources=["anna"], ignore_booking=booked.id, now=NOW)
    assert NINE in [x.start for x in here]
    assert [x.start for x in there.slots("cut", MONDAY, MONDAY + DAY, resources=["anna"],
                                          ignore_booking=booked.id)] == [x.start for x in here]
    with pytest.raises(sc.NotFound) as unknown:
        there.slots("cut", MONDAY, MONDAY + DAY, ignore_booking="bk_0000000000000000")
    assert unknown.value.field == "ignore_booking"


# ---- due reminders ------------------------------------------------------------------------


def test_due_reminders_are_marked_once(memory_served: Served) -> None:
    s, there = memory_served.scheduler, memory_served.remote()
    s.save_settings(sc.Settings(reminder_offsets=[timedelta(hours=24), timedelta(hours=2)]))
    booked = s.book("anna", "cut", NINE + WEEK, client="c1", now=NOW)
    assert there.due_reminders(now=NINE + WEEK - timedelta(hours=1)) == []  # the server's clock rules
    memory_served.clock.now = NINE + WEEK - timedelta(hours=23)
    [due] = there.due_reminders()
    assert (due.booking.to_dict(), due.offset) == (booked.to_dict(), timedelta(hours=24))
    assert [(d.booking.id, d.offset) for d in s.due_reminders(now=memory_served.clock.now)] == [
        (booked.id, timedelta(hours=24))]
    assert there.mark_reminded(booked.id, due.offset) is True
    assert there.mark_reminded(booked.id, due.offset) is False
    assert s.mark_reminded(booked.id, due.offset) is False
    assert there.due_reminders() == []
    with pytest.raises(sc.NotFound) as unknown:
        there.mark_reminded("bk_0000000000000000", due.offset)
    assert unknown.value.field == "id"
    with pytest.raises(sc.InvalidArgument) as seconds:
        there.mark_reminded(booked.id, timedelta(seconds=90))
    assert seconds.value.field == "offset"


# ---- errors -------------------------------------------------------------------------------


def test_a_conflict_carries_every_reason_as_in_process(served: Served) -> None:
    there = served.remote()
    first = there.book("anna", "cut", NINE)
    refusals = []
    for s in (served.scheduler, there):
        with pytest.raises(sc.Conflict) as refused:
            s.book("anna", "cut", NINE + minutes(20), now=NOW)
        error = refused.value
        assert (error.field, error.category, str(error)) == ("start", "conflict", f"start: {error.message}")
        assert isinstance(error, sc.Error) and not isinstance(error, sc.InvalidArgument)
        refusals.append([(r.code, r.booking, r.message) for r in error.reasons])
    assert refusals[0] == refusals[1]
    assert [(code, booking) for code, booking, _ in refusals[1]] == [
        (sc.ReasonCode.busy, first.id), (sc.ReasonCode.off_grid, "")]


def test_a_reason_on_a_break_is_named_as_in_process(memory_served: Served) -> None:
    there = memory_served.remote()
    with pytest.raises(sc.Conflict) as refused:
        there.book("anna", "cut", utc("2027-03-01T12:00"))
    [reason] = refused.value.reasons
    assert reason.code == sc.ReasonCode.on_break
    assert reason.to_dict()["code"] == "break"


@pytest.mark.parametrize(
    ("call", "kind", "field"),
    [
        (lambda s: s.book("anna", "cut", datetime(2027, 3, 1, 9)), sc.InvalidArgument, "start"),
        (lambda s: s.book("anna", "cut", NINE, seats=0), sc.InvalidArgument, "seats"),
        (lambda s: s.book("anna", "cut", NINE, client="nobody"), sc.NotFound, "client"),
        (lambda s: s.book("zed", "cut", NINE), sc.NotFound, "resource"),
        (lambda s: s.book("anna", "zed", NINE), sc.NotFound, "service"),
        (lambda s: s.hold("anna", "cut", NINE, timedelta(seconds=30)), sc.InvalidArgument, "ttl"),
        (lambda s: s.slots("cut", NINE, NINE - DAY), sc.InvalidArgument, "end"),
        (lambda s: s.slots("cut", NINE, NINE + 400 * DAY), sc.InvalidArgument, "end"),
        (lambda s: s.slots("cut", datetime(2027, 3, 1), NINE), sc.InvalidArgument, "start"),
        (lambda s: s.slots("cut", NINE, NINE + DAY, resources=["anna", "zed"]), sc.NotFound, "resources[1]"),
        (lambda s: s.slots("cut", NINE, NINE + DAY, mode="some"), sc.InvalidArgument, "mode"),
        (lambda s: s.slots("cut", NINE, NINE + DAY, seats=0), sc.InvalidArgument, "seats"),
        (lambda s: s.slots("zed", NINE, NINE + DAY), sc.NotFound, "service"),
        (lambda s: s.upcoming("anna", NINE, 0), sc.InvalidArgument, "days"),
        (lambda s: s.upcoming("anna", NINE, 3661), sc.InvalidArgument, "days"),
        (lambda s: s.upcoming("zed", NINE, 1), sc.NotFound, "resource"),
        (lambda s: s.client_bookings("zed"), sc.NotFound, "client"),
        (lambda s: s.client_bookings(""), sc.NotFound, "client"),
        (lambda s: s.confirm("zed"), sc.NotFound, "hold_token"),
        (lambda s: s.cancel("zed"), sc.NotFound, "id"),
        (lambda s: s.mark_attendance("zed", sc.Attendance.attended), sc.NotFound, "id"),
        (lambda s: s.mark_attendance("", "no_show"), sc.NotFound, "id"),
        (lambda s: s.mark_attendance("zed", "maybe"), sc.InvalidArgument, "attendance"),
        (lambda s: s.client_for(sc.Identity("telegram", "")), sc.InvalidArgument, "external_id"),
        (lambda s: s.link("anna", "zed"), sc.NotFound, "service"),
        (lambda s: s.link("zed", "cut"), sc.NotFound, "resource"),
        (lambda s: s.unlink("zed", "cut"), sc.NotFound, "resource"),
        (lambda s: s.unlink("anna", "zed"), sc.NotFound, "service"),
        (lambda s: s.save_settings(sc.Settings(reminder_offsets=[timedelta(seconds=3)])), sc.InvalidArgument,
         "reminder_offsets[0]"),
        (lambda s: s.put_client(sc.Client("c2", identities=[sc.Identity("telegram", "tg-1")])), sc.Conflict,
         "identities[0]"),
        (lambda s: s.put_client(sc.Client("")), sc.InvalidArgument, "id"),
        (lambda s: s.put_location(sc.Location("")), sc.InvalidArgument, "id"),
        (lambda s: s.put_resource(sc.ResourceRecord("x", "Europe/Berlin",
                                                    schedules=[sc.LocationSchedule("nowhere")])),
         sc.NotFound, "schedules[0].location"),
        (lambda s: s.put_service(sc.Service("s2", timedelta(minutes=0))), sc.InvalidArgument, "duration"),
    ],
)
def test_every_error_names_the_field_as_in_process(
    memory_served: Served, call: Callable[[Any], Any], kind: type[sc.Error], field: str
) -> None:
    for s in (Local(memory_served.scheduler, memory_served.clock), memory_served.remote()):
        with pytest.raises(kind) as refused:
            call(s)
        assert (type(refused.value), refused.value.field) == (kind, field), s
        assert refused.value.category == {sc.InvalidArgument: "invalid_argument", sc.NotFound: "not_found",
                                          sc.Conflict: "conflict"}[kind]
        assert refused.value.message and refused.value.reasons == []


def test_refusals_of_the_api_itself_are_remote_errors(memory_served: Served) -> None:
    unknown = RemoteScheduler("http://testserver", "sck_000000000000_wrong", http=memory_served.http)
    with pytest.raises(RemoteError) as refused:
        unknown.resources()
    assert (refused.value.status, refused.value.field, refused.value.category) == (401, "Authorization", "remote")
    assert isinstance(refused.value, sc.Error)

    client = memory_served.remote("client", client="c1")
    assert [r.id for r in client.resources()] == ["anna", "boris"]
    with pytest.raises(RemoteError) as forbidden:
        client.put_service(sc.Service("free", minutes(5)))
    assert forbidden.value.status == 403
    assert memory_served.scheduler.service("free") is None
    with pytest.raises(RemoteError) as own_only:
        client.book("anna", "cut", NINE, client="c2")
    assert (own_only.value.status, own_only.value.field) == (403, "client")
    with pytest.raises(RemoteError) as too_large:
        memory_served.remote().put_client(sc.Client("big", name="x" * (1 << 20)))
    assert too_large.value.status == 413
    assert memory_served.scheduler.client("big") is None


def test_confirming_by_token_needs_an_admin_key(memory_served: Served) -> None:
    client = memory_served.remote("client", client="c1")
    hold = client.hold("anna", "cut", NINE, timedelta(minutes=10))
    assert hold.client == "c1" and hold.status == sc.BookingStatus.held
    with pytest.raises(RemoteError) as refused:
        client.confirm(hold.hold_token)
    assert refused.value.status == 403
    assert memory_served.remote().confirm(hold.hold_token).status == sc.BookingStatus.confirmed


class StillUntilRefused(RateLimiter):
    """A rate limiter whose clock stands still until it first refuses: a burst
    empties the bucket however slowly its requests go (on the wall clock, 60 a
    minute refill one a second), and only then does time, the client's wait
    for Retry-After, refill it."""

    def __init__(self, per_minute: int, what: str) -> None:
        self._stood = time.monotonic()
        self._since: float | None = None
        super().__init__(per_minute, what, clock=self._now)

    def _now(self) -> float:
        return self._stood if self._since is None else self._stood + time.monotonic() - self._since

    def take(self, who: str) -> None:
        try:
            super().take(who)
        except server.ApiError:
            if self._since is None:
                self._since = time.monotonic()
            raise


def test_a_429_is_retried_once_after_a_short_retry_after(memory_salon: sc.Scheduler,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_app, "RateLimiter", StillUntilRefused)
    for served in serve(memory_salon, Clock(), server.Limits(per_key=60, per_address=0)):
        there = served.remote()
        for _ in range(60):
            there.location("salon")
        started = time.monotonic()
        assert there.location("salon") == memory_salon.location("salon")  # the bucket was empty: 429, then a retry
        assert time.monotonic() - started >= 0.9


def test_a_429_with_a_long_retry_after_is_a_remote_error(memory_salon: sc.Scheduler) -> None:
    for served in serve(memory_salon, Clock(), server.Limits(per_key=1, per_address=0)):
        there = served.remote()
        there.location("salon")
        started = time.monotonic()
        with pytest.raises(RemoteError) as refused:
            there.location("salon")
        assert (refused.value.status, time.monotonic() - started < 5) == (429, True)
        assert "requests a minute" in refused.value.message


def answering(status: int, body: Any = None, text: str = "") -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body) if body is not None else httpx.Response(status, text=text)
    return httpx.Client(transport=httpx.MockTransport(answer))


def failing(error: type[httpx.RequestError]) -> httpx.Client:
    def fail(request: httpx.Request) -> httpx.Response:
        raise error("no route to the server", request=request)
    return httpx.Client(transport=httpx.MockTransport(fail))


@pytest.mark.parametrize(
    ("http", "kind", "status"),
    [
        (answering(503, {"error": {"field": "", "message": "the database is not available", "reasons": []}}),
         sc.StorageError, None),
        (answering(502, text="<html>Bad Gateway</html>"), sc.StorageError, None),
        (answering(500, {"error": {"field": "", "message": "internal error", "reasons": []}}), RemoteError, 500),
        (answering(418, text="teapot"), RemoteError, 418),
        (failing(httpx.ConnectError), sc.StorageError, None),
        (failing(httpx.ReadTimeout), sc.StorageError, None),
    ],
)
def test_an_unavailable_server_is_a_storage_error(http: httpx.Client, kind: type[sc.Error], status: int | None) -> None:
    with http, pytest.raises(kind) as refused:
        RemoteScheduler("http://api.invalid", "sck_x_y", http=http).settings()
    assert type(refused.value) is kind
    assert refused.value.message
    if status is not None:
        assert refused.value.status == status  # type: ignore[attr-defined]
    else:
        assert refused.value.category == "storage"


# ---- paging -------------------------------------------------------------------------------


def test_lists_are_complete_over_many_pages(memory_served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    s = memory_served.scheduler
    for i in range(5):
        s.put_location(sc.Location(f"place-{i}"))
        s.put_client(sc.Client(f"client-{i}"))
    starts = [NINE + timedelta(hours=h) for h in (0, 1, 2, 3, 5, 6, 7)]  # not 13:00 Berlin
    for start in starts:
        s.book("boris", "cut", start, client="c1", now=NOW)
    sent: list[httpx.Request] = []
    memory_served.http.event_hooks["request"].append(sent.append)
    monkeypatch.setattr(remote, "PAGE_SIZE", 2)
    there = memory_served.remote()
    assert [x.to_dict() for x in there.locations()] == [x.to_dict() for x in s.locations()]
    assert len(there.locations()) == 6
    assert [c.id for c in there.clients()] == [c.id for c in s.clients()]
    assert [b.start for b in there.upcoming("boris", MONDAY, 7)] == starts
    assert [b.id for b in there.client_bookings("c1")] == [b.id for b in s.client_bookings("c1", now=NOW)]
    assert sum(1 for r in sent if r.url.path == "/v1/bookings") > 4  # it did page


def test_upcoming_over_more_days_than_one_listing_covers(memory_served: Served) -> None:
    s = memory_served.scheduler
    far = [NINE + timedelta(days=d) for d in (0, 365, 366, 800)]
    for start in far:
        s.book("anna", "cut", start, now=NOW)
    there = memory_served.remote()
    assert [b.start for b in there.upcoming("anna", MONDAY, 1000)] == far
    assert [b.to_dict() for b in there.upcoming("anna", MONDAY, 1000)] == [
        b.to_dict() for b in s.upcoming("anna", MONDAY, 1000)]


def test_slots_and_reasons_have_the_attributes_of_the_scheduler_ones(memory_served: Served) -> None:
    there = memory_served.remote()
    [here] = memory_served.scheduler.slots("cut", NINE, NINE + minutes(10), now=NOW)
    [slot] = there.slots("cut", NINE, NINE + minutes(10))
    for name in ("start", "end", "location", "resources", "seats_left"):
        assert getattr(slot, name) == getattr(here, name), name
    assert slot.slot.to_dict() == here.slot.to_dict()
    assert slot.slot.time == here.slot.time
    public = {name for name in dir(sc.LocatedSlot) if not name.startswith("_")}
    assert public <= {name for name in dir(slot) if not name.startswith("_")}
    with pytest.raises(sc.Conflict) as refused:
        there.book("anna", "cut", NINE + minutes(20))
    reason = refused.value.reasons[0]
    assert {n for n in dir(sc.Reason) if not n.startswith("_")} <= {n for n in dir(reason) if not n.startswith("_")}
    assert {n for n in dir(sc.DueReminder) if not n.startswith("_")} <= set(remote.DueReminder.__dataclass_fields__)


# ---- a real server ----------------------------------------------------------------------


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`python3 -m slotcraft.server` on a salon's SQLite file: its address and the file."""
    db = tmp_path / "salon.sqlite"
    build_salon(str(db))
    with serving(db, tmp_path / "server.log") as base:
        yield base, db


def test_a_bot_books_through_a_running_server(running: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    base, db = running
    keys = server.ApiKeys(sc.Scheduler(str(db)))
    _, key = keys.create("bot", "admin")
    keys.close()
    start = sc.parse_instant(next_monday_at_ten_berlin())
    connected: list[socket.socket] = []
    create_connection = socket.create_connection
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connected.append(create_connection(*a, **k))
                        or connected[-1])
    with RemoteScheduler(base, key) as there:
        [slot, *_] = there.slots("cut", start, start + DAY, resources=["anna"])
        assert (slot.start, slot.location, slot.resources) == (start, "salon", ["anna"])
        client = there.client_for(sc.Identity("telegram", "42"), "Forty-Two")
        hold = there.hold("anna", "cut", slot.start, timedelta(minutes=10), location=slot.location, client=client.id)
        with pytest.raises(sc.Conflict) as taken:
            there.book("anna", "cut", slot.start)
        assert [(r.code, r.booking) for r in taken.value.reasons] == [(sc.ReasonCode.busy, hold.id)]
        booked = there.confirm(hold.hold_token)
        assert (booked.id, booked.status, booked.client) == (hold.id, sc.BookingStatus.confirmed, client.id)
        assert [b.id for b in there.client_bookings(client.id)] == [hold.id]
        assert there.cancel(hold.id, "changed my mind").status == sc.BookingStatus.cancelled
        # Each request leaves at once: Nagle's algorithm would hold a body back for the server's delayed ACK.
        assert connected and all(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for c in connected)
    assert sc.Scheduler(str(db)).booking(hold.id).cancel_reason == "changed my mind"
    audit = sc.Scheduler(str(db)).audit()
    assert {e.actor for e in audit if e.subject == hold.id} == {f"key:{key.split('_')[1]}"}


def test_a_stopped_server_is_a_storage_error(tmp_path: Path) -> None:
    with RemoteScheduler(f"http://127.0.0.1:{free_port()}", "sck_x_y", timeout=2) as nowhere:
        with pytest.raises(sc.StorageError) as refused:
            nowhere.settings()
    assert "did not answer" in refused.value.message


def test_the_module_is_importable_with_the_package_alone() -> None:
    """slotcraft.client needs httpx and slotcraft, not the server's FastAPI."""
    code = "import sys, slotcraft.client; print('fastapi' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout.strip()) == (0, "False"), run.stderr
