"""The teachers' daily poll: sent at the configured local time (18:00 in
Berlin) on both sides of the spring DST change, and its answers become the
teacher's availability for those dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import slotcraft as sc

from conftest import Club, ClubUser, buttons


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
    # The first tick logged `slots=10:00` too: wait for the second such line, the untick's.
    bot.wait_log(r"poll answer resource=t1 day=2027-03-28 slots=10:00\n", count=2)
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


# ---- the poll asks about slotcraft's grid (`Scheduler.day_grid`): overnight hours and both DST changes -----------

HOUR = sc.Service("grid", timedelta(hours=1))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def override(s: sc.Scheduler, rid: str, day: date) -> list[tuple[str, str]]:
    return [x.to_strings() for x in s.resource(rid).schedules[0].overrides[day]]


def written_grid(s: sc.Scheduler, rid: str, day: date) -> list[datetime]:
    """The starts slotcraft lays on the date's override (what clients of a one-hour subject are offered)."""
    return s.day_grid(rid, day, HOUR, location="club")


def tick(club: Club, teacher: ClubUser, poll: dict, label: str, day: str, logged: str) -> None:
    """Presses the unticked `label`; waits until the answer is applied and the poll shows the tick."""
    teacher.press(poll, f"▫️ {label}")
    club.bots[-1].wait_log(rf"poll answer resource=\S+ day={day} slots={logged}\n")
    club.api.wait(lambda: f"✅ {label}" in [t for t, _ in buttons(poll)], 20, f"{label} shown ticked")


def test_overnight_hours_are_polled_and_booked_on_one_grid(club: Club) -> None:
    club.bot()
    nina = club.user("Nina")
    sid = club.add_subject("Astronomy", 1)
    rid = club.add_teacher(nina, "sun 22:00-02:00")  # Sunday night into Monday
    club.teach(rid, sid)
    club.admin.send(f"/hours {rid} sun 22:00-22:00")
    club.admin.expect("bad_range", text="22:00-22:00")

    # Saturday 18:00 CET: the poll for Sunday has the night's four hours, Monday's own hours are none.
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    sunday = nina.expect("poll", day="Sun 28.03")
    assert [t for t, _ in buttons(sunday)] == ["▫️ 22:00", "▫️ 23:00", "▫️ 00:00", "▫️ 01:00", "I can't that day"]
    club.wait_poll_pass(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    assert len(polls(nina)) == 1
    bob = club.user("Bob")
    assert club.times(bob, "Astronomy", "Nina", "Sun 28.03") == ["22:00", "23:00"]
    assert club.times(bob, "Astronomy", "Nina", "Mon 29.03") == ["00:00", "01:00"]

    # Nina can take 22:00 and the two hours after midnight: two ranges, the second from Sunday's "24:00".
    for label, logged in (("22:00", "22:00"), ("00:00", "22:00,00:00"), ("01:00", "22:00,00:00,01:00")):
        tick(club, nina, sunday, label, "2027-03-28", logged)
    s = sc.Scheduler(club.db)
    sunday_date = date(2027, 3, 28)
    assert override(s, rid, sunday_date) == [("22:00", "23:00"), ("24:00", "02:00")]
    ticked = [utc("2027-03-28T20:00"), utc("2027-03-28T22:00"), utc("2027-03-28T23:00")]
    assert written_grid(s, rid, sunday_date) == ticked
    assert club.times(bob, "Astronomy", "Nina", "Sun 28.03") == ["22:00"]
    assert club.times(bob, "Astronomy", "Nina", "Mon 29.03") == ["00:00", "01:00"]
    # Then 23:00 too: one overnight range.
    tick(club, nina, sunday, "23:00", "2027-03-28", "22:00,23:00,00:00,01:00")
    assert override(s, rid, sunday_date) == [("22:00", "02:00")]
    assert written_grid(s, rid, sunday_date) == sorted([*ticked, utc("2027-03-28T21:00")])
    assert club.times(bob, "Astronomy", "Nina", "Sun 28.03") == ["22:00", "23:00"]
    # 01:00 cannot be offered without 00:00: a range of Sunday's override cannot start at Monday 01:00.
    nina.press(sunday, "✅ 00:00")
    nina.expect("poll_cannot", day="Sun 28.03", time="00:00")
    assert override(s, rid, sunday_date) == [("22:00", "02:00")]

    # Clients book exactly those times: Monday 01:00 CEST is Sunday 23:00 UTC.
    club.book(bob, "Astronomy", "Nina", "Mon 29.03", "01:00")
    [b] = [b for b in s.upcoming(rid, utc("2027-03-28T00:00"), 3) if b.status == sc.BookingStatus.confirmed]
    assert b.start == utc("2027-03-28T23:00") and b.location == "club"
    assert club.times(bob, "Astronomy", "Nina", "Mon 29.03") == ["00:00"]


def test_the_spring_forward_poll_offers_only_real_times(club: Club) -> None:
    club.bot()
    otto = club.user("Otto")
    sid = club.add_subject("Chess", 1)
    rid = club.add_teacher(otto, "sun 00:00-05:00")
    club.teach(rid, sid)
    # Sunday 28 March 2027: Berlin skips from 02:00 CET to 03:00 CEST, so 00:00-05:00 is four hours.
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    sunday = otto.expect("poll", day="Sun 28.03")
    assert [t for t, _ in buttons(sunday)] == ["▫️ 00:00", "▫️ 01:00", "▫️ 03:00", "▫️ 04:00", "I can't that day"]
    bob = club.user("Bob")
    assert club.times(bob, "Chess", "Otto", "Sun 28.03") == ["00:00", "01:00", "03:00", "04:00"]

    # 01:00 CET and 03:00 CEST are one hour apart: with 04:00 they are one range.
    for label, logged in (("01:00", "01:00"), ("03:00", "01:00,03:00"), ("04:00", "01:00,03:00,04:00")):
        tick(club, otto, sunday, label, "2027-03-28", logged)
    s = sc.Scheduler(club.db)
    assert override(s, rid, date(2027, 3, 28)) == [("01:00", "05:00")]
    assert written_grid(s, rid, date(2027, 3, 28)) == [utc("2027-03-28T00:00"), utc("2027-03-28T01:00"),
                                                       utc("2027-03-28T02:00")]
    assert club.times(bob, "Chess", "Otto", "Sun 28.03") == ["01:00", "03:00", "04:00"]
    club.book(bob, "Chess", "Otto", "Sun 28.03", "03:00")
    [b] = [b for b in s.upcoming(rid, utc("2027-03-27T00:00"), 3) if b.status == sc.BookingStatus.confirmed]
    assert b.start == utc("2027-03-28T01:00")


def test_the_fall_back_poll_tells_the_two_hours_apart(club: Club) -> None:
    club.bot()
    pia = club.user("Pia")
    sid = club.add_subject("Piano", 1)
    rid = club.add_teacher(pia, "sun 01:00-04:00")
    club.teach(rid, sid)
    # Sunday 31 October 2027: Berlin goes back from 03:00 CEST to 02:00 CET, so 01:00-04:00 is four hours.
    club.set_clock(datetime(2027, 10, 30, 16, 0, tzinfo=timezone.utc))  # Saturday 18:00 CEST
    sunday = pia.expect("poll", day="Sun 31.10")
    shown = buttons(sunday)
    assert [t for t, _ in shown] == ["▫️ 01:00", "▫️ 02:00 CEST", "▫️ 02:00 CET", "▫️ 03:00", "I can't that day"]
    assert len({d for _, d in shown}) == len(shown)  # the two 02:00s are two buttons
    bob = club.user("Bob")
    assert club.times(bob, "Piano", "Pia", "Sun 31.10") == ["01:00", "02:00 CEST", "02:00 CET", "03:00"]

    # A range of wall times holds both 02:00s or neither: ticking one ticks the hour.
    tick(club, pia, sunday, "02:00 CET", "2027-10-31", "02:00 CEST,02:00 CET")
    assert "✅ 02:00 CEST" in [t for t, _ in buttons(sunday)]
    s = sc.Scheduler(club.db)
    assert override(s, rid, date(2027, 10, 31)) == [("02:00", "03:00")]
    assert written_grid(s, rid, date(2027, 10, 31)) == [utc("2027-10-31T00:00"), utc("2027-10-31T01:00")]
    assert club.times(bob, "Piano", "Pia", "Sun 31.10") == ["02:00 CEST", "02:00 CET"]
    tick(club, pia, sunday, "03:00", "2027-10-31", "02:00 CEST,02:00 CET,03:00")
    assert override(s, rid, date(2027, 10, 31)) == [("02:00", "04:00")]
    booked = club.book(bob, "Piano", "Pia", "Sun 31.10", "02:00 CET")
    assert bob.match(booked, "booked")["when"] == "Sun 31.10 02:00 CET"  # the card and the booking say which
    [b] = [b for b in s.upcoming(rid, utc("2027-10-30T00:00"), 3) if b.status == sc.BookingStatus.confirmed]
    assert b.start == utc("2027-10-31T01:00")


def test_a_time_ticked_inside_time_off_is_kept_and_the_time_off_still_closes_it(club: Club) -> None:
    club.bot()
    anna = club.user("Anna")
    sid = club.add_subject("Math", 1)
    rid = club.add_teacher(anna)
    club.teach(rid, sid)
    # Anna is away 11:00-12:00 on Sunday 28 March (CEST): the poll still asks about her usual hours.
    s = sc.Scheduler(club.db)
    r = s.resource(rid)
    r.time_off = [sc.Interval(datetime(2027, 3, 28, 9, 0, tzinfo=timezone.utc), datetime(2027, 3, 28, 10, 0, tzinfo=timezone.utc))]
    s.put_resource(r)
    club.set_clock(datetime(2027, 3, 27, 17, 0, tzinfo=timezone.utc))
    sunday = anna.expect("poll", day="Sun 28.03")
    assert [t for t, _ in buttons(sunday)][:4] == ["▫️ 10:00", "▫️ 11:00", "▫️ 12:00", "▫️ 13:00"]
    anna.press(sunday, "▫️ 11:00")
    club.api.wait(lambda: any("✅ 11:00" in [t for t, _ in buttons(e)] for e in club.api.edits), 20, "the tick shown")
    anna.press(sunday, "▫️ 12:00")
    club.api.wait(lambda: any({"✅ 11:00", "✅ 12:00"} <= {t for t, _ in buttons(e)} for e in club.api.edits), 20,
                  "both ticks shown")
    assert club.times(club.user("Bob"), "Math", "Anna", "Sun 28.03") == ["12:00"]  # 11:00 is her time off
