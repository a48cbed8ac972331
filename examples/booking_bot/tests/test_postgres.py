"""The bot on PostgreSQL: slotcraft's tables and the bot's in one fresh schema
of the test server (scripts/test starts one and sets SLOTCRAFT_TEST_POSTGRES_URI).
Skipped without a server, unless SLOTCRAFT_REQUIRE_POSTGRES=1 says it must run."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

import slotcraft as sc
from pg_schema import scratch_schema

from conftest import World


@pytest.fixture
def pg_world(tmp_path: Path) -> Iterator[World]:
    with scratch_schema("bot") as uri:
        w = World(tmp_path, uri)
        yield w
        w.close()


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
