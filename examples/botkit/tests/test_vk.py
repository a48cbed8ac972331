"""The VK transport against a fake VK API and Long Poll server on 127.0.0.1:
Long Poll with its key renewed on `failed` 2 and 3, the Callback API's
confirmation and secret (a wrong secret reaches no bot), callback buttons
and their answers, menus cut to 10 buttons with pages, documents."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fake_vk import CONFIRMATION, GROUP_ID, SECRET, TOKEN, FakeVK, message_event, message_new, post_event

from botkit.vk import VKTransport

VERA, PYOTR = 1001, 1002


@pytest.fixture
def api() -> Iterator[FakeVK]:
    fake = FakeVK()
    yield fake
    fake.close()


@pytest.fixture
def long_poll(api: FakeVK) -> Iterator[VKTransport]:
    transport = VKTransport(token=TOKEN, group_id=GROUP_ID, api_base=api.url)
    yield transport
    transport.close()


@pytest.fixture
def callback(api: FakeVK) -> Iterator[VKTransport]:
    transport = VKTransport(token=TOKEN, group_id=GROUP_ID, api_base=api.url, callback=("127.0.0.1", 0),
                            confirmation=CONFIRMATION, secret=SECRET)
    yield transport
    transport.close()


def updates(transport: VKTransport, count: int) -> list[dict]:
    got: list[dict] = []
    for _ in range(20):
        got += transport.get_updates(0.5)
        if len(got) >= count:
            break
    return got


def test_long_poll_brings_messages_and_renews_its_key_when_vk_says_failed_2_or_3(
        long_poll: VKTransport, api: FakeVK) -> None:
    api.push(message_new(VERA, "/start", lang_id=0))
    [first] = updates(long_poll, 1)
    assert first["message"]["text"] == "/start"
    assert first["message"]["from"] == {"id": f"vk:{VERA}", "first_name": "Vera Kozlova", "language_code": "ru"}
    assert first["message"]["chat"]["id"] == f"vk:{VERA}"
    assert api.key_requests == 1

    api.fail_next(1)  # history moved on: only a new ts
    api.push(message_new(PYOTR, "hello", lang_id=3))
    [second] = updates(long_poll, 1)
    assert second["message"]["from"]["language_code"] == "en" and api.key_requests == 1

    api.fail_next(2)  # the key expired
    api.push(message_new(VERA, "after the key expired"))
    assert [u["message"]["text"] for u in updates(long_poll, 1)] == ["after the key expired"]
    assert api.key_requests == 2

    api.fail_next(3)  # events lost: a new key and ts
    api.push(message_new(VERA, "after a new ts"))
    assert [u["message"]["text"] for u in updates(long_poll, 1)] == ["after a new ts"]
    assert api.key_requests == 3


def test_the_callback_api_confirms_with_our_string_and_refuses_a_wrong_secret(callback: VKTransport) -> None:
    url = f"http://127.0.0.1:{callback.port}/vk"
    assert post_event(url, {"type": "confirmation", "group_id": GROUP_ID}) == (200, CONFIRMATION)
    assert post_event(url, {"type": "confirmation", "group_id": 1})[0] == 403  # another community
    event = message_new(VERA, "hello")
    assert post_event(url, {**event, "secret": "guessed"})[0] == 403
    assert post_event(url, event)[0] == 403  # no secret at all
    assert callback.get_updates(0.3) == []
    assert post_event(url, {**event, "secret": SECRET}) == (200, "ok")
    assert post_event(url, {**event, "secret": SECRET}) == (200, "ok")  # VK retries: the same update id
    first, again = updates(callback, 2)
    assert first["message"]["text"] == "hello" and first["update_id"] == again["update_id"]


def test_a_tap_on_a_callback_button_is_a_callback_query_and_is_answered(long_poll: VKTransport, api: FakeVK) -> None:
    sent = long_poll.send_message(f"vk:{VERA}", "Confirm 10:00?", [[("Confirm", "ok:h1"), ("Give up", "no:h1")]])
    [message] = api.wait_for("sent", 1)
    keyboard = json.loads(message["keyboard"])
    assert keyboard["inline"] is True
    assert [[(b["action"]["type"], b["action"]["label"], json.loads(b["action"]["payload"])) for b in row]
            for row in keyboard["buttons"]] == [[("callback", "Confirm", {"d": "ok:h1"}),
                                                 ("callback", "Give up", {"d": "no:h1"})]]
    api.push(message_event(VERA, "ok:h1", sent["message_id"]))
    [update] = updates(long_poll, 1)
    query = update["callback_query"]
    assert query["data"] == "ok:h1" and query["message"]["message_id"] == sent["message_id"]
    long_poll.answer_callback(query["id"], "Booked")
    [answer] = api.wait_for("answers", 1)
    assert answer["user_id"] == str(VERA) and json.loads(answer["event_data"])["text"] == "Booked"


def test_a_long_menu_shows_ten_buttons_and_more_pages_through_it_by_editing_the_message(
        long_poll: VKTransport, api: FakeVK) -> None:
    times = [[(f"Mon 24.03 {9 + n // 2:02d}:{30 * (n % 2):02d}", f"t:{n}")] for n in range(14)]
    sent = long_poll.send_message(f"vk:{VERA}", "Free times:", times)
    [message] = api.wait_for("sent", 1)
    payloads = [json.loads(b["action"]["payload"])["d"] for row in json.loads(message["keyboard"])["buttons"]
                for b in row]
    assert payloads == [f"t:{n}" for n in range(9)] + ["~page:1"]
    api.push(message_event(VERA, "~page:1", sent["message_id"]))
    assert long_poll.get_updates(1.0) == []  # paging is the transport's, not the bot's
    [edit] = api.wait_for("edits", 1)
    assert edit["message"] == "(2/2) Free times:"
    assert [json.loads(b["action"]["payload"])["d"] for row in json.loads(edit["keyboard"])["buttons"] for b in row] \
        == [f"t:{n}" for n in range(9, 14)] + ["~page:0"]
    assert api.wait_for("answers", 1)  # the tap's spinner stops
    long_poll.edit_message(f"vk:{VERA}", sent["message_id"], "Booked: 10:00")  # the card loses its buttons
    assert json.loads(api.wait_for("edits", 2)[1]["keyboard"])["buttons"] == []


def test_a_document_is_uploaded_saved_and_attached(long_poll: VKTransport, api: FakeVK) -> None:
    long_poll.send_document(f"vk:{VERA}", "booking.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "Your booking")
    [message] = api.wait_for("sent", 1)
    assert message["attachment"].startswith(f"doc-{GROUP_ID}_") and message["message"] == "Your booking"
    assert list(api.documents.values()) == [b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"]


def test_the_first_message_after_a_vk_me_link_is_start_with_its_ref(long_poll: VKTransport, api: FakeVK) -> None:
    link = long_poll.deep_link("k3Y-9")
    assert link == f"https://vk.me/club{GROUP_ID}?ref=k3Y-9"
    api.push(message_new(PYOTR, "Начать", lang_id=3, ref="k3Y-9"))
    api.push(message_new(PYOTR, "/help", ref="k3Y-9"))  # a command typed is left as typed
    assert [u["message"]["text"] for u in updates(long_poll, 2)] == ["/start k3Y-9", "/help"]
