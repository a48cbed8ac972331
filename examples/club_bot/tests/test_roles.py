"""Every command and every button handler of the club bot has its roles in
`ROLES` (one missing would be refused to everyone, so this catches it before a
user does), and the roles there are the three the bot knows."""

from __future__ import annotations

from club_bot.bot import ALL, ROLES, ClubBot


def test_every_handler_has_roles() -> None:
    commands = {name[4:] for name in dir(ClubBot) if name.startswith("cmd_")}
    buttons = {name[3:] + ":" for name in dir(ClubBot) if name.startswith("cb_")}
    assert commands | buttons == set(ROLES), (commands | buttons) ^ set(ROLES)
    assert all(roles and set(roles) <= set(ALL) for roles in ROLES.values())
    # The admin-only area.
    admin_only = {k for k, roles in ROLES.items() if roles == ("admin",)}
    assert {"settings", "teacher", "subject", "teach", "unteach", "seats", "rmsubject", "rmteacher", "hours", "day", "csv", "ics", "plan", "faq", "stats"} <= admin_only
