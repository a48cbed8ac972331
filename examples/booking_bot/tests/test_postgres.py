"""The bot on PostgreSQL: slotcraft's tables and the bot's in one fresh schema
of the test server (scripts/test starts one and sets SLOTCRAFT_TEST_POSTGRES_URI).
Skipped without a server, unless SLOTCRAFT_REQUIRE_POSTGRES=1 says it must run."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

import slotcraft as sc
from conftest import World


def postgres_uri() -> str | None:
    uri = os.environ.get("SLOTCRAFT_TEST_POSTGRES_URI") or None
    if uri is None and os.environ.get("SLOTCRAFT_REQUIRE_POSTGRES") == "1":
        raise RuntimeError("SLOTCRAFT_REQUIRE_POSTGRES=1 but SLOTCRAFT_TEST_POSTGRES_URI is not set")
    return uri if uri and sc.postgres_store_available() else None


def psql(uri: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c", sql], check=True, capture_output=True)


@pytest.fixture
def pg_world(tmp_path: Path):
    uri = postgres_uri()
    if uri is None:
        pytest.skip("no PostgreSQL test server (SLOTCRAFT_TEST_POSTGRES_URI) or slotcraft built without it")
    schema = f"bot_{os.getpid()}"
    psql(uri, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    w = World(tmp_path, f"{uri}{'&' if '?' in uri else '?'}options=-csearch_path%3D{schema}")
    yield w
    w.close()
    psql(uri, f"DROP SCHEMA {schema} CASCADE")


def test_booking_flow_on_postgres(pg_world: World) -> None:
    world = pg_world
    world.bot()
    master, a, b = world.user("Anna"), world.user("Ann"), world.user("Ben")
    code = world.register_master(master)
    offers = []
    for c in (a, b):
        c.send(f"/start {code}")
        c.send("/book")
        c.press(c.expect("pick_service"), "Haircut, 30 min, 25 EUR")
        c.press(c.expect("pick_day"), "Sat 27.03")
        offers.append(c.expect("pick_time"))
    for c, offer in zip((a, b), offers):
        c.press(offer, "10:00")
    outcomes = sorted(c.expect_one_of("confirm_booking", "slot_taken")[0] for c in (a, b))
    assert outcomes == ["confirm_booking", "slot_taken"]
    winner = a if a.count("confirm_booking") else b
    winner.press_key(winner.messages()[winner.cursor - 1], "btn_confirm")
    winner.expect("booked", when="Sat 27.03 10:00")
    master.expect("notice_new_booking", when="Sat 27.03 10:00")
    # A restart on PostgreSQL keeps the dialog state too.
    world.bots[-1].kill()
    world.bot()
    winner.send("/write")
    winner.expect("ask_write")
    world.bots[-1].kill()
    world.bot()
    winner.send("See you")
    master.expect("msg_from_client", text="See you")

    s = sc.Scheduler(world.db)
    [booking] = [x for x in s.upcoming(f"m{master.id}", datetime(2027, 3, 27, tzinfo=timezone.utc), 1)
                 if x.status == sc.BookingStatus.confirmed]
    assert booking.start == datetime(2027, 3, 27, 9, 0, tzinfo=timezone.utc)
    import psycopg2

    with psycopg2.connect(world.db) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM bot_messages WHERE text = 'See you'")
        assert cur.fetchone() == (1,)
    conn.close()
