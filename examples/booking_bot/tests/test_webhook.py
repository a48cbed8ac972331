"""The webhook transport: it registers itself with setWebhook (URL and secret
token) and handles only POSTs carrying the X-Telegram-Bot-Api-Secret-Token
header Telegram sends."""

from __future__ import annotations

import os

from fake_telegram import free_port, post_update

from conftest import World

SECRET = "s3cret-webhook-token_42"


def post(port: int, update: dict, secret: str | None) -> int:
    return post_update(f"http://127.0.0.1:{port}/telegram", update, secret)


def test_webhook_checks_the_secret_token(world: World) -> None:
    port = free_port()
    os.environ["BOT_WEBHOOK_SECRET"] = SECRET
    try:
        bot = world.bot("--transport", "webhook", "--webhook-url", "https://bot.example.org/telegram",
                        "--webhook-listen", f"127.0.0.1:{port}")
    finally:
        del os.environ["BOT_WEBHOOK_SECRET"]
    bot.wait_log(rf"webhook: listening on 127\.0\.0\.1:{port}")
    [hook] = world.api.wait(lambda: list(world.api.webhooks), 20, "setWebhook")
    assert hook["url"] == "https://bot.example.org/telegram" and hook["secret_token"] == SECRET
    user = world.user("Anna")

    def update(n: int) -> dict:
        return {"update_id": n, "message": {"message_id": n, "date": 0, "text": "/start",
                                            "from": {"id": user.id, "is_bot": False, "first_name": "Anna"},
                                            "chat": {"id": user.id, "type": "private"}}}

    assert post(port, update(1), None) == 401
    assert post(port, update(2), "wrong") == 401
    assert post(port, {"no": "update"}, SECRET) == 400
    assert post(port, update(3), SECRET) == 200
    user.expect("welcome")
    assert post(port, update(3), SECRET) == 200  # Telegram retrying the same update: handled once
    assert post(port, update(4), SECRET) == 200
    user.expect("welcome")
    assert user.count("welcome") == 2
    assert "getUpdates" not in world.api.calls
    assert SECRET not in bot.log()
