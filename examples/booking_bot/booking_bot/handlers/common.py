"""What everyone has: /start (a master's link, or the menu), /help, the
language, /cancel."""

from __future__ import annotations

import logging

import slotcraft as sc

from botkit.core import Button, btn
from botkit.handlers import Router

from .. import i18n
from ..roles import ANYONE

log = logging.getLogger("booking_bot")

router = Router("common")


class Common:
    """The common handlers, mixed into the bot (bot.py): `self` is the Bot."""

    @router.command("start", roles=ANYONE)
    def cmd_start(self, user: dict, arg: str) -> None:
        if arg:
            master_id = self.store.master_by_code(arg)
            if master_id is None:
                self.say(user, "bad_link")
                return
            client = self.s.client_for(sc.Identity(*self.identity(user)), user["name"], actor=self.actor(user))
            self.store.set_field(user["user_id"], "client_id", client.id)
            self.store.link_client(master_id, user["user_id"], self.now().isoformat())
            self.store.set_field(user["user_id"], "active_master", master_id)
            self.set_state(user, "")
            log.info("action client user=%s joined master=%s", user["user_id"], master_id)
            self.say(user, "welcome_client", self.client_menu(), master=self.master_name(master_id))
            return
        if user["state"]:
            self.prompt(user)
        else:
            self.cmd_help(user, "")

    @router.command("help", "menu", roles=ANYONE)
    def cmd_help(self, user: dict, arg: str) -> None:
        user = self.reload(user)
        if self.store.master_of_user(user["user_id"]):
            self.say(user, "master_menu")
        if user["active_master"]:
            self.say(user, "client_menu", self.client_menu(), master=self.master_name(user["active_master"]))
        elif not self.store.master_of_user(user["user_id"]):
            self.say(user, "welcome", [[btn("btn_register", "reg")]])

    def client_menu(self) -> list[list[Button]]:
        return [
            [btn("btn_book", "b:svc"), btn("btn_my", "my")],
            [btn("btn_write", "wr"), btn("btn_history", "hist")],
            [btn("btn_review", "rv"), btn("btn_masters", "ms")],
        ]

    @router.command("lang", roles=ANYONE)
    def cmd_lang(self, user: dict, arg: str) -> None:
        if arg in i18n.LANGS:
            self.cb_lang(user, arg, None)
            return
        self.say(user, "ask_lang", [[btn("lang_name_en", "lang:en"), btn("lang_name_ru", "lang:ru")]])

    @router.button("lang", roles=ANYONE)
    def cb_lang(self, user: dict, lang: str, message_id: int | None) -> None:
        if lang not in i18n.LANGS:
            self.say(user, "stale_button")
            return
        self.store.set_field(user["user_id"], "lang", lang)
        user["lang"] = lang
        self.say(user, "lang_set")
        if user["state"]:
            self.prompt(user)

    @router.command("cancel", roles=ANYONE)
    def cmd_cancel(self, user: dict, arg: str) -> None:
        """Stops the dialog step in progress; with none, says how a booking is cancelled (what people mean)."""
        if not user["state"]:
            self.set_state(user, "")  # the days or times last shown are no longer picked by typing
            self.say(user, "nothing_to_stop")
            return
        self.set_state(user, "")
        self.say(user, "dialog_cancelled")
