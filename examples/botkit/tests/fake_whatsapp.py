"""A fake WhatsApp Business Cloud API (the Graph API's messaging part) on
127.0.0.1 for the transport's tests, with the real JSON shapes:

- `POST /v19.0/{phone-number-id}/messages` with `Authorization: Bearer <token>`:
  text, interactive (button: 1-3 reply buttons with titles of at most 20
  characters; list: at most 10 rows of titles of at most 24), template and
  document messages, answered `{"messaging_product", "contacts", "messages":
  [{"id": "wamid..."}]}`; a free-form message to someone whose 24-hour window
  is closed (`closed_windows`) is refused with error 131047, as Meta does.
- `POST /v19.0/{phone-number-id}/media` (multipart/form-data): `{"id": ...}`.

And the other direction: `deliver()` posts a webhook payload, signed with the
app secret (or forged), to the bot's endpoint as Meta does."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import urllib.error
import urllib.request
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PHONE_ID = "106540352242922"
TOKEN = "EAAG-test-token-that-must-stay-secret"
APP_SECRET = "a0b1c2d3e4f5-app-secret"
VERIFY_TOKEN = "verify-me-please"


class FakeWhatsApp:
    def __init__(self) -> None:
        self.sent: list[dict] = []  # every accepted message body, in order
        self.media: dict[str, dict] = {}  # media id -> {"filename", "data", "type"}
        self.closed_windows: set[str] = set()  # recipients whose 24-hour window is closed
        self.cond = threading.Condition()
        self._ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, answer = fake.handle(self.path, self.headers.get("Authorization", ""),
                                             self.headers.get("Content-Type", ""), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v19.0"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def error(status: int, code: int, message: str) -> tuple[int, dict]:
        return status, {"error": {"message": message, "type": "OAuthException", "code": code,
                                  "fbtrace_id": "AbCdEf"}}

    def handle(self, path: str, authorization: str, content_type: str, body: bytes) -> tuple[int, dict]:
        if authorization != f"Bearer {TOKEN}":
            return self.error(401, 190, "Invalid OAuth access token.")
        if path == f"/v19.0/{PHONE_ID}/media":
            message = BytesParser(policy=default).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
            fields = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
            if fields.get("messaging_product") is None or "file" not in fields:
                return self.error(400, 100, "(#100) The parameter messaging_product is required.")
            media_id = f"media{next(self._ids)}"
            self.media[media_id] = {"filename": fields["file"].get_filename(),
                                    "data": fields["file"].get_payload(decode=True)}
            return 200, {"id": media_id}
        if path != f"/v19.0/{PHONE_ID}/messages":
            return self.error(404, 100, f"Unsupported post request: {path}")
        message = json.loads(body)
        problem = self.check(message)
        if problem:
            return self.error(400, 100, f"(#100) {problem}")
        if message["type"] != "template" and message["to"] in self.closed_windows:
            return self.error(400, 131047, "Re-engagement message")
        wamid = f"wamid.HBgL{next(self._ids):08d}"
        with self.cond:
            self.sent.append({**message, "id": wamid})
            self.cond.notify_all()
        return 200, {"messaging_product": "whatsapp", "contacts": [{"input": message["to"], "wa_id": message["to"]}],
                     "messages": [{"id": wamid}]}

    @staticmethod
    def check(message: dict) -> str:
        """What the Cloud API would refuse in a message, or ""."""
        if message.get("messaging_product") != "whatsapp" or not message.get("to"):
            return "messaging_product and to are required"
        kind = message.get("type")
        if kind == "text":
            body = message["text"]["body"]
            return "" if 0 < len(body) <= 4096 else "text.body must be 1-4096 characters"
        if kind == "interactive":
            interactive = message["interactive"]
            if len(interactive["body"]["text"]) > 1024:
                return "interactive.body.text is longer than 1024 characters"
            if interactive["type"] == "button":
                buttons = interactive["action"]["buttons"]
                if not 1 <= len(buttons) <= 3 or any(len(b["reply"]["title"]) > 20 for b in buttons):
                    return "interactive buttons: 1-3 buttons with titles of at most 20 characters"
                return ""
            rows = [row for section in interactive["action"]["sections"] for row in section["rows"]]
            if not 1 <= len(rows) <= 10 or any(len(r["title"]) > 24 or len(r.get("description", "")) > 72
                                               for r in rows):
                return "interactive list: 1-10 rows, titles of at most 24 characters, descriptions of 72"
            if len({r["id"] for r in rows}) != len(rows):
                return "interactive list: row ids must be unique"
            return ""
        if kind == "template":
            parameters = message["template"]["components"][0]["parameters"]
            if any("\n" in p["text"] or "\t" in p["text"] or "     " in p["text"] for p in parameters):
                return "template parameters cannot have new lines, tabs or more than 4 consecutive spaces"
            return ""
        if kind == "document":
            return "" if message["document"].get("id") else "document.id is required"
        return f"unknown type {kind}"

    def wait_sent(self, count: int, timeout: float = 10.0) -> list[dict]:
        """The first `count` messages sent, once there are that many."""
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.sent) >= count, timeout):
                raise AssertionError(f"{len(self.sent)} messages sent, not {count}: {self.sent}")
            return list(self.sent[:count])


def signed(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def payload(wa_id: str, name: str, message: dict) -> dict:
    """A webhook payload as Meta posts it: one message from `wa_id`."""
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_ID},
            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
            "messages": [{"from": wa_id, "timestamp": "1733400000", **message}]}}]}]}


def text(wa_id: str, name: str, body: str, message_id: str) -> dict:
    return payload(wa_id, name, {"id": message_id, "type": "text", "text": {"body": body}})


def tap(wa_id: str, name: str, reply_id: str, context: str, message_id: str, kind: str = "list_reply") -> dict:
    """A tap on a reply button (`button_reply`) or a list row (`list_reply`) of the message `context`."""
    return payload(wa_id, name, {"id": message_id, "type": "interactive", "context": {"from": "15550783881",
                                                                                       "id": context},
                                 "interactive": {"type": kind, kind: {"id": reply_id, "title": "…"}}})


def deliver(url: str, body: dict, signature: str | None = "") -> int:
    """POSTs `body` to the webhook at `url` signed with the app secret (`signature` "" ),
    with the given signature header, or without one (None); the HTTP status."""
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature or signed(data)
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        e.close()
        return e.code
