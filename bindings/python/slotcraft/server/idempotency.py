"""`Idempotency-Key` for the POSTs whose answer is a secret shown once: an API
key, a webhook's signing secret, a user's invite, a calendar feed's token (and
an .ics import and the booking page's hold, which write). The scheduler keeps its bookings' keys itself; these answers are kept
here, in the table `server_idempotent_answers` of the scheduler's database.

The same key and body answer the first answer again (with the header
`Idempotent-Replayed: true`); the same key with another body is a 409; a key
whose first request is still running, or was cut off, is a 409 too (nothing
is made twice). Keys are the caller's own: two callers' keys never meet.

The first answer holds the secret, and the server must not keep secrets
readable: it is stored encrypted (AES-256-GCM, Debian's python3-cryptography)
under a key derived from the Idempotency-Key (HKDF-SHA256), which is stored
only as its SHA-256. Only someone who sends the key again reads the answer; a
copied table reads nothing, unless the key was guessable (send a random one, a
UUID). Answers are kept for `KEPT_FOR`, then the key may be used anew.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from starlette.responses import Response

import slotcraft as sc

from .auth import Principal
from .context import Clock, wall_clock
from .errors import ApiError
from .serverdb import ServerDb

SCHEMA = """CREATE TABLE IF NOT EXISTS server_idempotent_answers (
    caller TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    answer TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (caller, key_hash))"""

KEPT_FOR = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"
_NONCE_BYTES = 12


def _key_hash(key: str) -> str:
    return hashlib.sha256(b"slotcraft idempotency key\0" + key.encode()).hexdigest()


def _cipher(key: str, caller: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"slotcraft idempotent answer\0" + caller.encode()).derive(key.encode())
    return AESGCM(derived)


def _sealed(answer: Any, key: str, caller: str, key_hash: str) -> str:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = _cipher(key, caller).encrypt(nonce, json.dumps(answer).encode(), key_hash.encode())
    return base64.b64encode(nonce + sealed).decode()


def _opened(stored: str, key: str, caller: str, key_hash: str) -> Any:
    raw = base64.b64decode(stored)
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    return json.loads(_cipher(key, caller).decrypt(nonce, sealed, key_hash.encode()))


class IdempotentAnswers:
    """The kept answers of the database `scheduler` keeps its data in."""

    def __init__(self, scheduler: sc.Scheduler, clock: Clock = wall_clock) -> None:
        self._db = ServerDb(scheduler, [SCHEMA])
        self._clock = clock

    def close(self) -> None:
        self._db.close()

    def answer(self, caller: str, key: str, request: Any, make: Callable[[], Any]) -> tuple[Any, bool]:
        """`make()`'s answer, and whether it is the first one answered again.
        Without a key, `make()` runs every time. `request` is what the caller
        asked (JSON-serialisable): the same key with another request is a 409.
        When `make()` raises, the key is free again (nothing was made)."""
        if not key:
            return make(), False
        key_hash = _key_hash(key)
        request_hash = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
        now: datetime = self._clock()
        with self._db.transaction() as tx:
            tx.run("DELETE FROM server_idempotent_answers WHERE created_at < ?", (sc.format_instant(now - KEPT_FOR),))
            reserved = tx.run("INSERT INTO server_idempotent_answers (caller, key_hash, request_hash, created_at) "
                              "VALUES (?, ?, ?, ?) ON CONFLICT (caller, key_hash) DO NOTHING RETURNING key_hash",
                              (caller, key_hash, request_hash, sc.format_instant(now)))
            first = [] if reserved else tx.run(
                "SELECT request_hash, answer FROM server_idempotent_answers WHERE caller = ? AND key_hash = ?",
                (caller, key_hash))
        if first:
            first_hash, stored = first[0]
            if first_hash != request_hash:
                raise ApiError(409, "this Idempotency-Key was used with another request", field="Idempotency-Key")
            if stored is None:
                raise ApiError(409, "the first request with this Idempotency-Key has not answered: it is still "
                               "running, or was cut off; send a new key to make it anew", field="Idempotency-Key")
            return _opened(stored, key, caller, key_hash), True
        try:
            made = make()
        except BaseException:
            self._db.run("DELETE FROM server_idempotent_answers WHERE caller = ? AND key_hash = ?", (caller, key_hash))
            raise
        self._db.run("UPDATE server_idempotent_answers SET answer = ? WHERE caller = ? AND key_hash = ?",
                     (_sealed(made, key, caller, key_hash), caller, key_hash))
        return made, False


def answered_once(answers: IdempotentAnswers, response: Response, who: Principal, key: str, request: Any,
                  make: Callable[[], Any]) -> Any:
    """`make()`'s answer, made once per `who` and `key` (a route's body)."""
    answer, replayed = answers.answer(who.actor, key, request, make)
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return answer
