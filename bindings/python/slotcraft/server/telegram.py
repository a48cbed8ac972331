"""Telegram Mini App sign-in: the `initData` that Telegram hands a Mini App
(in its URL's fragment, `#tgWebAppData=...`) checked as Telegram documents it
("Validating data received via the Mini App", core.telegram.org/bots/webapps):

    secret_key = HMAC_SHA256(key="WebAppData", message=bot_token)
    hash       = hex(HMAC_SHA256(key=secret_key, message=data_check_string))

where data_check_string is every received field but `hash`, as `key=value`,
sorted by key, joined by line feeds. The bot token comes from the environment
($SLOTCRAFT_TELEGRAM_BOT_TOKEN), read on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

from .errors import ApiError

BOT_TOKEN_VARIABLE = "SLOTCRAFT_TELEGRAM_BOT_TOKEN"

# initData older than this is refused: a copied URL does not sign anyone in for long.
MAX_AGE = timedelta(hours=24)
FIELD = "init_data"


@dataclass(frozen=True)
class TelegramUser:
    """The Telegram account that opened the Mini App."""

    id: str
    name: str
    language_code: str


def _refused(message: str) -> ApiError:
    return ApiError(401, message, field=FIELD)


def data_check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={value}" for key, value in sorted(fields.items()) if key != "hash")


def signature(fields: Mapping[str, str], bot_token: str) -> str:
    """The hex `hash` Telegram puts beside `fields` for the bot `bot_token`."""
    secret_key = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    return hmac.new(secret_key, data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def _fields(init_data: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise _refused("init_data is not Telegram's initData (a query string of key=value fields)") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise _refused("init_data names a field twice")
    return fields


def _check_age(fields: Mapping[str, str], now: datetime) -> None:
    auth_date = fields.get("auth_date", "")
    if not auth_date.isdigit():
        raise _refused("init_data has no auth_date")
    signed_at = datetime.fromtimestamp(int(auth_date), timezone.utc)
    if now - signed_at > MAX_AGE:
        raise _refused(f"init_data is older than {MAX_AGE.total_seconds() / 3600:.0f} hours: open the page "
                       "from the bot again")


def _user(fields: Mapping[str, str]) -> TelegramUser:
    try:
        user = json.loads(fields.get("user", ""))
        id = user["id"]
    except (ValueError, TypeError, KeyError):
        raise ApiError(400, "init_data has no user: open the page from the bot's button", field=FIELD) from None
    if isinstance(id, bool) or not isinstance(id, int):
        raise ApiError(400, "init_data's user has no numeric id", field=FIELD)
    name = " ".join(str(user.get(part) or "").strip() for part in ("first_name", "last_name")).strip()
    # A profile name is not typed for us: what the scheduler refuses in a name
    # (control characters) and what no text can hold (lone surrogates) is dropped.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs"))
    return TelegramUser(str(id), name or str(user.get("username") or id), str(user.get("language_code") or ""))


def verify(init_data: str, now: datetime) -> TelegramUser:
    """The user of `init_data` if Telegram signed it for this server's bot within
    MAX_AGE of `now`; else a 401 naming init_data. Without a bot token set,
    nothing can be checked: a 503, whatever `init_data` is."""
    bot_token = os.environ.get(BOT_TOKEN_VARIABLE, "")
    if not bot_token:
        raise ApiError(503, f"this server has no Telegram bot token (set {BOT_TOKEN_VARIABLE}), so it cannot "
                       "check a Mini App's initData")
    fields = _fields(init_data)
    received = fields.get("hash", "")
    if not received:
        raise _refused("init_data has no hash: it was not signed by Telegram")
    _check_age(fields, now)
    if not hmac.compare_digest(signature(fields, bot_token).encode(), received.encode()):
        raise _refused("init_data's signature does not match: it was not signed by Telegram for this bot, "
                       "or was changed")
    return _user(fields)
