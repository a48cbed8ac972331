"""Threads: no double booking from concurrent Python threads, and the GIL is
released around store I/O and long engine calls so other threads go on."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

import slotcraft as sc
from conftest import NOW, build_salon, minutes, utc

THREADS = 8
# Four starts an hour apart on Monday morning (Berlin 09:00-12:00), each free for anna.
STARTS = [utc("2027-03-01T08:00") + timedelta(hours=h) for h in range(4)]


def test_threads_booking_the_same_starts_get_exactly_one_booking_per_start(salon: sc.Scheduler) -> None:
    barrier = threading.Barrier(THREADS)
    wins: Counter[datetime] = Counter()
    refusals: Counter[datetime] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(seed: int) -> None:
        order = STARTS[:]
        random.Random(seed).shuffle(order)
        try:
            barrier.wait()
            for start in order:
                try:
                    salon.book("anna", "cut", start, client="c1", now=NOW)
                    with lock:
                        wins[start] += 1
                except sc.Conflict as refused:
                    assert [r.code for r in refused.reasons] == [sc.ReasonCode.busy]
                    with lock:
                        refusals[start] += 1
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert wins == Counter({start: 1 for start in STARTS})
    assert refusals == Counter({start: THREADS - 1 for start in STARTS})
    booked = salon.upcoming("anna", STARTS[0], 1)
    assert sorted(b.start for b in booked) == STARTS


def test_threads_holding_and_confirming_one_start_leave_one_booking(salon: sc.Scheduler) -> None:
    start = STARTS[0]
    barrier = threading.Barrier(THREADS)
    confirmed: list[sc.BookingRecord] = []
    errors: list[BaseException] = []

    def client() -> None:
        try:
            barrier.wait()
            held = salon.hold("anna", "cut", start, minutes(10), now=NOW)
            confirmed.append(salon.confirm(held.hold_token, now=NOW + minutes(1)))
        except sc.Conflict:
            pass
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(confirmed) == 1
    assert [b.id for b in salon.upcoming("anna", start, 1)] == [confirmed[0].id]


def long_query() -> sc.Query:
    """Half a second or more of engine work: every minute of most of a year, eight resources (3.4 million
    free starts, within the 5 million an answer may hold)."""
    always = {day: [("00:00", "24:00")] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    team = [sc.Resource(f"r{i}", "Europe/Berlin", weekly=always, breaks=[("12:00", "12:07")]) for i in range(8)]
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return sc.Query(start, start, start + timedelta(days=300), sc.Service("s", minutes(5), step=minutes(1)), team)


def long_scheduler_call() -> Callable[[], Any]:
    s = sc.Scheduler("memory:")
    s.put_location(sc.Location("here"))
    always = {day: [("00:00", "24:00")] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    for i in range(8):
        s.put_resource(sc.ResourceRecord(f"r{i}", "Europe/Berlin", schedules=[sc.LocationSchedule("here", weekly=always)]))
    s.put_service(sc.Service("s", minutes(5), step=minutes(1)))
    for i in range(8):
        s.link(f"r{i}", "s")
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return lambda: s.slots("s", start, start + timedelta(days=300), now=start)


@pytest.mark.parametrize("which", ["find_slots", "Scheduler.slots"])
def test_other_threads_run_while_a_long_call_works(which: str) -> None:
    if which == "find_slots":
        q = long_query()
        call: Callable[[], Any] = lambda: sc.find_slots(q)  # noqa: E731
    else:
        call = long_scheduler_call()

    go = threading.Event()
    woke: list[float] = []

    def other() -> None:
        go.wait()
        woke.append(time.monotonic())  # needs the GIL

    helper = threading.Thread(target=other)
    helper.start()
    time.sleep(0.05)  # the helper now waits on `go`
    go.set()
    began = time.monotonic()
    result = call()
    ended = time.monotonic()
    helper.join(10)
    assert len(result) > 100_000
    assert ended - began > 0.25, "the call must be long enough for the check to mean something"
    # Had the call kept the GIL, the helper could only run after it returned.
    assert woke and woke[0] < ended - 0.1


def test_a_booking_waiting_for_a_locked_sqlite_file_lets_other_threads_run(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite"
    build_salon(str(path))
    s = sc.Scheduler(sc.open_sqlite_store(path, busy_timeout=timedelta(seconds=5)))
    blocker = sqlite3.connect(path, isolation_level=None, timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the file's write lock
    outcome: dict[str, Any] = {}

    def book() -> None:
        try:
            outcome["booking"] = s.book("anna", "cut", STARTS[0], now=NOW)
        except BaseException as e:  # noqa: BLE001
            outcome["error"] = e

    began = time.monotonic()
    writer = threading.Thread(target=book)
    writer.start()
    time.sleep(0.3)
    assert writer.is_alive() and outcome == {}  # waiting for the lock
    # This line needs the GIL: had book() kept it while waiting, we would get
    # here only after its 5 s busy_timeout, with the booking failed.
    blocker.execute("COMMIT")
    released = time.monotonic()
    writer.join(10)
    blocker.close()
    assert released - began < 3
    assert "error" not in outcome, outcome.get("error")
    assert outcome["booking"].start == STARTS[0]
