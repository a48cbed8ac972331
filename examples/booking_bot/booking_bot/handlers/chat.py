"""Words between a client and their master (both ways, on every messenger), one
client on several messengers (/connect), history and reviews."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import slotcraft as sc

from botkit import picks
from botkit.core import btn
from botkit.handlers import Router

from ..roles import ANYONE, MASTERS

log = logging.getLogger("booking_bot")

router = Router("chat")


def ask_reply(bot: Any, user: dict) -> None:
    peer = bot.store.user(user["data"]["to"])
    bot.say(user, "ask_reply", name=peer["name"] if peer else "?")


class Chat:
    """The chat handlers, mixed into the bot (bot.py): `self` is the Bot."""

    @router.command("write", roles=ANYONE)
    def cmd_write(self, user: dict, arg: str) -> None:
        """Asks for the message; `/write <text>` sends it at once."""
        master_id = self.require_client(user)
        if master_id is None:
            return
        self.set_state(user, "write")
        if arg:
            self.st_write(user, arg[:3800])
            return
        self.prompt(user)

    @router.button("wr", roles=ANYONE)
    def cb_wr(self, user: dict, rest: str, message_id: int | None) -> None:
        self.cmd_write(user, "")

    @router.state("write", roles=ANYONE, prompt="ask_write")
    def st_write(self, user: dict, text: str) -> None:
        master_id = self.require_client(user)
        if master_id is None:
            return
        self.store.add_message(master_id, user["user_id"], "client", text, self.now().isoformat())
        master = self.master_user(master_id)
        if master is not None:
            self.say(master, "msg_from_client", [[btn("btn_reply", f"rep:{user['user_id']}")]], client=user["name"], text=text)
        self.set_state(user, "")
        self.say(user, "sent_to_master", master=self.master_name(master_id))

    def on_free_text(self, user: dict, text: str) -> None:
        """A client's words outside a dialog go to their master, as /write would send them (two-way chat)."""
        if user["active_master"] and self.store.master_of_user(user["user_id"]) is None:
            if picks.typed(self, user, text):  # a day or a time typed instead of pressing its button
                return
            log.info("action relay user=%s", user["user_id"])
            self.st_write(user, text)
            return
        super().on_free_text(user, text)

    def connect_client(self, user: dict) -> str | None:
        """For botkit's /connect: the client of an account that came by a master's link."""
        return user["client_id"] if self.require_client(user) is not None else None

    def connected(self, user: dict, origin: dict) -> None:
        """For botkit's /connect: the new account knows the same masters, the same one active."""
        for master_id in self.store.masters_of_client(origin["user_id"]):
            self.store.link_client(master_id, user["user_id"], self.now().isoformat())
        self.store.set_field(user["user_id"], "active_master", origin["active_master"])

    @router.button("rep", roles=MASTERS)
    def cb_rep(self, user: dict, client_user_id: str, message_id: int | None) -> None:
        master_id = self.staff_resource(user)
        if client_user_id not in self.store.clients_of_master(master_id):
            self.say(user, "stale_button")
            return
        self.set_state(user, "reply", {"to": client_user_id})
        self.prompt(user)

    @router.state("reply", roles=MASTERS, prompt=ask_reply)
    def st_reply(self, user: dict, text: str) -> None:
        master_id = self.store.master_of_user(user["user_id"])
        client = self.store.user(user["data"]["to"])
        if master_id is None or client is None:
            self.set_state(user, "")
            self.say(user, "stale_button")
            return
        self.store.add_message(master_id, client["user_id"], "master", text, self.now().isoformat())
        self.say(client, "msg_from_master", [[btn("btn_reply", "wr:")]], master=self.master_name(master_id), text=text)
        self.set_state(user, "")
        self.say(user, "sent_to_client", client=client["name"])

    @router.command("history", roles=ANYONE)
    def cmd_history(self, user: dict, arg: str) -> None:
        master_id = self.require_client(user)
        if master_id is None:
            return
        messages = self.store.history(master_id, user["user_id"])
        if not messages:
            self.say(user, "history_empty")
            return
        name, zone = self.master_name(master_id), self.master_zone(master_id)
        lines = [self.t(user, "history_line_client" if sender == "client" else "history_line_master",
                        master=name, text=text[:300], at=self.when(user, datetime.fromisoformat(at), zone))
                 for sender, text, at in messages]
        self.say(user, "history", master=name, lines="\n".join(lines))

    @router.button("hist", roles=ANYONE)
    def cb_hist(self, user: dict, rest: str, message_id: int | None) -> None:
        self.cmd_history(user, "")

    @router.command("review", roles=ANYONE)
    def cmd_review(self, user: dict, arg: str) -> None:
        master_id = self.require_client(user)
        if master_id is None:
            return
        now = self.now()
        visits = [b for b in self.s.client_bookings(user["client_id"], active=False, now=now)
                  if b.status == sc.BookingStatus.confirmed and b.resource == master_id and b.end <= now
                  and not self.store.reviewed(b.id)] if user["client_id"] else []
        if not visits:
            self.say(user, "no_visits")
            return
        b = max(visits, key=lambda v: v.start)
        stars = [btn("star_button", f"rv:{b.id}:{n}", n=n) for n in range(1, 6)]
        self.say(user, "ask_rating", [stars], service=self.service_name(b.service),
                 when=self.when(user, b.start, self.master_zone(master_id)))

    @router.button("rv", roles=ANYONE)
    def cb_rv(self, user: dict, rest: str, message_id: int | None) -> None:
        if not rest:
            self.cmd_review(user, "")
            return
        booking_id, _, rating = rest.partition(":")
        b = self.s.booking(booking_id)
        if b is None or b.client != user["client_id"] or rating not in ("1", "2", "3", "4", "5") or self.store.reviewed(b.id):
            self.say(user, "stale_button")
            return
        self.set_state(user, "review_text", {"booking": booking_id, "rating": int(rating)})
        self.prompt(user)

    @router.state("review_text", roles=ANYONE, prompt="ask_review_text")
    def st_review_text(self, user: dict, text: str) -> None:
        b = self.s.booking(user["data"]["booking"])
        assert b is not None
        rating = user["data"]["rating"]
        text = "" if text == "-" else text
        self.store.add_review(b.id, b.resource, user["user_id"], rating, text, self.now().isoformat())
        self.set_state(user, "")
        self.say(user, "review_thanks")
        master = self.master_user(b.resource)
        if master is not None:
            self.say(master, "notice_review", client=user["name"], rating=rating, text=text or "-")
