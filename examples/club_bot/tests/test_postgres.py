"""The club bot on PostgreSQL: slotcraft's tables, the booking bot's `bot_*`
and the club's `club_*` in one fresh schema of the test server (scripts/test
starts one and sets SLOTCRAFT_TEST_POSTGRES_URI). Skipped without a server,
unless SLOTCRAFT_REQUIRE_POSTGRES=1 says it must run."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

import slotcraft as sc
from conftest import Club


def postgres_uri() -> str | None:
    uri = os.environ.get("SLOTCRAFT_TEST_POSTGRES_URI") or None
    if uri is None and os.environ.get("SLOTCRAFT_REQUIRE_POSTGRES") == "1":
        raise RuntimeError("SLOTCRAFT_REQUIRE_POSTGRES=1 but SLOTCRAFT_TEST_POSTGRES_URI is not set")
    return uri if uri and sc.postgres_store_available() else None


def psql(uri: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c", sql], check=True, capture_output=True)


@pytest.fixture
def pg_club(tmp_path: Path) -> Iterator[Club]:
    uri = postgres_uri()
    if uri is None:
        pytest.skip("no PostgreSQL test server (SLOTCRAFT_TEST_POSTGRES_URI) or slotcraft built without it")
    schema = f"club_{os.getpid()}"
    psql(uri, f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    c = Club(tmp_path, f"{uri}{'&' if '?' in uri else '?'}options=-csearch_path%3D{schema}")
    yield c
    c.close()
    psql(uri, f"DROP SCHEMA {schema} CASCADE")


def test_poll_booking_and_support_on_postgres(pg_club: Club) -> None:
    club = pg_club
    club.bot()
    anna = club.user("Anna")
    sid = club.add_subject("Yoga", 2)
    tid = club.add_teacher(anna)
    club.teach(tid, sid)
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    sunday = anna.expect("poll", day="Sun 28.03")
    anna.press(sunday, "▫️ 11:00")
    ann = club.user("Ann")
    club.api.wait(lambda: club.times(ann, "Yoga", "Anna", "Sun 28.03") == ["11:00 (2 left)"], 20, "the answer applied")
    club.book(ann, "Yoga", "Anna", "Sun 28.03", "11:00 (2 left)")
    club.admin.send("/faq Where is the club? | Main street 5.")
    club.admin.expect("faq_added")
    ann.send("where is the club")
    ann.press_key(ann.expect("faq_answer", answer="Main street 5."), "btn_person")
    take = anna.expect("new_conversation", name="Ann", text="where is the club")
    anna.press_key(take, "btn_take")
    anna.expect("conversation", name="Ann")
    anna.send("Next to the park.")
    ann.expect("operator_says", name="Anna", text="Next to the park.")
    club.admin.send("/stats")
    stats = club.admin.match(club.admin.expect("stats"), "stats")
    assert (stats["faq"], stats["handed"], stats["after_faq"]) == ("1", "1", "1")
    # Removing the teacher (her taken conversation goes back to the shared queue), then the subject.
    club.admin.send(f"/rmteacher {tid}")
    club.admin.expect("teacher_removed", teacher="Anna", future=1, convs=1)
    club.admin.send("/queue")
    club.admin.expect("queue_item", name="Ann")
    club.admin.send(f"/rmsubject {sid}")
    club.admin.expect("subject_removed", subject="Yoga", future=1)
    s = sc.Scheduler(club.db)
    assert s.services_of(tid) == [] and s.providers(sid) == []
    assert club.add_subject("Chess", 1) == "s2"
