"""The booking bot's handler tables: every handler is in one, with the roles
the bot knows, every dialog state has its prompt, and the master's tools are
the masters' alone."""

from __future__ import annotations

from booking_bot.bot import Bot
from booking_bot.roles import ANYONE, MASTER


def test_every_handler_is_in_a_table_and_the_masters_tools_are_theirs() -> None:
    routes = list(Bot.routes)
    handlers = {route.handler for route in routes}
    named = {name: getattr(Bot, name) for name in dir(Bot) if name.startswith(("cmd_", "cb_", "st_"))}
    assert {name for name, f in named.items() if f not in handlers} == set()
    assert all(route.roles and route.roles <= set(ANYONE) for route in routes)
    assert all(route.prompt for route in routes if route.kind == "state")
    masters_only = {route.label for route in routes if route.roles == {MASTER}}
    assert {"edit", "ed:", "link", "dayoff", "broadcast", "bookings", "marks", "feed", "k:", "at:", "rep:",
            "state dayoff", "state broadcast", "state reply"} <= masters_only
    assert {"start", "book", "my", "write", "c:", "rc:", "b:", "state confirm"} <= {
        route.label for route in routes if route.roles == set(ANYONE)}
