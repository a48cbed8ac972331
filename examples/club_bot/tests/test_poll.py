"""The teachers' daily poll: sent at the configured local time (18:00 in
Berlin) on both sides of the spring DST change, and its answers become the
teacher's availability for those dates."""

from __future__ import annotations

from datetime import datetime, timezone

from conftest import Club, buttons


def polls(teacher) -> list[dict]:  # noqa: ANN001
    return [m for m in teacher.messages() if m["text"].startswith("Which slots can you take on")]


def test_poll_at_local_time_across_dst_and_answers_change_availability(club: Club) -> None:
    bot = club.bot()
    anna = club.user("Anna")
    sid = club.add_subject("Math", 1)
    rid = club.add_teacher(anna)
    club.teach(rid, sid)

    # Saturday 27 March, 17:59 CET: not yet.
    club.set_clock(datetime(2027, 3, 27, 16, 59, tzinfo=timezone.utc))
    club.wait_poll_pass(datetime(2027, 3, 27, 16, 59, tzinfo=timezone.utc))
    assert polls(anna) == []
    # 18:00 CET = 17:00 UTC: the poll for Sunday and Monday.
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    sunday = anna.expect("poll", day="Sun 28.03")
    monday = anna.expect("poll", day="Mon 29.03")
    assert [t for t, _ in buttons(sunday)] == ["▫️ 10:00", "▫️ 11:00", "▫️ 12:00", "▫️ 13:00", "I can't that day"]
    club.wait_poll_pass(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    club.set_clock(datetime(2027, 3, 27, 17, 1, tzinfo=timezone.utc))
    club.wait_poll_pass(datetime(2027, 3, 27, 17, 1, tzinfo=timezone.utc))
    assert len(polls(anna)) == 2, "the poll went out more than once that day"

    # Before any answer, clients see the usual hours.
    bob = club.user("Bob")
    assert club.times(bob, "Math", "Anna", "Sun 28.03") == ["10:00", "11:00", "12:00", "13:00"]

    # Anna ticks 10:00 and 12:00 for Sunday, and cannot come on Monday.
    anna.press(sunday, "▫️ 10:00")
    club.api.wait(lambda: any("✅ 10:00" in [t for t, _ in buttons(e)] for e in club.api.edits), 20, "the tick shown")
    anna.press(sunday, "▫️ 12:00")
    club.api.wait(lambda: any({"✅ 10:00", "✅ 12:00"} <= {t for t, _ in buttons(e)} for e in club.api.edits), 20,
                  "both ticks shown")
    anna.press(monday, "I can't that day")
    bot.wait_log(r"poll answer resource=t1 day=2027-03-29 slots=\n")
    assert club.times(bob, "Math", "Anna", "Sun 28.03") == ["10:00", "12:00"]
    assert club.times(bob, "Math", "Anna", "Mon 29.03") == []
    # Unticking gives the slot up again.
    anna.press(sunday, "✅ 12:00")
    bot.wait_log(r"poll answer resource=t1 day=2027-03-28 slots=10:00\n")
    assert club.times(bob, "Math", "Anna", "Sun 28.03") == ["10:00"]

    # Sunday 28 March is CEST (+02:00): 18:00 local is 16:00 UTC.
    club.set_clock(datetime(2027, 3, 28, 15, 59, tzinfo=timezone.utc))
    club.wait_poll_pass(datetime(2027, 3, 28, 15, 59, tzinfo=timezone.utc))
    assert len(polls(anna)) == 2
    club.set_clock(datetime(2027, 3, 28, 16, 0, tzinfo=timezone.utc))
    again = anna.expect("poll", day="Mon 29.03")
    anna.expect("poll", day="Tue 30.03")
    # Monday's buttons remember the answer (none ticked), and a day that has begun can no longer be changed.
    assert [t for t, _ in buttons(again)][:4] == ["▫️ 10:00", "▫️ 11:00", "▫️ 12:00", "▫️ 13:00"]
    anna.press(sunday, "✅ 10:00")
    anna.expect("poll_closed")
