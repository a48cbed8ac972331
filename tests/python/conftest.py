"""Shared fixtures: a salon catalog on every store, instants, a clock."""

from __future__ import annotations

import itertools
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import slotcraft as sc

UTC = timezone.utc
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

# Sunday noon UTC; Monday 2027-03-01 is the first working day after it.
NOW = datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
MONDAY = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    """An aware UTC datetime from `YYYY-MM-DDTHH:MM` (Z implied)."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def build_salon(target: str) -> sc.Scheduler:
    """anna and boris (Berlin) cut hair at the salon Mon-Fri 09:00-18:00 with a
    13:00-14:00 break; anna also teaches yoga (a class of 3 seats)."""
    s = sc.Scheduler(target)
    s.put_location(sc.Location("salon", name="Salon"))
    hours = {day: [("09:00", "18:00")] for day in WEEKDAYS}
    for rid in ("anna", "boris"):
        s.put_resource(
            sc.ResourceRecord(
                rid,
                "Europe/Berlin",
                name=rid.title(),
                schedules=[sc.LocationSchedule("salon", weekly=hours, breaks=[("13:00", "14:00")])],
            )
        )
    s.put_service(sc.ServiceRecord(sc.Service("cut", minutes(30), buffer_after=minutes(10)), name="Haircut"))
    s.put_service(sc.Service("yoga", minutes(60), capacity=3))
    s.link("anna", "cut")
    s.link("boris", "cut")
    s.link("anna", "yoga")
    s.put_client(sc.Client("c1", name="Client One", identities=[sc.Identity("telegram", "tg-1")]))
    return s


def _postgres_uri() -> str | None:
    """The test server's URI (scripts/test starts one); with
    SLOTCRAFT_REQUIRE_POSTGRES=1 a build with the PostgreSQL store must have it."""
    uri = os.environ.get("SLOTCRAFT_TEST_POSTGRES_URI") or None
    if uri is None and sc.postgres_store_available() and os.environ.get("SLOTCRAFT_REQUIRE_POSTGRES") == "1":
        raise RuntimeError("SLOTCRAFT_REQUIRE_POSTGRES=1 but SLOTCRAFT_TEST_POSTGRES_URI is not set")
    return uri if sc.postgres_store_available() else None


_schemas = itertools.count()


def _psql(uri: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c", sql], check=True, capture_output=True)


@pytest.fixture(params=["memory", "sqlite", *(["postgres"] if _postgres_uri() else [])])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every test using it runs on the in-memory store, on a SQLite file and,
    when the PostgreSQL store is built and a test server runs, in a fresh
    schema of the test database."""
    if request.param == "memory":
        return "memory:"
    if request.param == "sqlite":
        return str(tmp_path / "salon.sqlite")
    uri = _postgres_uri()
    assert uri is not None
    schema = f"py_{os.getpid()}_{next(_schemas)}"
    _psql(uri, f"CREATE SCHEMA {schema}")
    request.addfinalizer(lambda: _psql(uri, f"DROP SCHEMA {schema} CASCADE"))
    return f"{uri}{'&' if '?' in uri else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture
def salon(store_target: str) -> sc.Scheduler:
    return build_salon(store_target)


@pytest.fixture
def memory_salon() -> sc.Scheduler:
    return build_salon("memory:")
