"""The API as a FastAPI router to mount anywhere, and as the app
`python -m slotcraft.server` serves."""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

import slotcraft as sc

from .auth import Authenticator, guard
from .context import Clock, Context, wall_clock
from .errors import ErrorBody, error_response
from . import reference
from .keys import ApiKeys
from .limits import Limits, RateLimiter
from .routes import MODULES, all_rules
from .routing import ApiRoute

# The variables the app factory reads its database and limits from (set by `python -m slotcraft.server`).
DB_VARIABLE = "SLOTCRAFT_SERVER_DB"
PER_KEY_VARIABLE = "SLOTCRAFT_SERVER_PER_KEY"
PER_ADDRESS_VARIABLE = "SLOTCRAFT_SERVER_PER_ADDRESS"

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorBody, "description": "Refused: the error names the field and, for a start "
            "that is not bookable (409), every reason"},
    503: {"model": ErrorBody, "description": "The database is not available"},
}


def router(
    scheduler: sc.Scheduler, *, auth: Authenticator, clock: Clock = wall_clock, limits: Limits = Limits()
) -> APIRouter:
    """The slotcraft API over `scheduler`, to mount into a FastAPI app
    (`app.include_router(router(...), prefix="/v1")`). Every route asks `auth`
    who is calling and answers errors in slotcraft's shape (errors.py); callers
    and client addresses are held to `limits`."""
    ctx = Context(scheduler, clock, guard(auth, all_rules(), RateLimiter(limits.per_key, "per key")))
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
    return api


async def _answer_error(request: Request, error: Exception) -> JSONResponse:
    return error_response(error)


def create_app(
    scheduler: sc.Scheduler, auth: Authenticator, *, clock: Clock = wall_clock, limits: Limits = Limits()
) -> FastAPI:
    """The API under /v1, its OpenAPI document at /v1/openapi.json, a
    reference page over it at /v1/reference, and errors outside the routes
    (an unknown path, a bug) in the same shape."""
    app = FastAPI(
        title="slotcraft",
        version=sc.__version__,
        openapi_url="/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        exception_handlers={HTTPException: _answer_error, Exception: _answer_error},
    )
    app.include_router(router(scheduler, auth=auth, clock=clock, limits=limits), prefix="/v1")
    app.include_router(reference.routes(), prefix="/v1")
    return app


def app_from_environment() -> FastAPI:
    """The app on the database named by $SLOTCRAFT_SERVER_DB, with its API keys
    (uvicorn's factory: each worker process opens its own Scheduler)."""
    scheduler = sc.Scheduler(os.environ[DB_VARIABLE])
    limits = Limits(int(os.environ.get(PER_KEY_VARIABLE, Limits.per_key)),
                    int(os.environ.get(PER_ADDRESS_VARIABLE, Limits.per_address)))
    return create_app(scheduler, ApiKeys(scheduler), limits=limits)
