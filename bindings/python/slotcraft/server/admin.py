"""The admin panel at /admin: one HTML page whose ES modules (static/admin/)
sign in with the API's user sessions and work through the API under /v1.
Its calendar is FullCalendar's standard bundle with the luxon3 plugin for
named time zones, served from the build's npm files (web.py), never a CDN."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from . import web
from .errors import ApiError
from .reference import assets_dir

# Classic scripts the panel's modules read as globals, in the order they need each other.
LIBRARIES = (
    "luxon/luxon.min.js",
    "fullcalendar/index.global.min.js",
    "@fullcalendar/core/ru.global.min.js",
    "@fullcalendar/luxon3/index.global.min.js",
    "chart.js/chart.umd.min.js",
)

# FullCalendar's stylesheet embeds its icon font as a data: URL.
CONTENT_SECURITY_POLICY = web.CONTENT_SECURITY_POLICY + "; font-src 'self' data:"

SHELL = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>slotcraft admin</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="static/admin/admin.css">
{scripts}
<script type="module" src="static/admin/main.js"></script>
</head>
<body>
<header id="top" class="top"></header>
<main id="main" tabindex="-1"><p class="loading">Loading…</p></main>
<div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>
<noscript><p>The admin panel needs JavaScript.</p></noscript>
</body>
</html>
"""


def shell() -> str:
    """The panel's page: the libraries, then its own module (deferred scripts run in order)."""
    scripts = "\n".join(f'<script src="assets/{path}" defer></script>' for path in LIBRARIES)
    return SHELL.format(scripts=scripts)


def routes() -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/admin")
    def admin_page() -> Response:
        """The admin panel; its views are chosen by the URL's fragment (#/calendar, #/settings)."""
        missing = [path for path in LIBRARIES if not (assets_dir() / path).is_file()]
        if missing:
            raise ApiError(503, f"the admin panel's libraries are not built in {assets_dir()} (missing "
                           f"{', '.join(missing)}; the build installs them with npm ci from web/package-lock.json)")
        return web.page(shell(), csp=CONTENT_SECURITY_POLICY)

    return api
