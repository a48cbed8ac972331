"""A restart in the middle of a dialog loses nothing: the bot is killed
(SIGKILL, no clean-up) and started again on the same database."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import slotcraft as sc
from conftest import World


def test_restart_in_the_middle_of_the_registration(world: World) -> None:
    bot = world.bot()
    master = world.user("Anna")
    master.send("/start")
    master.press_key(master.expect("welcome"), "btn_register")
    master.expect("ask_name")
    master.send("Anna")
    master.expect("ask_tz")
    master.send("Europe/Berlin")
    master.expect("ask_place")
    master.send("Salon")
    master.expect("ask_hours", place="Salon")
    bot.kill()
    world.bot()
    master.send("mon-sun 09:00-18:00")  # the answer to the question asked before the crash
    master.expect("ask_breaks", place="Salon")
    master.send("13:00-14:00")
    master.press_key(master.expect("ask_more_places"), "btn_next")
    master.expect("ask_service")
    world.bots[-1].kill()
    world.bot()
    master.send("/start")  # after a restart /start repeats the pending question
    master.expect("ask_service")
    master.send("Haircut; 30; 25 EUR; buffer 10")
    master.press_key(master.expect("ask_more_services"), "btn_finish")
    master.expect("registered")
    r = sc.Scheduler(world.db).resource(f"m{master.id}")
    assert r is not None and r.name == "Anna" and r.time_zone == "Europe/Berlin"
    assert [x.to_strings() for x in r.schedules[0].weekly["sun"]] == [("09:00", "18:00")]


def test_restart_while_a_client_confirms(world: World) -> None:
    bot = world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    client.send(f"/start {code}")
    client.send("/book")
    client.press(client.expect("pick_service"), "Haircut, 30 min, 25 EUR")
    client.press(client.expect("pick_day"), "Sat 27.03")
    client.press(client.expect("pick_time"), "10:00")
    confirm = client.expect("confirm_booking")
    bot.kill()
    world.bot()
    client.press_key(confirm, "btn_confirm")  # the hold survived in slotcraft, the dialog in bot_users
    client.expect("booked", when="Sat 27.03 10:00")
    s = sc.Scheduler(world.db)
    [b] = [b for b in s.upcoming(f"m{master.id}", datetime(2027, 3, 27, tzinfo=timezone.utc), 1)
           if b.status == sc.BookingStatus.confirmed]
    assert b.start == datetime(2027, 3, 27, 9, 0, tzinfo=timezone.utc)
    # Nothing was answered twice across the restarts.
    assert client.count("booked") == 1
    assert client.count("welcome_client") == 1


def test_a_service_removed_by_an_older_bot_is_unlinked_at_start(world: World) -> None:
    """Before slotcraft had `unlink`, removing a service only hid it in `bot_services`; the link stayed and
    slotcraft still offered it. Started on such a database, the bot unlinks it."""
    bot = world.bot()
    master = world.user("Anna")
    world.register_master(master, services=("Haircut; 30", "Beard; 20"))
    bot.stop()
    anna, beard = f"m{master.id}", f"m{master.id}-s2"
    s = sc.Scheduler(world.db)
    assert s.services_of(anna) == [f"m{master.id}-s1", beard]
    with sqlite3.connect(world.db) as db:  # what the older bot did on "✖ Beard"
        db.execute("UPDATE bot_services SET removed = 1 WHERE service_id = ?", (beard,))
    world.bot().wait_log(rf"unlinked service={beard} master={anna} \(removed earlier\)")
    assert s.services_of(anna) == [f"m{master.id}-s1"] and s.providers(beard) == []
    world.bots[-1].stop()
    again = world.bot()
    again.wait_log(r"booking_bot started")  # logged after the unlinking pass
    assert "unlinked service=" not in again.log()  # nothing left to unlink
