"""A teacher's tools: the morning agenda, the reminder's "I'm coming" heard once, attendance marks that are
slotcraft's (the reports count them), and the calendar feed of the HTTP API on the same database."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

import icalendar
import slotcraft as sc
from fastapi.testclient import TestClient
from slotcraft import server

from conftest import Club, buttons


def test_agenda_reminder_buttons_attendance_and_the_calendar_feed(club: Club) -> None:
    bot = club.bot("--calendar-url", "https://club.example.org/api/")
    anna, ann, ben = club.user("Anna"), club.user("Ann"), club.user("Ben")
    yoga = club.add_subject("Yoga", 2)
    t_anna = club.add_teacher(anna)
    club.teach(t_anna, yoga)
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "10:00 (2 left)")
    club.book(ben, "Yoga", "Anna", "Mon 29.03", "10:00 (1 left)")

    # 24 h before Monday 10:00 CEST (08:00 UTC): the reminder, with "I'm coming" and Cancel.
    club.set_clock(datetime(2027, 3, 28, 8, 0, tzinfo=timezone.utc))
    reminder = ann.expect("reminder", subject="Yoga", when="Mon 29.03 10:00")
    assert [t for t, _ in buttons(reminder)] == ["I'm coming", "Cancel this booking"]
    # Sunday's agenda is due from 08:00 Berlin (06:00 UTC): nothing booked that day.
    anna.expect("agenda_free", day="Sun 28.03")
    ann.press(reminder, "I'm coming")
    ann.expect("coming_noted", when="Mon 29.03 10:00")
    anna.expect("teacher_client_coming", client="Ann", subject="Yoga", when="Mon 29.03 10:00")
    ann.press(reminder, "I'm coming")
    ann.expect("coming_noted")
    # Monday's, at 08:00 CEST (06:00 UTC), lists the class.
    club.set_clock(datetime(2027, 3, 29, 5, 59, tzinfo=timezone.utc))
    bot.wait_log(r"reminder pass worker=\S+ now=2027-03-29T05:59:00")
    assert anna.count("agenda") == 0
    club.set_clock(datetime(2027, 3, 29, 6, 0, tzinfo=timezone.utc))
    agenda = anna.expect("agenda", day="Mon 29.03", count=1, lines="10:00 Yoga: Ann, Ben")
    assert "1 lessons" not in agenda["text"]
    club.set_clock(datetime(2027, 3, 29, 6, 1, tzinfo=timezone.utc))
    bot.wait_log(r"reminder pass worker=\S+ now=2027-03-29T06:01:00")
    assert anna.count("agenda") == 1 and anna.count("teacher_client_coming") == 1

    # Before the lesson nothing can be marked; at 10:30 Anna marks Ann came and Ben did not.
    anna.send("/marks")
    anna.expect("marks_none")
    club.set_clock(datetime(2027, 3, 29, 8, 30, tzinfo=timezone.utc))
    anna.send("/marks")
    cards = {anna.match(m, "attendance_card")["client"]: m for m in
             (anna.expect("attendance_card", mark="not marked"), anna.expect("attendance_card", mark="not marked"))}
    anna.press(cards["Ann"], "✅ Came")
    anna.press(cards["Ben"], "❌ Did not come")
    club.api.wait(lambda: {e["text"].rpartition("— ")[2] for e in club.api.edits} >= {"came", "did not come"}, 20,
                  "both cards show their mark")
    s = sc.Scheduler(club.db)
    monday = s.upcoming(t_anna, datetime(2027, 3, 29, tzinfo=timezone.utc), 1)
    marks = {s.client(b.client).name: b.attendance for b in monday if b.status == sc.BookingStatus.confirmed}
    assert marks == {"Ann": sc.Attendance.attended, "Ben": sc.Attendance.no_show}
    report = s.attendance_csv(datetime(2027, 3, 29, tzinfo=timezone.utc), datetime(2027, 3, 30, tzinfo=timezone.utc))
    assert "attended" in report and "no_show" in report, report
    ann.press_data(cards["Ann"], buttons(cards["Ann"])[1][1])  # a client's forged mark
    bot.wait_log(r"refused at: for user=\d+ role=client")

    # The feed: an address of the HTTP API on this database, which a new one replaces and /feed off stops.
    app = TestClient(server.create_app(s, server.ApiKeys(s)))
    anna.send("/feed")
    first = anna.match(anna.expect("feed"), "feed")["url"]
    url = urlsplit(first)
    assert (url.scheme, url.netloc) == ("https", "club.example.org")
    assert re.fullmatch(rf"/api/v1/calendars/{t_anna}\.ics", url.path), first
    feed = app.get(url.path.removeprefix("/api") + "?" + url.query)
    assert feed.status_code == 200, feed.text
    events = icalendar.Calendar.from_ical(feed.text).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [datetime(2027, 3, 29, 8, 0, tzinfo=timezone.utc)]
    anna.send("/feed")
    second = anna.match(anna.expect("feed"), "feed")["url"]
    assert app.get(urlsplit(first).path.removeprefix("/api") + "?" + url.query).status_code == 404
    assert app.get(urlsplit(second).path.removeprefix("/api") + "?" + urlsplit(second).query).status_code == 200
    anna.send("/feed off")
    anna.expect("feed_off")
    assert app.get(urlsplit(second).path.removeprefix("/api") + "?" + urlsplit(second).query).status_code == 404
    anna.send("/feed sometimes")
    anna.expect("bad_feed")
    ann.send("/feed")
    ann.expect("not_allowed", role="client")
