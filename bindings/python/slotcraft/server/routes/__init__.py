"""The route modules: each builds its routes with `routes(ctx)` and keeps the
roles allowed on them in `ROLES`, by route name."""

from __future__ import annotations

from types import ModuleType

from ..auth import Role, Rules
from . import bookings, catalog, holds, slots

MODULES: tuple[ModuleType, ...] = (catalog, slots, bookings, holds)


def all_rules() -> Rules:
    rules: dict[str, frozenset[Role]] = {}
    for module in MODULES:
        if clash := rules.keys() & module.ROLES.keys():
            raise ValueError(f"route names used twice: {sorted(clash)}")
        rules.update(module.ROLES)
    return rules
