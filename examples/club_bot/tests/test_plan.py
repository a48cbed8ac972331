"""Planning the next days in one step: /plan fixes every teacher's hours from
their poll answers (or their usual hours where they did not answer) as
slotcraft overrides, and lists the conflicts: a booking the teacher's answer
no longer covers, a subject nobody teaches that day."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import slotcraft as sc

from conftest import Club


def test_plan_three_days_with_conflicts(club: Club) -> None:
    bot = club.bot()
    anna, boris = club.user("Anna"), club.user("Boris")
    yoga, chess = club.add_subject("Yoga", 3), club.add_subject("Chess", 1)
    t_anna, t_boris = club.add_teacher(anna), club.add_teacher(boris, "mon-sun 10:00-12:00")
    club.teach(t_anna, yoga)
    club.teach(t_boris, chess)
    ann = club.user("Ann")
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "11:00 (3 left)")

    # The poll (Saturday 18:00 CET): Anna can take only 10:00 on Monday; Boris cannot come on Sunday.
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    anna.expect("poll", day="Sun 28.03")
    monday = anna.expect("poll", day="Mon 29.03")
    sunday_b = boris.expect("poll", day="Sun 28.03")
    anna.press(monday, "▫️ 10:00")
    boris.press(sunday_b, "I can't that day")
    bot.wait_log(r"poll answer resource=t2 day=2027-03-28 slots=\n")
    bot.wait_log(r"poll answer resource=t1 day=2027-03-29 slots=10:00\n")

    # Teachers may not plan.
    anna.send("/plan 3")
    anna.expect("not_allowed", role="teacher")
    club.admin.send("/plan 3")
    plan = club.admin.match(club.admin.expect("plan"), "plan")
    assert plan["plan"] == (
        "Sun 28.03:\n  Anna: 10:00 11:00 12:00 13:00 (usual hours, no answer)\n"
        "Mon 29.03:\n  Anna: 10:00 (answered)\n  Boris: 10:00 11:00 (usual hours, no answer)\n"
        "Tue 30.03:\n  Anna: 10:00 11:00 12:00 13:00 (usual hours, no answer)\n"
        "  Boris: 10:00 11:00 (usual hours, no answer)"), plan["plan"]
    assert plan["conflicts"] == (
        "  no teacher for Chess on Sun 28.03\n"
        "  Anna is not available at Mon 29.03 11:00, but Yoga is booked then"), plan["conflicts"]
    club.admin.send("/plan 9")
    club.admin.expect("bad_plan")

    # What slotcraft now holds: the answers and the planned days are the teachers' overrides.
    s = sc.Scheduler(club.db)
    overrides = {r: {d: [x.to_strings() for x in rs] for d, rs in s.resource(r).schedules[0].overrides.items()}
                 for r in (t_anna, t_boris)}
    assert overrides[t_anna] == {date(2027, 3, 28): [("10:00", "14:00")], date(2027, 3, 29): [("10:00", "11:00")],
                                 date(2027, 3, 30): [("10:00", "14:00")]}
    assert overrides[t_boris] == {date(2027, 3, 28): [], date(2027, 3, 29): [("10:00", "12:00")],
                                  date(2027, 3, 30): [("10:00", "12:00")]}
    # Ann's booking stands (slotcraft keeps it; the admin sees the conflict), and new clients get 10:00 only.
    berlin = sc.Zone("Europe/Berlin")
    free = s.slots(yoga, berlin.to_utc(date(2027, 3, 29), time(0)), berlin.to_utc(date(2027, 3, 30), time(0)),
                   now=datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    assert [x.start for x in free] == [berlin.to_utc(date(2027, 3, 29), time(10))]


def test_plan_creates_the_timetabled_sessions(club: Club) -> None:
    club.bot()
    anna, boris = club.user("Anna"), club.user("Boris")
    yoga, chess = club.add_subject("Yoga", 5), club.add_subject("Chess", 1)
    t_anna, t_boris = club.add_teacher(anna), club.add_teacher(boris, "mon-sun 10:00-12:00")
    club.teach(t_anna, yoga)
    club.teach(t_boris, chess)
    admin = club.admin
    admin.send(f"/session {t_anna} {yoga} mon 10:00")
    admin.expect("session_added", subject="Yoga", teacher="Anna", wd="Mon", time="10:00")
    admin.send(f"/session {t_anna} {yoga} mon 12:00")
    admin.expect("session_added", time="12:00")
    admin.send(f"/session {t_boris} {chess} sun 11:00")
    admin.expect("session_added", subject="Chess")
    admin.send(f"/session {t_boris} {yoga} mon 10:00")  # Boris does not teach Yoga
    admin.expect("bad_session")
    admin.send(f"/session {t_anna} {yoga} mon 25:00")
    admin.expect("bad_session")

    # Boris cannot come on Sunday; Anna can take only 10:00 and 11:00 on Monday.
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    boris.press(boris.expect("poll", day="Sun 28.03"), "I can't that day")
    anna.expect("poll", day="Sun 28.03")
    monday = anna.expect("poll", day="Mon 29.03")
    anna.press(monday, "▫️ 10:00")
    anna.press(monday, "▫️ 11:00")
    club.bots[-1].wait_log(r"poll answer resource=t1 day=2027-03-29 slots=10:00,11:00\n")
    club.bots[-1].wait_log(r"poll answer resource=t2 day=2027-03-28 slots=\n")

    admin.send("/plan 2")
    plan = admin.match(admin.expect("plan"), "plan")
    assert plan["plan"] == (
        "Sun 28.03:\n  Anna: 10:00 11:00 12:00 13:00 (usual hours, no answer)\n"
        "Mon 29.03:\n  Anna: 10:00 11:00 (answered)\n  Boris: 10:00 11:00 (usual hours, no answer)\n"
        "  session 10:00 Yoga (Anna)"), plan["plan"]
    assert plan["conflicts"] == (
        "  Chess with Boris on Sun 28.03 11:00: the teacher is not available\n"
        "  no teacher for Chess on Sun 28.03\n"
        "  Yoga with Anna on Mon 29.03 12:00: the teacher is not available"), plan["conflicts"]

    # Yoga is timetabled: clients get the planned session only (not Anna's other free hours).
    ann = club.user("Ann")
    assert club.times(ann, "Yoga", "Any teacher", "Mon 29.03") == ["10:00 (5 left)"]
    assert club.times(ann, "Yoga", "Anna", "Sun 28.03") == []
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "10:00 (5 left)")
    # Chess is timetabled too, and its one session (Sunday) did not happen: Boris's free hours are not offered.
    assert club.times(ann, "Chess", "Boris", "Mon 29.03") == []

    admin.send("/sessions")
    first = admin.expect("session_item", wd="Mon", time="10:00", subject="Yoga", teacher="Anna")
    admin.press_key(first, "btn_remove")
    admin.expect("session_removed")
    admin.send("/sessions")
    admin.expect("session_item", wd="Mon", time="12:00")
    # With its templates gone, a subject is offered whenever its teachers are free again.
    for item in (admin.expect("session_item", wd="Sun", time="11:00"),):
        admin.press_key(item, "btn_remove")
        admin.expect("session_removed")
    assert club.times(ann, "Chess", "Boris", "Mon 29.03") == ["10:00", "11:00"]
