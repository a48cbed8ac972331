"""Browser sessions of users (users.py), in the tables `server_sessions` and
`server_sign_in_failures` of the scheduler's database.

Signing in with a login and password opens a session: a token of 256 random
bits for the cookie, of which only the SHA-256 is stored, and a CSRF token
derived from it (an HMAC, so it needs no column). A session ends when its user
signs out, after SESSION_LIFETIME whatever they do, or at once when the user is
disabled: every request reads its session's row and its user's.

Failed sign-ins are counted per login in the database, so every worker process
sees them: after MAX_FAILURES within FAILURE_WINDOW the login is refused (429)
until the oldest of them is out of the window.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import slotcraft as sc

from .context import Clock
from .errors import ApiError
from .passwords import check_password, hash_password, needs_rehash, password_matches, spend_a_check
from .serverdb import ServerDb
from .users import User, Users, login_key, token_hash, user_columns

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS server_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS server_sessions_user ON server_sessions (user_id)",
    """CREATE TABLE IF NOT EXISTS server_sign_in_failures (
    login_key TEXT NOT NULL,
    failed_at TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS server_sign_in_failures_login ON server_sign_in_failures (login_key, failed_at)",
)

# However active, a session ends this long after sign-in.
SESSION_LIFETIME = timedelta(hours=12)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


def wrong_login_or_password() -> ApiError:
    """The one answer to a wrong login, a wrong password and a user with no password yet."""
    return ApiError(401, "wrong login or password", headers={"WWW-Authenticate": "Bearer"})


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session: unguessable without its cookie's token."""
    digest = hmac.new(session_token.encode(), b"slotcraft csrf", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class Session:
    """A live session: whose it is, until when, and the token unsafe requests send in `X-CSRF-Token`."""

    user: User
    expires_at: str
    csrf_token: str

    def view(self) -> dict[str, object]:
        return {"user": self.user.view(), "csrf_token": self.csrf_token, "expires_at": self.expires_at}


class Sessions:
    """The sessions of `users`, kept through `db` (the users' own connection)."""

    def __init__(self, db: ServerDb, users: Users, clock: Clock) -> None:
        self._db = db
        self._users = users
        self._clock = clock
        for statement in SCHEMA:
            db.run(statement)

    def sign_in(self, login: str, password: str) -> tuple[Session, str]:
        """A new session of the user `login` names and its cookie's token.
        ApiError: 401 for a wrong login or password (the same answer for both),
        403 for a disabled user with the right password, 429 after too many failures."""
        now = self._clock()
        key = login_key(login)
        self._hold_back(key, now)
        found = self._users.with_login(login)
        if found is None or not found[1]:
            spend_a_check(password)
            raise self._failed(key, now)
        user, stored = found
        if not password_matches(password, stored):
            raise self._failed(key, now)
        if user.disabled_at:
            raise ApiError(403, "this user is disabled: ask an admin", field="login")
        self._db.run("DELETE FROM server_sign_in_failures WHERE login_key = ?", (key,))
        if needs_rehash(stored):
            self._users.set_password_hash(user.id, hash_password(password))
        return self._open(user, now)

    def change_password(self, user: User, password: str, new_password: str) -> tuple[Session, str]:
        """Sets `user`'s new password once `password`, their current one, is
        right; every session of theirs ends and a new one begins (its cookie's
        token is answered). ApiError: 403 on `password` when it is wrong
        (counted as a failed sign-in), 400 on `new_password`, 429 after too
        many failures."""
        now = self._clock()
        key = login_key(user.login)
        self._hold_back(key, now, field="password")
        found = self._users.with_login(user.login)
        if found is None or not password_matches(password, found[1]):
            self._failed(key, now)
            raise ApiError(403, "the current password is wrong", field="password")
        if new_password == password:
            raise ApiError(400, "the new password is the current one", field="new_password")
        try:
            check_password(new_password, user.login)
        except ApiError as refused:
            raise ApiError(400, refused.message, field="new_password") from None
        self._users.set_password_hash(user.id, hash_password(new_password))
        self._db.run("DELETE FROM server_sign_in_failures WHERE login_key = ?", (key,))
        self.end_all(user.id)
        return self._open(found[0], now)

    def _hold_back(self, key: str, now: datetime, field: str = "login") -> None:
        since = sc.format_instant(now - FAILURE_WINDOW)
        failures = self._db.run(
            "SELECT COUNT(*), MIN(failed_at) FROM server_sign_in_failures WHERE login_key = ? AND failed_at > ?",
            (key, since))
        count, oldest = failures[0]
        if count >= MAX_FAILURES:
            wait = max(1, math.ceil((sc.parse_instant(oldest) + FAILURE_WINDOW - now).total_seconds()))
            raise ApiError(429, f"too many failed sign-ins for this login: try again in {wait} s", field=field,
                           headers={"Retry-After": str(wait)})

    def _failed(self, key: str, now: datetime) -> ApiError:
        self._db.run("DELETE FROM server_sign_in_failures WHERE failed_at <= ?",
                     (sc.format_instant(now - FAILURE_WINDOW),))
        self._db.run("INSERT INTO server_sign_in_failures (login_key, failed_at) VALUES (?, ?)",
                     (key, sc.format_instant(now)))
        return wrong_login_or_password()

    def _open(self, user: User, now: datetime) -> tuple[Session, str]:
        token = secrets.token_urlsafe(32)
        expires = sc.format_instant(now + SESSION_LIFETIME)
        self._db.run("DELETE FROM server_sessions WHERE expires_at <= ?", (sc.format_instant(now),))
        self._db.run("INSERT INTO server_sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                     (token_hash(token), user.id, sc.format_instant(now), expires))
        return Session(user, expires, csrf_token(token)), token

    def live(self, token: str) -> Session | None:
        """The session of a cookie's token while it lasts and its user is enabled."""
        rows = self._db.run(
            f"SELECT s.expires_at, {user_columns('u')} FROM server_sessions s JOIN server_users u ON u.id = s.user_id "
            "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at = ''",
            (token_hash(token), sc.format_instant(self._clock())))
        if not rows:
            return None
        expires, *user = rows[0]
        return Session(User.from_row(user), expires, csrf_token(token))

    def end(self, token: str) -> None:
        self._db.run("DELETE FROM server_sessions WHERE token_hash = ?", (token_hash(token),))

    def end_all(self, user_id: str) -> None:
        """Ends every session of a user (disabled, or with a new password)."""
        self._db.run("DELETE FROM server_sessions WHERE user_id = ?", (user_id,))
