"""API keys for bots and workers, in the table `server_api_keys` of the
scheduler's own database (serverdb.py).

A key reads `sck_<id>_<secret>`: the id finds the row, the secret is stored
only as an scrypt hash, so the key is shown once, when it is created.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import cast

from starlette.requests import Request

import slotcraft as sc

from .auth import ROLES, Principal, Role, bearer_token, unauthorized
from .errors import ApiError, plain_text
from .serverdb import ServerDb

SCHEMA = """CREATE TABLE IF NOT EXISTS server_api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    resource TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT NOT NULL DEFAULT '')"""

COLUMNS = "id, name, role, resource, client, created_at, revoked_at"

# The secret is 256 random bits, so no one guesses it; the hash keeps a copied
# table useless. scrypt's cost goes into each hash, so it can be raised later.
SCRYPT_COST = {"n": 1 << 14, "r": 8, "p": 1}
VERIFIED_CACHE_SIZE = 1024


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * r * (n + p + 2), dklen=32)


def hash_secret(secret: str) -> str:
    """`scrypt$<n>$<r>$<p>$<salt>$<digest>` (base64)."""
    salt = secrets.token_bytes(16)
    cost = SCRYPT_COST
    digest = _scrypt(secret, salt, cost["n"], cost["r"], cost["p"])
    parts = ("scrypt", str(cost["n"]), str(cost["r"]), str(cost["p"]), base64.b64encode(salt).decode(),
             base64.b64encode(digest).decode())
    return "$".join(parts)


def secret_matches(secret: str, stored: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    computed = _scrypt(secret, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(computed, base64.b64decode(digest))


def checked_role(
    scheduler: sc.Scheduler, role: str, resource: str, client: str, *, roles: Sequence[Role], holder: str
) -> Role:
    """`role`, if it is one of `roles` and `resource` and `client` fit it: a
    staff `holder` (a key, a user) names an existing resource, a client one an
    existing client, any other neither."""
    if role not in roles:
        raise ApiError(400, f"unknown role {role!r} (expected {', '.join(roles)})", field="role")
    if (role == "staff") != bool(resource):
        raise ApiError(400, f"a staff {holder}, and only a staff {holder}, names a resource", field="resource")
    if (role == "client") != bool(client):
        raise ApiError(400, f"a client {holder}, and only a client {holder}, names a client", field="client")
    if resource and scheduler.resource(resource) is None:
        raise ApiError(404, f'no resource "{resource}"', field="resource")
    if client and scheduler.client(client) is None:
        raise ApiError(404, f'no client "{client}"', field="client")
    return cast(Role, role)


def _now() -> str:
    return sc.format_instant(datetime.now(timezone.utc))


@dataclass(frozen=True)
class ApiKey:
    """A key as listed: everything but its secret."""

    id: str
    name: str
    role: Role
    resource: str
    client: str
    created_at: str
    revoked_at: str

    @property
    def principal(self) -> Principal:
        return Principal(role=self.role, actor=f"key:{self.id}", resource=self.resource, client=self.client)


class ApiKeys:
    """The API keys of the database `scheduler` keeps its data in; an `Authenticator`."""

    def __init__(self, scheduler: sc.Scheduler) -> None:
        self._db = ServerDb(scheduler, [SCHEMA])
        self._scheduler = scheduler
        self._verified: dict[str, str] = {}  # sha256 of a key → the secret_hash it matched

    @property
    def db(self) -> ServerDb:
        """The connection the keys are kept through, for other server tables to share."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def create(self, name: str, role: str, *, resource: str = "", client: str = "") -> tuple[ApiKey, str]:
        """A new key and its text, which is not stored and cannot be shown again.
        `staff` keys name an existing resource, `client` keys an existing client."""
        if not name.strip():
            raise ApiError(400, "give the key a name", field="name")
        plain_text(name, "name")
        checked_role(self._scheduler, role, resource, client, roles=ROLES, holder="key")
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        created = _now()
        self._db.run(
            "INSERT INTO server_api_keys (id, name, role, resource, client, secret_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key_id, name, role, resource, client, hash_secret(secret), created),
        )
        return ApiKey(key_id, name, cast(Role, role), resource, client, created, ""), f"sck_{key_id}_{secret}"

    def all(self) -> list[ApiKey]:
        return [ApiKey(*row) for row in self._db.run(f"SELECT {COLUMNS} FROM server_api_keys ORDER BY created_at, id")]

    def revoke(self, key_id: str) -> bool:
        """Revokes a key at once, in every process; False when there is no such live key."""
        revoked = "UPDATE server_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at = '' RETURNING id"
        return bool(self._db.run(revoked, (_now(), key_id)))

    def verify(self, text: str) -> ApiKey | None:
        """The live key `text` is, or None."""
        prefix, _, rest = text.partition("_")
        key_id, _, secret = rest.partition("_")
        if prefix != "sck" or not secret:
            return None
        rows = self._db.run(
            f"SELECT {COLUMNS}, secret_hash FROM server_api_keys WHERE id = ? AND revoked_at = ''", (key_id,)
        )
        if not rows:
            return None
        *columns, stored = rows[0]
        fingerprint = hashlib.sha256(text.encode()).hexdigest()
        if self._verified.get(fingerprint) != stored:
            if not secret_matches(secret, stored):
                return None
            if len(self._verified) >= VERIFIED_CACHE_SIZE:
                self._verified.clear()
            self._verified[fingerprint] = stored
        return ApiKey(*columns)

    def principal(self, request: Request) -> Principal:
        key = self.verify(bearer_token(request))
        if key is None:
            raise unauthorized("unknown or revoked API key")
        return key.principal
