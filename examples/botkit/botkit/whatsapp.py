"""The WhatsApp Business Cloud API as a bot transport.

Meta posts to our webhook: a GET with `hub.mode=subscribe`, `hub.verify_token`
and `hub.challenge` when the webhook is set up (answered with the challenge
only when the verify token is ours), then a POST per batch of events, signed
in `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app secret);
a POST with a missing or wrong signature is refused and reaches no bot.
Messages go out with POST /{phone-number-id}/messages: text, reply buttons
(3 at most) and list messages (10 rows at most; longer menus get pages).

WhatsApp lets a business write freely only within 24 hours of the person's
last message; outside it only an approved template goes. A message to a chat
silent for 24 hours (or refused with error 131047, re-engagement required,
e.g. after a restart forgot when they last wrote) goes as the template named
by `template`, with the text as its one body parameter."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from .endpoint import Answer, ApiError, Endpoint, Request, Updates, http_json, multipart, update_id
from .menus import Keyboard, Menu, flatten, page_number, shorten

log = logging.getLogger("botkit.whatsapp")

PREFIX = "wa:"
WINDOW_SECONDS = 24 * 3600
REENGAGEMENT_REQUIRED = 131047  # the Cloud API's code for "more than 24 hours since the customer last replied"
BUTTONS = 3  # reply buttons in one message
BUTTON_TITLE = 20
ROWS = 10  # rows of a list message
ROW_TITLE = 24
ROW_DESCRIPTION = 72
BODY = 1024  # an interactive message's body
TEXT = 4096
REMEMBERED = 10_000  # our newest messages whose taps we can still tie to the message the bot knows
RUSSIAN_CODES = ("7", "375")  # Russia and Kazakhstan, Belarus: the bot starts in Russian


def signature(app_secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` value Meta sends with `body`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def template_text(text: str) -> str:
    """A template parameter may hold no new lines, tabs or runs of spaces."""
    return " · ".join(line.strip() for line in text.splitlines() if line.strip())[:BODY]


class WhatsAppTransport:
    def __init__(self, *, token: str, phone_number_id: str, app_secret: str, verify_token: str,
                 listen: tuple[str, int], api_base: str = "https://graph.facebook.com/v19.0",
                 template: str = "slotcraft_notice", number: str = "",
                 now: Callable[[], float] = time.time) -> None:
        """`number`: the business's phone number in international form, digits only, for wa.me links."""
        self._token = token
        self.phone_number_id = phone_number_id
        self._app_secret = app_secret
        self._verify_token = verify_token
        self.api_base = api_base.rstrip("/")
        self.template = template
        self.number = number
        self._now = now
        self._updates = Updates()
        self._lock = threading.Lock()
        self._last_heard: dict[str, float] = {}  # wa_id -> when they last wrote
        self._languages: dict[str, str] = {}
        # The ids the bot knows our messages by (WhatsApp's own are strings): new ones after a restart too.
        self._message_ids = itertools.count(time.time_ns() // 1000)
        self._ours: dict[str, int] = {}  # a wamid we sent -> the message id the bot knows it by
        self._menus: dict[str, tuple[Menu, int]] = {}  # wa_id -> its last menu and that message's id
        self._endpoint = Endpoint(listen, self._serve, "whatsapp webhook")
        self.port = self._endpoint.port

    # ---- the webhook ------------------------------------------------------------------

    def _serve(self, request: Request) -> Answer:
        if request.method == "GET":
            q = request.query
            if q.get("hub.mode") == "subscribe" and hmac.compare_digest(
                    q.get("hub.verify_token", "").encode(), self._verify_token.encode()):
                return Answer(200, q.get("hub.challenge", "").encode())
            log.warning("whatsapp webhook: refused a verification with the wrong verify token")
            return Answer(403, b"forbidden")
        given = request.headers.get("x-hub-signature-256", "")
        if not hmac.compare_digest(given.encode(), signature(self._app_secret, request.body).encode()):
            log.warning("whatsapp webhook: refused a POST without a valid X-Hub-Signature-256")
            return Answer(401, b"bad signature")
        try:
            payload = json.loads(request.body)
            for entry in payload["entry"]:
                for change in entry.get("changes", []):
                    self._take(change.get("value") or {})
        except (ValueError, KeyError, TypeError, AttributeError):
            return Answer(400, b"not a WhatsApp webhook payload")
        return Answer(200, b"ok")

    def _take(self, value: dict) -> None:
        names = {c.get("wa_id"): (c.get("profile") or {}).get("name", "") for c in value.get("contacts", [])}
        for message in value.get("messages", []):
            sender = str(message["from"])
            with self._lock:
                self._last_heard[sender] = self._now()
            language = self._languages.setdefault(sender, "ru" if sender.startswith(RUSSIAN_CODES) else "en")
            person = {"id": PREFIX + sender, "first_name": names.get(sender) or sender, "language_code": language}
            chat = {"id": PREFIX + sender, "type": "private"}
            kind = message.get("type")
            if kind == "interactive":
                interactive = message.get("interactive") or {}
                reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
                data = str(reply.get("id", ""))
                page = page_number(data)
                if page is not None:
                    try:
                        self._show_page(sender, page)
                    except ApiError as e:  # answered 200 all the same: a retry from Meta would not help
                        log.warning("whatsapp: page %d of a menu could not be shown: %s", page, e)
                    continue
                with self._lock:
                    replied_to = self._ours.get(str((message.get("context") or {}).get("id", "")), 0)
                self._updates.put({"update_id": update_id("wa", message["id"]), "callback_query": {
                    "id": PREFIX + message["id"], "from": person, "data": data,
                    "message": {"message_id": replied_to, "chat": chat}}})
            else:
                update: dict[str, Any] = {"message_id": 0, "from": person, "chat": chat,
                                          "date": int(message.get("timestamp", 0) or 0)}
                if kind == "text":
                    update["text"] = str((message.get("text") or {}).get("body", ""))
                elif kind == "button":  # a template's quick-reply button
                    update["text"] = str((message.get("button") or {}).get("text", ""))
                self._updates.put({"update_id": update_id("wa", message["id"]), "message": update})

    # ---- the Cloud API ----------------------------------------------------------------

    def _post(self, path: str, body: bytes, content_type: str) -> dict:
        answer = http_json(f"{self.api_base}/{path}", data=body, what=f"whatsapp {path.rsplit('/', 1)[-1]}",
                           headers={"Authorization": f"Bearer {self._token}", "Content-Type": content_type})
        if not isinstance(answer, dict) or "error" in answer:
            error = (answer or {}).get("error") or {}
            raise ApiError(f"whatsapp: {error.get('code')} {error.get('message')}", error.get("code"))
        return answer

    def _send(self, to: str, message: dict) -> str:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **message}
        answer = self._post(f"{self.phone_number_id}/messages", json.dumps(body).encode(), "application/json")
        return str(answer["messages"][0]["id"])

    def _within_window(self, to: str) -> bool:
        with self._lock:
            heard = self._last_heard.get(to)
        return heard is not None and self._now() - heard < WINDOW_SECONDS

    def _send_free_or_template(self, to: str, text: str, message: dict) -> str:
        if self._within_window(to):
            try:
                return self._send(to, message)
            except ApiError as e:
                if e.code != REENGAGEMENT_REQUIRED:
                    raise
        log.info("whatsapp: %s has not written for 24 h: the message goes as template %s", to, self.template)
        return self._send(to, {"type": "template", "template": {
            "name": self.template, "language": {"code": self._languages.get(to, "en")},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": template_text(text)}]}]}})

    def _interactive(self, text: str, buttons: list[tuple[str, str]]) -> dict:
        body = {"text": shorten(text, BODY)}
        if len(buttons) <= BUTTONS and all(len(label) <= BUTTON_TITLE for label, _ in buttons):
            return {"type": "interactive", "interactive": {"type": "button", "body": body, "action": {
                "buttons": [{"type": "reply", "reply": {"id": data, "title": label}} for label, data in buttons]}}}
        rows = [{"id": data, "title": shorten(label, ROW_TITLE),
                 **({"description": shorten(label, ROW_DESCRIPTION)} if len(label) > ROW_TITLE else {})}
                for label, data in buttons]
        return {"type": "interactive", "interactive": {"type": "list", "body": body, "action": {
            "button": "☰", "sections": [{"rows": rows}]}}}

    def _show_menu(self, to: str, menu: Menu, page: int, message_id: int) -> None:
        text = menu.text
        if len(text) > BODY:  # the whole text first, then the buttons under a short body
            self._send_free_or_template(to, text, {"type": "text", "text": {"body": text[:TEXT]}})
            text = "⬇"
        wamid = self._send_free_or_template(to, menu.text, self._interactive(text, menu.page(page)))
        with self._lock:
            self._remember(wamid, message_id)
            self._menus[to] = (menu, message_id)

    def _remember(self, wamid: str, message_id: int) -> None:
        """Under the lock: `wamid` is known to the bot as `message_id`; the oldest is forgotten past REMEMBERED."""
        self._ours[wamid] = message_id
        if len(self._ours) > REMEMBERED:
            del self._ours[next(iter(self._ours))]

    def _show_page(self, to: str, page: int) -> None:
        with self._lock:
            remembered = self._menus.get(to)
        if remembered is not None:
            menu, message_id = remembered
            self._show_menu(to, Menu(f"({page + 1}/{menu.page_count()}) {menu.text}", menu.buttons, menu.per_page),
                            page, message_id)

    # ---- the bot's side -----------------------------------------------------------------

    def username(self) -> str:
        return ""

    def deep_link(self, payload: str) -> str:
        """wa.me with `/start <payload>` typed in, ready to send; "" without the business's number."""
        if not self.number:
            return ""
        return f"https://wa.me/{self.number}?text={urllib.parse.quote(f'/start {payload}', safe='')}"

    def get_updates(self, timeout: float) -> list[dict]:
        return self._updates.get(timeout)

    def send_message(self, chat_id: str, text: str, keyboard: Keyboard | None = None) -> dict:
        to = chat_id.removeprefix(PREFIX)
        message_id = next(self._message_ids)
        buttons = flatten(keyboard)
        if buttons:
            self._show_menu(to, Menu(text, buttons, ROWS), 0, message_id)
        else:
            wamid = self._send_free_or_template(to, text, {"type": "text", "text": {"body": text[:TEXT]}})
            with self._lock:
                self._remember(wamid, message_id)
        return {"message_id": message_id, "chat": {"id": chat_id}}

    def edit_message(self, chat_id: str, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        """WhatsApp cannot edit a message: the new text comes as a new one, its buttons acting for the old."""
        to = chat_id.removeprefix(PREFIX)
        buttons = flatten(keyboard)
        if buttons:
            self._show_menu(to, Menu(text, buttons, ROWS), 0, message_id)
        else:
            self._send_free_or_template(to, text, {"type": "text", "text": {"body": text[:TEXT]}})

    def answer_callback(self, callback_id: str, text: str = "") -> None:
        """A tap on a WhatsApp button needs no answer; a notice comes as a message."""

    def send_document(self, chat_id: str, filename: str, data: bytes, caption: str = "") -> dict:
        to = chat_id.removeprefix(PREFIX)
        media_type = "text/calendar" if filename.endswith(".ics") else "text/csv" if filename.endswith(".csv") \
            else "application/octet-stream"
        body, content_type = multipart({"messaging_product": "whatsapp", "type": media_type},
                                       {"file": (filename, data, media_type)})
        media = self._post(f"{self.phone_number_id}/media", body, content_type)
        document = {"id": media["id"], "filename": filename, **({"caption": caption} if caption else {})}
        self._send_free_or_template(to, caption or filename, {"type": "document", "document": document})
        return {"message_id": next(self._message_ids), "chat": {"id": chat_id}}

    def close(self) -> None:
        self._endpoint.close()
