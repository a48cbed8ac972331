"""The VK Bots API (a community's messages) as a bot transport.

Updates come by Long Poll (`groups.getLongPollServer`, then `a_check` on the
server it names; `failed: 1` moves `ts` on, `failed: 2` asks for a new key,
`failed: 3` for a new key and `ts`) or by the Callback API (VK posts each
event; a `confirmation` event is answered with the community's confirmation
string, every other one must carry our secret or it is refused and reaches
no bot). Buttons are inline `callback` buttons; a tap arrives as
`message_event` and is answered with `messages.sendMessageEventAnswer`.
An inline keyboard holds 10 buttons: longer menus get pages."""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
import time
import urllib.parse
from typing import Any

from .endpoint import Answer, ApiError, Endpoint, Request, Updates, http_json, multipart, update_id
from .menus import Keyboard, Menu, flatten, page_number, shorten

log = logging.getLogger("botkit.vk")

PREFIX = "vk:"
BUTTONS = 10  # in an inline keyboard
PER_ROW = 5
ROWS = 6
LABEL = 40
TEXT = 4096
TOO_MANY_PER_SECOND = 6
REMEMBERED = 10_000  # menus whose "More" still works
RUSSIAN_LANG_IDS = {0, 1, 100, 114}  # VK's lang_id: Russian, Ukrainian, Russian (pre-reform), Belarusian


def keyboard_json(buttons: list[tuple[str, str]], rows: Keyboard | None = None) -> str:
    """An inline keyboard: the bot's rows when they fit VK's limits, else `buttons` PER_ROW a row."""
    if rows is None or len(rows) > ROWS or any(len(row) > PER_ROW for row in rows):
        rows = [buttons[i:i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    return json.dumps({"inline": True, "buttons": [[{"action": {
        "type": "callback", "label": shorten(label, LABEL), "payload": json.dumps({"d": data})}} for label, data in row]
        for row in rows]}, ensure_ascii=False)


class VKTransport:
    def __init__(self, *, token: str, group_id: int, api_base: str = "https://api.vk.com/method",
                 version: str = "5.199", callback: tuple[str, int] | None = None, confirmation: str = "",
                 secret: str = "") -> None:
        self._token = token
        self.group_id = group_id
        self.api_base = api_base.rstrip("/")
        self.version = version
        self._updates = Updates()
        self._lock = threading.Lock()
        self._names: dict[int, str] = {}
        self._menus: dict[tuple[int, int], Menu] = {}  # (peer, conversation message id) -> the menu on it
        self._long_poll: dict[str, Any] | None = None
        self._confirmation, self._secret = confirmation, secret
        self._endpoint = Endpoint(callback, self._serve, "vk callback") if callback else None
        self.port = self._endpoint.port if self._endpoint else 0

    # ---- the API ----------------------------------------------------------------------

    def call(self, method: str, **params: Any) -> Any:
        """One API method; "too many requests per second" is tried again after a pause, twice."""
        fields = {k: (json.dumps(v) if isinstance(v, (list, dict)) else str(v)) for k, v in params.items()}
        body = urllib.parse.urlencode({**fields, "access_token": self._token, "v": self.version}).encode()
        for attempt in range(3):
            answer = http_json(f"{self.api_base}/{method}", data=body, what=f"vk {method}",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            error = answer.get("error") if isinstance(answer, dict) else {"error_msg": "not JSON"}
            if not error:
                return answer["response"]
            if error.get("error_code") == TOO_MANY_PER_SECOND and attempt < 2:
                time.sleep(0.4)
                continue
            raise ApiError(f"vk {method}: {error.get('error_code')} {error.get('error_msg')}", error.get("error_code"))
        raise AssertionError("unreachable")

    # ---- updates ------------------------------------------------------------------------

    def _serve(self, request: Request) -> Answer:
        try:
            event = json.loads(request.body)
            kind, group = event["type"], int(event.get("group_id", 0))
        except (ValueError, KeyError, TypeError):
            return Answer(400, b"not a VK event")
        if group != self.group_id:
            log.warning("vk callback: refused an event for community %s", group)
            return Answer(403, b"wrong community")
        if kind == "confirmation":
            return Answer(200, self._confirmation.encode())
        if not hmac.compare_digest(str(event.get("secret", "")).encode(), self._secret.encode()):
            log.warning("vk callback: refused an event without our secret")
            return Answer(403, b"wrong secret")
        self._take(event)
        return Answer(200, b"ok")

    def _person(self, user: int, lang_id: int | None) -> dict:
        name = self._names.get(user)
        if name is None:
            try:
                [found] = self.call("users.get", user_ids=user)
                name = " ".join(x for x in (found.get("first_name"), found.get("last_name")) if x) or str(user)
            except (ApiError, ValueError, KeyError, TypeError):
                name = str(user)
            self._names[user] = name
        language = "en" if lang_id is not None and lang_id not in RUSSIAN_LANG_IDS else "ru"
        return {"id": f"{PREFIX}{user}", "first_name": name, "language_code": language}

    def _take(self, event: dict) -> None:
        kind, body = event.get("type"), event.get("object") or {}
        event_id = str(event.get("event_id") or secrets.token_hex(8))
        if kind == "message_new":
            message, info = body.get("message") or {}, body.get("client_info") or {}
            peer, sender = int(message["peer_id"]), int(message["from_id"])
            if peer != sender:
                return  # a group chat: the bots answer people one to one
            person, chat = self._person(sender, info.get("lang_id")), {"id": f"{PREFIX}{peer}", "type": "private"}
            payload = self._payload(message.get("payload"))
            if payload is not None:  # a text button of an older client
                self._button(event_id, person, chat, payload, 0, "")
                return
            text = str(message.get("text", ""))
            if message.get("ref") and not text.startswith("/"):  # came through a vk.me link with ?ref=
                text = f"/start {message['ref']}"
            self._updates.put({"update_id": update_id("vk", event_id), "message": {
                "message_id": int(message.get("conversation_message_id", 0) or 0), "from": person, "chat": chat,
                "date": int(message.get("date", 0) or 0), "text": text}})
        elif kind == "message_event":
            peer, sender = int(body["peer_id"]), int(body["user_id"])
            person, chat = self._person(sender, None), {"id": f"{PREFIX}{peer}", "type": "private"}
            payload = body.get("payload")
            data = str(payload.get("d", "")) if isinstance(payload, dict) else ""
            answer_id = f"{PREFIX}{body['event_id']}:{sender}:{peer}"
            self._button(event_id, person, chat, data, int(body.get("conversation_message_id", 0) or 0), answer_id)

    @staticmethod
    def _payload(raw: Any) -> str | None:
        try:
            payload = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return None
        return str(payload["d"]) if isinstance(payload, dict) and "d" in payload else None

    def _button(self, event_id: str, person: dict, chat: dict, data: str, message_id: int, answer_id: str) -> None:
        page = page_number(data)
        peer = int(chat["id"].removeprefix(PREFIX))
        if page is not None:
            if answer_id:
                self.answer_callback(answer_id)
            with self._lock:
                menu = self._menus.get((peer, message_id))
            if menu is not None:
                self.call("messages.edit", peer_id=peer, conversation_message_id=message_id,
                          message=f"({page % menu.page_count() + 1}/{menu.page_count()}) {menu.text}"[:TEXT],
                          keyboard=keyboard_json(menu.page(page)))
            return
        self._updates.put({"update_id": update_id("vk", event_id), "callback_query": {
            "id": answer_id or f"{PREFIX}none", "from": person, "data": data,
            "message": {"message_id": message_id, "chat": chat}}})

    def _poll(self, timeout: float) -> list[dict]:
        if self._long_poll is None:
            self._long_poll = dict(self.call("groups.getLongPollServer", group_id=self.group_id))
        server = self._long_poll
        query = urllib.parse.urlencode({"act": "a_check", "key": server["key"], "ts": server["ts"],
                                        "wait": int(max(timeout, 1))})
        answer = http_json(f"{server['server']}?{query}", timeout=timeout + 10, what="vk long poll")
        failed = answer.get("failed")
        if failed == 1:
            server["ts"] = answer["ts"]
        elif failed == 2:  # the key expired
            log.info("vk long poll: the key expired, asking for a new one")
            renewed = self.call("groups.getLongPollServer", group_id=self.group_id)
            server.update(key=renewed["key"], server=renewed["server"])
        elif failed == 3:  # events lost: a new key and ts
            log.info("vk long poll: history lost, asking for a new key and ts")
            self._long_poll = None
        elif failed is None:
            server["ts"] = answer["ts"]
            return list(answer.get("updates", []))
        else:
            raise ApiError(f"vk long poll: failed {failed}")
        return []

    def get_updates(self, timeout: float) -> list[dict]:
        if self._endpoint is None:
            try:
                for event in self._poll(timeout):
                    self._take(event)
            except (ApiError, KeyError, TypeError, ValueError) as e:
                log.warning("vk long poll failed: %s", e)
                time.sleep(1)
            return self._updates.get(0)
        return self._updates.get(timeout)

    # ---- the bot's side -----------------------------------------------------------------

    def username(self) -> str:
        return ""

    def deep_link(self, payload: str) -> str:
        """vk.me with `ref`: VK hands the payload over with the first message, which the bot reads as `/start <payload>`."""
        return f"https://vk.me/club{self.group_id}?ref={urllib.parse.quote(payload)}"

    def _send(self, peer: int, text: str, keyboard: Keyboard | None) -> int:
        buttons = flatten(keyboard)
        params: dict[str, Any] = {"peer_ids": peer, "message": text[:TEXT], "random_id": secrets.randbits(31)}
        menu = Menu(text, buttons, BUTTONS)
        if buttons:
            params["keyboard"] = keyboard_json(menu.page(0), keyboard if len(buttons) <= BUTTONS else None)
        [sent] = self.call("messages.send", **params)
        message_id = int(sent["conversation_message_id"])
        if buttons:
            self._remember(peer, message_id, menu)
        return message_id

    def _remember(self, peer: int, message_id: int, menu: Menu) -> None:
        """The menu on a message, for its "More" button; the oldest is forgotten past REMEMBERED."""
        with self._lock:
            self._menus[(peer, message_id)] = menu
            if len(self._menus) > REMEMBERED:
                del self._menus[next(iter(self._menus))]

    def send_message(self, chat_id: str, text: str, keyboard: Keyboard | None = None) -> dict:
        peer = int(chat_id.removeprefix(PREFIX))
        return {"message_id": self._send(peer, text, keyboard), "chat": {"id": chat_id}}

    def edit_message(self, chat_id: str, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        peer = int(chat_id.removeprefix(PREFIX))
        buttons = flatten(keyboard)
        params: dict[str, Any] = {"peer_id": peer, "conversation_message_id": message_id, "message": text[:TEXT]}
        if buttons:
            menu = Menu(text, buttons, BUTTONS)
            self._remember(peer, message_id, menu)
            params["keyboard"] = keyboard_json(menu.page(0), keyboard if len(buttons) <= BUTTONS else None)
        else:
            params["keyboard"] = json.dumps({"inline": True, "buttons": []})
        self.call("messages.edit", **params)

    def answer_callback(self, callback_id: str, text: str = "") -> None:
        """Stops the tap's spinner (a notice, when given, shows as a snackbar)."""
        event_id, _, rest = callback_id.removeprefix(PREFIX).partition(":")
        user, _, peer = rest.partition(":")
        if not user:
            return  # a text button: nothing to answer
        params: dict[str, Any] = {"event_id": event_id, "user_id": user, "peer_id": peer}
        if text:
            params["event_data"] = json.dumps({"type": "show_snackbar", "text": text[:90]}, ensure_ascii=False)
        try:
            self.call("messages.sendMessageEventAnswer", **params)
        except ApiError as e:
            log.warning("vk: the tap could not be answered: %s", e)

    def send_document(self, chat_id: str, filename: str, data: bytes, caption: str = "") -> dict:
        peer = int(chat_id.removeprefix(PREFIX))
        server = self.call("docs.getMessagesUploadServer", type="doc", peer_id=peer)
        body, content_type = multipart({}, {"file": (filename, data, "application/octet-stream")})
        uploaded = http_json(server["upload_url"], data=body, headers={"Content-Type": content_type},
                             what="vk document upload")
        if "file" not in uploaded:
            raise ApiError(f"vk document upload: {uploaded.get('error', 'no file')}")
        saved = self.call("docs.save", file=uploaded["file"], title=filename)
        doc = saved["doc"]
        [sent] = self.call("messages.send", peer_ids=peer, message=caption[:TEXT], random_id=secrets.randbits(31),
                           attachment=f"doc{doc['owner_id']}_{doc['id']}")
        return {"message_id": int(sent["conversation_message_id"]), "chat": {"id": chat_id}}

    def close(self) -> None:
        if self._endpoint is not None:
            self._endpoint.close()
