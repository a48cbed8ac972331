"""The club bot on PostgreSQL: slotcraft's tables, the booking bot's `bot_*`
and the club's `club_*` in one fresh schema of the test server (scripts/test
starts one and sets SLOTCRAFT_TEST_POSTGRES_URI). Skipped without a server,
unless SLOTCRAFT_REQUIRE_POSTGRES=1 says it must run."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

import slotcraft as sc
from pg_schema import scratch_schema

from conftest import Club


@pytest.fixture
def pg_club(tmp_path: Path) -> Iterator[Club]:
    with scratch_schema("club") as uri:
        c = Club(tmp_path, uri)
        yield c
        c.close()


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
    club.admin.press_key(club.admin.expect("sure_rmteacher", teacher="Anna", future=1), "btn_yes_remove")
    club.admin.expect("teacher_removed", teacher="Anna", future=1, convs=1)
    club.admin.send("/queue")
    club.admin.expect("queue_item", name="Ann")
    club.admin.send(f"/rmsubject {sid}")
    club.admin.press_key(club.admin.expect("sure_rmsubject", subject="Yoga", future=1), "btn_yes_remove")
    club.admin.expect("subject_removed", subject="Yoga", future=1)
    s = sc.Scheduler(club.db)
    assert s.services_of(tid) == [] and s.providers(sid) == []
    assert club.add_subject("Chess", 1) == "s2"
