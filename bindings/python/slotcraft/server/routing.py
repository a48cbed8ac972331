"""The route class of every slotcraft route: a bounded body and errors in the one shape.

It travels with the routes, so `router()` mounted into someone else's FastAPI app
answers the same way without touching that app's own handlers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import unquote

from fastapi.dependencies.utils import get_flat_dependant, is_scalar_field
from fastapi.routing import APIRoute
from starlette.convertors import StringConvertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Scope

from .errors import ANSWERED, ApiError, error_response

MAX_BODY_BYTES = 1 << 20

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _too_large() -> ApiError:
    return ApiError(413, f"the body is over {MAX_BODY_BYTES} bytes", field="body")


def _members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members. A name given twice is a 400 naming it: Python's json would keep the last silently,
    and I-JSON (RFC 7493 §2.3) forbids it, as slotcraft's own JSON reader does."""
    members = dict(pairs)
    if len(members) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise ApiError(400, "is given twice in one object; give each member once", field=name)
            seen.add(name)
    return members


class BoundedRequest(Request):
    """A request whose body is read only up to MAX_BODY_BYTES, and whose JSON names each member once."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = json.loads(body, object_pairs_hook=_members)
            except RecursionError:  # FastAPI would answer any such error a 400 naming nothing
                raise ApiError(400, "nests too deep to be read", field="body") from None
            except UnicodeDecodeError:
                raise ApiError(400, "is not UTF-8 text", field="body") from None
            except json.JSONDecodeError:
                raise  # FastAPI answers it, naming `body`
            except ValueError as error:  # an integer of more digits than Python converts (4300)
                raise ApiError(400, f"cannot be read: {error}", field="body") from None
        return self._json

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            declared = self.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                raise _too_large()
            chunks: list[bytes] = []
            size = 0
            async for chunk in self.stream():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise _too_large()
                chunks.append(chunk)
            self._body = b"".join(chunks)
        return self._body


def _routing_path(raw_path: bytes) -> str:
    """The path with each segment decoded on its own and `/` inside a segment (sent as %2F) written `~s`
    (`~` itself `~~`), so that an id holding a slash stays one segment. A byte that is not part of a UTF-8
    character stays a lone surrogate (`_check_path` refuses it): replaced, %FF and %FE would both name U+FFFD."""
    segments = [unquote(part.decode("latin-1"), encoding="utf-8", errors="surrogateescape")
                for part in raw_path.split(b"/")]
    return "/".join(part.replace("~", "~~").replace("/", "~s") for part in segments)


def _routing_path_of(scope: Scope) -> str:
    """The path to match for `scope`: `_routing_path` of the path as sent when it holds a percent sign, else ""
    (Starlette's own decoded path serves)."""
    raw = (scope.get("raw_path") or b"").split(b"?", 1)[0]  # some clients' raw_path holds the query too
    if b"%" not in raw:
        return ""
    root = scope.get("root_path", "").encode("latin-1", errors="replace")
    if root and raw.startswith(root):  # mounted below a prefix: the path after it
        raw = raw[len(root):]
    return _routing_path(raw) if raw.startswith(b"/") else ""


# Where a request's scope keeps the path `_routing_path_of` worked out, with the raw and root path it is of.
_ROUTING_PATH = "slotcraft.routing_path"

_ESCAPED = re.compile("~(~|s)")


def _unescaped(value: str) -> str:
    return _ESCAPED.sub(lambda m: "~" if m[1] == "~" else "/", value)


def _check_query(request: Request, repeatable: dict[str, bool]) -> None:
    """A query parameter the route does not take, or one of its single ones given twice, is a 400 naming it:
    FastAPI would ignore the first and keep the last of the second, and a misspelt filter (`resource=` for
    `resources=`) would answer as if none were given. `repeatable` maps each parameter the route takes to
    whether it is a list."""
    seen: set[str] = set()
    for name, _ in request.query_params.multi_items():
        if name not in repeatable:
            known = ", ".join(sorted(repeatable)) or "none"
            raise ApiError(400, f"is not a parameter of this route (it takes: {known})", field=name)
        if name in seen and not repeatable[name]:
            raise ApiError(400, "is given twice; give it once", field=name)
        seen.add(name)


def _check_headers(request: Request, singles: list[str]) -> None:
    """A header the route reads once (`Idempotency-Key`, `Authorization`) given twice is a 400 naming it:
    one of the two would be read and the other dropped, and the client cannot tell which."""
    for name in singles:
        if len(request.headers.getlist(name)) > 1:
            raise ApiError(400, "is given twice; give it once", field=name)


def _check_path(request: Request) -> None:
    """An empty segment where the path takes a parameter (`PUT /v1/locations/`), or one whose percent-encoded
    bytes are not UTF-8 text (`_routing_path`), is a 400 naming it."""
    for name, value in request.path_params.items():
        if value == "":
            raise ApiError(400, "is empty: the path names no record there", field=name)
        if isinstance(value, str) and _NOT_UTF8.search(value):
            raise ApiError(400, "is not UTF-8 text: percent-encode the id's UTF-8 bytes", field=name)


# What `_routing_path` leaves of a byte that is not part of a UTF-8 character.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")

# A `str` path parameter as Starlette compiles it (`[^/]+`), to be matched when empty too.
_STR_PARAMETER = re.compile(r"\(\?P<(\w+)>\[\^/\]\+\)")


class ApiRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        # A path with a parameter's segment empty matches too, and is answered a 400 naming it (_check_path):
        # else Starlette answers a bare 307 to the collection (`/v1/locations/` → `/v1/locations`), or a 404.
        self.path_regex = re.compile(_STR_PARAMETER.sub(
            lambda m: f"(?P<{m[1]}>[^/]*)" if isinstance(self.param_convertors.get(m[1]), StringConvertor) else m[0],
            self.path_regex.pattern))

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """As Starlette matches, but on the path as sent, each segment decoded on its own: an id may hold a
        slash (`/v1/resources/room%2F1`), which the decoded path uvicorn hands routing would split in two."""
        if scope["type"] != "http":
            return super().matches(scope)
        # Worked out once a request (the router asks every route with the same scope), again below a mount.
        of = (scope.get("raw_path"), scope.get("root_path", ""))
        kept = scope.get(_ROUTING_PATH)
        if kept is None or kept[0] != of:
            kept = scope[_ROUTING_PATH] = (of, _routing_path_of(scope))
        path = kept[1]
        if not path:
            return super().matches(scope)
        match, child = super().matches({**scope, "path": path})
        if match != Match.NONE:
            child["path_params"] = {key: _unescaped(value) if key in self.param_convertors and isinstance(value, str)
                                    else value for key, value in child["path_params"].items()}
        return match, child

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        flat = get_flat_dependant(self.dependant)
        repeatable = {field.alias: not is_scalar_field(field) for field in flat.query_params}
        single_headers = ["Authorization", *(field.alias for field in flat.header_params if is_scalar_field(field))]

        async def answer(request: Request) -> Response:
            try:
                _check_path(request)
                _check_query(request, repeatable)
                _check_headers(request, single_headers)
                return await handler(BoundedRequest(request.scope, request.receive))
            except ANSWERED as error:
                return error_response(error)

        return answer
