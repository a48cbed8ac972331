"""A fake VK API and Long Poll server on 127.0.0.1 for the transport's tests,
with the real JSON shapes (`{"response": ...}` or `{"error": {"error_code",
"error_msg", "request_params"}}`), checking the access token and `v`:

- groups.getLongPollServer -> {"key", "server", "ts"}; the Long Poll server
  (`?act=a_check&key=&ts=&wait=`) answers {"ts", "updates"}, or the `failed`
  the test queued (1: a new ts; 2: the key expired; 3: a new key and ts);
  a stale key is refused with failed 2, as VK does.
- messages.send (with `peer_ids`: a list of {"peer_id", "message_id",
  "conversation_message_id"}), messages.edit, messages.sendMessageEventAnswer,
  users.get, docs.getMessagesUploadServer, the upload URL, docs.save.

Inline keyboards are checked as VK checks them: at most 10 buttons, 5 a row,
6 rows, labels of at most 40 characters, payloads of at most 255."""

from __future__ import annotations

import itertools
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "vk1.a.test-community-token"
GROUP_ID = 229000111
SECRET = "callback-secret-42"
CONFIRMATION = "7f3e9a1c"
NAMES = {1001: ("Vera", "Kozlova"), 1002: ("Pyotr", "Ivanov")}


class FakeVK:
    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.sent: list[dict] = []  # messages.send calls
        self.edits: list[dict] = []
        self.answers: list[dict] = []  # messages.sendMessageEventAnswer calls
        self.documents: dict[str, bytes] = {}
        self.key_requests = 0
        self.key = ""
        self.ts = 1
        self.events: list[dict] = []  # waiting for the next a_check
        self.failures: list[int] = []  # `failed` answers queued for the next a_checks
        self._ids = itertools.count(1)
        self._conversation = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:  # noqa: N802
                split = urllib.parse.urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                if split.path == "/lp":
                    answer = fake.long_poll(dict(urllib.parse.parse_qsl(split.query)))
                elif split.path == "/upload":
                    answer = fake.upload(self.headers.get("Content-Type", ""), body)
                else:
                    params = dict(urllib.parse.parse_qsl(body.decode()))
                    answer = fake.method(split.path.removeprefix("/method/"), params)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{self.base}/method"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        with self.cond:
            self.cond.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # ---- the API ----------------------------------------------------------------------

    @staticmethod
    def error(code: int, message: str, params: dict) -> dict:
        return {"error": {"error_code": code, "error_msg": message,
                          "request_params": [{"key": k, "value": v} for k, v in params.items() if k != "access_token"]}}

    def method(self, name: str, params: dict[str, str]) -> dict:
        if params.get("access_token") != TOKEN:
            return self.error(5, "User authorization failed: invalid access_token (4).", params)
        if not params.get("v"):
            return self.error(8, "Invalid request: v (version) is required", params)
        handler = getattr(self, "m_" + name.replace(".", "_"), None)
        if handler is None:
            return self.error(3, "Unknown method passed.", params)
        try:
            return {"response": handler(params)}
        except ValueError as e:
            return self.error(100, f"One of the parameters specified was missing or invalid: {e}", params)

    def m_groups_getLongPollServer(self, params: dict) -> dict:  # noqa: N802
        if int(params["group_id"]) != GROUP_ID:
            raise ValueError("group_id")
        with self.cond:
            self.key_requests += 1
            self.key = f"key{self.key_requests}"
            return {"key": self.key, "server": f"{self.base}/lp", "ts": str(self.ts)}

    @staticmethod
    def check_keyboard(raw: str) -> None:
        keyboard = json.loads(raw)
        rows = keyboard["buttons"]
        buttons = [b for row in rows for b in row]
        if keyboard.get("inline") and (len(buttons) > 10 or len(rows) > 6 or any(len(r) > 5 for r in rows)):
            raise ValueError("keyboard: an inline keyboard holds 10 buttons, 5 a row, 6 rows")
        for button in buttons:
            action = button["action"]
            if len(action["label"]) > 40 or len(action.get("payload", "")) > 255:
                raise ValueError("keyboard: a label of at most 40 characters, a payload of at most 255")

    def m_messages_send(self, params: dict) -> Any:
        if "random_id" not in params:
            raise ValueError("random_id is required")
        if "keyboard" in params:
            self.check_keyboard(params["keyboard"])
        if not params.get("message") and not params.get("attachment"):
            raise ValueError("message is empty")
        with self.cond:
            record = {**params, "message_id": next(self._ids), "conversation_message_id": next(self._conversation)}
            self.sent.append(record)
            self.cond.notify_all()
        sent = {"peer_id": int(params["peer_ids"]), "message_id": record["message_id"],
                "conversation_message_id": record["conversation_message_id"]}
        return [sent] if "peer_ids" in params else record["message_id"]

    def m_messages_edit(self, params: dict) -> int:
        if "keyboard" in params:
            self.check_keyboard(params["keyboard"])
        if not any(m["conversation_message_id"] == int(params["conversation_message_id"]) for m in self.sent):
            raise ValueError("conversation_message_id: no such message")
        with self.cond:
            self.edits.append(params)
            self.cond.notify_all()
        return 1

    def m_messages_sendMessageEventAnswer(self, params: dict) -> int:  # noqa: N802
        with self.cond:
            self.answers.append(params)
            self.cond.notify_all()
        return 1

    def m_users_get(self, params: dict) -> list[dict]:
        return [{"id": int(u), "first_name": NAMES.get(int(u), ("Anon", ""))[0],
                 "last_name": NAMES.get(int(u), ("", "User"))[1]} for u in params["user_ids"].split(",")]

    def m_docs_getMessagesUploadServer(self, params: dict) -> dict:  # noqa: N802
        return {"upload_url": f"{self.base}/upload"}

    def upload(self, content_type: str, body: bytes) -> dict:
        message = BytesParser(policy=default).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        part = next(p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "file")
        handle = f"file{next(self._ids)}"
        self.documents[handle] = part.get_payload(decode=True)
        return {"file": handle}

    def m_docs_save(self, params: dict) -> dict:
        if params["file"] not in self.documents:
            raise ValueError("file")
        return {"type": "doc", "doc": {"id": next(self._ids), "owner_id": -GROUP_ID, "title": params.get("title", ""),
                                       "file": params["file"]}}

    # ---- Long Poll ----------------------------------------------------------------------

    def long_poll(self, query: dict[str, str]) -> dict:
        with self.cond:
            if self.failures:
                failed = self.failures.pop(0)
                if failed == 2:
                    self.key = "expired"
                return {"failed": failed, **({"ts": str(self.ts)} if failed == 1 else {})}
            if query.get("key") != self.key:
                return {"failed": 2}
            if not self.cond.wait_for(lambda: self.events or self.failures, min(float(query.get("wait", 1)), 2)):
                return {"ts": str(self.ts), "updates": []}
            if self.failures:
                return self.long_poll(query)
            events, self.events = self.events, []
            self.ts += len(events)
            return {"ts": str(self.ts), "updates": events}

    def push(self, event: dict) -> None:
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def fail_next(self, failed: int) -> None:
        with self.cond:
            self.failures.append(failed)
            self.cond.notify_all()

    def wait_for(self, what: str, count: int, timeout: float = 10.0) -> list[dict]:
        """The first `count` of `what` ("sent", "edits", "answers"), once there are that many."""
        with self.cond:
            if not self.cond.wait_for(lambda: len(getattr(self, what)) >= count, timeout):
                raise AssertionError(f"{len(getattr(self, what))} {what}, not {count}")
            return list(getattr(self, what)[:count])


_event_ids = itertools.count(1)


def message_new(user: int, text: str, lang_id: int = 0, payload: str | None = None, ref: str | None = None) -> dict:
    """A message from `user`; `ref`: the first message after following a vk.me link with ?ref=."""
    message: dict[str, Any] = {"date": 1733400000, "from_id": user, "id": 0, "out": 0, "peer_id": user,
                               "text": text, "conversation_message_id": 900 + next(_event_ids)}
    if payload is not None:
        message["payload"] = payload
    if ref is not None:
        message.update(ref=ref, ref_source="")
    return {"group_id": GROUP_ID, "type": "message_new", "event_id": f"ev{next(_event_ids):06x}", "v": "5.199",
            "object": {"message": message, "client_info": {
                "button_actions": ["text", "vkpay", "open_app", "location", "open_link", "callback"],
                "keyboard": True, "inline_keyboard": True, "carousel": True, "lang_id": lang_id}}}


def message_event(user: int, data: str, conversation_message_id: int) -> dict:
    """A tap on an inline callback button."""
    return {"group_id": GROUP_ID, "type": "message_event", "event_id": f"ev{next(_event_ids):06x}", "v": "5.199",
            "object": {"user_id": user, "peer_id": user, "event_id": f"tap{next(_event_ids)}",
                       "payload": {"d": data}, "conversation_message_id": conversation_message_id}}


def post_event(url: str, event: dict) -> tuple[int, str]:
    """POSTs `event` to a Callback API endpoint as VK does; the status and the text answered."""
    request = urllib.request.Request(url, data=json.dumps(event).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        e.close()
        return e.code, text
