"""A client's side, end to end: booking through the buttons, two clients
racing for one slot, own bookings, relay and history, switching masters,
the language, reviews, garbage input and flood control."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

import slotcraft as sc
from conftest import MODES, TgUser, World, buttons

HAIRCUT = "Haircut, 30 min, 25 EUR"


def confirmed(world: World, master_id: str) -> list[sc.BookingRecord]:
    s = sc.Scheduler(world.db)
    start = datetime(2027, 3, 26, tzinfo=timezone.utc)
    return [b for b in s.upcoming(master_id, start, 14) if b.status == sc.BookingStatus.confirmed]


@pytest.mark.parametrize("world", MODES, indirect=True)
def test_booking_through_the_buttons(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    client.send(f"/start {code}")
    menu = client.expect("welcome_client", master="Anna")
    client.press_key(menu, "btn_book")
    services = client.expect("pick_service")
    assert [t for t, _ in buttons(services)] == [HAIRCUT]
    client.press(services, HAIRCUT)
    days = client.expect("pick_day", service="Haircut")
    # Friday 12:00 UTC is 13:00 in Berlin, on the break: Friday still has 14:00-17:30 free.
    assert [t for t, _ in buttons(days)][:3] == ["Fri 26.03", "Sat 27.03", "Sun 28.03"]
    # A day whose times are all taken is not listed, so the client may wait for any time from here.
    assert [t for t, _ in buttons(days)][-1] == client.catalogs.text(client.lang, "btn_waitlist")
    client.press(days, "Sun 28.03")  # the first day of summer time
    # The times are Anna's wall times, and say whose: the client may be anywhere.
    times = client.expect("pick_time", wd="Sun", date="28.03", city="Berlin")
    assert "(Berlin time)" in times["text"]
    labels = [t for t, _ in buttons(times)]
    assert labels[0] == "09:00" and "12:00" in labels and "13:00" not in labels  # the break
    assert "17:30" in labels and "17:40" not in labels and "18:00" not in labels
    client.press(times, "10:00")
    confirm = client.expect("confirm_booking", service="Haircut", when="Sun 28.03 10:00", city="Berlin", place="Salon")
    assert "10:00 (Berlin time) at Salon" in confirm["text"]
    s = sc.Scheduler(world.db)
    [held] = [b for b in s.upcoming(f"m{master.id}", datetime(2027, 3, 26, 12, tzinfo=timezone.utc), 3)
              if b.status == sc.BookingStatus.held]  # the time is held while the client decides
    assert held.start == datetime(2027, 3, 28, 8, 0, tzinfo=timezone.utc) and held.expires is not None
    assert held.expires == datetime(2027, 3, 26, 12, 10, tzinfo=timezone.utc)  # --hold-minutes 10 on the bot's clock
    client.press_key(confirm, "btn_confirm")
    client.expect("booked", service="Haircut", master="Anna", when="Sun 28.03 10:00", place="Salon")
    # The answered question is edited in place: its buttons are gone.
    assert confirm["text"] == "Haircut, Sun 28.03 10:00: confirmed." and "reply_markup" not in confirm
    assert [e["message_id"] for e in world.api.edits] == [confirm["message_id"]]
    master.expect("notice_new_booking", client="Carl", service="Haircut", when="Sun 28.03 10:00")

    [b] = confirmed(world, f"m{master.id}")
    assert b.start == datetime(2027, 3, 28, 8, 0, tzinfo=timezone.utc)  # 10:00 CEST
    assert b.buffer_after == timedelta(minutes=10)
    assert sc.Scheduler(world.db).client(b.client).identities[0].external_id == str(client.id)

    # The booked time and its buffer are gone from the buttons.
    client.send("/book")
    client.press(client.expect("pick_service"), HAIRCUT)
    client.press(client.expect("pick_day"), "Sun 28.03")
    labels = [t for t, _ in buttons(client.expect("pick_time"))]
    assert "10:00" not in labels and "09:00" in labels and "11:00" in labels


@pytest.mark.parametrize("world", MODES, indirect=True)
def test_two_clients_racing_for_one_slot(world: World) -> None:
    world.bot()
    master = world.user("Anna")
    code = world.register_master(master)
    racers = [world.user("Ann"), world.user("Ben")]
    offers = []
    for c in racers:
        c.send(f"/start {code}")
        c.expect("welcome_client")
        c.send("/book")
        c.press(c.expect("pick_service"), HAIRCUT)
        c.press(c.expect("pick_day"), "Sat 27.03")
        offers.append(c.expect("pick_time"))
    for c, offer in zip(racers, offers):  # both taps reach the bot back to back
        c.press(offer, "11:00")
    outcome = {c.name: c.expect_one_of("confirm_booking", "slot_taken") for c in racers}
    assert sorted(k for k, _ in outcome.values()) == ["confirm_booking", "slot_taken"], outcome
    winner = next(c for c in racers if outcome[c.name][0] == "confirm_booking")
    loser = next(c for c in racers if c is not winner)
    fresh = [t for t, _ in buttons(loser.expect("pick_time", wd="Sat", date="27.03"))]
    assert "11:00" not in fresh and "10:00" in fresh
    winner.press_key(outcome[winner.name][1], "btn_confirm")
    winner.expect("booked", when="Sat 27.03 11:00")
    # The loser pressing the stale 11:00 again is refused again.
    loser.press(offers[racers.index(loser)], "11:00")
    loser.expect("slot_taken")

    [b] = confirmed(world, f"m{master.id}")
    assert b.start == datetime(2027, 3, 27, 10, 0, tzinfo=timezone.utc)
    assert sc.Scheduler(world.db).client(b.client).identities[0].external_id == str(winner.id)


def times_on(client: TgUser, service: str, day: str) -> dict:
    """The free times message of `service` on `day`, reached through /book."""
    client.send("/book")
    client.press(client.expect("pick_service"), service)
    client.press(client.expect("pick_day"), day)
    return client.expect("pick_time")


def a_client_of(world: World, services: tuple[str, ...] = ("Haircut; 30; 25 EUR; buffer 10",),
                client_name: str = "Carl", **registration: str) -> tuple[TgUser, TgUser, str]:
    """A running bot, a registered master with `services` (and `registration`'s answers: hours, breaks, tz), a
    client (whose Telegram profile name is `client_name`) who followed the master's link, and the link's payload."""
    world.bot()
    master, client = world.user("Anna"), world.user(client_name)
    code = world.register_master(master, services=services, **registration)
    client.send(f"/start {code}")
    client.expect("welcome_client")
    return master, client, code


@pytest.mark.parametrize("world", MODES, indirect=True)
def test_a_profile_name_with_control_characters_books_under_the_name_without_them(world: World) -> None:
    master, client, _ = a_client_of(world, client_name="Ca\x1brl\u0085")
    client.press(times_on(client, HAIRCUT, "Sat 27.03"), "10:00")
    client.press_key(client.expect("confirm_booking"), "btn_confirm")
    client.expect("booked", service="Haircut", master="Anna")
    master.expect("notice_new_booking", client="Carl", service="Haircut")
    [b] = confirmed(world, f"m{master.id}")
    assert sc.Scheduler(world.db).client(b.client).name == "Carl"


def test_every_confirm_card_acts_on_the_time_it_shows(world: World) -> None:
    master, client, _ = a_client_of(world)
    times = times_on(client, HAIRCUT, "Sat 27.03")
    client.press(times, "10:00")
    ten = client.expect("confirm_booking", when="Sat 27.03 10:00")
    ten_as_sent = dict(ten)  # the bot edits the card; the client may still tap what they saw
    client.press(times, "10:30")  # the same list, another time: 10:00 is released, 10:30 held
    half_past = client.expect("confirm_booking", when="Sat 27.03 10:30")
    client.press_key(ten_as_sent, "btn_confirm")
    client.expect("stale_card")
    assert confirmed(world, f"m{master.id}") == []  # the old card booked neither time
    # The old card was closed when 10:30 was held: it lost its buttons and says so.
    assert "reply_markup" not in ten
    assert client.match(ten, "card_closed") == {"service": "Haircut", "when": "Sat 27.03 10:00"}
    client.press_key(half_past, "btn_confirm")
    client.expect("booked", when="Sat 27.03 10:30")
    [b] = confirmed(world, f"m{master.id}")
    assert b.start == datetime(2027, 3, 27, 9, 30, tzinfo=timezone.utc)
    # "Give up" on the old card leaves the booking made on the other, and says so.
    client.press_key(ten_as_sent, "btn_abort")
    client.expect("stale_card")
    assert client.count("booking_aborted") == 0
    assert [x.start for x in confirmed(world, f"m{master.id}")] == [b.start]


def held(world: World, master_id: str) -> list[sc.BookingRecord]:
    s = sc.Scheduler(world.db)
    start = datetime(2027, 3, 26, tzinfo=timezone.utc)
    return [b for b in s.upcoming(master_id, start, 14) if b.status == sc.BookingStatus.held]


def test_following_a_link_while_confirming_releases_the_held_time(world: World) -> None:
    master, client, code = a_client_of(world)
    client.press(times_on(client, HAIRCUT, "Sat 27.03"), "10:00")
    card = client.expect("confirm_booking", when="Sat 27.03 10:00")
    assert len(held(world, f"m{master.id}")) == 1
    client.send(f"/start {code}")
    client.expect("welcome_client")
    assert held(world, f"m{master.id}") == []  # free for others at once, not in 10 minutes
    assert client.match(card, "card_closed") == {"service": "Haircut", "when": "Sat 27.03 10:00"}


def test_one_client_takes_one_seat_of_a_class(world: World) -> None:
    master, client, _ = a_client_of(world, ("Yoga; 60; seats 3",))
    first_list = times_on(client, "Yoga, 60 min", "Sat 27.03")
    client.press(first_list, "10:00")
    client.press_key(client.expect("confirm_booking", when="Sat 27.03 10:00"), "btn_confirm")
    client.expect("booked", when="Sat 27.03 10:00")
    # Two seats are left, but not for Carl: 10:00 is not offered to him again.
    labels = [t for t, _ in buttons(times_on(client, "Yoga, 60 min", "Sat 27.03"))]
    assert "10:00" not in labels and "11:00" in labels
    client.press(first_list, "10:00")  # the list from before his booking
    client.expect("already_in_class", service="Yoga", when="Sat 27.03 10:00")
    assert [b.seats for b in confirmed(world, f"m{master.id}")] == [1]
    assert held(world, f"m{master.id}") == []


def test_own_bookings_reschedule_and_cancel(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    client.send(f"/start {code}")
    world.book(client, HAIRCUT, "Sat 27.03", "10:00")
    client.send("/my")
    mine = client.expect("client_booking", when="Sat 27.03 10:00", service="Haircut", master="Anna", place="Salon")
    client.press_key(mine, "btn_reschedule")
    client.press(client.expect("pick_day"), "Sun 28.03")
    client.press(client.expect("pick_time"), "11:00")
    client.expect("moved", old="Sat 27.03 10:00", new="Sun 28.03 11:00", service="Haircut")
    master.expect("notice_client_moved", client="Carl", old="Sat 27.03 10:00", when="Sun 28.03 11:00")
    [b] = confirmed(world, f"m{master.id}")
    assert b.start == datetime(2027, 3, 28, 9, 0, tzinfo=timezone.utc)

    client.send("/my")
    card = client.expect("client_booking", when="Sun 28.03 11:00")
    client.press_key(card, "btn_cancel")  # "are you sure?": no, then yes
    client.press_key(client.expect("sure_cancel", when="Sun 28.03 11:00", service="Haircut"), "btn_keep")
    client.expect("kept_booking", when="Sun 28.03 11:00")
    assert len(confirmed(world, f"m{master.id}")) == 1 and master.count("notice_client_cancelled") == 0
    client.press_key(card, "btn_cancel")
    client.press_key(client.expect("sure_cancel", when="Sun 28.03 11:00"), "btn_yes_cancel")
    client.expect("cancelled", when="Sun 28.03 11:00")
    master.expect("notice_client_cancelled", client="Carl", when="Sun 28.03 11:00")
    assert confirmed(world, f"m{master.id}") == []
    client.send("/my")
    client.expect("no_bookings")
    # The old message's button now finds the booking gone.
    client.press_key(mine, "btn_cancel")
    client.expect("booking_gone")


def test_relay_in_both_directions_and_history(world: World) -> None:
    world.bot()
    master, client, other = world.user("Anna"), world.user("Carl"), world.user("Dora")
    code = world.register_master(master)
    for c in (client, other):
        c.send(f"/start {code}")
        c.expect("welcome_client")
    client.send("/write")
    client.expect("ask_write")
    client.send("Can I bring my son?")
    client.expect("sent_to_master", master="Anna")
    note = master.expect("msg_from_client", client="Carl", text="Can I bring my son?")
    master.press_key(note, "btn_reply")
    master.expect("ask_reply", name="Carl")
    master.send("Yes, of course")
    master.expect("sent_to_client", client="Carl")
    answer = client.expect("msg_from_master", master="Anna", text="Yes, of course")
    assert other.count("msg_from_master", master="Anna", text="Yes, of course") == 0
    # Both sides have a Reply button; plain words from the client reach the master too.
    client.press_key(answer, "btn_reply")
    client.expect("ask_write")
    client.send("Thank you!")
    client.expect("sent_to_master", master="Anna")
    master.expect("msg_from_client", client="Carl", text="Thank you!")
    other.send("Is Monday free?")
    other.expect("sent_to_master", master="Anna")
    master.press_key(master.expect("msg_from_client", client="Dora", text="Is Monday free?"), "btn_reply")
    master.expect("ask_reply", name="Dora")
    master.send("Yes")
    other.expect("msg_from_master", master="Anna", text="Yes")
    master.send("this is not for anyone")  # a master's words outside a dialog are not relayed
    master.expect("idle_text")

    client.send("/history")
    history = client.expect("history", master="Anna")["text"]
    assert history.index("you: Can I bring my son?") < history.index("Anna: Yes, of course")
    # Written on Friday 26 March at 12:00 UTC: 13:00 at the master's, in Berlin, not UTC.
    assert "Fri 26.03 13:00 you: Can I bring my son?" in history

    master.send("/broadcast")  # asked "are you sure?", with how many it reaches: first not sent
    master.expect("ask_broadcast")
    master.send("Closed on Tuesday")
    master.send("yes")
    master.expect("use_buttons")
    master.press_key(master.expect("sure_broadcast", count=2, text="Closed on Tuesday"), "btn_dont")
    master.expect("broadcast_dropped")
    master.send("/broadcast")
    master.expect("ask_broadcast")
    master.send("Closed on Monday")
    sure = master.expect("sure_broadcast", count=2, text="Closed on Monday")
    with world.api.cond:
        world.api.flood["sendMessage"] = 2  # Telegram's flood control answers 429 twice: the bot waits and retries
    master.press_key(sure, "btn_send_all")
    master.expect("broadcast_sent", count=2)
    master.press_key(sure, "btn_send_all")  # a second tap sends nothing more
    master.expect("stale_button")
    for c in (client, other):
        c.expect("broadcast", master="Anna", text="Closed on Monday")
        assert c.count("broadcast", master="Anna", text="Closed on Tuesday") == 0
        assert c.count("broadcast") == 1
    assert world.api.flooded == ["sendMessage: Too Many Requests: retry after 1"] * 2
    assert "rate-limited by Telegram" in world.logs()


def test_switching_masters(world: World) -> None:
    world.bot()
    anna, boris, client = world.user("Anna"), world.user("Boris"), world.user("Carl")
    code_a = world.register_master(anna)
    code_b = world.register_master(boris, services=("Shave; 20",))
    assert code_a != code_b
    client.send(f"/start {code_a}")
    client.expect("welcome_client", master="Anna")
    client.send(f"/start {code_b}")
    client.expect("welcome_client", master="Boris")
    client.send("/book")
    assert [t for t, _ in buttons(client.expect("pick_service"))] == ["Shave, 20 min"]
    client.send("/masters")
    choice = client.expect("pick_master")
    assert [t for t, _ in buttons(choice)] == ["Anna", "✓ Boris"]
    client.press(choice, "Anna")
    client.expect("switched", master="Anna")
    client.send("/book")
    assert [t for t, _ in buttons(client.expect("pick_service"))] == [HAIRCUT]
    world.book(client, HAIRCUT, "Sat 27.03", "09:00")
    assert len(confirmed(world, f"m{anna.id}")) == 1 and confirmed(world, f"m{boris.id}") == []
    # A client who only has Boris's link sees only Boris.
    dora = world.user("Dora")
    dora.send(f"/start {code_b}")
    dora.expect("welcome_client", master="Boris")
    dora.send("/masters")
    assert [t for t, _ in buttons(dora.expect("pick_master"))] == ["✓ Boris"]


def test_language_switch(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    client.send(f"/start {code}")
    client.expect("welcome_client")
    client.send("/lang")
    choice = client.expect("ask_lang")
    assert [t for t, _ in buttons(choice)] == ["English", "Русский"]
    client.press(choice, "Русский")
    client.lang = "ru"
    client.expect("lang_set")
    client.send("/book")
    services = client.expect("pick_service")
    assert services["text"] == "Выберите услугу:"
    client.press(services, "Haircut, 30 мин, 25 EUR")
    assert [t for t, _ in buttons(client.expect("pick_day"))][1] == "сб 27.03"
    # Chosen per user: the master still reads English.
    master.send("/link")
    master.expect("your_link")
    # A Telegram client set to Russian gets Russian from the start.
    dima = world.user("Дима", lang="ru")
    dima.send(f"/start {code}")
    assert dima.expect("welcome_client", master="Anna")["text"].startswith("Добро пожаловать")
    client.send("/lang en")
    client.lang = "en"
    client.expect("lang_set")


def test_review_after_a_visit(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    client.send(f"/start {code}")
    client.send("/review")
    client.expect("no_visits")
    world.book(client, HAIRCUT, "Sat 27.03", "10:00")
    world.clock.set(datetime(2027, 3, 27, 9, 31, tzinfo=timezone.utc))  # the visit ended at 09:30 UTC
    client.send("/review")
    ask = client.expect("ask_rating", service="Haircut", when="Sat 27.03 10:00")
    assert [t for t, _ in buttons(ask)] == ["1★", "2★", "3★", "4★", "5★"]
    client.press(ask, "5★")
    client.expect("ask_review_text")
    client.send("Great cut")
    client.expect("review_thanks")
    master.expect("notice_review", client="Carl", rating=5, text="Great cut")
    client.send("/review")
    client.expect("no_visits")
    client.press(ask, "4★")  # one review per visit
    client.expect("stale_button")


def test_garbage_at_each_client_step_keeps_the_dialog(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    client.send("/book")
    client.expect("no_master")
    client.send("/start nosuchcode")
    client.expect("bad_link")
    client.send(f"/start {code}")
    client.expect("welcome_client")
    client.send("hello?")  # words outside a dialog go to the master
    client.expect("sent_to_master", master="Anna")
    master.expect("msg_from_client", client="Carl", text="hello?")
    client.send("/frobnicate")
    client.expect("unknown_command")
    client.send_sticker()
    client.expect("only_text")
    client.send("/book")
    services = client.expect("pick_service")
    client.press_data(services, "b:s:no-such-service")
    client.expect("stale_button")
    client.press_data(services, "zz:1")
    client.expect("stale_button")
    client.press(services, HAIRCUT)
    days = client.expect("pick_day")
    client.press_data(days, re.sub(r"\d{8}$", "2027x3", buttons(days)[0][1]))
    client.expect("stale_button")
    client.press(days, "Sat 27.03")
    client.press(client.expect("pick_time"), "10:00")
    confirm = client.expect("confirm_booking")
    confirm_as_sent = dict(confirm)
    client.send("yes please")
    client.expect("use_buttons")
    client.expect("ask_confirm")  # the question again: the hold and the dialog are kept
    client.send("/frobnicate")
    client.expect("unknown_command")
    client.press_key(confirm, "btn_confirm")
    client.expect("booked", when="Sat 27.03 10:00")
    # A double tap, sent before the buttons went: books nothing more, and the card still says it was booked.
    client.press_data(confirm, buttons(confirm_as_sent)[0][1])
    client.expect("stale_card")
    assert confirm["text"] == "Haircut, Sat 27.03 10:00: confirmed."
    assert len(confirmed(world, f"m{master.id}")) == 1
    client.send("/write")
    client.expect("ask_write")
    client.send("/cancel")
    client.expect("dialog_cancelled")
    assert master.count("msg_from_client") == 1  # only "hello?"


def test_hold_expires_and_abandoned_hold_is_released(world: World) -> None:
    world.bot("--hold-minutes", "5")
    master, a, b = world.user("Anna"), world.user("Ann"), world.user("Ben")
    code = world.register_master(master)
    offers = {}
    for c in (a, b):
        c.send(f"/start {code}")
        c.send("/book")
        c.press(c.expect("pick_service"), HAIRCUT)
        c.press(c.expect("pick_day"), "Sat 27.03")
        offers[c.name] = c.expect("pick_time")  # both see 10:00 free
    a.press(offers["Ann"], "10:00")
    confirm = a.expect("confirm_booking", minutes=5)
    world.clock.set(datetime(2027, 3, 26, 12, 6, tzinfo=timezone.utc))  # 6 minutes later: the hold has expired
    a.press_key(confirm, "btn_confirm")
    a.expect("hold_expired")
    a.expect("pick_day")
    b.press(offers["Ben"], "10:00")  # free again
    b.press_key(b.expect("confirm_booking"), "btn_abort")
    b.expect("booking_aborted")
    assert confirmed(world, f"m{master.id}") == []
    world.book(a, HAIRCUT, "Sat 27.03", "10:00")  # released: a can take it


def test_flooding_user_is_throttled(world: World) -> None:
    bot = world.bot("--throttle", "5/60")
    flooder = world.user("Flo")
    for _ in range(12):
        flooder.send("/help")
    bot.wait_log(rf"update \d+ from user={flooder.id} kind=text", count=12)
    flooder.expect("throttled")
    assert flooder.count("welcome") == 5
    assert flooder.count("throttled") == 1
    assert "throttled user=" in bot.log()


def test_times_fall_on_round_marks_and_the_coming_hour_is_not_offered(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    # 45-minute services from 09:10: slotcraft's "window" grid would offer 09:10, 09:55, ...
    code = world.register_master(master, hours="mon-sun 09:10-18:00", breaks="none",
                                 services=("Colour; 45; 40 EUR",))
    client.send(f"/start {code}")
    client.send("/book")
    client.press(client.expect("pick_service"), "Colour, 45 min, 40 EUR")
    days = client.expect("pick_day", service="Colour")
    client.press(days, "Fri 26.03")  # it is 13:00 in Berlin: an hour's notice leaves 14:00 on
    times = [t for t, _ in buttons(client.expect("pick_time", wd="Fri", date="26.03")) if re.fullmatch(r"\d\d:\d\d", t)]
    assert times[0] == "14:00" and all(t.endswith((":00", ":30")) for t in times), times
    assert "17:00" in times and "17:30" not in times  # 17:30 + 45 min would pass 18:00
    s = sc.Scheduler(world.db)
    [service_id] = s.services_of(f"m{master.id}")
    rules = s.service(service_id).rules
    assert (rules.align, rules.step, rules.min_notice) == (sc.Align.clock, timedelta(minutes=30), timedelta(hours=1))
