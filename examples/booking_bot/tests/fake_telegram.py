"""A fake Telegram Bot API server for the end-to-end tests.

`ThreadingHTTPServer` on 127.0.0.1 (a free port) serving `/bot<TOKEN>/<method>`
with the real API's JSON shapes: `{"ok": true, "result": ...}` or
`{"ok": false, "error_code": ..., "description": ...}`. Implemented:
getMe, getUpdates (long polling with `timeout` and `offset`: an offset
confirms every update before it), sendMessage, editMessageText,
sendDocument (multipart/form-data), answerCallbackQuery (with the checks
Telegram makes that a bot could trip over: text length, callback_data of
1-64 bytes, known message and callback ids) and setWebhook. Tests push Updates (text messages, `/start <payload>`,
callback queries from button presses) and read what the bot sent."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

BOT_USER = {"id": 700000001, "is_bot": True, "first_name": "Slotcraft Test", "username": "slotcraft_test_bot"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for a bot's webhook)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_update(url: str, update: dict, secret: str | None) -> int:
    """POSTs `update` to a bot's webhook as Telegram does (with the secret-token header unless None); the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        e.close()
        return e.code


def _multipart(kind: str, body: bytes) -> dict[str, Any]:
    """Form fields as text; an uploaded file as {"filename": ..., "data": bytes}."""
    message = BytesParser(policy=default).parsebytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        data = part.get_payload(decode=True) or b""
        fields[name] = {"filename": filename, "data": data} if filename else data.decode()
    return fields


class ApiRefusal(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


class FakeTelegram:
    def __init__(self, token: str) -> None:
        self.token = token
        self.cond = threading.Condition()
        self.pending: list[dict] = []  # updates not yet confirmed by an offset
        self.next_update_id = 500
        self.next_message_id = 1
        self.messages: dict[tuple[int, int], dict] = {}  # (chat, message_id) → Message
        self.sent: list[dict] = []  # every sendMessage result, in order
        self.edits: list[dict] = []
        self.documents: list[dict] = []  # every sendDocument: chat, filename, data (bytes), caption
        self.callbacks: dict[str, dict] = {}  # callback_query id → its answer (None until answered)
        self.webhooks: list[dict] = []
        self.calls: list[str] = []  # methods called, for the polling tests
        self.bad_requests: list[str] = []
        self.flood: dict[str, int] = {}  # method → how many next calls get 429
        self.flooded: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _params(self) -> dict[str, Any]:
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else b""
                if body:
                    kind = self.headers.get("Content-Type", "")
                    if kind.startswith("application/json"):
                        query.update(json.loads(body))
                    elif kind.startswith("multipart/form-data"):
                        query.update(_multipart(kind, body))
                    else:
                        query.update(dict(urllib.parse.parse_qsl(body.decode())))
                return query

            def _answer(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _serve(self) -> None:
                parts = urllib.parse.urlsplit(self.path).path.split("/")
                if len(parts) != 3 or not parts[1].startswith("bot"):
                    self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                if parts[1][3:] != api.token:
                    self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                    return
                try:
                    params = self._params()
                    result = api.call(parts[2], params)
                except ApiRefusal as e:
                    (api.flooded if e.code == 429 else api.bad_requests).append(f"{parts[2]}: {e.description}")
                    answer = {"ok": False, "error_code": e.code, "description": e.description}
                    if e.parameters:
                        answer["parameters"] = e.parameters
                    self._answer(e.code, answer)
                    return
                self._answer(200, {"ok": True, "result": result})

            do_GET = _serve
            do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        with self.cond:
            self.cond.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # ---- the Bot API ------------------------------------------------------------

    def call(self, method: str, p: dict[str, Any]) -> Any:
        with self.cond:
            self.calls.append(method)
            if self.flood.get(method, 0) > 0:  # Telegram's flood control, as the real API answers it
                self.flood[method] -= 1
                raise ApiRefusal(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        handler = getattr(self, "api_" + method, None)
        if handler is None:
            raise ApiRefusal(404, "Not Found: method not found")
        return handler(p)

    def api_getMe(self, p: dict) -> dict:  # noqa: N802
        return dict(BOT_USER)

    def api_getUpdates(self, p: dict) -> list[dict]:  # noqa: N802
        offset = int(p.get("offset", 0) or 0)
        timeout = min(float(p.get("timeout", 0) or 0), 5.0)
        limit = int(p.get("limit", 100) or 100)
        deadline = time.monotonic() + timeout
        with self.cond:
            if offset:
                self.pending = [u for u in self.pending if u["update_id"] >= offset]
            while not self.pending and time.monotonic() < deadline:
                self.cond.wait(deadline - time.monotonic())
            return [dict(u) for u in self.pending[:limit]]

    def _check_markup(self, markup: Any) -> dict | None:
        if markup is None:
            return None
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("inline_keyboard")
        if not isinstance(rows, list):
            raise ApiRefusal(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in rows:
            for button in row:
                data = button.get("callback_data", "")
                if not button.get("text") or not 1 <= len(data.encode()) <= 64:
                    raise ApiRefusal(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def api_sendMessage(self, p: dict) -> dict:  # noqa: N802
        text = p.get("text", "")
        if not text or len(text) > 4096:
            raise ApiRefusal(400, "Bad Request: message text is empty" if not text else "Bad Request: message is too long")
        chat_id = int(p["chat_id"])
        markup = self._check_markup(p.get("reply_markup"))
        with self.cond:
            message = {"message_id": self.next_message_id, "from": dict(BOT_USER),
                       "chat": {"id": chat_id, "type": "private"}, "date": int(time.time()), "text": text}
            if markup:
                message["reply_markup"] = markup
            self.next_message_id += 1
            self.messages[(chat_id, message["message_id"])] = message
            self.sent.append(message)
            self.cond.notify_all()
            return dict(message)

    def api_editMessageText(self, p: dict) -> dict:  # noqa: N802
        key = (int(p["chat_id"]), int(p["message_id"]))
        markup = self._check_markup(p.get("reply_markup"))
        with self.cond:
            if key not in self.messages:
                raise ApiRefusal(400, "Bad Request: message to edit not found")
            message = self.messages[key]
            message["text"] = p["text"]
            message.pop("reply_markup", None)
            if markup:
                message["reply_markup"] = markup
            self.edits.append(dict(message))
            self.cond.notify_all()
            return dict(message)

    def api_sendDocument(self, p: dict) -> dict:  # noqa: N802
        document = p.get("document")
        if not isinstance(document, dict) or not document.get("filename"):
            raise ApiRefusal(400, "Bad Request: there is no document in the request")
        if not document["data"]:
            raise ApiRefusal(400, "Bad Request: file must be non-empty")
        chat_id = int(p["chat_id"])
        with self.cond:
            message = {"message_id": self.next_message_id, "from": dict(BOT_USER),
                       "chat": {"id": chat_id, "type": "private"}, "date": int(time.time()),
                       "document": {"file_name": document["filename"], "file_size": len(document["data"])}}
            if p.get("caption"):
                message["caption"] = p["caption"]
            self.next_message_id += 1
            self.documents.append({"chat": chat_id, "filename": document["filename"], "data": document["data"],
                                   "caption": p.get("caption", "")})
            self.cond.notify_all()
            return message

    def api_answerCallbackQuery(self, p: dict) -> bool:  # noqa: N802
        with self.cond:
            qid = str(p["callback_query_id"])
            if qid not in self.callbacks:
                raise ApiRefusal(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
            self.callbacks[qid] = {"text": p.get("text", "")}
            return True

    def api_setWebhook(self, p: dict) -> bool:  # noqa: N802
        with self.cond:
            self.webhooks.append(dict(p))
        return True

    # ---- what tests do ----------------------------------------------------------------

    def push(self, body: dict) -> dict:
        with self.cond:
            update = {"update_id": self.next_update_id, **body}
            self.next_update_id += 1
            self.pending.append(update)
            self.cond.notify_all()
            return update

    def wait(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                result = predicate()
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
                self.cond.wait(min(left, 0.5))

    def sent_to(self, chat_id: int) -> list[dict]:
        with self.cond:
            return [m for m in self.sent if m["chat"]["id"] == chat_id]
