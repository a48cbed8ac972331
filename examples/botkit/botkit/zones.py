"""Time zones as people name them: a city in English or Russian ("Moscow",
"Москва", "Нью-Йорк"), an IANA name ("Europe/Moscow"), or an abbreviation
("MSK", "CET"). City names come from the Unicode CLDR through Debian's
python3-babel (`get_timezone_location`), abbreviations from the tz database
(`zoneinfo`): nothing here is a table of our own.

`candidates(text)` answers the zones the text may mean: one when it is clear,
several (to offer as buttons) when it is not, none when nothing matches (an
abbreviation dozens of cities share, such as CET, asks for the city).
"""

from __future__ import annotations

import difflib
import functools
import re
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, available_timezones

from babel.dates import get_timezone_location

LOCALES = ("en", "ru")
MAX_CANDIDATES = 6
# Two moments half a year apart: a zone's abbreviations in winter and in summer.
_SEASONS = (datetime(2026, 1, 15, tzinfo=timezone.utc), datetime(2026, 7, 15, tzinfo=timezone.utc))


def _key(text: str) -> str:
    """What two spellings of one name share: case, 'ё', '_', '-' and spaces aside."""
    return re.sub(r"[\s_\-]+", " ", text.casefold().replace("ё", "е")).strip()


@functools.lru_cache(maxsize=1)
def _zones() -> list[str]:
    """The zones of places, as the tz database lists them in zone1970.tab (not `Etc/GMT+3`, nor links
    such as `Europe/Kiev` for `Europe/Kyiv`); every zone with a '/' where that file is missing."""
    for folder in TZPATH:
        table = Path(folder) / "zone1970.tab"
        if table.is_file():
            rows = (line.split("\t") for line in table.read_text().splitlines() if not line.startswith("#"))
            return sorted(row[2] for row in rows if len(row) >= 3)
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


@functools.lru_cache(maxsize=1)
def _by_city() -> dict[str, list[str]]:
    """Each city's key → its zones: the IANA city ('new york') and CLDR's city in each locale ('нью-йорк')."""
    found: dict[str, list[str]] = {}
    for zone in _zones():
        names = {zone.rsplit("/", 1)[1]} | {get_timezone_location(zone, locale=loc, return_city=True) for loc in LOCALES}
        for name in names:
            zones = found.setdefault(_key(name), [])
            if zone not in zones:
                zones.append(zone)
    return found


@functools.lru_cache(maxsize=1)
def _by_abbreviation() -> dict[str, list[str]]:
    """'msk' → the zones that use MSK, from the tz database, in winter or in summer."""
    found: dict[str, list[str]] = {}
    for zone in _zones():
        for moment in _SEASONS:
            abbreviation = moment.astimezone(ZoneInfo(zone)).tzname() or ""
            if abbreviation.isalpha():  # "+03" is an offset the database writes when it knows no name
                zones = found.setdefault(abbreviation.casefold(), [])
                if zone not in zones:
                    zones.append(zone)
    return found


def city(zone: str, locale: str) -> str:
    """The zone's city as people of `locale` write it ('Москва')."""
    return str(get_timezone_location(zone, locale=locale if locale in LOCALES else "en", return_city=True))


def candidates(text: str) -> list[str]:
    """The zones `text` may mean, best first: one for an IANA name, a city or an abbreviation only one
    zone uses; several for an abbreviation many share or a near miss ('Moskva'); none for nothing."""
    text = text.strip()
    if text in available_timezones():
        return [text]
    key = _key(text)
    if not key:
        return []
    if key in _by_city():
        return _by_city()[key][:MAX_CANDIDATES]
    if key in _by_abbreviation():  # too many to offer ('CET': dozens of cities) is no answer: name a city
        zones = _by_abbreviation()[key]
        return zones if len(zones) <= MAX_CANDIDATES else []
    close = difflib.get_close_matches(key, _by_city().keys(), n=MAX_CANDIDATES, cutoff=0.75)
    return list(dict.fromkeys(zone for name in close for zone in _by_city()[name]))[:MAX_CANDIDATES]


def offset_label(zone: str, at: datetime) -> str:
    """The zone's offset from UTC at `at`, as people write it: 'UTC+3', 'UTC-4', 'UTC+5:30'."""
    offset = at.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02}" if rest else "")


def wall_time(local: datetime) -> str:
    """A local time as people read it, `HH:MM`; in the hour the clocks go back, which of its two it is, by the
    zone's abbreviation (`02:00 CEST`, then `02:00 CET`)."""
    twice = local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
    return local.strftime("%H:%M %Z" if twice else "%H:%M")
