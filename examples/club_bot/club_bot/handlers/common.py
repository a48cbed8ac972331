"""What everyone has: /start (a teacher's invitation, or the menu), /help, the
language, /cancel."""

from __future__ import annotations

import logging

from botkit.core import btn
from botkit.handlers import Router

from ..i18n import LANGS
from ..roles import ALL, CLIENT

log = logging.getLogger("club_bot")

router = Router("common")


class Common:
    """The common handlers, mixed into the bot (bot.py): `self` is the ClubBot."""

    @router.command("start", roles=ALL)
    def cmd_start(self, user: dict, arg: str) -> None:
        if arg.startswith("t-"):
            rid = self.store.teacher_by_code(arg[2:])
            # One Telegram user is one teacher, and an admin stays an admin.
            if rid is None or self.role(user) != CLIENT or not self.store.claim_teacher(rid, user["user_id"]):
                self.say(user, "bad_invite")
                return
            log.info("action teacher joined user=%s resource=%s", user["user_id"], rid)
            self.say(user, "welcome_teacher", name=self.teacher_name(rid))
            return
        self.release_hold(user)
        self.set_state(user, "")
        self.cmd_help(user, "")

    @router.command("help", roles=ALL)
    def cmd_help(self, user: dict, arg: str) -> None:
        role = self.role(user)
        if role == CLIENT:
            self.say(user, "menu_client", [[btn("btn_book", "bk:start"), btn("btn_my", "my:list")]])
        else:
            self.say(user, f"menu_{role}")

    @router.command("lang", roles=ALL)
    def cmd_lang(self, user: dict, arg: str) -> None:
        if arg in LANGS:
            self.cb_lang(user, arg, None)
            return
        self.say(user, "ask_lang", [[btn("lang_name_en", "lang:en"), btn("lang_name_ru", "lang:ru")]])

    @router.button("lang", roles=ALL)
    def cb_lang(self, user: dict, lang: str, message_id: int | None) -> None:
        if lang not in LANGS:
            self.say(user, "stale_button")
            return
        self.store.set_field(user["user_id"], "lang", lang)
        user["lang"] = lang
        self.say(user, "lang_set")

    @router.command("cancel", roles=ALL)
    def cmd_cancel(self, user: dict, arg: str) -> None:
        """Stops the dialog step in progress; with none, says how a booking is cancelled (what people mean)."""
        if not user["state"]:
            self.say(user, "nothing_to_stop")
            return
        self.release_hold(user)
        self.set_state(user, "")
        self.say(user, "dialog_cancelled")
