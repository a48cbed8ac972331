"""Sixteen HTTP clients racing for the same starts through `--workers 4`, on a
SQLite file and on PostgreSQL; then a worker SIGKILLed mid-run. Afterwards the
database itself (in SQL) holds no overlapping active bookings and no over-sold
class, every 2xx booking is there, and every refusal was a 409 with reasons."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time as wall, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

import slotcraft as sc
import slotcraft.server as server
from conftest import _postgres_uri, build_salon

from .receiver import Receiver
from .test_http_process import SERVER, free_port

CLIENTS = 16
REQUESTS_PER_CLIENT = 12
YOGA_SEATS = 3


def _monday_ahead() -> date:
    today = date.today()
    return today + timedelta(days=7 + (7 - today.weekday()) % 7)


def _starts() -> list[tuple[str, str, str]]:
    """(resource, service, start): cuts 09:00-12:40 every 20 minutes at anna and boris
    (30 minutes and a 10-minute buffer: neighbours overlap), and anna's yoga at 10:00
    and 11:00, which overlaps her cuts and holds three seats."""
    berlin = ZoneInfo("Europe/Berlin")
    monday = _monday_ahead()

    def at(h: int, m: int) -> str:
        return sc.format_instant(datetime.combine(monday, wall(h, m), tzinfo=berlin))

    cuts = [(r, "cut", at(9 + m // 60, m % 60)) for r in ("anna", "boris") for m in range(0, 240, 20)]
    return cuts + [("anna", "yoga", at(10, 0)), ("anna", "yoga", at(11, 0))]


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def children(self) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in found.stdout.split()]

    def busiest_worker(self) -> int:
        """The worker holding the most client connections (Linux's ss)."""
        port = self.base.rsplit(":", 1)[1]
        found = subprocess.run(["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
                               capture_output=True, text=True)
        counts = {pid: found.stdout.count(f"pid={pid},") for pid in self.children()}
        return max(counts, key=lambda pid: counts[pid])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        finally:
            self.process.kill()


def _start(target: str, tmp_path: Path, workers: int) -> Running:
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*SERVER, "--db", target, "--port", str(port), "--workers", str(workers), "--per-key", "0",
             "--per-address", "0"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    running = Running(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{running.base}/v1/openapi.json", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    if workers > 1:  # every worker up, so a killed one is one of several serving
        while len(running.children()) < workers:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    return running


@pytest.fixture(params=["sqlite", *(["postgres"] if _postgres_uri() else [])])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "salon.sqlite")
        return
    uri = _postgres_uri()
    assert uri is not None
    schema = f"race_{os.getpid()}"
    _psql(uri, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    yield f"{uri}{'&' if '?' in uri else '?'}options=-csearch_path%3D{schema}"
    _psql(uri, f"DROP SCHEMA {schema} CASCADE")


def _psql(uri: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c", sql], check=True, capture_output=True)


@dataclass
class Outcome:
    booked: dict[str, str] = field(default_factory=dict)  # idempotency key → booking id
    refused: int = 0
    answered: int = 0
    lost: list[dict[str, object]] = field(default_factory=list)  # no answer: the worker died under it
    wrong: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _race(base: str, key: str, outcome: Outcome, seed: int, go: threading.Barrier) -> None:
    choices = random.Random(seed)
    starts = _starts()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
        go.wait()
        for n in range(REQUESTS_PER_CLIENT):
            resource, service, start = choices.choice(starts)
            body = {"resource": resource, "service": service, "start": start, "client": "c1"}
            idempotency = f"client{seed}-{n}"
            try:
                answer = http.post("/v1/bookings", json=body, headers={"Idempotency-Key": idempotency})
            except httpx.TransportError:
                with outcome.lock:
                    outcome.lost.append({"body": body, "key": idempotency})
                continue
            with outcome.lock:
                if answer.status_code == 201:
                    outcome.booked[idempotency] = answer.json()["id"]
                elif answer.status_code == 409 and answer.json()["error"]["reasons"]:
                    outcome.refused += 1
                else:
                    outcome.wrong.append(f"{answer.status_code} {answer.text}")
                outcome.answered += 1


def _run_clients(base: str, key: str, outcome: Outcome) -> None:
    go = threading.Barrier(CLIENTS)
    threads = [threading.Thread(target=_race, args=(base, key, outcome, seed, go)) for seed in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads)


# One query for both dialects: the active bookings' padded intervals, from the columns each store keeps.
PADDED = {
    "sqlite": ("start_s - buffer_before_min * 60", "end_s + buffer_after_min * 60", "start_s"),
    "postgres": ("padded_start", "padded_end", "start_at"),
}


def _sql_rows(target: str, sql: str) -> list[tuple[object, ...]]:
    if target.startswith("postgresql://"):
        import psycopg2

        with psycopg2.connect(target) as db, db.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    with sqlite3.connect(target) as db:
        return db.execute(sql).fetchall()


def _check_database(target: str, outcome: Outcome) -> None:
    dialect = "postgres" if target.startswith("postgresql://") else "sqlite"
    start, end, at = PADDED[dialect]
    overlapping = _sql_rows(target, f"""
        WITH active AS (SELECT id, resource_id, service_id, {at} AS at, {start} AS lo, {end} AS hi
                        FROM bookings WHERE status = 'confirmed')
        SELECT a.id, b.id FROM active a JOIN active b
          ON a.resource_id = b.resource_id AND a.id < b.id AND a.lo < b.hi AND b.lo < a.hi
         WHERE NOT (a.service_id = 'yoga' AND b.service_id = 'yoga' AND a.at = b.at)""")
    assert overlapping == []
    over_sold = _sql_rows(target, f"""
        SELECT resource_id, {at}, SUM(seats) FROM bookings
         WHERE status = 'confirmed' AND service_id = 'yoga'
         GROUP BY resource_id, {at} HAVING SUM(seats) > {YOGA_SEATS}""")
    assert over_sold == []
    confirmed = {row[0] for row in _sql_rows(target, "SELECT id FROM bookings WHERE status = 'confirmed'")}
    assert set(outcome.booked.values()) <= confirmed
    assert outcome.wrong == []


def _admin_key(target: str) -> str:
    keys = server.ApiKeys(sc.Scheduler(target))
    try:
        return keys.create("race", "admin")[1]
    finally:
        keys.close()


def test_sixteen_clients_racing_through_four_workers_never_double_book(target: str, tmp_path: Path) -> None:
    build_salon(target)
    key = _admin_key(target)
    running = _start(target, tmp_path, workers=4)
    outcome = Outcome()
    try:
        _run_clients(running.base, key, outcome)
    finally:
        running.stop()
    assert outcome.lost == []
    assert outcome.refused + len(outcome.booked) == CLIENTS * REQUESTS_PER_CLIENT
    assert outcome.booked and outcome.refused  # a race, not a queue: both happened
    _check_database(target, outcome)
    # nothing else was booked: the database holds exactly the bookings answered 201
    every = {row[0] for row in _sql_rows(target, "SELECT id FROM bookings")}
    assert every == set(outcome.booked.values())


def test_a_worker_killed_mid_run_loses_no_committed_booking_nor_its_webhook(
    target: str, tmp_path: Path, receiver: Receiver
) -> None:
    build_salon(target)
    key = _admin_key(target)
    hooks = server.Webhooks(sc.Scheduler(target))
    hooks.create(receiver.url, ["booking.created"])
    running = _start(target, tmp_path, workers=4)
    outcome = Outcome()
    clients = threading.Thread(target=_run_clients, args=(running.base, key, outcome))
    clients.start()
    try:
        while outcome.answered < CLIENTS * REQUESTS_PER_CLIENT // 4:
            time.sleep(0.005)
        os.kill(running.busiest_worker(), signal.SIGKILL)  # with requests in flight on it
        clients.join(timeout=300)
    finally:
        running.stop()
    assert outcome.lost, "the killed worker was serving no one: the test did not test anything"
    _check_database(target, outcome)

    # Restarted, the server answers every request that got no answer: a retry with its
    # Idempotency-Key returns the booking if it had committed, else books or refuses it now.
    again = _start(target, tmp_path, workers=1)
    try:
        with httpx.Client(base_url=again.base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http:
            for request in outcome.lost:
                answer = http.post("/v1/bookings", json=request["body"], headers={"Idempotency-Key": str(request["key"])})
                assert answer.status_code in (201, 409), answer.text
                if answer.status_code == 201:
                    outcome.booked[str(request["key"])] = answer.json()["id"]
    finally:
        again.stop()
    _check_database(target, outcome)
    every = {row[0] for row in _sql_rows(target, "SELECT id FROM bookings")}
    assert every == set(outcome.booked.values())

    # Every committed booking is in the audit log, the webhooks' outbox, the killed worker's too.
    try:
        server.Dispatcher(hooks).run_once()
    finally:
        hooks.close()
    told = [r.event["data"]["booking"]["id"] for r in receiver.accepted()]
    assert sorted(told) == sorted(every)
