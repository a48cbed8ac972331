"""The route modules: each builds its routes with `routes(ctx)` and keeps the
roles allowed on them in `ROLES`, by route name.

A module may also build `public_routes(ctx)`: routes that check their own
credentials (a calendar feed's token in its URL, a sign-in's password)
instead of the caller's key or session.
Their names are in the module's `PUBLIC`, and in no `ROLES` table."""

from __future__ import annotations

from types import ModuleType

from ..auth import Role, Rules
from . import (accounts, booking, bookings, calendars, catalog, clients, holds, links, reports, series, slots, waitlist,
               webhooks, workers)

MODULES: tuple[ModuleType, ...] = (
    catalog, clients, slots, bookings, holds, series, waitlist, reports, calendars, workers, webhooks, accounts, links,
    booking)


def all_public() -> frozenset[str]:
    """The names of the routes that check their own credentials."""
    names: set[str] = set()
    for module in MODULES:
        names |= getattr(module, "PUBLIC", frozenset())
    if clash := names & all_rules().keys():
        raise ValueError(f"routes both public and guarded: {sorted(clash)}")
    return frozenset(names)


def all_rules() -> Rules:
    rules: dict[str, frozenset[Role]] = {}
    for module in MODULES:
        if clash := rules.keys() & module.ROLES.keys():
            raise ValueError(f"route names used twice: {sorted(clash)}")
        rules.update(module.ROLES)
    return rules
