"""The club bot's handler tables: every handler is in one with roles the bot
knows (a handler in none would never run, and one without roles would be
refused to everyone), every state has its prompt, and the admin's area is
the admin's alone."""

from __future__ import annotations

from club_bot.bot import ClubBot
from club_bot.roles import ALL


def test_every_handler_is_in_a_table_with_roles_the_bot_knows() -> None:
    routes = list(ClubBot.routes)
    handlers = {route.handler for route in routes}
    named = {name: getattr(ClubBot, name) for name in dir(ClubBot) if name.startswith(("cmd_", "cb_", "st_"))}
    assert {name for name, f in named.items() if f not in handlers} == set()
    assert all(route.roles and route.roles <= set(ALL) for route in routes)
    states = {route.name: route for route in routes if route.kind == "state"}
    assert set(states) == {"confirm", "person", "op_reply"} and all(route.prompt for route in states.values())
    admin_only = {route.label for route in routes if route.roles == {"admin"}}
    assert {"settings", "teacher", "subject", "teach", "unteach", "seats", "rmsubject", "rmteacher", "hours", "day",
            "csv", "ics", "plan", "faq", "stats", "rm:", "ss:", "fq:"} <= admin_only
    assert {route.label for route in routes if route.area == "support" and route.roles == {"client"}} == {
        "person", "sp:", "state person"}
