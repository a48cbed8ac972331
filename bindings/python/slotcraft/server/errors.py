"""One error shape for every answer, the CLI's:
`{"error": {"field": "...", "message": "...", "reasons": [...]}}`.

`field` names what the client sent (a query parameter, a body field, a header),
`reasons` lists every reason a start is not bookable (code, booking, message).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

import slotcraft as sc

log = logging.getLogger(__name__)

STATUS_OF_CATEGORY: Mapping[str, int] = {"invalid_argument": 400, "not_found": 404, "conflict": 409}


class ApiError(HTTPException):
    """An answer other than 2xx from the server's own checks (auth, roles, limits)."""

    def __init__(
        self, status: int, message: str, *, field: str = "", headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(status, message, headers=dict(headers or {}))
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


# The errors a route answers itself; anything else propagates to the app's 500 handler.
ANSWERED: tuple[type[Exception], ...] = (sc.Error, RequestValidationError, HTTPException)


class Reason(BaseModel):
    code: str
    booking: str
    message: str


class ErrorDetail(BaseModel):
    field: str
    message: str
    reasons: list[Reason]


class ErrorBody(BaseModel):
    """The body of every error answer (documented in the OpenAPI document)."""

    error: ErrorDetail


def error_body(message: str, field: str = "", reasons: Sequence[sc.Reason] = ()) -> dict[str, Any]:
    return {"error": {"field": field, "message": message, "reasons": [r.to_dict() for r in reasons]}}


def _validation_field(location: Sequence[str | int]) -> str:
    """`("body", "resources", 0, "id")` → `resources[0].id`, as slotcraft names fields."""
    field = ""
    for part in location[1:]:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else part)
    return field or str(location[0])


def error_response(error: Exception) -> JSONResponse:
    """The answer for an error: an `ANSWERED` one says what went wrong, anything
    else (a bug) is a 500 that says nothing more."""
    if isinstance(error, ApiError):
        return JSONResponse(error_body(error.message, error.field), error.status_code, headers=error.headers)
    if isinstance(error, sc.StorageError):
        log.warning("the store failed: %s", error)  # its text may quote SQL: kept out of the answer
        return JSONResponse(error_body("the database is not available"), 503)
    if isinstance(error, sc.Error):
        status = STATUS_OF_CATEGORY.get(error.category, 500)
        return JSONResponse(error_body(error.message, error.field, error.reasons), status)
    if isinstance(error, RequestValidationError):
        first = error.errors()[0]
        if first["type"] == "value_error.jsondecode":
            return JSONResponse(error_body(f"not JSON: {first['msg']}", "body"), 400)
        return JSONResponse(error_body(first["msg"], _validation_field(first["loc"])), 400)
    if isinstance(error, HTTPException):
        return JSONResponse(error_body(str(error.detail)), error.status_code, headers=error.headers)
    return JSONResponse(error_body("internal error"), 500)


def plain_text(value: str, field: str) -> str:
    """`value`, or a 400 naming `field` when it holds a control character (NUL, a line break, an escape), as
    slotcraft refuses them in its own names: a name is shown on pages and in terminals and logs, one line."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ApiError(400, "must not hold control characters (such as NUL or a line break)", field=field)
    return value


def minutes_field(value: int, field: str) -> timedelta:
    """`value` minutes, or a 400 naming `field` when no duration is that long."""
    try:
        return timedelta(minutes=value)
    except OverflowError:
        raise ApiError(400, f"must be at most {timedelta.max // timedelta(minutes=1)} minutes", field=field) from None


@contextmanager
def fields_named(**names: str) -> Iterator[None]:
    """Reports a scheduler argument under the name the client sent it as
    (`fields_named(start="from")`: the scheduler's `start` is the query's `from`)."""
    try:
        yield
    except sc.Error as error:
        error.field = names.get(error.field, error.field)
        raise


@contextmanager
def body_fields(record: str) -> Iterator[None]:
    """Reports a field of a record read from the body as the body names it:
    slotcraft's `resource.schedules[0].location` is the body's `schedules[0].location`."""
    try:
        yield
    except sc.Error as error:
        if error.field.startswith(record + "."):
            error.field = error.field[len(record) + 1:]
        elif error.field == record:
            error.field = "body"
        raise
