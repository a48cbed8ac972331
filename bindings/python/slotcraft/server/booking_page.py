"""The public booking page at /book/<id>: one HTML page whose ES modules
(static/book/) book through the public routes under /v1/public (routes/booking.py).
Opened from a Telegram bot's web_app button it is a Mini App: its script reads
Telegram's initData from the URL's fragment, with no script from Telegram's site."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from . import web
from .context import Context
from .links import BookingLinks

# Telegram Web shows a Mini App in a frame of web.telegram.org; no other site may frame the page.
CONTENT_SECURITY_POLICY = web.CONTENT_SECURITY_POLICY.replace(
    "frame-ancestors 'none'", "frame-ancestors https://web.telegram.org")

# The head both pages share; `{title}` is filled by each.
HEAD = """<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="../static/book/book.css">
"""

SHELL = """<!doctype html>
<html lang="en">
<head>
""" + HEAD.format(title="Book") + """<script type="module" src="../static/book/main.js"></script>
</head>
<body>
<header class="top">
<h1 id="title">Book</h1>
<p id="subtitle" class="subtitle"></p>
<button type="button" id="language" class="link-button"></button>
</header>
<div id="notice" class="notice" role="status" aria-live="polite"></div>
<main id="main" tabindex="-1"><p class="loading">Loading…</p></main>
<noscript><p>This booking page needs JavaScript.</p></noscript>
</body>
</html>
"""


# A page no link has, in the words of static/book/i18n.js ("page.title", "page.missing"), in each of its languages.
MISSING_TEXTS = {
    "en": ("Book", "This booking page does not exist or is closed."),
    "ru": ("Запись", "Такой страницы записи нет, или она закрыта."),
}

MISSING = """<!doctype html>
<html lang="{language}">
<head>
""" + HEAD + """</head>
<body>
<header class="top">
<h1 id="title">{title}</h1>
</header>
<main id="main"><p class="alert" role="alert">{message}</p></main>
</body>
</html>
"""


def language_of(accept_language: str) -> str:
    """The page's language for a browser sending `Accept-Language`, as i18n.js chooses from the browser's own
    language (its most preferred one): Russian for `ru`, else English."""
    best, best_q = "", 0.0
    for item in accept_language.split(","):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag.strip() and q > best_q:
            best, best_q = tag.strip(), q
    wanted = best[:2].lower()
    return wanted if wanted in MISSING_TEXTS else "en"


def missing_page(accept_language: str) -> Response:
    """The 404 of a link no one made: the page's "does not exist" alert, in its style, with no script."""
    language = language_of(accept_language)
    title, message = MISSING_TEXTS[language]
    answer = web.page(MISSING.format(language=language, title=title, message=message),
                      csp=CONTENT_SECURITY_POLICY, status=404)
    answer.headers["Content-Language"] = language
    answer.headers["Vary"] = "Accept-Language"
    return answer


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/book/{slug}")
    def booking_page(slug: str, request: Request) -> Response:
        """The page of the booking link `slug`; its script asks the API what the link offers. A disabled
        link's page opens too (it says the page is closed, and its bookings' manage links work); a link no
        one made is a 404."""
        if ctx.tables(BookingLinks).get(slug) is None:
            return missing_page(request.headers.get("accept-language", ""))
        return web.page(SHELL, csp=CONTENT_SECURITY_POLICY)

    return api
