"""The server's own sign-in: API keys (keys.py) for programs, user accounts
(users.py) with browser sessions (sessions.py) for people. `Accounts` is the
`Authenticator` of `create_app`, and what the account routes manage.

A request with `Authorization: Bearer <key>` is its key's; else one with the
session cookie is its user's. A browser sends the cookie by itself, even on a
request another site's page makes it send, so an unsafe request (POST, PUT,
PATCH, DELETE) with the cookie must also carry the session's CSRF token in
`X-CSRF-Token`, which only the signed-in page can read. The cookie is
`HttpOnly` (no script reads it) and `SameSite=Lax`.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request

import slotcraft as sc

from .auth import Principal, unauthorized
from .context import Clock, wall_clock
from .errors import ApiError
from .keys import ApiKeys
from .sessions import SESSION_LIFETIME, Session, Sessions
from .users import User, Users

SESSION_COOKIE = "slotcraft_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_cookie(request: Request, token: str = "") -> str:
    """The `Set-Cookie` value that sets the session cookie to `token`, or ends
    it when there is none. `Secure` when the request came over https."""
    lifetime = int(SESSION_LIFETIME.total_seconds()) if token else 0
    cookie = f"{SESSION_COOKIE}={token}; HttpOnly; Max-Age={lifetime}; Path=/; SameSite=Lax"
    return cookie + "; Secure" if request.url.scheme == "https" else cookie


class Accounts:
    """API keys and user accounts of the database `scheduler` keeps its data
    in; the users' tables share the keys' connection."""

    def __init__(self, scheduler: sc.Scheduler, keys: ApiKeys, *, clock: Clock = wall_clock) -> None:
        self.keys = keys
        self.users = Users(keys.db, scheduler, clock)
        self.sessions = Sessions(keys.db, self.users, clock)

    def close(self) -> None:
        self.keys.close()

    def principal(self, request: Request) -> Principal:
        if "authorization" in request.headers:
            return self.keys.principal(request)
        session = self.session_of(request)
        if session is None:
            if SESSION_COOKIE in request.cookies:
                raise ApiError(401, "the session has ended: sign in again", field=SESSION_COOKIE,
                               headers={"WWW-Authenticate": "Bearer", "Set-Cookie": session_cookie(request)})
            raise unauthorized("send an API key (Authorization: Bearer <key>) or sign in (POST /v1/session)")
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
                raise ApiError(403, f"a signed-in {request.method} needs the session's csrf_token in {CSRF_HEADER}",
                               field=CSRF_HEADER)
        return session.user.principal

    def session_of(self, request: Request) -> Session | None:
        """The live session a request is made in; None when it sends an API key or no live session cookie."""
        token = request.cookies.get(SESSION_COOKIE, "")
        if "authorization" in request.headers or not token:
            return None
        return self.sessions.live(token)

    def disable(self, user_id: str, disabled: bool) -> User:
        """Disables a user, ending their sessions, or enables them."""
        user = self.users.set_disabled(user_id, disabled)
        if disabled:
            self.sessions.end_all(user_id)
        return user

    def accept_invite(self, token: str, password: str) -> User:
        """Sets the password of the invited user; sessions opened with the one before end."""
        user = self.users.accept(token, password)
        self.sessions.end_all(user.id)
        return user
