"""The club bot behind the booking bot's webhook transport: registered with
setWebhook, only POSTs with the secret token reach it, and it answers (a
message, a document) through the Bot API as with long polling."""

from __future__ import annotations

import os

from fake_telegram import free_port, post_update

from conftest import ADMIN_ID, Club

SECRET = "club-webhook-s3cret_7"


def post(port: int, update: dict, secret: str | None) -> int:
    return post_update(f"http://127.0.0.1:{port}/hook", update, secret)


def message(n: int, uid: int, text: str) -> dict:
    return {"update_id": n, "message": {"message_id": n, "date": 0, "text": text,
                                        "from": {"id": uid, "is_bot": False, "first_name": f"U{uid}"},
                                        "chat": {"id": uid, "type": "private"}}}


def test_webhook(club: Club) -> None:
    port = free_port()
    os.environ["BOT_WEBHOOK_SECRET"] = SECRET
    try:
        bot = club.bot("--transport", "webhook", "--webhook-url", "https://club.example.org/hook",
                       "--webhook-listen", f"127.0.0.1:{port}")
    finally:
        del os.environ["BOT_WEBHOOK_SECRET"]
    bot.wait_log(rf"webhook: listening on 127\.0\.0\.1:{port}")
    [hook] = club.api.wait(lambda: list(club.api.webhooks), 20, "setWebhook")
    assert hook["url"] == "https://club.example.org/hook" and hook["secret_token"] == SECRET

    assert post(port, message(1, ADMIN_ID, "/faq What time do you open? | At nine."), None) == 401
    assert post(port, message(2, ADMIN_ID, "/faq What time do you open? | At nine."), "wrong") == 401
    assert post(port, message(3, ADMIN_ID, "/faq What time do you open? | At nine."), SECRET) == 200
    club.admin.expect("faq_added")
    client = club.user("Ann")
    assert post(port, message(4, client.id, "when do you open"), SECRET) == 200
    client.expect("faq_answer", answer="At nine.")
    assert post(port, message(5, ADMIN_ID, "/csv 2027-03-29"), SECRET) == 200
    [doc] = club.api.wait(lambda: list(club.api.documents), 20, "the CSV")
    assert doc["chat"] == ADMIN_ID and doc["data"].startswith(b"\xef\xbb\xbfid,resource,")  # with the BOM spreadsheets need
    assert club.admin.count("faq_added") == 1  # the refused POSTs never reached the bot
    assert "getUpdates" not in club.api.calls
    assert SECRET not in bot.log()
