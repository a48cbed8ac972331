"""What the messenger transports share: an HTTP endpoint the messenger posts
to, a queue of the updates it brings, update ids that survive restarts, and
JSON calls to the messenger's API that never leak the token into a message."""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger("botkit.endpoint")

MAX_BODY = 1 << 20  # a webhook POST bigger than 1 MiB is not a messenger's


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"


class Endpoint:
    """`handle(request)` answers every GET and POST on `listen` (host, port), one thread per request."""

    def __init__(self, listen: tuple[str, int], handle: Callable[[Request], Answer], name: str) -> None:
        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length", "0") or 0)
                if length > MAX_BODY:
                    answer = Answer(413, b"too large")
                else:
                    split = urllib.parse.urlsplit(self.path)
                    request = Request(self.command, split.path, dict(urllib.parse.parse_qsl(split.query)),
                                      {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                    try:
                        answer = handle(request)
                    except Exception:  # noqa: BLE001 (a bad request must not stop the endpoint)
                        log.exception("%s: a request failed", name)
                        answer = Answer(500, b"error")
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = _serve  # noqa: N815 (http.server's names)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                log.debug(f"{name}: " + format, *args)

        self._server = ThreadingHTTPServer(listen, Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        log.info("%s: listening on %s:%d", name, listen[0], self.port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Updates:
    """Updates waiting for the bot."""

    def __init__(self) -> None:
        self._queue: queue.Queue[dict] = queue.Queue()

    def put(self, update: dict) -> None:
        self._queue.put(update)

    def get(self, timeout: float) -> list[dict]:
        try:
            first = self._queue.get(timeout=max(timeout, 0.01))
        except queue.Empty:
            return []
        batch = [first]
        while not self._queue.empty():
            batch.append(self._queue.get_nowait())
        return batch


def update_id(messenger: str, event_id: str) -> int:
    """A stable update id for a messenger's event id (a WhatsApp message id, a VK
    event id): the same event delivered twice gets the same id, so the bot
    handles it once, across restarts too. Above 2^62, where Telegram's ids never go."""
    digest = hashlib.sha256(f"{messenger}:{event_id}".encode()).digest()
    return (1 << 62) + int.from_bytes(digest[:8], "big") % (1 << 62)


class ApiError(RuntimeError):
    """A messenger's API refused a call: `code` is its error code."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


def http_json(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
              timeout: float = 30, what: str) -> Any:
    """GET (or POST `data`) and the JSON answered, also with an HTTP error status;
    a failure to connect is an ApiError naming `what`, never the URL (it may hold a token)."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as e:
        try:
            return json.loads(e.read())
        except ValueError:
            raise ApiError(f"{what}: HTTP {e.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise ApiError(f"{what}: {type(e).__name__}: {getattr(e, 'reason', e)}") from None


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type: `files` name -> (filename, data, media type)."""
    import secrets

    boundary = f"botkit{secrets.token_hex(12)}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, media_type) in files.items():
        safe = filename.replace('"', "").replace("\r", "").replace("\n", "")
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{safe}"\r\n'
                     f"Content-Type: {media_type}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
