"""Messenger access behind a small interface.

A transport yields Telegram-shaped Update dicts and sends messages; keyboards
are lists of rows of (label, callback_data). `TelegramTransport` talks to the
Bot API over HTTPS with the standard library (long polling); `WebhookTransport`
receives updates on an `http.server` endpoint and checks the
`X-Telegram-Bot-Api-Secret-Token` header; `ConsoleTransport` is a terminal."""

from __future__ import annotations

import hmac
import json
import logging
import queue
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from .endpoint import Updates, multipart

log = logging.getLogger("botkit.transport")

Keyboard = list[list[tuple[str, str]]]


class Transport(Protocol):
    def username(self) -> str: ...
    def get_updates(self, timeout: float) -> list[dict]: ...
    def send_message(self, chat_id: str, text: str, keyboard: Keyboard | None = None) -> dict: ...
    def edit_message(self, chat_id: str, message_id: int, text: str, keyboard: Keyboard | None = None) -> None: ...
    def answer_callback(self, callback_id: str, text: str = "") -> None: ...
    def send_document(self, chat_id: str, filename: str, data: bytes, caption: str = "") -> dict: ...
    def deep_link(self, payload: str) -> str: ...
    def close(self) -> None: ...


def _markup(keyboard: Keyboard | None) -> dict | None:
    if not keyboard:
        return None
    return {"inline_keyboard": [[{"text": label, "callback_data": data} for label, data in row] for row in keyboard]}


class ApiError(RuntimeError):
    pass


class RetryAfter(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class TelegramTransport:
    """The Bot API at `api_base` (https://api.telegram.org by default)."""

    def __init__(self, token: str, api_base: str = "https://api.telegram.org", poll_timeout: int = 25) -> None:
        self._token = token
        self.api_base = api_base.rstrip("/")
        self.poll_timeout = poll_timeout
        self._offset: int | None = None
        self._username: str | None = None

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30,
             files: dict[str, tuple[str, bytes]] | None = None) -> Any:
        """One Bot API call; a 429 (flood control) is retried after the pause Telegram asks for, up to 3 times."""
        for attempt in range(4):
            try:
                return self._call_once(method, params, timeout, files)
            except RetryAfter as e:
                if attempt == 3:
                    raise ApiError(f"{method}: still rate-limited after {attempt} retries") from None
                log.warning("%s: rate-limited by Telegram, retrying in %s s", method, e.seconds)
                time.sleep(e.seconds)
        raise AssertionError("unreachable")

    def _call_once(self, method: str, params: dict[str, Any] | None, timeout: float,
                   files: dict[str, tuple[str, bytes]] | None = None) -> Any:
        if files:
            body, kind = multipart({k: str(v) for k, v in (params or {}).items()},
                                   {name: (filename, data, "application/octet-stream")
                                    for name, (filename, data) in files.items()})
        else:
            body, kind = json.dumps(params or {}).encode(), "application/json"
        request = urllib.request.Request(
            f"{self.api_base}/bot{self._token}/{method}", data=body, headers={"Content-Type": kind}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as e:
            try:
                answer = json.loads(e.read())
            except ValueError:
                raise ApiError(f"{method}: HTTP {e.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            # The URL holds the token: never let it into the message.
            raise ApiError(f"{method}: {type(e).__name__}: {getattr(e, 'reason', e)}") from None
        if not answer.get("ok"):
            retry_after = (answer.get("parameters") or {}).get("retry_after")
            if answer.get("error_code") == 429 and isinstance(retry_after, (int, float)):
                raise RetryAfter(min(float(retry_after), 60.0))
            raise ApiError(f"{method}: {answer.get('error_code')} {answer.get('description')}")
        return answer.get("result")

    def username(self) -> str:
        if self._username is None:
            self._username = self.call("getMe")["username"]
        return self._username

    def deep_link(self, payload: str) -> str:
        """The link that opens the bot and sends it `/start <payload>`."""
        return f"https://t.me/{self.username()}?start={payload}"

    def get_updates(self, timeout: float) -> list[dict]:
        params: dict[str, Any] = {"timeout": int(max(0, timeout)), "allowed_updates": ["message", "callback_query"]}
        if self._offset is not None:
            params["offset"] = self._offset
        try:
            updates = self.call("getUpdates", params, timeout=timeout + 10)
        except ApiError as e:
            log.warning("getUpdates failed: %s", e)
            time.sleep(1)
            return []
        if updates:
            self._offset = max(u["update_id"] for u in updates) + 1
        return updates

    def send_message(self, chat_id: str, text: str, keyboard: Keyboard | None = None) -> dict:
        params: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if keyboard:
            params["reply_markup"] = _markup(keyboard)
        return self.call("sendMessage", params)

    def edit_message(self, chat_id: str, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        params: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id, "text": text}
        if keyboard:
            params["reply_markup"] = _markup(keyboard)
        self.call("editMessageText", params)

    def answer_callback(self, callback_id: str, text: str = "") -> None:
        params: dict[str, Any] = {"callback_query_id": callback_id}
        if text:
            params["text"] = text
        self.call("answerCallbackQuery", params)

    def send_document(self, chat_id: str, filename: str, data: bytes, caption: str = "") -> dict:
        """A file (a CSV report, an .ics calendar) uploaded as multipart/form-data, as the Bot API requires."""
        params: dict[str, Any] = {"chat_id": chat_id}
        if caption:
            params["caption"] = caption
        return self.call("sendDocument", params, files={"document": (filename, data)})

    def close(self) -> None:
        pass


class WebhookTransport(TelegramTransport):
    """Updates arrive as POSTs on `listen` (host, port); Telegram is told the
    public `url` and the secret with setWebhook. A POST without the secret
    header is refused with 401 and never reaches the bot."""

    def __init__(self, token: str, api_base: str, url: str, listen: tuple[str, int], secret: str) -> None:
        super().__init__(token, api_base)
        self._queue = Updates()
        secret_bytes = secret.encode()
        updates = self._queue

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                given = self.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
                if not hmac.compare_digest(given, secret_bytes):
                    log.warning("webhook: refused a POST without the right secret token")
                    self.send_response(401)
                    self.end_headers()
                    return
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                    update = json.loads(self.rfile.read(length))
                    if not isinstance(update, dict) or "update_id" not in update:
                        raise ValueError("not an Update")
                except ValueError:
                    self.send_response(400)
                    self.end_headers()
                    return
                updates.put(update)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                log.debug("webhook: " + format, *args)

        self._server = ThreadingHTTPServer(listen, Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        log.info("webhook: listening on %s:%d", listen[0], self.port)
        self.call("setWebhook", {"url": url, "secret_token": secret, "allowed_updates": ["message", "callback_query"]})

    def get_updates(self, timeout: float) -> list[dict]:
        return self._queue.get(timeout)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class ConsoleTransport:
    """One terminal, no token. Each line is a message from the current user;
    `#N` presses button N of the last keyboard shown; `!user ID` switches to
    another user (to try a master and a client in one terminal)."""

    def __init__(self, stdin: Any = None, stdout: Any = None) -> None:
        self._in = stdin or sys.stdin
        self._out = stdout or sys.stdout
        self._queue: queue.Queue[dict] = queue.Queue()
        self._user = 1
        self._next_update = int(time.time() * 1000)  # unique across runs: handled ids are remembered in the database
        self._next_message = 1
        self._buttons: dict[int, list[tuple[str, str, int]]] = {}
        self._lock = threading.Lock()
        self.closed = threading.Event()
        self._answered = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in self._in:
            line = raw.strip()
            if not line:
                continue
            with self._lock:
                update = self._update(line)
                self._answered.clear()
            self._queue.put(update)
            # One line at a time: a `#N` typed (or piped) next refers to the keyboard this line brings.
            self._answered.wait(5)
            time.sleep(0.05)
        self.closed.set()

    def _update(self, line: str) -> dict:
        user = {"id": self._user, "is_bot": False, "first_name": f"User{self._user}"}
        chat = {"id": self._user, "type": "private"}
        update_id, self._next_update = self._next_update, self._next_update + 1
        if line.startswith("!user "):
            words = line.split()
            if len(words) == 2 and words[1].isdigit():
                self._user = int(words[1])
            self._answered.set()
            return {"update_id": update_id}
        if line.startswith("#") and line[1:].isdigit():
            buttons = self._buttons.get(self._user, [])
            n = int(line[1:]) - 1
            if 0 <= n < len(buttons):
                _, data, message_id = buttons[n]
                return {
                    "update_id": update_id,
                    "callback_query": {
                        "id": str(update_id), "from": user, "data": data,
                        "message": {"message_id": message_id, "chat": chat, "date": int(time.time())},
                    },
                }
        message = {"message_id": 0, "from": user, "chat": chat, "date": int(time.time()), "text": line}
        return {"update_id": update_id, "message": message}

    def username(self) -> str:
        return "console_bot"

    def deep_link(self, payload: str) -> str:
        return f"https://t.me/{self.username()}?start={payload}"

    def get_updates(self, timeout: float) -> list[dict]:
        try:
            return [self._queue.get(timeout=timeout)]
        except queue.Empty:
            return []

    def _show(self, chat_id: str, text: str, keyboard: Keyboard | None, message_id: int) -> None:
        lines = [f"[to {chat_id}] {text}"]
        flat: list[tuple[str, str, int]] = []
        for row in keyboard or []:
            for label, data in row:
                flat.append((label, data, message_id))
        for i, (label, _, _) in enumerate(flat, 1):
            lines.append(f"   #{i} {label}")
        with self._lock:
            if flat:
                self._buttons[int(chat_id)] = flat
            self._out.write("\n".join(lines) + "\n")
            self._out.flush()
        self._answered.set()

    def send_message(self, chat_id: str, text: str, keyboard: Keyboard | None = None) -> dict:
        message_id, self._next_message = self._next_message, self._next_message + 1
        self._show(chat_id, text, keyboard, message_id)
        return {"message_id": message_id, "chat": {"id": int(chat_id)}}

    def edit_message(self, chat_id: str, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        self._show(chat_id, text, keyboard, message_id)

    def answer_callback(self, callback_id: str, text: str = "") -> None:
        if text:
            self._out.write(f"[notice] {text}\n")

    def send_document(self, chat_id: str, filename: str, data: bytes, caption: str = "") -> dict:
        """The file is written to the current directory; the terminal shows where."""
        with open(filename, "wb") as f:
            f.write(data)
        message_id, self._next_message = self._next_message, self._next_message + 1
        self._show(chat_id, f"{caption} [file {filename}, {len(data)} bytes]".strip(), None, message_id)
        return {"message_id": message_id, "chat": {"id": int(chat_id)}}

    def close(self) -> None:
        pass
