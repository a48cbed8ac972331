"""Calendar feed tokens: the secret in a resource's subscription URL
(`/v1/calendars/<resource>.ics?token=...`), in the table `server_feed_tokens`
of the scheduler's own database (serverdb.py).

A resource has one row: its live token, or its last one once revoked. A new
token replaces the old in the same row, in one statement, so no two are ever
live and the old one stops working at once in every process. The token is 256
random bits and stored only as its SHA-256: a copied table gives no working
URL, and a calendar's poll is found by one indexed lookup, with no slow hash
(an API key's scrypt) to pay on every poll.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import slotcraft as sc

from .context import Clock, wall_clock
from .serverdb import ServerDb

SCHEMA = """CREATE TABLE IF NOT EXISTS server_feed_tokens (
    resource TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT NOT NULL DEFAULT '')"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedTokens:
    """The feed tokens of the database `scheduler` keeps its data in. It keeps
    no reference to the scheduler (only a connection to its database)."""

    def __init__(self, scheduler: sc.Scheduler, clock: Clock = wall_clock) -> None:
        self._db = ServerDb(scheduler, [SCHEMA])
        self._clock = clock

    def close(self) -> None:
        self._db.close()

    def _now(self) -> str:
        now: datetime = self._clock()
        return sc.format_instant(now)

    def create(self, resource: str) -> str:
        """A new token of `resource`, which replaces its old one; the text is not
        stored and cannot be shown again. The caller checks that the resource exists."""
        token = secrets.token_urlsafe(32)
        self._db.run(
            "INSERT INTO server_feed_tokens (resource, token_hash, created_at, revoked_at) VALUES (?, ?, ?, '') "
            "ON CONFLICT (resource) DO UPDATE SET token_hash = excluded.token_hash, "
            "created_at = excluded.created_at, revoked_at = ''",
            (resource, token_hash(token), self._now()),
        )
        return token

    def revoke(self, resource: str) -> bool:
        """Revokes the live token of `resource`; False when it has none."""
        revoked = self._db.run(
            "UPDATE server_feed_tokens SET revoked_at = ? WHERE resource = ? AND revoked_at = '' RETURNING resource",
            (self._now(), resource),
        )
        return bool(revoked)

    def resource_of(self, token: str) -> str | None:
        """The resource whose live token `token` is, or None."""
        rows = self._db.run(
            "SELECT resource FROM server_feed_tokens WHERE token_hash = ? AND revoked_at = ''", (token_hash(token),)
        )
        return str(rows[0][0]) if rows else None
