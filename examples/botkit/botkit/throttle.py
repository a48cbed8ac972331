"""Flood control: at most `limit` updates per user in a fixed window, counted
in the bot's table so that every bot process shares the count."""

from __future__ import annotations

import time

from .storage import StateStore


class Throttle:
    def __init__(self, store: StateStore, limit: int, window: float) -> None:
        self.store, self.limit, self.window = store, limit, window

    def check(self, user_id: str) -> str:
        """'ok', 'warn' (the first refused update: tell the user once) or 'drop'."""
        if self.limit <= 0:
            return "ok"
        now = time.time()
        row = self.store.one("SELECT window_start, hits, warned FROM bot_throttle WHERE user_id = ?", (user_id,))
        if row is None or now - row[0] >= self.window:
            self.store.run(
                "INSERT INTO bot_throttle (user_id, window_start, hits, warned) VALUES (?, ?, 1, 0) "
                "ON CONFLICT (user_id) DO UPDATE SET window_start = excluded.window_start, hits = 1, warned = 0",
                (user_id, now),
            )
            return "ok"
        hits = row[1] + 1
        if hits <= self.limit:
            self.store.run("UPDATE bot_throttle SET hits = ? WHERE user_id = ?", (hits, user_id))
            return "ok"
        if not row[2]:
            self.store.run("UPDATE bot_throttle SET hits = ?, warned = 1 WHERE user_id = ?", (hits, user_id))
            return "warn"
        return "drop"
