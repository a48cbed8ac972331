"""Random sequences of bookings, holds, moves, cancellations and waiting-list
steps against the scheduler, with the waiting list's invariants checked after
every step (docs/semantics.md, "The waiting list" and "Pools in the
scheduler"), on every store."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

import slotcraft as sc
from conftest import build_salon

UTC = timezone.utc
DAY_START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
CLIENTS = ("c1", "c2", "c3", "c4")
RESOURCES = ("anna", "boris", "room-1", "room-2")
SEEDS = 6
STEPS = 120


@dataclass
class World:
    """The salon of conftest.build_salon with two rooms and a coloring that
    needs one (SPEC §10), and what the sequence made so far."""

    s: sc.Scheduler
    now: datetime
    bookings: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    confirmed: set[str] = field(default_factory=set)  # the offers' holds the sequence confirmed
    offers_made: int = 0
    steps: list[tuple[object, ...]] = field(default_factory=list)

    def active(self, b: sc.BookingRecord) -> bool:
        if b.status == sc.BookingStatus.cancelled:
            return False
        return not (b.status == sc.BookingStatus.held and b.expires is not None and b.expires <= self.now)

    def entries_now(self) -> list[sc.WaitlistEntry]:
        return [e for c in CLIENTS for e in self.s.client_waitlist(c)]


def open_world(target: str) -> World:
    s = build_salon(target)
    for c in CLIENTS[1:]:
        s.put_client(sc.Client(c, name=c))
    hours = {day: [("09:00", "18:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
    for room in ("room-1", "room-2"):
        s.put_resource(sc.ResourceRecord(room, "Europe/Berlin", schedules=[sc.LocationSchedule("salon", weekly=hours)]))
    s.put_service(sc.ServiceRecord(sc.Service("color", timedelta(minutes=60)), pools={"room": ["room-1", "room-2"]}))
    s.link("anna", "color")
    s.link("boris", "color")
    return World(s, datetime(2027, 3, 1, 7, 0, tzinfo=UTC))


def random_start(rng: random.Random) -> datetime:
    return DAY_START + timedelta(minutes=10 * rng.randrange(0, 60))


def step(w: World, rng: random.Random) -> str:
    """One random operation; a refusal is part of the sequence."""
    s = w.s
    op = rng.choice(["book", "book", "hold", "cancel", "move", "join", "join", "leave", "confirm", "process"])
    try:
        if op in ("book", "hold"):
            resource, service, client = rng.choice(["anna", "boris"]), rng.choice(["cut", "color"]), rng.choice(CLIENTS)
            start = random_start(rng)
            if op == "book":
                made = s.book(resource, service, start, client=client, now=w.now)
            else:
                made = s.hold(resource, service, start, client=client, ttl=timedelta(minutes=rng.choice([5, 20])),
                              now=w.now)
            w.bookings.append(made.id)
            w.steps.append((op, resource, service, start, client, made.id))
        elif op == "cancel" and w.bookings:
            w.steps.append((op, s.cancel(rng.choice(w.bookings), "random", now=w.now).id))
        elif op == "move" and w.bookings:
            w.steps.append((op, s.reschedule(rng.choice(w.bookings), random_start(rng), now=w.now).id))
        elif op == "join":
            begin = DAY_START + timedelta(minutes=30 * rng.randrange(0, 16))
            entry = s.join_waitlist(rng.choice(CLIENTS), rng.choice(["cut", "color"]), begin,
                                    begin + timedelta(minutes=rng.choice([30, 60, 120, 240])),
                                    resource=rng.choice(["", "anna", "boris"]),
                                    offer_ttl=timedelta(minutes=rng.choice([1, 5, 30])), now=w.now)
            w.entries.append(entry.id)
            w.steps.append((op, entry.to_dict()))
        elif op == "leave" and w.entries:
            w.steps.append((op, s.leave_waitlist(rng.choice(w.entries), now=w.now).id))
        elif op == "confirm":
            offered = [e for e in w.entries_now() if e.status == sc.WaitlistStatus.offered]
            if offered:
                hold = s.booking(rng.choice(offered).offer)
                assert hold is not None
                taken = s.confirm(hold.hold_token, now=w.now)
                w.confirmed.add(taken.id)
                w.bookings.append(taken.id)  # a booking like any other: cancelled or moved by later steps
                w.steps.append((op, taken.id))
        elif op == "process":
            made_now = s.process_waitlist(now=w.now)
            w.offers_made += len(made_now)
            w.steps.append((op, w.now, [(o.entry.id, o.hold.id, o.hold.start) for o in made_now]))
    except sc.Error as refused:
        w.steps.append((op, "refused", type(refused).__name__))
    return op


def check_invariants(w: World, settled: bool) -> None:
    """What holds after every step; `settled` after two passes at the same
    moment, when every lapse has been passed on and every waiter had its turn."""
    s, since = w.s, w.now - timedelta(days=1)
    recent = w.steps[-6:]
    for resource in RESOURCES:
        held = sorted((b for b in s.upcoming(resource, since, 5) if w.active(b)), key=lambda b: b.start)
        for a, b in zip(held, held[1:]):
            assert b.start - b.buffer_before >= a.end + a.buffer_after, ("double booked", a, b, recent)
        for b in held:
            if b.service == "color" and not b.group:
                rooms = [g for r in ("room-1", "room-2") for g in s.upcoming(r, since, 5) if g.group == b.id and w.active(g)]
                assert [(g.start, g.status) for g in rooms] == [(b.start, b.status)], ("room of", b, rooms, recent)
            if b.group:
                main = s.booking(b.group)
                assert main is not None and w.active(main) and main.start == b.start, ("room without", b, main, recent)

    offers: dict[str, sc.WaitlistEntry] = {}
    for e in w.entries_now():
        if e.status in (sc.WaitlistStatus.offered, sc.WaitlistStatus.booked):
            assert e.offer and e.offer not in offers, ("one offer, one entry", e.to_dict(), recent)
            offers[e.offer] = e
            hold = s.booking(e.offer)
            assert hold is not None and (hold.client, hold.service) == (e.client, e.service), (e.to_dict(), hold)
            if e.offer not in w.confirmed:  # a booking confirmed may be moved since, as any other
                assert e.start <= hold.start < e.end and hold.resource == (e.resource or hold.resource), (e.to_dict(), hold)
            if e.status == sc.WaitlistStatus.booked:
                assert hold.status != sc.BookingStatus.held, ("booked, yet held", e.to_dict(), hold)
                assert e.offer in w.confirmed, ("booked, never confirmed", e.to_dict(), hold, recent)
            elif settled:
                assert hold.status == sc.BookingStatus.held and w.active(hold), ("unsettled offer", e.to_dict(), hold)
        elif e.status == sc.WaitlistStatus.lapsed:
            # Confirmed is booked, whatever became of the booking since (cancelled, moved).
            assert e.offer not in w.confirmed, ("lapsed, yet confirmed", e.to_dict(), s.booking(e.offer), recent)
        elif e.status == sc.WaitlistStatus.waiting:
            assert not e.offer, e.to_dict()
            if settled and e.end > w.now:
                free = [f for f in s.slots(e.service, max(e.start, w.now), e.end,
                                           resources=[e.resource] if e.resource else [], seats=e.seats,
                                           client=e.client, now=w.now)
                        if e.start <= f.start < e.end]
                assert not free, ("a waiter left with a free start", e.to_dict(), free[0].start, recent)


@pytest.mark.parametrize("seed", range(SEEDS))
def test_random_sequences_keep_every_waiting_list_invariant(store_target: str, seed: int) -> None:
    # One offer per entry and per hold, offers inside the entry's range and of its
    # resource, settled offers held and live, no waiter left beside a free start,
    # rooms booked with their masters, nobody booked twice.
    w = open_world(store_target)
    rng = random.Random(seed)
    for _ in range(STEPS):
        w.now += timedelta(minutes=rng.choice([0, 0, 1, 3, 7, 15, 30]))
        if step(w, rng) == "process":
            check_invariants(w, settled=False)
            w.offers_made += len(w.s.process_waitlist(now=w.now))
            check_invariants(w, settled=True)
        else:
            check_invariants(w, settled=False)
    assert w.offers_made > 0, "the sequence made no offer: the invariants were not put to the test"
