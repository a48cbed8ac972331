"""Nagle's algorithm is off on the server's connections, even on a listening
socket inherited the way `--workers` processes inherit theirs (docs/performance.md:
with it on, a small answer waited 40 ms for the client's delayed ACK)."""

from __future__ import annotations

import asyncio
import socket

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from slotcraft.server.tcp import NoDelayH11Protocol


async def _empty_app(scope: object, receive: object, send: object) -> None:
    pass


async def _nodelay_of_accepted_connection(protocol: type[H11Protocol]) -> int:
    listening = socket.create_server(("127.0.0.1", 0))
    # What a worker process gets: the same socket, its protocol number lost.
    inherited = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 0, fileno=listening.detach())
    assert inherited.proto == 0
    config = uvicorn.Config(_empty_app, http=protocol, lifespan="off", log_level="error")
    config.load()
    made: list[H11Protocol] = []

    def factory() -> H11Protocol:
        made.append(protocol(config=config, server_state=ServerState()))
        return made[-1]

    server = await asyncio.get_running_loop().create_server(factory, sock=inherited)
    _, writer = await asyncio.open_connection(*inherited.getsockname())
    while not made or made[0].transport is None:
        await asyncio.sleep(0.01)
    accepted = made[0].transport.get_extra_info("socket")
    nodelay: int = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    writer.close()
    server.close()
    await server.wait_closed()
    return nodelay


def test_the_servers_protocol_turns_nagle_off_on_an_inherited_socket() -> None:
    assert asyncio.run(_nodelay_of_accepted_connection(NoDelayH11Protocol)) != 0


def test_uvicorns_own_protocol_leaves_nagle_on_there() -> None:
    """Why NoDelayH11Protocol exists (the defect it fixes); when this fails,
    asyncio or uvicorn fixed it themselves and tcp.py can go."""
    assert asyncio.run(_nodelay_of_accepted_connection(H11Protocol)) == 0
