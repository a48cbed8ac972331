"""Random sequences of keyed bookings, holds, batches, series and cancellations
against a model of idempotency keys (docs/storage.md, "idempotency key"), on
every store: a key is one request's, whichever call used it first; the same
request again answers what the first made and writes nothing; any other
request with the key, of any kind, is a conflict on the key and writes nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, TypeVar

import pytest

import slotcraft as sc
from conftest import build_salon

UTC = timezone.utc
T = TypeVar("T")
MONDAY = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
KEYS = ("k1", "k2", "k3", "k4", "")
RULES = ("FREQ=DAILY;COUNT=2", "FREQ=WEEKLY;COUNT=2")
SEEDS = 6
STEPS = 100


@dataclass(frozen=True)
class Asked:
    """What a request asked for: its kind ("book", "hold" with its length, "series" with its rule) and its terms."""

    kind: str
    resource: str
    start: datetime
    client: str
    rule: str = ""
    ttl: timedelta | None = None


@dataclass
class Made:
    asked: Asked
    ids: set[str]  # the booking, or the series' bookings so far
    series: str = ""


@dataclass
class World:
    s: sc.Scheduler
    now: datetime = datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
    keys: dict[str, Made] = field(default_factory=dict)
    bookings: list[str] = field(default_factory=list)
    audit_seen: int = 0
    steps: list[tuple[object, ...]] = field(default_factory=list)

    def writes(self) -> int:
        """How many audit entries were written since the last call."""
        entries = self.s.audit(after=self.audit_seen, limit=100_000)
        if entries:
            self.audit_seen = entries[-1].sequence
        return len(entries)


def random_asked(rng: random.Random, kind: str) -> Asked:
    start = MONDAY + timedelta(days=rng.randrange(3), minutes=60 * rng.randrange(3))
    return Asked(kind=kind, resource=rng.choice(("anna", "boris")), start=start, client=rng.choice(("c1", "c2")),
                 rule=rng.choice(RULES) if kind == "series" else "",
                 ttl=timedelta(minutes=rng.choice((10, 20))) if kind == "hold" else None)


def attempt(w: World, asked: Asked, key: str, call: Callable[[], T],
            retry_may_be_refused: bool) -> tuple[T, Made | None] | None:
    """Runs `call`, which asks `asked` with `key`, and checks its answer against the model: a conflict on
    the key, writing nothing, when the key served another request; else any refusal but one on the key,
    also writing nothing. Its answer and what the key made before, or None when it was refused."""
    earlier = w.keys.get(key) if key else None
    if earlier is not None and earlier.asked != asked:
        with pytest.raises(sc.Conflict) as refused:
            call()
        assert refused.value.field == "idempotency_key", (w.steps[-1], refused.value.message)
        assert w.writes() == 0, f"a refused reuse of {key!r} wrote something"
        return None
    try:
        return call(), earlier
    except sc.Conflict as e:
        assert e.field != "idempotency_key", (w.steps[-1], e.message, "the key was free or asked the same")
        assert earlier is None or retry_may_be_refused, (w.steps[-1], "the same request again was refused")
        assert w.writes() == 0
        return None


def one(w: World, asked: Asked, key: str) -> None:
    """book or hold."""
    def call() -> sc.BookingRecord:
        if asked.kind == "hold":
            assert asked.ttl is not None
            return w.s.hold(asked.resource, "cut", asked.start, asked.ttl, client=asked.client, idempotency_key=key,
                            now=w.now)
        return w.s.book(asked.resource, "cut", asked.start, client=asked.client, idempotency_key=key, now=w.now)

    done = attempt(w, asked, key, call, retry_may_be_refused=False)
    if done is None:
        return
    made, earlier = done
    if earlier is not None:
        assert earlier.ids == {made.id}, (w.steps[-1], "the same request again made another booking")
        assert w.writes() == 0
        return
    w.writes()
    w.bookings.append(made.id)
    if key:
        w.keys[key] = Made(asked, {made.id})


def batch(w: World, rng: random.Random) -> None:
    """book_many, each alone: each request as `book` would answer it, in order."""
    requests = [(random_asked(rng, "book"), rng.choice(KEYS)) for _ in range(rng.randrange(1, 4))]
    w.steps[-1] = ("batch", requests)
    outcome = w.s.book_many([sc.BookingRequest(a.resource, "cut", a.start, client=a.client, idempotency_key=k)
                             for a, k in requests], each_alone=True, now=w.now)
    booked = iter(outcome.booked)
    refused = {r.index: r for r in outcome.refused}
    for i, (asked, key) in enumerate(requests):
        earlier = w.keys.get(key) if key else None
        if i in refused:
            if earlier is not None and earlier.asked != asked:
                assert refused[i].field == f"requests[{i}].idempotency_key", (requests, refused[i].message)
            else:
                assert refused[i].field != f"requests[{i}].idempotency_key", (requests, refused[i].message)
                assert earlier is None, (requests, "the same request again was refused")
            continue
        assert earlier is None or earlier.asked == asked, (requests, i, "a reused key booked")
        made = next(booked)
        if earlier is not None:
            assert earlier.ids == {made.id}
        else:
            w.bookings.append(made.id)
            if key:
                w.keys[key] = Made(asked, {made.id})
    w.writes()


def series(w: World, asked: Asked, key: str, what_is_free: bool) -> None:
    def call() -> sc.SeriesOutcome:
        return w.s.book_recurring(asked.resource, "cut", asked.start, asked.rule, client=asked.client,
                                  idempotency_key=key, what_is_free=what_is_free, now=w.now)

    # A retry may be refused: it books what became free, all or nothing unless what_is_free.
    done = attempt(w, asked, key, call, retry_may_be_refused=True)
    if done is None:
        return
    out, earlier = done
    w.writes()
    ids = {b.id for b in out.booked}
    w.bookings.extend(sorted(ids))
    if earlier is not None:
        # A retry answers the first attempt's bookings and books what became free, in its series.
        assert out.series == earlier.series and earlier.ids <= ids, (w.steps[-1], out.series, earlier)
        earlier.ids = ids
    elif key and ids:
        w.keys[key] = Made(asked, ids, out.series)


@pytest.mark.parametrize("seed", range(SEEDS))
def test_random_sequences_never_let_a_key_serve_two_requests(store_target: str, seed: int) -> None:
    s = build_salon(store_target)
    s.put_client(sc.Client("c2", name="c2"))
    w = World(s)
    w.writes()
    rng = random.Random(seed)
    for _ in range(STEPS):
        w.now += timedelta(minutes=rng.randrange(0, 16))
        what = rng.choice(("book", "book", "hold", "batch", "series", "series", "cancel", "retry", "retry"))
        key = rng.choice(KEYS)
        w.steps.append((what,))
        if what == "retry" and w.keys:  # a request made before, asked again
            key = rng.choice(sorted(w.keys))
            asked = w.keys[key].asked
            w.steps[-1] = (what, asked, key)
            if asked.kind == "series":
                series(w, asked, key, rng.random() < 0.5)
            else:
                one(w, asked, key)
        elif what in ("book", "hold"):
            asked = random_asked(rng, what)
            w.steps[-1] = (what, asked, key)
            one(w, asked, key)
        elif what == "batch":
            batch(w, rng)
        elif what == "series":
            asked = random_asked(rng, "series")
            what_is_free = rng.random() < 0.5
            w.steps[-1] = (what, asked, key, what_is_free)
            series(w, asked, key, what_is_free)
        elif w.bookings:
            booking = rng.choice(w.bookings)
            w.steps[-1] = (what, booking)
            try:
                w.s.cancel(booking, "random", now=w.now)
            except sc.Conflict:
                pass  # already cancelled, or begun
            w.writes()
    # Every key the model holds names its bookings in the store, as made.
    for key, made in w.keys.items():
        for booking_id in made.ids:
            record = w.s.booking(booking_id)
            assert record is not None
            if made.series:
                assert record.series == made.series and record.idempotency_key.startswith(key + "@")
            else:
                assert record.idempotency_key == key and record.series == ""
