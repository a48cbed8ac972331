"""The route class of every slotcraft route: a bounded body and errors in the one shape.

It travels with the routes, so `router()` mounted into someone else's FastAPI app
answers the same way without touching that app's own handlers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from .errors import ANSWERED, ApiError, error_response

MAX_BODY_BYTES = 1 << 20

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _too_large() -> ApiError:
    return ApiError(413, f"the body is over {MAX_BODY_BYTES} bytes", field="body")


class BoundedRequest(Request):
    """A request whose body is read only up to MAX_BODY_BYTES."""

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


class ApiRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(BoundedRequest(request.scope, request.receive))
            except ANSWERED as error:
                return error_response(error)

        return answer
