"""`python3 -m slotcraft.server` started as a user starts it, keys made with its `keys` commands."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time as wall, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

import slotcraft as sc
from conftest import build_salon

SERVER = [sys.executable, "-m", "slotcraft.server"]
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def keys(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SERVER, "keys", *args], capture_output=True, text=True, timeout=60)


def next_monday_at_ten_berlin() -> str:
    """A bookable start whatever day the test runs: 10:00 Berlin on a Monday 1-2 weeks ahead."""
    today = date.today()
    monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    return sc.format_instant(datetime.combine(monday, wall(10), tzinfo=ZoneInfo("Europe/Berlin")))


@contextmanager
def serving(db: Path, log_path: Path, *options: str) -> Iterator[str]:
    """The server on `db` with `options`, from its start (its base URL) to a clean stop."""
    port = free_port()
    log = log_path.open("w")
    process = subprocess.Popen(
        [*SERVER, "--db", str(db), "--port", str(port), *options],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if httpx.get(f"{base}/v1/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
        yield base
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0, log_path.read_text()
    finally:
        process.kill()
        process.wait()
        log.close()


@pytest.fixture(params=[1, 2], ids=["one_worker", "two_workers"])
def running(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The server on a salon's SQLite file: its base URL and the file."""
    db = tmp_path / "salon.sqlite"
    build_salon(str(db))
    with serving(db, tmp_path / "server.log", "--workers", str(request.param)) as base:
        yield base, db


def test_book_through_a_running_server(running: tuple[str, Path]) -> None:
    base, db = running
    created = keys("create", "--db", str(db), "--role", "client", "--client", "c1", "--name", "bot")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("sck_") and "not shown again" in created.stderr
    start = next_monday_at_ten_berlin()

    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=10) as http:
        day_after = sc.format_instant(sc.parse_instant(start) + timedelta(days=1))
        slots = http.get("/v1/slots", params={"service": "cut", "from": start, "to": day_after, "limit": 1})
        assert slots.status_code == 200, slots.text
        assert slots.json()["slots"][0]["local_start"].startswith(start[:10] + "T10:00:00+0")
        body = {"resource": "anna", "service": "cut", "start": start}
        booked = http.post("/v1/bookings", json=body, headers={"Idempotency-Key": "first"})
        assert booked.status_code == 201, booked.text
        again = http.post("/v1/bookings", json=body, headers={"Idempotency-Key": "first"})
        assert again.json()["id"] == booked.json()["id"]
        refused = http.post("/v1/bookings", json=body)
        assert refused.status_code == 409
        assert [r["code"] for r in refused.json()["error"]["reasons"]] == ["busy"]
        assert httpx.get(f"{base}/v1/bookings/{booked.json()['id']}").status_code == 401

        listed = keys("list", "--db", str(db))
        assert listed.returncode == 0 and " client " in listed.stdout and key not in listed.stdout
        key_id = key.split("_")[1]
        assert keys("revoke", "--db", str(db), key_id).returncode == 0
        assert http.get(f"/v1/bookings/{booked.json()['id']}").status_code == 401
        assert keys("revoke", "--db", str(db), key_id).returncode == 1

    assert sc.Scheduler(str(db)).booking(booked.json()["id"]).client == "c1"


def test_bad_arguments_stop_before_serving(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.sqlite"
    foreign.write_text("not a database")
    for args, says in (
        (["--db", str(foreign)], "slotcraft.server"),
        (["--db", "memory:", "--workers", "2"], "workers"),
        (["--db", str(tmp_path / "x.sqlite"), "--workers", "0"], "--workers"),
        ([], "--db"),
    ):
        run = subprocess.run([*SERVER, *args], capture_output=True, text=True, timeout=60)
        assert run.returncode == 2, (args, run.stderr)
        assert says in run.stderr
    bad_role = keys("create", "--db", str(tmp_path / "k.sqlite"), "--role", "staff", "--name", "x")
    assert (bad_role.returncode, "resource" in bad_role.stderr) == (2, True)


def _sign_in_cookie(base: str, forwarded_for: str) -> str:
    """The Set-Cookie of a sign-in that a proxy forwarded from `forwarded_for` over https."""
    signed_in = httpx.post(f"{base}/v1/session", json={"login": "ada", "password": PASSWORD}, timeout=10,
                           headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"})
    assert signed_in.status_code == 200, signed_in.text
    return signed_in.headers["set-cookie"]


def _answers(base: str, *forwarded_for: str) -> list[int]:
    """The statuses of keyless requests, one from each of `forwarded_for` as a proxy forwards them."""
    return [httpx.get(f"{base}/v1/locations", headers={"X-Forwarded-For": address}, timeout=10).status_code
            for address in forwarded_for]


def test_behind_a_trusted_proxy_its_forwarded_headers_name_the_client_and_the_scheme(tmp_path: Path) -> None:
    """Each X-Forwarded-For address has its own --per-address bucket and X-Forwarded-Proto
    makes the session cookie Secure, from the --trusted-proxy only: from anyone else, every
    request counts against the address that sent it, and the cookie is for plain http."""
    db = tmp_path / "salon.sqlite"
    build_salon(str(db))
    user = subprocess.run([*SERVER, "users", "create", "--db", str(db), "--login", "ada", "--role", "admin",
                           "--name", "Ada", "--password-stdin"], input=PASSWORD + "\n", capture_output=True,
                          text=True, timeout=60)
    assert user.returncode == 0, user.stderr
    with serving(db, tmp_path / "proxied.log", "--per-address", "2", "--trusted-proxy", "127.0.0.1") as base:
        assert _answers(base, "203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2") == [401, 401, 429, 401]
        assert "; Secure" in _sign_in_cookie(base, "203.0.113.3")
    with serving(db, tmp_path / "direct.log", "--per-address", "2") as base:
        assert "; Secure" not in _sign_in_cookie(base, "203.0.113.3")
        assert _answers(base, "203.0.113.1", "203.0.113.2") == [401, 429]


def test_an_id_holding_a_slash_a_tilde_or_a_percent_sign_is_one_path_segment(tmp_path: Path) -> None:
    # uvicorn routes on the decoded path, where room%2F1 would be two segments; the routes read the path as sent.
    db = tmp_path / "salon.sqlite"
    build_salon(str(db))
    created = keys("create", "--db", str(db), "--role", "admin", "--name", "catalog")
    assert created.returncode == 0, created.stderr
    headers = {"Authorization": f"Bearer {created.stdout.strip()}"}
    with serving(db, tmp_path / "server.log") as base, httpx.Client(base_url=base, headers=headers, timeout=10) as http:
        put = http.put("/v1/resources/room%2F1~a%25b", json={"name": "Room 1", "timezone": "Europe/Berlin"})
        assert put.status_code == 201, put.text
        assert http.get("/v1/resources/room%2F1~a%25b").json()["id"] == "room/1~a%b"
        linked = http.put("/v1/resources/room%2F1~a%25b/services/cut")
        assert linked.status_code == 200 and linked.json()["services"] == ["cut"], linked.text
        for other in ("room", "room%2F1", "room%2F1~a%2525b"):
            missing = http.get(f"/v1/resources/{other}")
            assert missing.status_code == 404 and missing.json()["error"]["field"] == "id", (other, missing.text)
        assert http.get("/v1/resources/room/1~a%25b").status_code == 404  # a real slash is two segments
    assert sc.Scheduler(str(db)).services_of("room/1~a%b") == ["cut"]
