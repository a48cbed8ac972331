"""Clients book a group session until it is full, through subject → teacher or
"any teacher" → day → time; roles are enforced on commands and buttons; a
client never sees or cancels another's booking; the admin's day table, CSV
export and a teacher's .ics are parsed back."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import icalendar

from conftest import Club, buttons


def test_group_session_until_full_roles_and_exports(club: Club) -> None:
    bot = club.bot()
    anna, boris = club.user("Anna"), club.user("Boris")
    yoga = club.add_subject("Yoga", 2)
    chess = club.add_subject("Chess", 1)
    t_anna = club.add_teacher(anna)
    t_boris = club.add_teacher(boris, "mon-fri 15:00-17:00")
    club.teach(t_anna, yoga, chess)
    club.teach(t_boris, yoga)
    # An invitation is for one new teacher: a teacher cannot take a second one, a used one is dead.
    club.admin.send("/teacher Carl; mon 10:00-11:00")
    link = club.admin.match(club.admin.expect("teacher_added", name="Carl"), "teacher_added")["link"]
    anna.send("/start " + link.rsplit("=", 1)[1])
    anna.expect("bad_invite")
    carl, dan = club.user("Carl"), club.user("Dan")
    carl.send("/start " + link.rsplit("=", 1)[1])
    carl.expect("welcome_teacher", name="Carl")
    dan.send("/start " + link.rsplit("=", 1)[1])
    dan.expect("bad_invite")

    # Two seats at Monday 10:00 with Anna: Ann and Ben get them, Cid does not.
    ann, ben, cid = club.user("Ann"), club.user("Ben"), club.user("Cid")
    assert club.times(ann, "Yoga", "Anna", "Mon 29.03")[:2] == ["10:00 (2 left)", "11:00 (2 left)"]
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "10:00 (2 left)")
    club.book(ben, "Yoga", "Anna", "Mon 29.03", "10:00 (1 left)")
    anna.expect("teacher_booked", client="Ann", subject="Yoga", when="Mon 29.03 10:00")
    anna.expect("teacher_booked", client="Ben", subject="Yoga", when="Mon 29.03 10:00")
    offered = club.times(cid, "Yoga", "Anna", "Mon 29.03")
    assert offered and not any(t.startswith("10:00") for t in offered), offered
    # "Any teacher" offers Boris's afternoon too.
    assert club.times(cid, "Yoga", "Any teacher", "Mon 29.03")[-2:] == ["15:00 (2 left)", "16:00 (2 left)"]
    # Chess is one seat: Cid cannot take Anna at 10:00 (she is teaching Yoga then).
    assert "10:00" not in club.times(cid, "Chess", "Anna", "Mon 29.03")

    # A teacher's /my: the lessons of the coming week, one line a session with who comes.
    anna.send("/my")
    week = anna.expect("teacher_week", count=1)
    assert week["text"].splitlines()[1:] == ["Mon 29.03 10:00 Yoga: Ann, Ben"], week["text"]
    boris.send("/my")
    boris.expect("teacher_week_free")

    # Cid sees only his (no) bookings and cannot cancel Ann's, even with a forged button.
    ann.send("/my")
    mine = ann.expect("my_booking", subject="Yoga", teacher="Anna")
    (label, data), = buttons(mine)
    cid.send("/my")
    nothing = cid.expect("no_bookings")
    cid.press_data(nothing, data)
    cid.expect("not_yours")
    # Forged booking buttons: a bad date, a teacher who does not teach it, a time that is not a number.
    for forged in (f"bk:d:{yoga}:{t_anna}:2027133", f"bk:h:{chess}:{t_boris}:1806300000", f"bk:h:{yoga}:*:soon"):
        cid.press_data(nothing, forged)
        cid.expect("stale_button")

    # Roles: a teacher cannot export, a client cannot change settings or take conversations.
    anna.send("/csv 2027-03-29")
    anna.expect("not_allowed", role="teacher")
    cid.send("/settings slot 30")
    cid.expect("not_allowed", role="client")
    cid.press_data(nothing, "op:take:1")
    cid.expect("not_allowed", role="client")
    anna.send("/book")
    anna.expect("not_allowed", role="teacher")

    # The admin's table for Monday: one session, 2 of 2 seats.
    club.admin.send("/day 2027-03-29")
    table = club.admin.expect("day_table", day="Mon 29.03")
    assert "10:00 | Anna | Yoga | 2/2 | " in table["text"] and "Ann" in table["text"] and "Ben" in table["text"]
    club.admin.send("/day 29.03")  # as every screen writes dates
    assert club.admin.expect("day_table", day="Mon 29.03")["text"] == table["text"]

    # CSV of Monday, parsed back.
    club.admin.send("/csv 2027-03-29")
    doc = club.api.wait(lambda: [d for d in club.api.documents if d["filename"].endswith(".csv")], 20, "the CSV")[0]
    rows = list(csv.DictReader(io.StringIO(doc["data"].decode("utf-8-sig"))))
    confirmed = [r for r in rows if r.get("status") == "confirmed"]
    assert len(confirmed) == 2, rows
    assert {r["resource"] for r in confirmed} == {t_anna} and {r["service"] for r in confirmed} == {yoga}
    assert all(r["start_local"].startswith("2027-03-29T10:00") and r["start_utc"].startswith("2027-03-29T08:00") for r in confirmed), confirmed  # CEST

    # Anna's calendar, parsed back with icalendar.
    club.admin.send(f"/ics {t_anna}")
    ics = club.api.wait(lambda: [d for d in club.api.documents if d["filename"] == f"{t_anna}.ics"], 20, "the .ics")[0]
    cal = icalendar.Calendar.from_ical(ics["data"])
    starts = [e.decoded("dtstart") for e in cal.walk("VEVENT")]
    assert starts == [datetime(2027, 3, 29, 8, 0, tzinfo=timezone.utc)], starts  # one event for the session, not per seat

    # Ann cancels her own booking: a seat is free again.
    ann.press(mine, "Cancel this booking")
    ann.press_key(ann.expect("sure_cancel", subject="Yoga", when="Mon 29.03 10:00"), "btn_yes_cancel")
    ann.expect("booking_cancelled")
    anna.expect("teacher_cancelled", client="Ann", subject="Yoga", when="Mon 29.03 10:00")
    assert "10:00 (1 left)" in club.times(cid, "Yoga", "Anna", "Mon 29.03")
    bot.wait_log(r"refused op: for user=\d+ role=client")
