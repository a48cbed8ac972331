"""What testers did as people do, and the bot got wrong before: each test
here failed on the code before its fix."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import slotcraft as sc
from conftest import MODES, WAIT, World, buttons
from test_client import HAIRCUT, a_client_of, confirmed, times_on
from test_master import edit_places
from test_reminders import passed


def test_a_commands_argument_is_its_answer(world: World) -> None:
    master, client, _ = a_client_of(world)
    master.send("/dayoff 29.03")  # not asked again "which day off?"
    master.expect("dayoff_saved", days="29.03.2027", clashing=0)
    [span] = sc.Scheduler(world.db).resource(f"m{master.id}").time_off
    assert span.start == datetime(2027, 3, 28, 22, 0, tzinfo=timezone.utc)  # midnight in Berlin, on summer time
    master.send("/dayoff 31.02")  # a wrong one is said so, and asked for again
    master.expect("bad_date", text="31.02")
    master.expect("ask_dayoff")
    master.send("/cancel")
    master.expect("dialog_cancelled")

    client.send("/write Can I come at 5?")
    client.expect("sent_to_master", master="Anna")
    master.expect("msg_from_client", client="Carl", text="Can I come at 5?")
    assert client.count("ask_write") == 0

    master.send("/broadcast Closed on Monday")  # "are you sure?" all the same
    sure = master.expect("sure_broadcast", count=1, text="Closed on Monday")
    assert "1 clients" not in sure["text"]  # and it reads as English
    master.press_key(sure, "btn_send_all")
    master.expect("broadcast_sent", count=1)
    client.expect("broadcast", master="Anna", text="Closed on Monday")


def test_a_day_off_is_read_as_people_type_it(world: World) -> None:
    world.bot()
    master = world.user("Aroha")
    world.register_master(master, tz="Pacific/Auckland")  # 01:00 on Saturday there: Friday is gone
    master.send("/dayoff tomorrow")
    master.expect("dayoff_saved", days="28.03.2027", clashing=0)
    master.send("/dayoff 12/25")  # the way Americans write 25 December
    master.expect("dayoff_saved", days="25.12.2027", clashing=0)
    master.send("/dayoff")
    master.expect("ask_dayoff")
    master.send("завтра - пт")  # from tomorrow to the Friday after it
    master.expect("dayoff_saved", days="28.03.2027-02.04.2027", clashing=0)
    spans = sc.Scheduler(world.db).resource(f"m{master.id}").time_off
    assert [(s.start, s.end) for s in spans][0] == (datetime(2027, 3, 27, 11, tzinfo=timezone.utc),
                                                    datetime(2027, 3, 28, 11, tzinfo=timezone.utc))


def test_a_group_chat_gets_no_ones_bookings_and_does_not_take_their_notices(world: World) -> None:
    master, client, _ = a_client_of(world)
    world.book(client, HAIRCUT, "Sat 27.03", "10:00")
    group = {"id": -1001234567890, "type": "supergroup", "title": "Friends"}
    client.send_in(group, "/my@slotcraft_test_bot")
    client.send_in(group, "who is coming tonight?")  # people talking among themselves: no answer, nothing relayed
    in_group = world.api.wait(lambda: [m for m in world.api.sent if m["chat"]["id"] == group["id"]], WAIT, "the hint")
    assert [m["text"] for m in in_group] == [client.catalogs.text("en", "private_only")]
    # Notices still go to Carl's own chat, not to the group he last wrote in.
    master.send("/broadcast Closed on Monday")
    master.press_key(master.expect("sure_broadcast", count=1), "btn_send_all")
    client.expect("broadcast", master="Anna", text="Closed on Monday")
    assert [m["text"] for m in world.api.sent if m["chat"]["id"] == group["id"]] == [in_group[0]["text"]]
    assert master.count("msg_from_client") == 0


@pytest.mark.parametrize("world", MODES, indirect=True)
def test_a_time_refused_says_why_in_plain_words(world: World) -> None:
    master, client, _ = a_client_of(world)
    old_list = times_on(client, HAIRCUT, "Sat 27.03")
    edit_places(master, [("Salon", "mon-sun 09:00-15:00")])  # while Carl looks at the times until 17:30
    master.expect("saved")
    client.press(old_list, "16:00")
    client.expect("refused_hours", master="Anna")  # not "that time has just been taken"
    fresh = [t for t, _ in buttons(client.expect("pick_time", wd="Sat", date="27.03"))]
    assert "16:00" not in fresh and "14:30" in fresh

    world.book(client, HAIRCUT, "Sat 27.03", "10:00")
    client.send("/my")
    client.press_key(client.expect("client_booking", when="Sat 27.03 10:00"), "btn_reschedule")
    client.press(client.expect("pick_day"), "Sun 28.03")
    moves = client.expect("pick_time", wd="Sun", date="28.03")
    master.send("/dayoff 28.03")  # Anna takes Sunday off meanwhile
    master.expect("dayoff_saved", days="28.03.2027", clashing=0)
    client.press(moves, "11:00")
    client.expect("refused_time_off", master="Anna")
    client.expect("no_free_times")
    [b] = confirmed(world, f"m{master.id}")
    assert b.start == datetime(2027, 3, 27, 9, 0, tzinfo=timezone.utc)  # not moved


def test_a_class_whose_last_seat_went_meanwhile_says_so_not_that_the_time_was_taken(world: World) -> None:
    master, client, code = a_client_of(world, ("Yoga; 60; seats 2",))
    old_list = times_on(client, "Yoga, 60 min", "Sat 27.03")
    for name in ("Dora", "Emil"):  # the two seats of 10:00 go while Carl looks at the list
        other = world.user(name)
        other.send(f"/start {code}")
        other.expect("welcome_client")
        world.book(other, "Yoga, 60 min", "Sat 27.03", "10:00")
    client.press(old_list, "10:00")
    client.expect("refused_no_seats")  # was "that time has just been taken"
    fresh = [t for t, _ in buttons(client.expect("pick_time", wd="Sat", date="27.03"))]
    assert "10:00" not in fresh and "11:00" in fresh


def test_a_clients_booking_names_the_masters_time_zone_wherever_it_is_shown(world: World) -> None:
    """The client may be anywhere: the booking, /my, the reminder and the master's notices say whose time it is,
    as the list of times and the confirm card do."""
    master, client, _ = a_client_of(world)
    booked = world.book(client, HAIRCUT, "Sat 27.03", "10:00")
    assert "Sat 27.03 10:00 (Berlin time) at Salon" in booked["text"]
    client.send("/lang ru")
    client.lang = "ru"
    client.expect("lang_set")
    client.send("/my")
    mine = client.expect("client_booking", when="сб 27.03 10:00")
    assert mine["text"].startswith("сб 27.03 10:00 (время: Берлин): Haircut")
    passed(world, datetime(2027, 3, 27, 7, 0, tzinfo=timezone.utc))  # 10:00 Berlin is 09:00 UTC: 2 h left
    assert "10:00 (время: Берлин)" in client.expect("reminder_hours", hours=2)["text"]
    master.send("/bookings")
    master.press_key(master.expect("master_booking", when="Sat 27.03 10:00"), "btn_cancel")
    master.press_key(master.expect("sure_cancel"), "btn_yes_cancel")
    assert "сб 27.03 10:00 (время: Берлин)" in client.expect("notice_master_cancelled")["text"]


def test_a_day_or_a_time_typed_instead_of_pressed_is_taken_as_pressed(world: World) -> None:
    master, client, _ = a_client_of(world)
    client.send("/book")
    client.press(client.expect("pick_service"), HAIRCUT)
    client.expect("pick_day")
    client.send("25.12")  # not among the days offered: said so, not sent to Anna as a message
    client.expect("typed_day_not_offered", date="25.12")
    client.send("tomorrow")  # Saturday, as pressing "Sat 27.03" would
    client.expect("pick_time", wd="Sat", date="27.03")
    client.send("13.00")  # the break
    client.expect("typed_time_not_offered", time="13:00")
    client.send("10")
    card = client.expect("confirm_booking", when="Sat 27.03 10:00")
    client.press_key(card, "btn_confirm")
    client.expect("booked", when="Sat 27.03 10:00")
    assert master.count("msg_from_client") == 0
    client.send("10:30")  # nothing on screen to pick from any more: words for Anna, as before
    master.expect("msg_from_client", client="Carl", text="10:30")
    [b] = confirmed(world, f"m{master.id}")
    assert b.start == datetime(2027, 3, 27, 9, 0, tzinfo=timezone.utc)


def test_cancel_with_nothing_in_progress_says_how_to_cancel_a_booking(world: World) -> None:
    master, client, _ = a_client_of(world)
    world.book(client, HAIRCUT, "Sat 27.03", "10:00")
    client.send("/cancel")  # what a client types to cancel their haircut
    client.expect("nothing_to_stop")  # not "Stopped", as if something was
    assert client.count("dialog_cancelled") == 0 and len(confirmed(world, f"m{master.id}")) == 1


def test_the_two_times_of_the_hour_the_clocks_go_back_are_told_apart(world: World) -> None:
    world.clock.set(datetime(2027, 10, 29, 12, 0, tzinfo=timezone.utc))  # Berlin goes back on Sunday 31 October
    master, client, _ = a_client_of(world, ("Night; 30",), hours="mon-sun 00:00-06:00", breaks="none")
    times = times_on(client, "Night, 30 min", "Sun 31.10")
    labels = [t for t, _ in buttons(times)]
    assert labels[3:9] == ["01:30", "02:00 CEST", "02:30 CEST", "02:00 CET", "02:30 CET", "03:00"], labels
    client.send("02:00")  # which one? the buttons say
    client.expect("use_buttons")
    client.press(times, "02:00 CET")
    client.press_key(client.expect("confirm_booking", when="Sun 31.10 02:00 CET"), "btn_confirm")
    client.expect("booked", when="Sun 31.10 02:00 CET")
    master.expect("notice_new_booking", when="Sun 31.10 02:00 CET")
    [b] = [b for b in sc.Scheduler(world.db).upcoming(f"m{master.id}", world.clock_now(), 3)
           if b.status == sc.BookingStatus.confirmed]
    assert b.start == datetime(2027, 10, 31, 1, 0, tzinfo=timezone.utc)  # 02:00 CET, the second 02:00



def test_a_right_to_left_name_cannot_reorder_the_words_after_it(world: World) -> None:
    # A profile name holding U+202E RIGHT-TO-LEFT OVERRIDE showed the rest of the master's line reversed, and an
    # Arabic name took the numbers after it into its right-to-left run.
    master, client, code = a_client_of(world, client_name="\u202eCarl")
    world.book(client, HAIRCUT, "Sat 27.03", "10:00")
    notice = master.expect("notice_new_booking", service="Haircut", when="Sat 27.03 10:00")
    assert notice["text"].startswith("New booking: \u2068\u202eCarl\u2069, Haircut, Sat 27.03 10:00")
    arabic = world.user("محمد")
    arabic.send(f"/start {code}")
    arabic.expect("welcome_client")
    world.book(arabic, HAIRCUT, "Sat 27.03", "11:00")
    assert master.expect("notice_new_booking", when="Sat 27.03 11:00")["text"].startswith(
        "New booking: \u2068محمد\u2069, Haircut")
    client.send("/my")  # left-to-right words are shown as they are
    assert client.expect("client_booking")["text"] == "Sat 27.03 10:00 (Berlin time): Haircut with Anna at Salon"
