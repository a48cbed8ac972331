"""`python3 -m slotcraft.server webhooks deliver` as a process: killed with
SIGKILL while it sends, then started again, it loses no delivery; and two
of them side by side send each delivery once."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from datetime import date, datetime, time as wall, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo


import slotcraft as sc
import slotcraft.server as server
from conftest import build_salon

from .receiver import Receiver
from .test_http_process import SERVER
from .test_http_race import target  # noqa: F401 (the fixture: a SQLite file, or a schema on the test PostgreSQL)

BOOKINGS = 24


def _book_a_week(salon: sc.Scheduler) -> set[str]:
    """BOOKINGS haircuts for anna and boris next week, whatever day the test runs."""
    today = date.today()
    monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    berlin = ZoneInfo("Europe/Berlin")
    starts = [datetime.combine(monday + timedelta(days=d), wall(h), tzinfo=berlin)
              for d in range(5) for h in (9, 10, 11, 14, 15, 16)]
    booked = set()
    for i in range(BOOKINGS):
        booked.add(salon.book(("anna", "boris")[i % 2], "cut", starts[i // 2], client="c1").id)
    return booked


def _deliver(target: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:  # the child keeps its own copy
        return subprocess.Popen([*SERVER, "webhooks", "deliver", "--db", target, "--interval", "0.1",
                                 "--timeout", "1"], stdout=output, stderr=subprocess.STDOUT)


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0


def test_a_worker_killed_while_sending_loses_no_delivery(target: str, tmp_path: Path, receiver: Receiver) -> None:
    salon = build_salon(target)
    hooks = server.Webhooks(salon)
    hooks.create(receiver.url, ["booking.created"])
    hooks.close()
    booked = _book_a_week(salon)
    receiver.delay = 0.05
    log = tmp_path / "webhooks.log"
    first = _deliver(target, log)
    try:
        receiver.wait_for(BOOKINGS // 3)
    finally:
        first.kill()  # SIGKILL, a delivery in flight
        first.wait()
    told_before = len(receiver.accepted())
    assert told_before < BOOKINGS, "the worker had finished: the test did not test anything"
    second = _deliver(target, log)
    try:
        receiver.wait_for(BOOKINGS, seconds=60)  # the killed claim lapses after 1 + 5 s
    finally:
        _stop(second)
    told = Counter(r.event["data"]["booking"]["id"] for r in receiver.accepted())
    assert set(told) == booked, log.read_text()
    assert sum(told.values()) - BOOKINGS <= 1  # at most the one in flight comes twice


def test_two_workers_side_by_side_send_each_delivery_once(target: str, tmp_path: Path, receiver: Receiver) -> None:
    salon = build_salon(target)
    hooks = server.Webhooks(salon)
    hooks.create(receiver.url, ["booking.created"])
    hooks.close()
    log = tmp_path / "webhooks.log"
    workers = [_deliver(target, log), _deliver(target, log)]
    try:
        booked = _book_a_week(salon)
        receiver.wait_for(BOOKINGS)
        time.sleep(0.5)  # time for a second copy to arrive, were there one
    finally:
        for worker in workers:
            _stop(worker)
    told = Counter(r.event["data"]["booking"]["id"] for r in receiver.received)
    assert set(told) == booked and set(told.values()) == {1}, log.read_text()
