"""Handler tables (botkit.handlers) and BotCore's dispatch by them: a role not
in a route's roles is refused before its handler runs, a state's prompt is
asked again, an unknown state starts over, and a name in two areas is an error
when the bot is built."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from botkit.clock import Clock
from botkit.core import BotCore
from botkit.handlers import Route, Router, Routes
from botkit.i18n import Catalogs
from botkit.storage import StateStore
from botkit.throttle import Throttle

CATALOG = {"hello": "Hello {name}", "menu": "Menu", "ask_age": "How old are you?", "age": "Age {age}",
           "no": "Not for {role}", "stale_button": "Stale", "unknown_command": "Unknown", "idle_text": "Idle",
           "empty_text": "Empty", "error_generic": "Error", "only_text": "Text only", "throttled": "Slow down"}
router = Router("test")


class Sent:
    """A transport that keeps what the bot sends."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def send_message(self, chat_id: str, text: str, keyboard: Any = None) -> dict:
        self.texts.append(text)
        return {"message_id": len(self.texts)}

    def answer_callback(self, callback_id: str, text: str = "") -> None:
        pass


class Tiny(BotCore):
    """Two roles: "boss" (user 1) and "guest"."""

    @router.command("hello", "hi", roles=("boss", "guest"))
    def hello(self, user: dict, arg: str) -> None:
        self.say(user, "hello", name=arg)

    @router.command("age", roles=("boss",))
    def age(self, user: dict, arg: str) -> None:
        self.set_state(user, "age")
        self.prompt(user)

    @router.state("age", roles=("boss",), prompt="ask_age")
    def age_given(self, user: dict, text: str) -> None:
        self.set_state(user, "")
        self.say(user, "age", age=text)

    @router.button("x", roles=("boss",))
    def x(self, user: dict, rest: str, message_id: int | None) -> None:
        self.say(user, "hello", name=rest)

    routes = Routes(router)

    def role(self, user: dict) -> str:
        return "boss" if user["user_id"] == "1" else "guest"

    def refuse(self, user: dict, route: Route, role: str) -> None:
        self.say(user, "no", role=role)

    def help(self, user: dict) -> None:
        self.say(user, "menu")


@pytest.fixture
def bot(tmp_path: Path) -> Tiny:
    (tmp_path / "en.json").write_text(json.dumps(CATALOG), encoding="utf-8")
    Tiny.catalogs = Catalogs(tmp_path)
    store = StateStore(str(tmp_path / "bot.sqlite"))
    return Tiny(store, Sent(), Clock(), Throttle(store, 0, 1))  # type: ignore[arg-type]


def text(bot: Tiny, uid: int, words: str, update: int) -> list[str]:
    before = len(bot.transport.texts)
    bot.handle_update({"update_id": update, "message": {"from": {"id": uid, "first_name": "U"},
                                                        "chat": {"id": uid}, "text": words}})
    return bot.transport.texts[before:]


def press(bot: Tiny, uid: int, data: str, update: int) -> list[str]:
    before = len(bot.transport.texts)
    bot.handle_update({"update_id": update, "callback_query": {"id": "q", "from": {"id": uid}, "data": data,
                                                               "message": {"message_id": 1, "chat": {"id": uid}}}})
    return bot.transport.texts[before:]


def test_commands_aliases_buttons_and_states_go_to_their_handlers(bot: Tiny) -> None:
    assert text(bot, 1, "/hello Ann", 1) == ["Hello Ann"]
    assert text(bot, 2, "/hi@some_bot Ben", 2) == ["Hello Ben"]
    assert press(bot, 1, "x:7", 3) == ["Hello 7"]
    assert text(bot, 1, "/age", 4) == ["How old are you?"]
    assert text(bot, 1, "41", 5) == ["Age 41"]


def test_a_role_not_in_the_table_is_refused_before_the_handler_runs(bot: Tiny) -> None:
    assert text(bot, 2, "/age", 1) == ["Not for guest"]
    assert bot.store.user("2")["state"] == ""  # the handler never ran
    assert press(bot, 2, "x:7", 2) == ["Not for guest"]
    assert press(bot, 1, "nothing:here", 3) == ["Stale"]
    assert text(bot, 1, "/unknown", 4) == ["Unknown", "Menu"]


def test_a_state_no_table_knows_starts_over(bot: Tiny) -> None:
    text(bot, 1, "/hello", 1)
    bot.store.set_state("1", "from_an_older_version")
    assert text(bot, 1, "42", 2) == ["Menu"]
    assert bot.store.user("1")["state"] == ""


def test_a_name_in_two_areas_or_a_route_without_roles_is_an_error() -> None:
    one, two = Router("one"), Router("two")
    one.command("book", roles=("client",))(lambda bot, user, arg: None)
    two.command("book", roles=("client",))(lambda bot, user, arg: None)
    with pytest.raises(ValueError, match="'book' is in both one and two"):
        Routes(one, two)
    three = Router("three")
    three.button("book", roles=("client",))(lambda bot, user, rest, message_id: None)
    assert [r.label for r in Routes(one, three)] == ["book", "book:"]  # a command and a button may share a name
    with pytest.raises(ValueError, match="without roles"):
        one.state("s", roles=())
