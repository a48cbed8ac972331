"""The WhatsApp transport against a fake Cloud API on 127.0.0.1, and Meta's
webhook calls made as Meta makes them: the verification handshake, signed
POSTs (a forged one reaches no bot), menus cut to 3 buttons or 10 rows with
pages, the 24-hour window (templates outside it), documents."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from fake_whatsapp import APP_SECRET, PHONE_ID, TOKEN, VERIFY_TOKEN, FakeWhatsApp, deliver, signed, tap, text

from botkit.whatsapp import WhatsAppTransport

CLIENT = "491701234567"
RUSSIAN_CLIENT = "79161234567"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def api() -> Iterator[FakeWhatsApp]:
    fake = FakeWhatsApp()
    yield fake
    fake.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def whatsapp(api: FakeWhatsApp, clock: Clock) -> Iterator[WhatsAppTransport]:
    transport = WhatsAppTransport(token=TOKEN, phone_number_id=PHONE_ID, app_secret=APP_SECRET,
                                  verify_token=VERIFY_TOKEN, listen=("127.0.0.1", 0), api_base=api.url,
                                  template="slotcraft_notice", now=clock)
    yield transport
    transport.close()


def hook(transport: WhatsAppTransport) -> str:
    return f"http://127.0.0.1:{transport.port}/webhook"


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        answer = e.code, e.read().decode()
        e.close()
        return answer


def updates(transport: WhatsAppTransport, count: int) -> list[dict]:
    got: list[dict] = []
    for _ in range(50):
        got += transport.get_updates(0.1)
        if len(got) >= count:
            break
    return got


def test_the_verification_handshake_answers_the_challenge_only_for_our_verify_token(whatsapp: WhatsAppTransport) -> None:
    assert get(f"{hook(whatsapp)}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444") == \
        (200, "1158201444")
    assert get(f"{hook(whatsapp)}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444")[0] == 403
    assert get(f"{hook(whatsapp)}?hub.verify_token={VERIFY_TOKEN}&hub.challenge=1")[0] == 403  # no hub.mode


def test_a_forged_or_missing_signature_is_refused_and_reaches_no_bot(whatsapp: WhatsAppTransport) -> None:
    body = text(CLIENT, "Mia", "hello", "wamid.forged")
    assert deliver(hook(whatsapp), body, signature=signed(json.dumps(body).encode(), "not-the-app-secret")) == 401
    assert deliver(hook(whatsapp), body, signature=None) == 401
    assert deliver(hook(whatsapp), body, signature="sha256=" + "0" * 64) == 401
    assert whatsapp.get_updates(0.3) == []
    assert deliver(hook(whatsapp), body) == 200
    assert len(updates(whatsapp, 1)) == 1


def test_a_message_becomes_a_telegram_shaped_update_with_prefixed_ids_once_per_message_id(
        whatsapp: WhatsAppTransport) -> None:
    assert deliver(hook(whatsapp), text(CLIENT, "Mia Müller", "/start", "wamid.A1")) == 200
    assert deliver(hook(whatsapp), text(CLIENT, "Mia Müller", "/start", "wamid.A1")) == 200  # Meta retries
    assert deliver(hook(whatsapp), text(RUSSIAN_CLIENT, "Олег", "привет", "wamid.B1")) == 200
    first, again, russian = updates(whatsapp, 3)
    assert first["message"]["text"] == "/start"
    assert first["message"]["from"] == {"id": f"wa:{CLIENT}", "first_name": "Mia Müller", "language_code": "en"}
    assert first["message"]["chat"]["id"] == f"wa:{CLIENT}"
    assert again["update_id"] == first["update_id"]  # the bot handles it once
    assert russian["message"]["from"]["language_code"] == "ru" and russian["update_id"] != first["update_id"]
    assert deliver(hook(whatsapp), {"object": "whatsapp_business_account"}) == 400


def test_three_short_buttons_are_reply_buttons_and_a_tap_names_the_message_it_was_on(
        whatsapp: WhatsAppTransport, api: FakeWhatsApp) -> None:
    deliver(hook(whatsapp), text(CLIENT, "Mia", "hi", "wamid.C1"))
    updates(whatsapp, 1)
    sent = whatsapp.send_message(f"wa:{CLIENT}", "Confirm 10:00?", [[("Confirm", "ok:h1"), ("Give up", "no:h1")]])
    [message] = api.wait_sent(1)
    assert message["to"] == CLIENT and message["interactive"]["type"] == "button"
    assert [b["reply"] for b in message["interactive"]["action"]["buttons"]] == [
        {"id": "ok:h1", "title": "Confirm"}, {"id": "no:h1", "title": "Give up"}]
    deliver(hook(whatsapp), tap(CLIENT, "Mia", "ok:h1", message["id"], "wamid.C2", kind="button_reply"))
    [update] = updates(whatsapp, 1)
    query = update["callback_query"]
    assert query["data"] == "ok:h1" and query["from"]["id"] == f"wa:{CLIENT}"
    assert query["message"]["message_id"] == sent["message_id"]


def test_a_long_menu_is_a_list_of_ten_rows_and_more_shows_the_next_page_without_the_bot(
        whatsapp: WhatsAppTransport, api: FakeWhatsApp) -> None:
    deliver(hook(whatsapp), text(CLIENT, "Mia", "hi", "wamid.D1"))
    updates(whatsapp, 1)
    times = [[(f"Mon 24.03 {9 + n // 2:02d}:{30 * (n % 2):02d} Haircut with Anna", f"t:{n}")] for n in range(14)]
    sent = whatsapp.send_message(f"wa:{CLIENT}", "Free times:", times)
    [first] = api.wait_sent(1)
    rows = first["interactive"]["action"]["sections"][0]["rows"]
    assert first["interactive"]["type"] == "list" and len(rows) == 10
    assert [r["id"] for r in rows[:9]] == [f"t:{n}" for n in range(9)] and rows[9]["id"] == "~page:1"
    assert rows[0]["title"] == "Mon 24.03 09:00 Haircut…" and rows[0]["description"] == times[0][0][0]
    deliver(hook(whatsapp), tap(CLIENT, "Mia", "~page:1", first["id"], "wamid.D2"))
    second = api.wait_sent(2)[1]
    rows = second["interactive"]["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [f"t:{n}" for n in range(9, 14)] + ["~page:0"]
    assert second["interactive"]["body"]["text"] == "(2/2) Free times:"
    assert whatsapp.get_updates(0.3) == []  # paging is the transport's, not the bot's
    deliver(hook(whatsapp), tap(CLIENT, "Mia", "t:12", second["id"], "wamid.D3"))
    [update] = updates(whatsapp, 1)
    assert update["callback_query"]["data"] == "t:12"
    assert update["callback_query"]["message"]["message_id"] == sent["message_id"]


def test_outside_the_24_hour_window_a_message_goes_as_the_template(
        whatsapp: WhatsAppTransport, api: FakeWhatsApp, clock: Clock) -> None:
    deliver(hook(whatsapp), text(CLIENT, "Mia", "hi", "wamid.E1"))
    updates(whatsapp, 1)
    whatsapp.send_message(f"wa:{CLIENT}", "Booked: Mon 24.03 10:00")
    clock.now += 24 * 3600 + 1  # a day later the reminder is due
    whatsapp.send_message(f"wa:{CLIENT}", "Reminder: haircut\nin 2 h, at 10:00")
    free, template = api.wait_sent(2)
    assert free["type"] == "text" and free["text"]["body"] == "Booked: Mon 24.03 10:00"
    assert template["type"] == "template" and template["template"]["name"] == "slotcraft_notice"
    assert template["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "Reminder: haircut · in 2 h, at 10:00"}]
    # Meta knows better (a restart forgot the last message): error 131047, so the template.
    deliver(hook(whatsapp), text(CLIENT, "Mia", "ok", "wamid.E2"))
    updates(whatsapp, 1)
    api.closed_windows.add(CLIENT)
    whatsapp.send_message(f"wa:{CLIENT}", "Moved to 11:00")
    assert api.wait_sent(3)[2]["type"] == "template"


def test_a_document_is_uploaded_then_sent(whatsapp: WhatsAppTransport, api: FakeWhatsApp) -> None:
    deliver(hook(whatsapp), text(CLIENT, "Mia", "hi", "wamid.F1"))
    updates(whatsapp, 1)
    whatsapp.send_document(f"wa:{CLIENT}", "booking.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "Your booking")
    [message] = api.wait_sent(1)
    assert message["type"] == "document" and message["document"]["filename"] == "booking.ics"
    assert api.media[message["document"]["id"]]["data"] == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
