"""WhatsApp and VK beside Telegram, end to end: one bot process serves a master
on Telegram, a client on WhatsApp (fake Cloud API, webhooks signed as Meta
signs them) and a client on VK (fake API and Long Poll server). Each client
books through their messenger's menus (a WhatsApp list, VK callback buttons),
the master hears of both on Telegram and answers each of them there, the
answers going back to the messenger each wrote from, and slotcraft knows each
client by their messenger identity. A forged WhatsApp webhook books nothing."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

import slotcraft as sc
from conftest import BOTKIT, WAIT, World, template_regex
from fake_telegram import free_port

sys.path.insert(0, str(BOTKIT / "tests"))
import fake_vk  # noqa: E402
import fake_whatsapp  # noqa: E402
from messenger_users import Client, VKClient, WhatsAppClient  # noqa: E402

HAIRCUT = "Haircut, 30 min, 25 EUR"
MIA = "491701234567"  # a German number: the bot starts in English
VERA = 1001


@pytest.fixture
def messengers(world: World) -> Iterator[tuple[fake_whatsapp.FakeWhatsApp, fake_vk.FakeVK, str]]:
    """The fake WhatsApp and VK APIs, and a bot serving them beside Telegram; the WhatsApp webhook's URL."""
    whatsapp, vk = fake_whatsapp.FakeWhatsApp(), fake_vk.FakeVK()
    port = free_port()
    bot = world.bot("--whatsapp", "--whatsapp-phone-id", fake_whatsapp.PHONE_ID, "--whatsapp-number", "15550783881",
                    "--whatsapp-listen", f"127.0.0.1:{port}", "--whatsapp-api", whatsapp.url,
                    "--vk", "--vk-group", str(fake_vk.GROUP_ID), "--vk-api", vk.url,
                    env={"WHATSAPP_TOKEN": fake_whatsapp.TOKEN, "WHATSAPP_APP_SECRET": fake_whatsapp.APP_SECRET,
                         "WHATSAPP_VERIFY_TOKEN": fake_whatsapp.VERIFY_TOKEN, "VK_TOKEN": fake_vk.TOKEN})
    bot.wait_log("booking_bot started")
    yield whatsapp, vk, f"http://127.0.0.1:{port}/"
    bot.stop()
    whatsapp.close()
    vk.close()
    logs = world.logs()
    for secret in (fake_whatsapp.TOKEN, fake_whatsapp.APP_SECRET, fake_vk.TOKEN):
        assert secret not in logs, "a messenger's secret appeared in a log"


def book(client: Client, day: str, time_label: str) -> None:
    """Books through the menus, having followed the master's link."""
    client.press(client.expect("welcome_client", master="Anna"), "Book")
    client.press(client.expect("pick_service"), HAIRCUT)
    client.press(client.expect("pick_day", service="Haircut"), day)
    client.press(client.expect("pick_time"), time_label)
    client.press(client.expect("confirm_booking", service="Haircut"), "Confirm")
    client.expect("booked", service="Haircut", master="Anna", when=f"{day} {time_label}", place="Salon")


def test_clients_on_whatsapp_and_vk_book_with_a_master_on_telegram(world: World, messengers: Any) -> None:
    whatsapp, vk, hook = messengers
    master = world.user("Anna")
    code = world.register_master(master)
    [registered] = [m["text"] for m in master.messages() if m["text"].startswith("You are registered")]
    wa_link, vk_link, tg_link = registered.splitlines()[1:]  # a link for each messenger, Telegram's last
    assert wa_link == f"https://wa.me/15550783881?text=%2Fstart%20{code}"
    assert vk_link == f"https://vk.me/club{fake_vk.GROUP_ID}?ref={code}"
    assert tg_link == f"https://t.me/slotcraft_test_bot?start={code}"
    mia = WhatsAppClient(whatsapp, hook, MIA, "Mia Müller", template_regex)
    vera = VKClient(vk, VERA, "Vera Kozlova", template_regex)

    mia.follow(wa_link)
    book(mia, "Sun 28.03", "10:00")
    master.expect("notice_new_booking", client="Mia Müller", service="Haircut", when="Sun 28.03 10:00")
    vera.follow(vk_link)
    book(vera, "Sun 28.03", "11:00")
    master.expect("notice_new_booking", client="Vera Kozlova", service="Haircut", when="Sun 28.03 11:00")

    # Two-way chat: each writes, the master (on Telegram) replies, the answer goes back where they wrote from.
    for client, words, answer in ((mia, "Can I come 10 minutes early?", "Sure"), (vera, "Можно с собакой?", "Да")):
        client.send(words)
        client.expect("sent_to_master", master="Anna")
        master.press_key(master.expect("msg_from_client", client=client.name, text=words), "btn_reply")
        master.expect("ask_reply", name=client.name)
        master.send(answer)
        master.expect("sent_to_client", client=client.name)
        reply = client.expect("msg_from_master", master="Anna", text=answer)
        assert [label for label, _ in reply[1]] == ["Reply"]
    assert vk.sent[-1]["peer_ids"] == str(VERA) and whatsapp.sent[-1]["to"] == MIA

    s = sc.Scheduler(world.db)
    booked = {b.client: b for b in s.upcoming(f"m{master.id}", world.clock_now(), 7)
              if b.status == sc.BookingStatus.confirmed}
    assert len(booked) == 2
    identities = {client: [(i.network.name, i.external_id) for i in s.client(client).identities] for client in booked}
    assert sorted(identities.values()) == [[("vk", str(VERA))], [("whatsapp", MIA)]]


def test_a_forged_whatsapp_webhook_reaches_no_bot(world: World, messengers: Any) -> None:
    whatsapp, _, hook = messengers
    master = world.user("Anna")
    code = world.register_master(master)
    body = fake_whatsapp.text(MIA, "Mallory", f"/start {code}", "wamid.forged1")
    forged = fake_whatsapp.signed(json.dumps(body).encode(), "guessed-secret")
    assert fake_whatsapp.deliver(hook, body, signature=forged) == 401
    assert fake_whatsapp.deliver(hook, body, signature=None) == 401
    time.sleep(1)
    assert whatsapp.sent == [] and "wa:" not in world.logs()


def passed(world: World, when: datetime) -> None:
    """Waits until the bot's reminder thread has finished a whole pass at the clock `when`."""
    world.clock.set(when)
    for bot in world.bots:
        bot.wait_log(rf"reminder pass worker=\S+ now={re.escape(when.isoformat())} ")


def booked_on_whatsapp(world: World, whatsapp: Any, hook: str) -> tuple[Any, str, WhatsAppClient]:
    """Anna registered on Telegram, and Mia booked with her on WhatsApp for Sunday 10:00: (Anna, her link's code, Mia)."""
    master = world.user("Anna")
    code = world.register_master(master)
    mia = WhatsAppClient(whatsapp, hook, MIA, "Mia Müller", template_regex)
    mia.send(f"/start {code}")
    book(mia, "Sun 28.03", "10:00")
    return master, code, mia


def test_a_client_on_two_messengers_is_one_client_and_hears_where_they_last_wrote(
        world: World, messengers: Any) -> None:
    whatsapp, _, hook = messengers
    master, code, mia = booked_on_whatsapp(world, whatsapp, hook)
    on_telegram = world.user("Mia")
    on_telegram.send(f"/start {code}")  # joins on her own first: a client record of its own, no bookings
    on_telegram.expect("welcome_client", master="Anna")

    mia.send("/connect")
    words = mia.expect("connect_code", minutes=15)[0]
    one_time = words.split()[-1]
    on_telegram.send("/connect 00000000")
    on_telegram.expect("connect_bad")
    on_telegram.send(f"/connect {one_time}")
    on_telegram.expect("connect_done")
    mia.expect("connect_done")
    world.user("Mallory").send(f"/connect {one_time}")  # a code works once
    assert world.api.wait(lambda: any(m["text"].startswith("That code is unknown") for m in world.api.sent),
                          WAIT, "the second use refused")

    s = sc.Scheduler(world.db)
    [booking] = [b for b in s.upcoming(f"m{master.id}", world.clock_now(), 7) if b.status == sc.BookingStatus.confirmed]
    accounts = sorted((i.network.name, i.external_id) for i in s.client(booking.client).identities)
    assert accounts == sorted([("whatsapp", MIA), ("telegram", str(on_telegram.id))])
    assert [c.id for c in s.clients() if any(i.external_id == str(on_telegram.id) for i in c.identities)] \
        == [booking.client]  # the identity moved: no second client holds it

    # Each reminder comes where she wrote last: WhatsApp a day ahead, then Telegram.
    on_telegram.send("/my")
    on_telegram.expect("client_booking")
    mia.send("/my")
    mia.expect("client_booking")
    passed(world, datetime(2027, 3, 27, 8, 0, tzinfo=timezone.utc))
    mia.expect("reminder_hours", hours=24, service="Haircut", when="Sun 28.03 10:00")
    on_telegram.send("/my")
    on_telegram.expect("client_booking")
    passed(world, datetime(2027, 3, 28, 6, 0, tzinfo=timezone.utc))
    on_telegram.expect("reminder_hours", hours=2, service="Haircut", when="Sun 28.03 10:00")
    assert on_telegram.count("reminder_hours") == 1 and len([t for t, _, _ in mia.sent() if " in 2 h," in t]) == 0


def test_a_reminder_a_day_after_the_clients_last_message_goes_as_whatsapps_template(
        world: World, messengers: Any) -> None:
    whatsapp, _, hook = messengers
    _, _, mia = booked_on_whatsapp(world, whatsapp, hook)  # she last writes on Friday 12:00 UTC (the bot's clock)
    passed(world, datetime(2027, 3, 27, 8, 0, tzinfo=timezone.utc))  # 20 h later: within the window
    day_ahead = mia.expect("reminder_hours", hours=24, when="Sun 28.03 10:00")
    assert day_ahead[2]["type"] == "interactive" and [label for label, _ in day_ahead[1]] == ["I'm coming", "Cancel"]
    passed(world, datetime(2027, 3, 28, 6, 0, tzinfo=timezone.utc))  # 42 h later: only a template may go
    two_hours = mia.expect("reminder_hours", hours=2, when="Sun 28.03 10:00")
    assert two_hours[2]["type"] == "template" and two_hours[2]["template"]["name"] == "slotcraft_notice"


def test_a_master_on_vk_is_booked_from_telegram_and_waited_for(world: World, messengers: Any) -> None:
    """A master who registers on VK has ids with the messenger in them (`mvk:2002-s1`): their services' buttons
    still act on the service they name."""
    _, vk, _ = messengers
    vera = VKClient(vk, 2002, "Vera", template_regex)
    vera.send("/start")
    vera.press(vera.expect("welcome"), "I am a master: register")
    for key, answer in (("ask_name", "Vera"), ("ask_tz", "Berlin"), ("ask_place", "Salon"),
                        ("ask_hours", "mon-sun 09:00-18:00"), ("ask_breaks", "none")):
        vera.expect(key)
        vera.send(answer)
    vera.press(vera.expect("ask_more_places"), "Next: services")
    vera.expect("ask_service")
    vera.send("Haircut; 30")
    vera.press(vera.expect("ask_more_services"), "Finish")
    code = vera.expect("registered")[0].rsplit("start=", 1)[1]
    carl = world.user("Carl")
    carl.send(f"/start {code}")
    carl.expect("welcome_client", master="Vera")
    world.book(carl, "Haircut, 30 min", "Sat 27.03", "10:00")
    vera.expect("notice_new_booking", client="Carl", service="Haircut", when="Sat 27.03 10:00")
    [b] = [b for b in sc.Scheduler(world.db).upcoming("mvk:2002", world.clock_now(), 7)
           if b.status == sc.BookingStatus.confirmed]
    assert b.service == "mvk:2002-s1"
    carl.send("/book")
    carl.press(carl.expect("pick_service"), "Haircut, 30 min")
    carl.press_key(carl.expect("pick_day"), "btn_waitlist")
    carl.expect("waitlist_joined", service="Haircut", master="Vera")
