"""Reminders: delivered once, at the right instant, across the change to
summer time in Berlin (Sunday 28 March 2027, 01:00 UTC), with two reminder
workers (the bot's thread and a `--reminders only` process) racing; with
slotcraft on the bot's database and through its HTTP API."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

import slotcraft as sc
from conftest import MODES, World

pytestmark = pytest.mark.parametrize("world", MODES, indirect=True)


def passed(world: World, when: datetime) -> None:
    """Waits until every worker has finished a whole pass at the clock `when`."""
    world.clock.set(when)
    stamp = re.escape(when.isoformat())
    for bot in world.bots:
        bot.wait_log(rf"reminder pass worker=\S+ now={stamp} ")


def test_reminder_once_at_the_right_time_across_dst(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    client.send(f"/start {code}")
    # Sunday 28 March 10:00 in Berlin is 08:00 UTC (CEST); 24 h before is
    # Saturday 08:00 UTC, which is 09:00 CET: a reminder computed on the wall
    # clock ("the day before at 10:00") would come an hour late.
    world.book(client, "Haircut, 30 min, 25 EUR", "Sun 28.03", "10:00")
    world.bot("--reminders", "only")
    assert sc.Scheduler(world.db).settings().reminder_offsets == [timedelta(hours=24), timedelta(hours=2)]

    passed(world, datetime(2027, 3, 27, 7, 59, 30, tzinfo=timezone.utc))
    assert client.count("reminder_hours") == 0
    passed(world, datetime(2027, 3, 27, 8, 0, 0, tzinfo=timezone.utc))
    day_ahead = client.expect("reminder_hours", hours=24, service="Haircut", master="Anna", when="Sun 28.03 10:00",
                              place="Salon")
    # "I'm coming" under it: the master hears it once, however often it is tapped.
    for _ in range(2):
        client.press_key(day_ahead, "btn_coming")
        client.expect("coming_noted", when="Sun 28.03 10:00")
    master.expect("notice_client_coming", client="Carl", service="Haircut", when="Sun 28.03 10:00", place="Salon")
    assert master.count("notice_client_coming") == 1
    passed(world, datetime(2027, 3, 27, 8, 0, 5, tzinfo=timezone.utc))
    passed(world, datetime(2027, 3, 27, 9, 0, 0, tzinfo=timezone.utc))
    assert client.count("reminder_hours") == 1

    # 2 h before: 06:00 UTC on the Sunday, 08:00 CEST, after the change.
    passed(world, datetime(2027, 3, 28, 5, 59, 59, tzinfo=timezone.utc))
    assert client.count("reminder_hours") == 1
    passed(world, datetime(2027, 3, 28, 6, 0, 0, tzinfo=timezone.utc))
    client.expect("reminder_hours", hours=2, when="Sun 28.03 10:00")
    passed(world, datetime(2027, 3, 28, 7, 59, 0, tzinfo=timezone.utc))
    passed(world, datetime(2027, 3, 28, 8, 30, 0, tzinfo=timezone.utc))  # the visit is over: nothing more
    assert client.count("reminder_hours", hours=24) == 1
    assert client.count("reminder_hours", hours=2) == 1
    assert client.count("reminder_hours") == 2
    assert len(re.findall(r"reminder sent booking=", world.logs())) == 2
    assert master.count("reminder_hours") == 0


def test_a_reminder_says_the_time_left_and_none_comes_whose_moment_passed_before_booking(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    client.send(f"/start {code}")
    # Booked on Friday 12:00 UTC for Saturday 10:00 CET (09:00 UTC), 21 h ahead:
    # the day-before moment had passed, so no "in 24 h" right after "Booked".
    world.book(client, "Haircut, 30 min, 25 EUR", "Sat 27.03", "10:00")
    passed(world, datetime(2027, 3, 26, 12, 0, 5, tzinfo=timezone.utc))
    passed(world, datetime(2027, 3, 27, 6, 59, 0, tzinfo=timezone.utc))
    assert client.count("reminder_hours") == 0
    # The 2-hour reminder's moment (07:00 UTC) came while no worker ran; the
    # first pass after it, an hour before the visit, says an hour, not two.
    passed(world, datetime(2027, 3, 27, 8, 0, 20, tzinfo=timezone.utc))
    reminder = client.expect("reminder_hours", hours=1, when="Sat 27.03 10:00")
    assert client.count("reminder_hours", hours=2) == 0 and client.count("reminder_hours", hours=24) == 0
    # Cancel under the reminder asks first, then cancels and tells the master.
    client.press_key(reminder, "btn_cancel")
    client.press_key(client.expect("sure_cancel", when="Sat 27.03 10:00"), "btn_yes_cancel")
    client.expect("cancelled", when="Sat 27.03 10:00")
    master.expect("notice_client_cancelled", client="Carl", when="Sat 27.03 10:00")
    client.press_key(reminder, "btn_coming")  # too late for that now
    client.expect("booking_gone")


def test_master_cancel_stops_reminders(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    client.send(f"/start {code}")
    world.book(client, "Haircut, 30 min, 25 EUR", "Sat 27.03", "15:00")
    master.send("/bookings")
    master.press_key(master.expect("master_booking", when="Sat 27.03 15:00"), "btn_cancel")
    master.press_key(master.expect("sure_cancel", when="Sat 27.03 15:00"), "btn_yes_cancel")
    client.expect("notice_master_cancelled", when="Sat 27.03 15:00")
    passed(world, datetime(2027, 3, 27, 13, 0, tzinfo=timezone.utc))  # 1 h before: both offsets have passed
    assert client.count("reminder_hours") == 0



def test_three_workers_each_reminder_once(world: World) -> None:
    world.bot()
    master = world.user("Anna")
    code = world.register_master(master, services=("Yoga; 60; seats 8",))
    clients = [world.user(name) for name in ("Ann", "Ben", "Cid", "Dan")]
    for c in clients:
        c.send(f"/start {code}")
        c.expect("welcome_client")
    # 32 bookings, made through slotcraft itself: every client in each of
    # Sunday's eight classes (09:00-17:00 CEST, 07:00-15:00 UTC, not 13:00).
    s = sc.Scheduler(world.db)
    hours = (9, 10, 11, 12, 14, 15, 16, 17)
    for c in clients:
        client = s.client_for(sc.Identity("telegram", str(c.id)))
        for h in hours:
            s.book(f"m{master.id}", f"m{master.id}-s1", datetime(2027, 3, 28, h - 2, tzinfo=timezone.utc),
                   client=client.id, now=world.clock_now())
    world.bot("--reminders", "only")
    world.bot("--reminders", "only")
    # Saturday 15:30 UTC: all 32 24-hour reminders are due at once, and three
    # workers passing at the same moments race for each of them.
    for second in range(3):
        passed(world, datetime(2027, 3, 27, 15, 30, second, tzinfo=timezone.utc))
    # Each says the time left: the 09:00 CEST class (07:00 UTC) is 15 h 30 min away.
    for c in clients:
        for h in hours:
            assert c.count("reminder_hours_minutes", hours=h + 6, minutes=30, when=f"Sun 28.03 {h:02}:00") == 1, (
                c.name, h)
        assert c.count("reminder_hours_minutes") == len(hours)
    assert len(re.findall(r"reminder sent booking=", world.logs())) == 32


def test_each_master_gets_the_days_agenda_once_at_eight_in_their_zone(world: World) -> None:
    world.bot()
    world.bot("--reminders", "only")  # two workers: the agenda still goes once
    master, carl, dora = world.user("Anna"), world.user("Carl"), world.user("Dora")
    code = world.register_master(master)
    for client, hhmm in ((carl, "10:00"), (dora, "15:00")):
        client.send(f"/start {code}")
        world.book(client, "Haircut, 30 min, 25 EUR", "Sat 27.03", hhmm)
    # Started on Friday at 13:00 in Berlin, more than 3 h after 08:00: no agenda for a day well begun.
    passed(world, datetime(2027, 3, 26, 12, 0, 5, tzinfo=timezone.utc))
    passed(world, datetime(2027, 3, 27, 6, 59, 0, tzinfo=timezone.utc))  # 07:59 CET
    assert master.count("agenda") == 0 and master.count("agenda_free") == 0
    passed(world, datetime(2027, 3, 27, 7, 0, 0, tzinfo=timezone.utc))  # 08:00 CET
    agenda = master.expect("agenda", day="Sat 27.03", count=2)["text"]
    assert agenda.splitlines()[1:] == ["10:00 Haircut, Carl (Salon)", "15:00 Haircut, Dora (Salon)"]
    passed(world, datetime(2027, 3, 27, 7, 30, 0, tzinfo=timezone.utc))
    assert master.count("agenda") == 1
    # Sunday, after the clocks went forward: 08:00 CEST is 06:00 UTC.
    passed(world, datetime(2027, 3, 28, 5, 59, 0, tzinfo=timezone.utc))
    assert master.count("agenda_free") == 0
    passed(world, datetime(2027, 3, 28, 6, 0, 0, tzinfo=timezone.utc))
    master.expect("agenda_free", day="Sun 28.03")
    assert carl.count("agenda") == 0 and carl.count("agenda_free") == 0
