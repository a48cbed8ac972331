"""The bot's clock: the system clock, or an instant read from a file (tests)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path


class Clock:
    """`now()` is an aware UTC datetime in whole seconds. With `path`, the file
    holds an ISO 8601 instant with an offset (re-read on every call), so a test
    can move time by rewriting it."""

    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path) if path else None
        if self.path is not None:
            self.now()  # a bad file is a start-up error, not a late surprise

    def now(self) -> datetime:
        if self.path is None:
            return datetime.now(timezone.utc).replace(microsecond=0)
        text = self.path.read_text(encoding="utf-8").strip()
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if value.utcoffset() is None:
            raise ValueError(f"--clock-file {self.path}: {text!r} has no UTC offset")
        return value.astimezone(timezone.utc).replace(microsecond=0)
