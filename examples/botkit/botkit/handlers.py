"""Handler tables: each area of a bot (registration, booking, support, the
poll, ...) says in one place, for every command, button prefix and dialog
state, which handler serves it, which roles may use it and, for a state, the
prompt that asks for its answer.

    router = Router("support")

    class Support:
        @router.command("person", roles=CLIENTS)
        def person(self, user, arg): ...

        @router.button("op", roles=STAFF)        # data "op:take:7" → op(self, user, "take:7", message_id)
        def op(self, user, rest, message_id): ...

        @router.state("op_reply", roles=STAFF, prompt="ask_op_reply")
        def op_reply(self, user, text): ...

A bot merges its areas' routers (`Routes`); `BotCore` dispatches by them:
a role not allowed is refused before any handler runs, an unknown command or
button is answered, and a state's prompt is repeated after garbage input or
a restart. A name used twice is an error when the bot is built, not a silent
override. (aiogram's routers and python-telegram-bot's ConversationHandler
organise handlers this way; this is ours, a table and nothing more.)"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

Handler = Callable[..., None]
F = TypeVar("F", bound=Handler)
# A state's prompt: a catalog key said as it is, or a function (bot, user) for one with buttons or parameters.
Prompt = str | Callable[[Any, dict], None]

KINDS = ("command", "button", "state")


@dataclass(frozen=True)
class Route:
    """One row of a table: `kind` (command, button, state), its `name` (the command without "/", the
    button data's prefix before ":", the state), the `handler` (called as a method of the bot), the
    `roles` that may use it, and for a state its `prompt`."""

    area: str
    kind: str
    name: str
    handler: Handler
    roles: frozenset[str]
    prompt: Prompt | None = None

    @property
    def label(self) -> str:
        """How the log names it: `book`, `bk:`, `state confirm`."""
        return {"command": self.name, "button": f"{self.name}:", "state": f"state {self.name}"}[self.kind]


class Router:
    """The table of one area, filled by decorating its handlers."""

    def __init__(self, area: str) -> None:
        self.area = area
        self.routes: list[Route] = []

    def _add(self, kind: str, names: Iterable[str], roles: Iterable[str], prompt: Prompt | None) -> Callable[[F], F]:
        allowed = frozenset(roles)
        if not allowed:
            raise ValueError(f"{self.area}: a route without roles would be refused to everyone")

        def register(handler: F) -> F:
            for name in names:
                self.routes.append(Route(self.area, kind, name, handler, allowed, prompt))
            return handler
        return register

    def command(self, *names: str, roles: Iterable[str]) -> Callable[[F], F]:
        """`/name arg` → handler(bot, user, arg); several names are aliases."""
        return self._add("command", names, roles, None)

    def button(self, prefix: str, *, roles: Iterable[str]) -> Callable[[F], F]:
        """Button data `prefix:rest` → handler(bot, user, rest, message_id)."""
        return self._add("button", (prefix,), roles, None)

    def state(self, name: str, *, roles: Iterable[str], prompt: Prompt | None = None) -> Callable[[F], F]:
        """Text while the user's dialog is in `name` → handler(bot, user, text); `prompt` asks for it again."""
        return self._add("state", (name,), roles, prompt)


class Routes:
    """Every router of a bot, looked up by kind and name."""

    def __init__(self, *routers: Router) -> None:
        self._by: dict[tuple[str, str], Route] = {}
        for router in routers:
            for route in router.routes:
                key = (route.kind, route.name)
                if key in self._by:
                    raise ValueError(f"{route.kind} {route.name!r} is in both {self._by[key].area} and {route.area}")
                self._by[key] = route

    def find(self, kind: str, name: str) -> Route | None:
        assert kind in KINDS
        return self._by.get((kind, name))

    def __iter__(self) -> Iterator[Route]:
        return iter(self._by.values())
