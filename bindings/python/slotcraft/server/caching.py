"""What browsers may keep of the API's answers: nothing, unless a route says
otherwise. Free slots and a booking's state change at any moment, and a page
reopened with Back must ask again rather than show an answer it kept."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/v1/"


class NoStoreByDefault:
    """ASGI middleware: an answer under /v1/ without a Cache-Control header of
    its own (calendar feeds and the reference page's files have one) gets
    `Cache-Control: no-store`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    message = {**message, "headers": [*headers, (b"cache-control", b"no-store")]}
            await send(message)

        await self.app(scope, receive, send_with_policy)
