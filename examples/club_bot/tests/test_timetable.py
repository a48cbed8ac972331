"""A planned session is slotcraft's hold of its teacher: nothing else is booked over it, whoever asks; a
session outside the teacher's hours is refused when it is added; and a new slot length keeps what the
teachers ticked in the poll."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
import slotcraft as sc

from conftest import Club, buttons

BERLIN = sc.Zone("Europe/Berlin")


def test_a_planned_session_holds_its_teacher_against_every_other_booking(club: Club) -> None:
    club.bot()
    anna = club.user("Anna")
    yoga, piano = club.add_subject("Yoga", 5), club.add_subject("Piano", 1)
    t_anna = club.add_teacher(anna)  # every day 10:00-14:00, slots of 60 minutes
    club.teach(t_anna, yoga, piano)
    admin = club.admin
    admin.send(f"/session {t_anna} {yoga} mon 15:00")
    admin.expect("session_outside_hours", teacher="Anna", wd="Mon", time="15:00")
    admin.send(f"/session {t_anna} {yoga} mon 10:30")  # not on the hour: the grid could never offer it
    admin.expect("session_outside_hours", time="10:30")

    bob = club.user("Bob")
    club.book(bob, "Piano", "Anna", "Mon 29.03", "11:00")
    for at in ("10:00", "11:00"):
        admin.send(f"/session {t_anna} {yoga} mon {at}")
        admin.expect("session_added", time=at)
    admin.send("/subjects")
    assert "Yoga, seats 5;" in admin.expect("subjects")["text"]
    club.set_clock(datetime(2027, 3, 27, 16, 0, tzinfo=timezone.utc))
    admin.send("/plan 2")
    plan = admin.match(admin.expect("plan"), "plan")
    assert "  session 10:00 Yoga (Anna)" in plan["plan"] and "11:00 Yoga" not in plan["plan"], plan["plan"]
    assert "  Yoga with Anna on Mon 29.03 11:00: the teacher is booked for something else then" in plan["conflicts"]

    # The 10:00 class holds Anna: Piano is not offered over it, and slotcraft itself refuses it to anyone.
    carl = club.user("Carl")
    assert club.times(carl, "Piano", "Anna", "Mon 29.03") == ["12:00", "13:00"]
    s = sc.Scheduler(club.db)
    ten = BERLIN.to_utc(date(2027, 3, 29), time(10))
    with pytest.raises(sc.Conflict):
        s.book(t_anna, piano, ten, location="club", now=datetime(2027, 3, 27, 16, 0, tzinfo=timezone.utc))
    # The class still sells its five seats, and a second plan holds nothing twice.
    assert club.times(carl, "Yoga", "Anna", "Mon 29.03") == ["10:00 (5 left)"]
    club.book(carl, "Yoga", "Anna", "Mon 29.03", "10:00 (5 left)")
    admin.send("/plan 2")
    admin.expect("plan")
    assert club.times(bob, "Yoga", "Anna", "Mon 29.03") == ["10:00 (4 left)"]
    admin.send("/day 2027-03-29")
    assert "10:00 | Anna | Yoga | 1/5 | Carl" in admin.expect("day_table")["text"]

    # With the timetable gone, the hold goes too: Anna's free 10:00 is hers to book again (after Carl's lesson is
    # cancelled), and Yoga keeps five seats.
    admin.send("/sessions")
    items = [admin.expect("session_item", time=at) for at in ("10:00", "11:00")]
    admin.press_key(items[0], "btn_remove")
    admin.expect("session_removed")
    assert club.times(carl, "Piano", "Anna", "Mon 29.03") == ["12:00", "13:00"], "the 11:00 template keeps Yoga timetabled"
    admin.press_key(items[1], "btn_remove")
    admin.expect("session_removed")
    carl.send("/my")
    carl.press_key(carl.expect("my_booking"), "btn_cancel_booking")
    carl.press_key(carl.expect("sure_cancel"), "btn_yes_cancel")
    carl.expect("booking_cancelled")
    assert club.times(carl, "Piano", "Anna", "Mon 29.03") == ["10:00", "12:00", "13:00"]
    admin.send("/subjects")
    assert "Yoga, seats 5;" in admin.expect("subjects")["text"]


def test_a_new_slot_length_keeps_what_the_teacher_ticked(club: Club) -> None:
    bot = club.bot()
    anna = club.user("Anna")
    drums = club.add_subject("Drums", 1)
    club.teach(club.add_teacher(anna), drums)
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))  # 18:00 in Berlin: the poll goes out
    anna.expect("poll", day="Sun 28.03")
    monday = anna.expect("poll", day="Mon 29.03")
    anna.press(monday, "▫️ 10:00")
    bot.wait_log(r"poll answer resource=t1 day=2027-03-29 slots=10:00\n")
    anna.press(monday, "▫️ 11:00")
    bot.wait_log(r"poll answer resource=t1 day=2027-03-29 slots=10:00,11:00\n")

    club.admin.send("/settings slot 30")
    club.admin.expect("settings", slot=30)
    anna.send("/poll")
    anna.expect("poll", day="Sun 28.03")
    ticked = [t for t, _ in buttons(anna.expect("poll", day="Mon 29.03")) if t.startswith("✅")]
    assert ticked == ["✅ 10:00", "✅ 10:30", "✅ 11:00", "✅ 11:30"]
    bob = club.user("Bob")
    assert club.times(bob, "Drums", "Anna", "Mon 29.03") == ["10:00", "10:30", "11:00", "11:30"]

    # Back to an hour: a start is ticked when its whole hour was.
    anna.send("/poll")
    anna.expect("poll", day="Sun 28.03")
    anna.press(anna.expect("poll", day="Mon 29.03"), "✅ 10:30")
    bot.wait_log(r"poll answer resource=t1 day=2027-03-29 slots=10:00,11:00,11:30\n")
    club.admin.send("/settings slot 60")
    club.admin.expect("settings", slot=60)
    bot.wait_log(r"poll answer regridded resource=t1 day=2027-03-29 slots=11:00\n")
    assert club.times(bob, "Drums", "Anna", "Mon 29.03") == ["11:00"]
