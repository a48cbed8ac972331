"""The HTTP/1.1 protocol `python3 -m slotcraft.server` serves with: uvicorn's,
with Nagle's algorithm off on every connection.

asyncio turns it off on the connections it accepts, but only on sockets whose
`proto` says TCP, and a socket a `--workers` process inherits from uvicorn's
supervisor reads `proto` 0. Then a small answer that uvicorn writes in two
pieces (the headers, the body) holds its body back until the client
acknowledges the headers, which a client delays by 40 ms: every POST took
48 ms with two workers and 3 ms with one (docs/performance.md).
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
