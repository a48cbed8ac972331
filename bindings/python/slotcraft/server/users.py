"""User accounts, for people signing in from a browser (sessions.py), in the
tables `server_users` and `server_invites` of the scheduler's database.

An admin makes a user without a password and hands them an invite: a token of
256 random bits, of which only the SHA-256 is stored, valid for a week and
once. Accepting it sets the user's password (argon2: passwords.py).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import slotcraft as sc

from .auth import Principal, Role
from .context import Clock
from .errors import ApiError, plain_text
from .keys import checked_role
from .passwords import check_password, hash_password
from .serverdb import ServerDb

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS server_users (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL,
    login_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    resource TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    disabled_at TEXT NOT NULL DEFAULT '')""",
    """CREATE TABLE IF NOT EXISTS server_invites (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS server_invites_user ON server_invites (user_id)",
)

# People sign in; a worker is a program, and uses an API key.
USER_ROLES: tuple[Role, ...] = ("admin", "staff", "client")
INVITE_LIFETIME = timedelta(days=7)
LOGIN_PATTERN = re.compile(r"[\w.@+-]{1,64}")
MAX_NAME_LENGTH = 200

Status = Literal["invited", "active", "disabled"]


def login_key(login: str) -> str:
    """What logins are compared by: `Anna`, `ANNA` and `anna` are one login."""
    return unicodedata.normalize("NFKC", login).casefold()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_columns(table: str) -> str:
    """The columns a `User` is read from, of the users table named `table` in a query."""
    names = ("id", "login", "name", "role", "resource", "client", "created_at", "disabled_at")
    return ", ".join([*(f"{table}.{n}" for n in names), f"{table}.password_hash <> ''"])


@dataclass(frozen=True)
class User:
    """A user as listed: everything but their password."""

    id: str
    login: str
    name: str
    role: Role
    resource: str
    client: str
    created_at: str
    disabled_at: str
    has_password: bool

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> User:
        *columns, has_password = row
        return cls(*columns, has_password=bool(has_password))

    @property
    def status(self) -> Status:
        """`invited` until they set a password, then `active`, or `disabled`."""
        if self.disabled_at:
            return "disabled"
        return "active" if self.has_password else "invited"

    @property
    def principal(self) -> Principal:
        return Principal(role=self.role, actor=f"user:{self.login}", resource=self.resource, client=self.client)

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "login": self.login, "name": self.name, "role": self.role, "resource": self.resource,
                "client": self.client, "status": self.status, "created_at": self.created_at,
                "disabled_at": self.disabled_at}


@dataclass(frozen=True)
class Invite:
    """An invite's token, shown once, and when it stops working."""

    token: str
    expires_at: str

    def view(self) -> dict[str, str]:
        return {"token": self.token, "expires_at": self.expires_at}


def _checked_name(name: str) -> str:
    if not name.strip():
        raise ApiError(400, "give the user's name", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise ApiError(400, f"a name has at most {MAX_NAME_LENGTH} characters", field="name")
    return plain_text(name, "name")


class Users:
    """The users of the database `scheduler` keeps its data in, through `db`."""

    def __init__(self, db: ServerDb, scheduler: sc.Scheduler, clock: Clock) -> None:
        self._db = db
        self._scheduler = scheduler
        self._clock = clock
        for statement in SCHEMA:
            db.run(statement)

    def _now(self) -> str:
        return sc.format_instant(self._clock())

    def create(self, login: str, name: str, role: str, *, resource: str = "", client: str = "") -> User:
        """A new user without a password (`invite` them, or `accept` sets it).
        A staff user names an existing resource, a client user an existing client."""
        if not LOGIN_PATTERN.fullmatch(login):
            raise ApiError(400, "a login is 1 to 64 letters, digits and . _ @ + -", field="login")
        _checked_name(name)
        checked_role(self._scheduler, role, resource, client, roles=USER_ROLES, holder="user")
        inserted = self._db.run(
            "INSERT INTO server_users (id, login, login_key, name, role, resource, client, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (login_key) DO NOTHING RETURNING id",
            (secrets.token_hex(6), login, login_key(login), name, role, resource, client, self._now()),
        )
        if not inserted:
            raise ApiError(409, f'there is a user "{login}" already (logins ignore case)', field="login")
        return self._found(inserted[0][0])

    def get(self, id: str) -> User | None:
        rows = self._db.run(f"SELECT {user_columns('u')} FROM server_users u WHERE u.id = ?", (id,))
        return User.from_row(rows[0]) if rows else None

    def _found(self, id: str) -> User:
        user = self.get(id)
        if user is None:
            raise ApiError(404, f'no user "{id}"', field="id")
        return user

    def all(self) -> list[User]:
        """Every user, disabled ones too, by login."""
        rows = self._db.run(f"SELECT {user_columns('u')} FROM server_users u")
        return sorted((User.from_row(row) for row in rows), key=lambda user: login_key(user.login))

    def with_login(self, login: str) -> tuple[User, str] | None:
        """The user signing in as `login` (any case) and their password hash ('' when none is set)."""
        rows = self._db.run(f"SELECT {user_columns('u')}, u.password_hash FROM server_users u WHERE u.login_key = ?",
                            (login_key(login),))
        if not rows:
            return None
        *columns, stored = rows[0]
        return User.from_row(columns), stored

    def update(self, id: str, *, name: str | None = None, role: str | None = None, resource: str | None = None,
               client: str | None = None) -> User:
        """Changes what is given. A new role comes with its resource or client (or
        neither): those not given are cleared."""
        user = self._found(id)
        if role is not None:
            resource, client = resource or "", client or ""
        new_name = user.name if name is None else _checked_name(name)
        new_resource = user.resource if resource is None else resource
        new_client = user.client if client is None else client
        new_role = checked_role(self._scheduler, user.role if role is None else role, new_resource, new_client,
                                roles=USER_ROLES, holder="user")
        if new_role != "admin":
            self._keep_an_admin(user, "role")
        self._db.run("UPDATE server_users SET name = ?, role = ?, resource = ?, client = ? WHERE id = ?",
                     (new_name, new_role, new_resource, new_client, id))
        return self._found(id)

    def set_disabled(self, id: str, disabled: bool) -> User:
        """Disables a user (they cannot sign in, and their sessions stop: every
        request reads `disabled_at`) or enables them again. Twice is the same answer."""
        user = self._found(id)
        if disabled and not user.disabled_at:
            self._keep_an_admin(user, "id")
            self._db.run("UPDATE server_users SET disabled_at = ? WHERE id = ?", (self._now(), id))
            self._db.run("DELETE FROM server_invites WHERE user_id = ?", (id,))
        elif not disabled and user.disabled_at:
            self._db.run("UPDATE server_users SET disabled_at = '' WHERE id = ?", (id,))
        return self._found(id)

    def _keep_an_admin(self, user: User, field: str) -> None:
        """Refuses to take the last enabled admin's role away or to disable them."""
        if user.role != "admin" or user.disabled_at:
            return
        others = self._db.run(
            "SELECT COUNT(*) FROM server_users WHERE role = 'admin' AND disabled_at = '' AND id <> ?", (user.id,))
        if others[0][0] == 0:
            raise ApiError(409, f'"{user.login}" is the last admin: make another admin first', field=field)

    def set_password_hash(self, id: str, stored: str) -> None:
        self._db.run("UPDATE server_users SET password_hash = ? WHERE id = ?", (stored, id))

    def invite(self, id: str) -> Invite:
        """A new invite of the user, replacing any before it. Accepting it sets
        their password, so it also lets someone who forgot theirs choose another."""
        user = self._found(id)
        if user.disabled_at:
            raise ApiError(409, f'"{user.login}" is disabled: enable them first', field="id")
        token, now = secrets.token_urlsafe(32), self._clock()
        expires = sc.format_instant(now + INVITE_LIFETIME)
        with self._db.transaction() as tx:
            tx.run("DELETE FROM server_invites WHERE user_id = ?", (id,))
            tx.run("INSERT INTO server_invites (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                   (token_hash(token), id, sc.format_instant(now), expires))
        return Invite(token, expires)

    def accept(self, token: str, password: str) -> User:
        """Sets the password of the user `token` invites, once: the invite is used up."""
        now = self._now()
        invited = self._db.run(
            "SELECT u.id, u.login FROM server_invites i JOIN server_users u ON u.id = i.user_id "
            "WHERE i.token_hash = ? AND i.expires_at > ? AND u.disabled_at = ''", (token_hash(token), now))
        if not invited:
            raise ApiError(404, "no such invite: it was used, has expired or was replaced; ask an admin for a new one",
                           field="token")
        id, login = invited[0]
        check_password(password, login)
        stored = hash_password(password)
        # Used up and the password set together: a failure between them loses neither.
        with self._db.transaction() as tx:
            claimed = tx.run("DELETE FROM server_invites WHERE token_hash = ? AND expires_at > ? RETURNING user_id",
                             (token_hash(token), now))
            if not claimed:
                raise ApiError(404, "no such invite: it was used a moment ago", field="token")
            tx.run("UPDATE server_users SET password_hash = ? WHERE id = ?", (stored, id))
        return self._found(id)
