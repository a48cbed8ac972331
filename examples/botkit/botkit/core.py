"""What every bot here shares: the update loop's handling of one update
(de-duplication, logging, users and their language, throttling, dispatch by
the bot's handler tables with their roles, handlers.py) and the only calls
that send text.

Subclasses set `routes` (their areas' routers merged), define `role(user)`,
`help(user)` (what an idle user is shown) and name their catalogs in
`catalogs`. The booking bot (examples/booking_bot) and the club bot
(examples/club_bot) build on it."""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime, timezone
from typing import Any

from .clock import Clock
from .handlers import Route, Routes
from .i18n import Catalogs
from .messengers import identity
from .storage import StateStore
from .throttle import Throttle
from .transport import Transport

log = logging.getLogger("botkit")

Button = tuple[str, str, dict[str, Any]]


def btn(key: str, data: str, **params: Any) -> Button:
    """A button: its label is the catalog text `key` with `params`."""
    return (key, data, params)


# Bidirectional classes that reorder the text around them: right-to-left letters and the explicit controls.
BIDI = frozenset(("R", "AL", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"))


def isolate(value: Any) -> Any:
    """A line of text people typed (a name, a place), between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL
    ISOLATE when it holds right-to-left letters or bidirectional controls: an Arabic name or a U+202E RIGHT-TO-LEFT
    OVERRIDE in one then cannot reorder the time or the words shown after it. Other values are left as they are."""
    if (isinstance(value, str) and "\n" not in value and not value.startswith("\u2068")
            and any(unicodedata.bidirectional(ch) in BIDI for ch in value)):
        return f"\u2068{value}\u2069"
    return value


class InputError(Exception):
    """Garbage input: `key` is the catalog text that explains what is expected."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


class BotCore:
    catalogs: Catalogs
    routes: Routes  # every command, button prefix and dialog state: handler, roles, prompt
    s: Any  # slotcraft's Scheduler, or a RemoteScheduler over its HTTP API: the bot's own

    def __init__(self, store: StateStore, transport: Transport, clock: Clock, throttle: Throttle) -> None:
        self.store = store
        self.transport = transport
        self.clock = clock
        self.throttle = throttle
        # The HTTP API's public address (`--calendar-url`), where staff's calendar feeds are; empty: no feeds.
        self.calendar_url = ""

    def role(self, user: dict) -> str:
        """The user's role, as the tables name roles."""
        raise NotImplementedError

    def help(self, user: dict) -> None:
        """What a user outside any dialog step is shown (their menu)."""
        raise NotImplementedError

    def refuse(self, user: dict, route: Route, role: str) -> None:
        """Tells a user their role may not use `route`."""
        raise NotImplementedError

    def allowed(self, user: dict, route: Route) -> bool:
        role = self.role(user)
        if role in route.roles:
            return True
        log.warning("refused %s for user=%s role=%s", route.label, user["user_id"], role)
        self.refuse(user, route, role)
        return False

    def prompt(self, user: dict) -> None:
        """Repeats what the current dialog step waits for (after garbage, /lang, a restart): its state's
        prompt, or the menu."""
        route = self.routes.find("state", user["state"]) if user["state"] else None
        if route is None or route.prompt is None:
            self.help(user)
        elif isinstance(route.prompt, str):
            self.say(user, route.prompt)
        else:
            route.prompt(self, user)

    # ---- output: the only calls of the transport's send/edit -------------------------

    def t(self, user: dict, key: str, **params: Any) -> str:
        return self.catalogs.text(user["lang"], key, **{k: isolate(v) for k, v in params.items()})

    def keyboard(self, user: dict, buttons: list[list[Button]] | None) -> list[list[tuple[str, str]]] | None:
        return [[(self.t(user, k, **p), data) for k, data, p in row] for row in buttons] if buttons else None

    def say(self, user: dict, key: str, buttons: list[list[Button]] | None = None, **params: Any) -> dict:
        log.info("send chat=%s key=%s", user["chat_id"], key)
        return self.transport.send_message(user["chat_id"], self.t(user, key, **params), self.keyboard(user, buttons))

    def edit(self, user: dict, message_id: int, key: str, buttons: list[list[Button]] | None = None,
             **params: Any) -> None:
        """Replaces a message's text (and its buttons: none unless given)."""
        log.info("edit chat=%s message=%s key=%s", user["chat_id"], message_id, key)
        self.transport.edit_message(user["chat_id"], message_id, self.t(user, key, **params), self.keyboard(user, buttons))

    @staticmethod
    def identity(user: dict) -> tuple[str, str]:
        """The user's (messenger, account), as slotcraft keeps a client's identities."""
        return identity(user["user_id"])

    def actor(self, user: dict) -> str:
        """Who made a change, for slotcraft's audit log: "telegram:42", "whatsapp:4917...", "vk:1001"."""
        return ":".join(identity(user["user_id"]))

    def now(self) -> datetime:
        return self.clock.now()

    def reload(self, user: dict) -> dict:
        fresh = self.store.user(user["user_id"])
        assert fresh is not None
        return fresh

    def set_state(self, user: dict, state: str, data: dict | None = None) -> None:
        self.store.set_state(user["user_id"], state, data)
        user["state"], user["data"] = state, data or {}

    # ---- updates ------------------------------------------------------------------------

    def handle_update(self, update: dict) -> None:
        message = update.get("message")
        query = update.get("callback_query")
        source = message or query
        if not source or "from" not in source:
            log.info("update %s ignored (kind not handled)", update.get("update_id"))
            return
        sender = source["from"]
        chat = (message or query.get("message") or {}).get("chat") or {"id": sender["id"]}
        user_id = str(sender["id"])
        kind = "callback" if query else ("text" if message.get("text") is not None else "other")
        if not self.store.first_time(int(update["update_id"]), self.now().isoformat()):
            log.info("update %s from user=%s skipped: already handled", update["update_id"], user_id)
            return
        log.info("update %s from user=%s kind=%s", update["update_id"], user_id, kind)
        if chat.get("type", "private") != "private":
            self.in_group(update, sender, chat)
            return
        name = " ".join(x for x in (sender.get("first_name"), sender.get("last_name")) if x)
        # A profile name is not typed for us: what the scheduler refuses in a
        # name (control characters) and what no text can hold (lone surrogates) is dropped.
        name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs")).strip() or user_id
        lang = "ru" if str(sender.get("language_code", "")).startswith("ru") else "en"
        # When they wrote, on the wall clock (not the scheduling clock, which tests stop): where notices go.
        wrote = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        user = self.store.touch_user(user_id, str(chat["id"]), name, lang, wrote)
        if not user["lang"]:
            self.store.set_field(user_id, "lang", lang)
            user["lang"] = lang
        verdict = self.throttle.check(user_id)
        if verdict != "ok":
            log.warning("throttled user=%s (%s)", user_id, verdict)
            if query:
                self.transport.answer_callback(query["id"])
            if verdict == "warn":
                self.say(user, "throttled")
            return
        try:
            if query:
                self.transport.answer_callback(query["id"])
                self.on_button(user, str(query.get("data", "")), (query.get("message") or {}).get("message_id"))
            elif kind == "text":
                self.on_text(user, message["text"].strip())
            else:
                self.say(user, "only_text")
                self.prompt(user)
        except InputError as e:
            self.say(user, e.key, **e.params)
            self.prompt(self.reload(user))
        except Exception:
            log.exception("update %s from user=%s failed", update["update_id"], user_id)
            self.say(user, "error_generic")

    def in_group(self, update: dict, sender: dict, chat: dict) -> None:
        """An update from a group chat: bookings, names and messages are one person's, so nothing is done there
        and the person's own chat stays where notices go; a command is answered with where to write instead."""
        query, message = update.get("callback_query"), update.get("message") or {}
        log.info("update %s from user=%s in a %s chat: not handled there", update["update_id"], sender["id"],
                 chat.get("type"))
        if query:
            self.transport.answer_callback(query["id"])
        elif str(message.get("text", "")).startswith("/"):
            known = self.store.user(str(sender["id"]))
            lang = known["lang"] if known and known["lang"] else (
                "ru" if str(sender.get("language_code", "")).startswith("ru") else "en")
            self.say({"chat_id": str(chat["id"]), "lang": lang}, "private_only")  # to the group, not to a user

    def on_text(self, user: dict, text: str) -> None:
        if text.startswith("/"):
            command, _, arg = text.partition(" ")
            route = self.routes.find("command", command[1:].split("@")[0].lower())
            log.info("action command=%s user=%s", command[:32], user["user_id"])
            if route is None:
                self.say(user, "unknown_command")
                self.prompt(user)
            elif self.allowed(user, route):
                route.handler(self, user, arg.strip())
            return
        state = user["state"]
        if not text:
            raise InputError("empty_text")
        text = text[:3800]  # relayed with a header, it must still fit Telegram's 4096 characters
        if not state:
            self.on_free_text(user, text)
            return
        log.info("action state=%s user=%s", state, user["user_id"])
        route = self.routes.find("state", state)
        if route is None:  # a state no table knows (a database from another version): start over
            log.warning("unknown state %r of user=%s", state, user["user_id"])
            self.set_state(user, "")
            self.help(user)
        elif self.allowed(user, route):
            route.handler(self, user, text)

    def send_agendas(self) -> int:
        """Staff's morning agendas, from the reminder workers' passes; how many went out (here: none)."""
        return 0

    def offer_waitlist(self) -> int:
        """A pass of slotcraft's waiting list, from the reminder workers; how many offers went out (here: none)."""
        return 0

    def remind(self, booking: Any, offset: Any) -> bool:
        """Sends the reminder of a booking slotcraft says is due (`due_reminders`); False when it reached nobody."""
        raise NotImplementedError

    def on_free_text(self, user: dict, text: str) -> None:
        """Text outside any dialog step: here, not understood, and the help; a bot may do better."""
        self.say(user, "idle_text")
        self.help(user)

    def on_button(self, user: dict, data: str, message_id: int | None) -> None:
        log.info("action button=%s user=%s", data, user["user_id"])
        head, _, rest = data.partition(":")
        route = self.routes.find("button", head)
        if route is None:
            self.say(user, "stale_button")
        elif self.allowed(user, route):
            route.handler(self, user, rest, message_id)
