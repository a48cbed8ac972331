"""A master's service line, `Haircut; 30; 25 EUR; buffer 10; seats 1`: read
exactly, part by part, or refused naming the part; never guessed."""

from __future__ import annotations

import re
from typing import Any

from botkit.core import InputError

# The duration: minutes, with the unit written or not (`30`, `30 min`, `45 мин`).
DURATION = re.compile(r"^(\d+)\s*(?:min|мин\.?|минут)?$", re.IGNORECASE)
OPTION = re.compile(r"^(buffer|буфер|seats|мест|места|notice|заранее)\s*[:=]?\s*(\S*)\s*(?:min|мин\.?|минут)?$",
                    re.IGNORECASE)
BUFFER_WORDS = ("buffer", "буфер")
NOTICE_WORDS = ("notice", "заранее")
LIMITS = {"buffer": (0, 240), "seats": (1, 100), "notice": (0, 10080)}  # minutes, seats, minutes (a week)
DEFAULT_NOTICE = 60  # minutes: a new service is not bookable in the coming hour unless its line says otherwise


def round_step(minutes: int) -> int:
    """The grid of a new service's times (slotcraft's `clock` alignment, from local midnight): every half
    hour, or quarter hour for short services, so times fall on round marks whatever the hours' starts."""
    return 30 if minutes >= 30 else 15


def parse_service(text: str) -> dict[str, Any]:
    """`Haircut; 30; 25 EUR; buffer 10; seats 1`: name and minutes, then optional
    parts, each read or refused (naming the part), never guessed: `buffer: 20`
    and `буфер 20 мин` are a buffer, a price has a digit and comes once."""
    parts = [p.strip() for p in text.split(";")]
    duration = DURATION.match(parts[1]) if len(parts) >= 2 else None
    if not parts[0] or duration is None:
        raise InputError("bad_service")
    minutes = int(duration.group(1))
    if not 5 <= minutes <= 720:
        raise InputError("bad_duration")
    service = {"name": parts[0][:64], "minutes": minutes, "price": "", "buffer": 0, "seats": 1,
               "notice": DEFAULT_NOTICE, "step": round_step(minutes), "align": "clock"}
    for part in filter(None, parts[2:]):
        option = OPTION.match(part)
        if option:
            word, value = option.group(1).lower(), option.group(2)
            key = "buffer" if word in BUFFER_WORDS else "notice" if word in NOTICE_WORDS else "seats"
            low, high = LIMITS[key]
            if not value.isdigit() or not low <= int(value) <= high:
                raise InputError("bad_service_part", part=part)
            service[key] = int(value)
        elif service["price"] or not any(c.isdigit() for c in part) or len(part) > 32:
            raise InputError("bad_service_part", part=part)
        else:
            service["price"] = part
    return service
