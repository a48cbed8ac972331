"""Cursor paging of lists: `?limit=&cursor=` in, `{"<items>": [...], "next": cursor|null}` out.

A cursor is the sort key of the last item answered, opaque to clients
(base64url of its JSON), so a page does not shift when items before it are
added or removed, as offsets would.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import Query

from .errors import ApiError

T = TypeVar("T")
Key = list[str]

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def limit_query() -> Any:
    return Query(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                 description=f"items per page, 1 to {MAX_LIMIT} ({DEFAULT_LIMIT} by default)", example=20)


def cursor_query() -> Any:
    return Query(default="", max_length=1024, description="the `next` of the previous page, passed back "
                 "unchanged; none: the first page")


def encode_cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, parts: int | None = None) -> Key:
    """The key a page's `next` encodes (of `parts` strings, when given); a 400 naming `cursor` for anything else."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if (not isinstance(key, list) or not all(isinstance(part, str) for part in key)
            or (parts is not None and len(key) != parts)):
        raise ApiError(400, "not a cursor this server gave (pass a page's `next` unchanged)", field="cursor")
    return key


def page(items: Sequence[T], key: Callable[[T], Key], *, cursor: str, limit: int) -> tuple[list[T], str | None]:
    """The items after `cursor` (items sorted by `key`), at most `limit`, and the cursor of the next page."""
    after = decode_cursor(cursor) if cursor else None
    rest = [item for item in items if after is None or key(item) > after]
    chosen = rest[:limit]
    return chosen, encode_cursor(key(chosen[-1])) if len(rest) > limit else None


def paged(name: str, items: Sequence[T], key: Callable[[T], Key], view: Callable[[T], Any], *,
          cursor: str, limit: int) -> dict[str, Any]:
    chosen, next_cursor = page(items, key, cursor=cursor, limit=limit)
    return {name: [view(item) for item in chosen], "next": next_cursor}
