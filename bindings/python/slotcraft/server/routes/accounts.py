"""Signing in and out, and what admins manage: users (invited, given a role,
disabled) and API keys (made, shown once, revoked). Present when the router
signs in with the server's own `Accounts` (accounts.py), not with an
authenticator of a developer's own."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field, StrictStr
from starlette.requests import Request
from starlette.responses import Response

from ..accounts import SESSION_COOKIE, Accounts, session_cookie
from ..auth import ADMIN, EVERYONE, Principal, Rules
from ..context import Context
from ..errors import ApiError
from ..idempotency import IdempotentAnswers, answered_once
from ..keys import ApiKey
from ..paging import cursor_query, limit_query, paged
from ..passwords import MAX_PASSWORD_LENGTH
from ..routing import ApiRoute
from ..users import MAX_NAME_LENGTH, Status, User, login_key
from .bookings import idempotency_key

ROLES: Rules = {
    "get_session": EVERYONE,
    "change_password": EVERYONE,
    "sign_out": EVERYONE,
    "list_users": ADMIN,
    "get_user": ADMIN,
    "create_user": ADMIN,
    "update_user": ADMIN,
    "disable_user": ADMIN,
    "enable_user": ADMIN,
    "invite_user": ADMIN,
    "list_keys": ADMIN,
    "create_key": ADMIN,
    "revoke_key": ADMIN,
}

PUBLIC: frozenset[str] = frozenset({"sign_in", "accept_invite"})

UserRole = Literal["admin", "staff", "client"]
KeyRole = Literal["admin", "staff", "client", "worker"]

_PASSWORD = {"min_length": 1, "max_length": MAX_PASSWORD_LENGTH}
_NAME = {"max_length": MAX_NAME_LENGTH}


class SignIn(BaseModel):
    login: StrictStr = Field(..., max_length=64, description="the user's login, in any case", example="ada")
    password: StrictStr = Field(..., **_PASSWORD, description="the user's password", example="correct horse battery")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"login": "ada", "password": "correct horse battery"}}


class InviteAcceptance(BaseModel):
    token: StrictStr = Field(..., max_length=128, description="the invite's token, as the admin got it",
                             example="kB3vN4i0c2m0nXQk8p1o9tqvT2z9C5YwWcQ0Gm1sV3U")
    password: StrictStr = Field(..., **_PASSWORD, description="the password to set: at least 10 characters",
                                example="correct horse battery")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"token": "kB3vN4i0c2m0nXQk8p1o9tqvT2z9C5YwWcQ0Gm1sV3U",
                                    "password": "correct horse battery"}}


class PasswordChange(BaseModel):
    password: StrictStr = Field(..., **_PASSWORD, description="the signed-in user's current password",
                                example="correct horse battery")
    new_password: StrictStr = Field(..., **_PASSWORD, description="the password to set: at least 10 characters, "
                                    "not the login", example="battery staple horse")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"password": "correct horse battery", "new_password": "battery staple horse"}}


class NewUser(BaseModel):
    login: StrictStr = Field(..., description="what they sign in as: 1 to 64 letters, digits and . _ @ + - "
                             "(unique, in any case)", example="anna")
    name: StrictStr = Field(..., **_NAME, description="their name, as people read it", example="Anna Schmidt")
    role: UserRole = Field(..., description="admin: everything; staff: one resource; client: one client's bookings",
                           example="staff")
    resource: StrictStr = Field("", description="a staff user's resource (the id)", example="anna")
    client: StrictStr = Field("", description="a client user's client (the id)", example="")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"login": "anna", "name": "Anna Schmidt", "role": "staff", "resource": "anna"}}


class UserChanges(BaseModel):
    name: StrictStr | None = Field(None, **_NAME, description="a new name", example="Anna Schmidt")
    role: UserRole | None = Field(None, description="a new role; give its resource or client with it "
                                     "(those not given are cleared)", example="staff")
    resource: StrictStr | None = Field(None, description="a staff user's resource", example="anna")
    client: StrictStr | None = Field(None, description="a client user's client", example="c1")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"role": "staff", "resource": "anna"}}


class NewKey(BaseModel):
    name: StrictStr = Field(..., **_NAME, description="who or what uses the key", example="front desk bot")
    role: KeyRole = Field(..., description="as a user's, or worker: reminders and the audit log only",
                          example="client")
    resource: StrictStr = Field("", description="a staff key's resource", example="")
    client: StrictStr = Field("", description="a client key's client", example="c1")

    class Config:
        extra = "forbid"
        schema_extra = {"example": {"name": "booking bot", "role": "worker"}}


def user_id_path() -> Any:
    return Path(..., description="the user's id", example="3f2a9c1b7d4e")


def key_view(key: ApiKey) -> dict[str, Any]:
    return asdict(key)


def _no_session() -> ApiError:
    return ApiError(404, "no session: this request is made with an API key or without a session cookie",
                    field="Authorization")


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["accounts"])
    if ctx.accounts is None:
        return api
    accounts: Accounts = ctx.accounts
    users = accounts.users
    answers = ctx.tables(IdempotentAnswers)

    def found(id: str) -> User:
        user = users.get(id)
        if user is None:
            raise ApiError(404, f'no user "{id}"', field="id")
        return user

    @api.get("/session", name="get_session")
    def get_session(request: Request) -> dict[str, Any]:
        """The signed-in user of the session cookie, the session's `csrf_token`
        (send it in `X-CSRF-Token` with every POST, PUT, PATCH and DELETE) and
        when it ends. 404 for a request with an API key."""
        session = accounts.session_of(request)
        if session is None:
            raise _no_session()
        return session.view()

    @api.post("/session/password", name="change_password")
    def change_password(body: PasswordChange, request: Request, response: Response) -> dict[str, Any]:
        """The signed-in user sets a new password, giving their current one.
        Every session of theirs ends, in every browser; this one goes on with a
        new cookie and `csrf_token` (answered as `GET /v1/session` does). A
        wrong current password is a 403 counted as a failed sign-in (429 after
        5 in 15 minutes). 404 for a request with an API key."""
        session = accounts.session_of(request)
        if session is None:
            raise _no_session()
        renewed, token = accounts.sessions.change_password(session.user, body.password, body.new_password)
        response.headers.append("Set-Cookie", session_cookie(request, token))
        return renewed.view()

    @api.delete("/session", name="sign_out", status_code=204)
    def sign_out(request: Request) -> Response:
        """Ends the session of the cookie, at once in every worker, and clears the cookie."""
        if accounts.session_of(request) is None:
            raise _no_session()
        accounts.sessions.end(request.cookies[SESSION_COOKIE])
        return Response(status_code=204, headers={"Set-Cookie": session_cookie(request)})

    @api.get("/users", name="list_users")
    def list_users(
        role: UserRole | None = Query(None, description="only users of this role", example="staff"),
        status: Status | None = Query(None, description="only invited (no password yet), active or "
                                         "disabled users", example="active"),
        limit: int = limit_query(),
        cursor: str = cursor_query(),
    ) -> dict[str, Any]:
        """The users by login (never a password or its hash)."""
        chosen = [u for u in users.all() if role in (None, u.role) and status in (None, u.status)]
        return paged("users", chosen, lambda u: [login_key(u.login)], User.view, cursor=cursor, limit=limit)

    @api.get("/users/{id}", name="get_user")
    def get_user(id: str = user_id_path()) -> dict[str, Any]:
        """One user."""
        return found(id).view()

    @api.post("/users", name="create_user", status_code=201)
    def create_user(body: NewUser, response: Response, key: str = idempotency_key(),
                    who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """Makes a user without a password, and an invite for them: its `token`,
        shown only now, lets them set their password once, within 7 days
        (`POST /v1/invites/accept`). The same `Idempotency-Key` and body answer
        the first answer again, token included."""
        def make() -> dict[str, Any]:
            user = users.create(body.login, body.name, body.role, resource=body.resource, client=body.client)
            return {"user": user.view(), "invite": users.invite(user.id).view()}
        answer: dict[str, Any] = answered_once(answers, response, who, key, ["create_user", body.dict()], make)
        return answer

    @api.patch("/users/{id}", name="update_user")
    def update_user(body: UserChanges, id: str = user_id_path()) -> dict[str, Any]:
        """Changes the user's name, role, resource or client; what is not given
        stays. Their sessions carry the new role from their next request. The
        last admin keeps the role (409)."""
        return users.update(id, name=body.name, role=body.role, resource=body.resource, client=body.client).view()

    @api.post("/users/{id}/disable", name="disable_user")
    def disable_user(id: str = user_id_path()) -> dict[str, Any]:
        """The user can no longer sign in, and their sessions end at once; their
        invite, if any, is void. The last admin is not disabled (409)."""
        return accounts.disable(id, True).view()

    @api.post("/users/{id}/enable", name="enable_user")
    def enable_user(id: str = user_id_path()) -> dict[str, Any]:
        """The user may sign in again (with the password they had)."""
        return accounts.disable(id, False).view()

    @api.post("/users/{id}/invite", name="invite_user", status_code=201)
    def invite_user(response: Response, id: str = user_id_path(), key: str = idempotency_key(),
                    who: Principal = Depends(ctx.caller)) -> dict[str, str]:
        """A new invite for the user, replacing the one before: for an invite
        lost, or a password forgotten (accepting it sets a new one and ends their
        sessions). The same `Idempotency-Key` answers the same invite again."""
        answer: dict[str, str] = answered_once(answers, response, who, key, ["invite_user", id],
                                               lambda: users.invite(id).view())
        return answer

    @api.get("/keys", name="list_keys")
    def list_keys(limit: int = limit_query(), cursor: str = cursor_query()) -> dict[str, Any]:
        """The API keys, revoked ones too, oldest first: never their secrets."""
        keys = sorted(accounts.keys.all(), key=lambda k: (k.created_at, k.id))
        return paged("keys", keys, lambda k: [k.created_at, k.id], key_view, cursor=cursor, limit=limit)

    @api.post("/keys", name="create_key", status_code=201)
    def create_key(body: NewKey, response: Response, key: str = idempotency_key(),
                   who: Principal = Depends(ctx.caller)) -> dict[str, Any]:
        """A new API key. `key` is the text to send (`Authorization: Bearer
        <key>`), shown only now: the server keeps only a hash of it. The same
        `Idempotency-Key` and body answer the first key again, its text included."""
        def make() -> dict[str, Any]:
            made, text = accounts.keys.create(body.name, body.role, resource=body.resource, client=body.client)
            return {**key_view(made), "key": text}
        answer: dict[str, Any] = answered_once(answers, response, who, key, ["create_key", body.dict()], make)
        return answer

    @api.delete("/keys/{id}", name="revoke_key", status_code=204)
    def revoke_key(id: str = Path(..., description="the key's id", example="4592feeefeec")) -> Response:
        """Revokes the key at once, in every worker (it stays listed, with
        `revoked_at`); 404 when there is no such live key."""
        if not accounts.keys.revoke(id):
            raise ApiError(404, f'no live key "{id}"', field="id")
        return Response(status_code=204)

    return api


def public_routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["accounts"])
    if ctx.accounts is None:
        return api
    accounts: Accounts = ctx.accounts

    @api.post("/session", name="sign_in")
    def sign_in(body: SignIn, request: Request, response: Response) -> dict[str, Any]:
        """Signs in: sets the session cookie (`HttpOnly; SameSite=Lax`, for 12
        hours) and answers the user, the session's `csrf_token` and when it
        ends. A wrong login and a wrong password get the same 401; after 5
        failures in 15 minutes a login is refused for a while (429, `Retry-After`)."""
        session, token = accounts.sessions.sign_in(body.login, body.password)
        if SESSION_COOKIE in request.cookies:
            accounts.sessions.end(request.cookies[SESSION_COOKIE])  # the session this browser had before
        response.headers.append("Set-Cookie", session_cookie(request, token))
        return session.view()

    @api.post("/invites/accept", name="accept_invite")
    def accept_invite(body: InviteAcceptance) -> dict[str, Any]:
        """Sets the invited user's password (at least 10 characters), once;
        then they sign in with `POST /v1/session`. A used, replaced or expired
        invite is a 404."""
        return accounts.accept_invite(body.token, body.password).view()

    return api
