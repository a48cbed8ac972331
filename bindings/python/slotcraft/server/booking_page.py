"""The public booking page at /book/<id>: one HTML page whose ES modules
(static/book/) book through the public routes under /v1/public (routes/booking.py).
Opened from a Telegram bot's web_app button it is a Mini App: its script reads
Telegram's initData from the URL's fragment, with no script from Telegram's site."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from . import web

# Telegram Web shows a Mini App in a frame of web.telegram.org; no other site may frame the page.
CONTENT_SECURITY_POLICY = web.CONTENT_SECURITY_POLICY.replace(
    "frame-ancestors 'none'", "frame-ancestors https://web.telegram.org")

SHELL = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Book</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="../static/book/book.css">
<script type="module" src="../static/book/main.js"></script>
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


def routes() -> APIRouter:
    api = APIRouter(include_in_schema=False)

    @api.get("/book/{slug}")
    def booking_page(slug: str) -> Response:
        """The page of the booking link `slug`; its script asks the API what the link offers."""
        return web.page(SHELL, csp=CONTENT_SECURITY_POLICY)

    return api
