"""Requests per minute, per API key and per client address: a token bucket
each, refilled continuously, so a burst up to the limit passes and a steady
flood is held to it. Over the limit is a 429 with `Retry-After`.

The buckets live in the process: with `--workers N` each worker counts on its
own, so a caller gets up to N times the limit (docs/http.md says so).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ApiError

# Buckets kept at most; the least recently used go first (a full bucket is as good as none).
MAX_BUCKETS = 100_000


@dataclass(frozen=True)
class Limits:
    """Requests per minute; 0 turns a limit off."""

    per_key: int = 600
    per_address: int = 1200


class RateLimiter:
    def __init__(self, per_minute: int, what: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._what = what
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # who → (tokens, when)

    def take(self, who: str) -> None:
        """Counts one request of `who`; ApiError(429) when their bucket is empty."""
        if self.per_minute <= 0:
            return
        rate = self.per_minute / 60.0
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.pop(who, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * rate)
            if tokens >= 1.0:
                self._buckets[who] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_BUCKETS:
                    self._buckets.popitem(last=False)
                return
            self._buckets[who] = (tokens, now)
        wait = math.ceil((1.0 - tokens) / rate)
        raise ApiError(429, f"over {self.per_minute} requests a minute {self._what}: retry in {wait} s",
                       headers={"Retry-After": str(wait)})
