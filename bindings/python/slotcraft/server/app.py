"""The API as a FastAPI router to mount anywhere, and as the app
`python -m slotcraft.server` serves."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

import slotcraft as sc

from .accounts import Accounts
from .auth import Authenticator, guard
from .caching import NoStoreByDefault
from .context import Clock, Context, wall_clock
from .errors import ErrorBody, error_response
from . import admin, booking_page, reference, web
from .keys import ApiKeys
from .limits import Limits, RateLimiter
from .routes import MODULES, all_rules
from .routing import ApiRoute
from .webhooks import Dispatcher, Webhooks

# The variables the app factory reads its database and limits from (set by `python -m slotcraft.server`).
DB_VARIABLE = "SLOTCRAFT_SERVER_DB"
PER_KEY_VARIABLE = "SLOTCRAFT_SERVER_PER_KEY"
PER_ADDRESS_VARIABLE = "SLOTCRAFT_SERVER_PER_ADDRESS"
WEBHOOKS_VARIABLE = "SLOTCRAFT_SERVER_WEBHOOK_SECONDS"

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorBody, "description": "Refused: the error names the field and, for a start "
            "that is not bookable (409), every reason"},
    503: {"model": ErrorBody, "description": "The database is not available"},
}


def router(
    scheduler: sc.Scheduler, *, auth: Authenticator, clock: Clock = wall_clock, limits: Limits = Limits(),
    webhook_interval: timedelta | None = None,
) -> APIRouter:
    """The slotcraft API over `scheduler`, to mount into a FastAPI app
    (`app.include_router(router(...), prefix="/v1")`). Every route asks `auth`
    who is calling and answers errors in slotcraft's shape (errors.py); when
    `auth` is the server's own `Accounts`, the routes that manage its users,
    sessions and API keys are there too. Callers and client addresses are
    held to `limits`. With `webhook_interval` the
    app also delivers webhooks, a pass every interval, while it runs (else
    `python3 -m slotcraft.server webhooks deliver` does)."""
    return _router(scheduler, auth=auth, clock=clock, limits=limits, webhook_interval=webhook_interval)[0]


def _router(
    scheduler: sc.Scheduler, *, auth: Authenticator, clock: Clock, limits: Limits, webhook_interval: timedelta | None,
) -> tuple[APIRouter, Context]:
    """`router`, and the context its routes share (the booking page asks it which links there are)."""
    ctx = Context(scheduler, clock, guard(auth, all_rules(), RateLimiter(limits.per_key, "per key")),
                  accounts=auth if isinstance(auth, Accounts) else None)
    per_address = RateLimiter(limits.per_address, "from one address")

    def address_limit(request: Request) -> None:
        per_address.take(request.client.host if request.client else "")

    api = APIRouter(route_class=ApiRoute, responses=ERROR_RESPONSES, dependencies=[Depends(address_limit)])
    guarded = APIRouter(route_class=ApiRoute, dependencies=[Depends(ctx.caller)])
    for module in MODULES:
        guarded.include_router(module.routes(ctx))
        if hasattr(module, "public_routes"):
            api.include_router(module.public_routes(ctx))
    api.include_router(guarded)
    if webhook_interval is not None:
        _deliver_webhooks_while_running(api, ctx, webhook_interval)
    return api, ctx


def _deliver_webhooks_while_running(api: APIRouter, ctx: Context, interval: timedelta) -> None:
    """A thread delivering webhooks from the app's start to its shutdown. It
    shares the routes' tables, so a `memory:` store's webhooks are delivered too."""
    stop = threading.Event()
    dispatcher = Dispatcher(ctx.tables(Webhooks), clock=ctx.clock)
    thread = threading.Thread(target=dispatcher.run, args=(interval, stop), name="webhooks", daemon=True)

    def start() -> None:
        thread.start()

    def finish() -> None:
        stop.set()
        thread.join()

    api.on_startup.append(start)
    api.on_shutdown.append(finish)


async def _answer_error(request: Request, error: Exception) -> JSONResponse:
    return error_response(error)


def create_app(
    scheduler: sc.Scheduler, auth: Authenticator | ApiKeys, *, clock: Clock = wall_clock, limits: Limits = Limits(),
    webhook_interval: timedelta | None = None,
) -> FastAPI:
    """The API under /v1 (answers not kept by browsers: caching.py), its
    OpenAPI document at /v1/openapi.json, a reference page over it at
    /v1/reference, and errors outside the routes (an unknown path, a bug) in
    the same shape. Given `ApiKeys`, callers sign in with those keys or as the
    database's users (`Accounts`); given another authenticator, with what it
    accepts. `webhook_interval`: see `router`."""
    if isinstance(auth, ApiKeys):
        auth = Accounts(scheduler, auth, clock=clock)
    app = FastAPI(
        title="slotcraft",
        version=sc.__version__,
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        exception_handlers={HTTPException: _answer_error, Exception: _answer_error},
    )
    api, ctx = _router(scheduler, auth=auth, clock=clock, limits=limits, webhook_interval=webhook_interval)
    app.include_router(api, prefix="/v1")
    app.include_router(reference.routes(), prefix="/v1")
    app.include_router(web.routes())
    app.include_router(booking_page.routes(ctx))
    app.include_router(admin.routes())
    app.add_middleware(NoStoreByDefault)
    return app


def app_from_environment() -> FastAPI:
    """The app on the database named by $SLOTCRAFT_SERVER_DB, with its API keys
    and users (uvicorn's factory: each worker process opens its own Scheduler)."""
    scheduler = sc.Scheduler(os.environ[DB_VARIABLE])
    limits = Limits(int(os.environ.get(PER_KEY_VARIABLE, Limits.per_key)),
                    int(os.environ.get(PER_ADDRESS_VARIABLE, Limits.per_address)))
    seconds = float(os.environ.get(WEBHOOKS_VARIABLE, "0"))
    return create_app(scheduler, ApiKeys(scheduler), limits=limits,
                      webhook_interval=timedelta(seconds=seconds) if seconds > 0 else None)
