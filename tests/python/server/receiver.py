"""A webhook receiver on 127.0.0.1 for the tests: it keeps what it is sent."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slotcraft.server import webhooks as wh


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that keeps what it is sent and answers
    500 to the first `failures` attempts of each delivery, after `delay`."""

    failures: int = 0
    delay: float = 0.0  # seconds before each answer
    received: list[Received] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.headers.get("x-accepted") == "yes"]

    def events(self) -> list[str]:
        return [r.event["type"] for r in self.accepted()]

    def wait_for(self, count: int, *, refused_too: bool = False, seconds: float = 10) -> list[Received]:
        """The accepted requests (or all of them), once there are `count`."""
        deadline = time.monotonic() + seconds
        while len(found := self.received if refused_too else self.accepted()) < count:
            assert time.monotonic() < deadline, f"{len(found)} of {count} requests arrived"
            time.sleep(0.02)
        return found


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    """A receiver listening on a free port of 127.0.0.1 until the block ends."""
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(found.delay)
            with found._lock:
                delivery = self.headers[wh.DELIVERY_HEADER]
                found.attempts[delivery] += 1
                ok = found.attempts[delivery] > found.failures
                headers = {k.lower(): v for k, v in self.headers.items()} | {"x-accepted": "yes" if ok else "no"}
                found.received.append(Received(headers, body))
            self.send_response(204 if ok else 500)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/slotcraft"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()

