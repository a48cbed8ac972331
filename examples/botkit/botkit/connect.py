"""One client on several messengers: `/connect` gives a one-time code (valid
`CODE_LIFE`, usable once); `/connect CODE` sent from another messenger adds
that account's identity to the same slotcraft client. An account that joined
on its own without bookings gives its identity up; one with bookings is
refused. Notices then go to whichever account wrote last (StateStore's
`user_by_client`).

Both bots use this area (`router(roles)` with their own client roles). A bot
provides two hooks: `connect_client(user)`, the asking account's client id
(None after saying why there is none), and `connected(user, origin)`, what
else it links once the accounts are one (the booking bot: the masters)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from .handlers import Router

log = logging.getLogger("botkit.connect")

CODE_LIFE = timedelta(minutes=15)


def connect(bot: Any, user: dict, arg: str) -> None:
    """`/connect` → a code; `/connect CODE` on another messenger → the same client."""
    import slotcraft as sc

    if not arg:
        if bot.connect_client(user) is None:
            return
        code = f"{secrets.randbelow(10**8):08d}"
        bot.store.new_connect_code(user["user_id"], code, (bot.now() + CODE_LIFE).isoformat())
        bot.say(user, "connect_code", code=code, minutes=int(CODE_LIFE.total_seconds() // 60))
        return
    origin_id = bot.store.take_connect_code(arg.strip(), bot.now().isoformat())
    origin = bot.store.user(origin_id) if origin_id else None
    if origin is None or origin_id == user["user_id"] or not origin["client_id"]:
        bot.say(user, "connect_bad")
        return
    target = bot.s.client(origin["client_id"])
    if target is None:
        bot.say(user, "connect_bad")
        return
    mine = bot.identity(user)
    own = bot.s.client(user["client_id"]) if user["client_id"] and user["client_id"] != target.id else None
    if own is not None and bot.s.client_bookings(own.id, active=True, now=bot.now()):
        bot.say(user, "connect_has_bookings")
        return
    if own is not None:  # an account that joined on its own, without bookings: its identity moves
        own.identities = [i for i in own.identities if (i.network.name, i.external_id) != mine]
        bot.s.put_client(own, actor=bot.actor(user))
    if all((i.network.name, i.external_id) != mine for i in target.identities):
        target.identities = [*target.identities, sc.Identity(*mine)]
        bot.s.put_client(target, actor=bot.actor(user))
    bot.store.set_field(user["user_id"], "client_id", target.id)
    user["client_id"] = target.id
    bot.connected(user, origin)
    log.info("action connect user=%s to client=%s", user["user_id"], target.id)
    for account in (user, origin):
        bot.say(account, "connect_done")


def router(roles: Iterable[str]) -> Router:
    """The `/connect` area, for these roles."""
    area = Router("connect")
    area.command("connect", roles=roles)(connect)
    return area
