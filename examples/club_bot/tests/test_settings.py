"""Admin settings: slot length (the subjects' duration and the grid), global
breaks, and reminder offsets (the reminder arrives once, at the right time)."""

from __future__ import annotations

from datetime import datetime, timezone

from conftest import Club, buttons


def test_slot_length_breaks_and_reminders(club: Club) -> None:
    bot = club.bot()
    anna = club.user("Anna")
    sid = club.add_subject("Drums", 1)
    club.teach(club.add_teacher(anna), sid)
    admin = club.admin
    admin.send("/settings")
    assert admin.match(admin.expect("settings"), "settings") == {"slot": "60", "reminders": "1440, 120", "breaks": "-",
                                                               "cancel": "0", "escalate": "30"}
    admin.send("/settings slot 5")
    admin.expect("bad_slot")
    admin.send("/settings reminders soon")
    admin.expect("bad_offsets")
    admin.send("/settings breaks 11:00-99:00")
    admin.expect("bad_range")
    admin.send("/settings slot 30")
    admin.expect("settings", slot=30)
    admin.send("/settings breaks 11:00-11:30")
    admin.expect("settings", breaks="11:00-11:30")
    admin.send("/settings reminders 60")
    admin.expect("settings", reminders="60")
    anna.send("/settings slot 45")
    anna.expect("not_allowed", role="teacher")

    bob = club.user("Bob")
    assert club.times(bob, "Drums", "Anna", "Mon 29.03") == ["10:00", "10:30", "11:30", "12:00", "12:30", "13:00", "13:30"]
    club.book(bob, "Drums", "Anna", "Mon 29.03", "10:30")
    # Monday 10:30 CEST = 08:30 UTC; 60 minutes before is 07:30 UTC.
    club.set_clock(datetime(2027, 3, 29, 7, 29, tzinfo=timezone.utc))
    bot.wait_log(r"reminder pass worker=\S+ now=2027-03-29T07:29:00")
    assert bob.count("reminder") == 0
    club.set_clock(datetime(2027, 3, 29, 7, 30, tzinfo=timezone.utc))
    bob.expect("reminder", subject="Drums", teacher="Anna", when="Mon 29.03 10:30")
    club.set_clock(datetime(2027, 3, 29, 7, 31, tzinfo=timezone.utc))
    bot.wait_log(r"reminder pass worker=\S+ now=2027-03-29T07:31:00")
    assert bob.count("reminder") == 1


def test_usual_hours_and_breaks_shape_the_poll(club: Club) -> None:
    club.bot()
    anna = club.user("Anna")
    rid = club.add_teacher(anna)
    admin = club.admin
    admin.send("/settings slot 30")
    admin.expect("settings", slot=30)
    admin.send("/settings breaks 11:00-11:30")
    admin.expect("settings", breaks="11:00-11:30")
    admin.send(f"/hours {rid} mon-sun 10:00-12:00")
    admin.expect("hours_set", teacher="Anna")
    admin.send("/hours t9 mon 10:00-12:00")
    admin.expect("bad_hours_cmd")
    admin.send(f"/hours {rid} someday 10:00-12:00")
    admin.expect("bad_days")
    anna.send("/poll")
    poll = anna.expect("poll", day="Sun 28.03")
    assert [t for t, _ in buttons(poll)] == ["▫️ 10:00", "▫️ 10:30", "▫️ 11:30", "I can't that day"]


def test_a_teachers_own_breaks_shape_the_poll(club: Club) -> None:
    club.bot()
    club.admin.send("/teacher Boris; mon-sun 10:00-13:00; lunch 11:00-12:00")
    club.admin.expect("bad_teacher")
    boris = club.user("Boris")
    club.add_teacher(boris, "mon-sun 10:00-13:00; breaks 11:00-12:00")
    boris.send("/poll")
    poll = boris.expect("poll", day="Sun 28.03")
    assert [t for t, _ in buttons(poll)] == ["▫️ 10:00", "▫️ 12:00", "I can't that day"]
