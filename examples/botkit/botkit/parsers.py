"""What people type, read as people mean it: weekly hours and breaks
(`mon-fri 10:00-14:00`, `вт, чт 18:00–21:00` with an en dash), dates (`24.03`,
`24.03.2027`, `2027-03-24`) and ranges of them. A text that is not one of
these is an `InputError` whose catalog key says what is expected (`bad_range`,
`bad_days`, `bad_hours`, `bad_date`, `bad_dayoff`, `dayoff_past`); time zones
by city are in zones.py."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .core import InputError

DAYS = {
    "mon": "mon", "tue": "tue", "wed": "wed", "thu": "thu", "fri": "fri", "sat": "sat", "sun": "sun",
    "пн": "mon", "вт": "tue", "ср": "wed", "чт": "thu", "пт": "fri", "сб": "sat", "вс": "sun",
    # The whole words and the longer abbreviations people write as well.
    "monday": "mon", "tues": "tue", "tuesday": "tue", "wednesday": "wed", "thur": "thu", "thurs": "thu",
    "thursday": "thu", "friday": "fri", "saturday": "sat", "sunday": "sun",
    "понедельник": "mon", "вторник": "tue", "среда": "wed", "четверг": "thu", "пятница": "fri",
    "суббота": "sat", "воскресенье": "sun",
}
ORDER = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# A time of day as people type it: "9", "09:00", "9.00", "9h", "9h30", "21ч", "9am", "5:30 pm".
TIME = r"(\d{1,2})(?:\s*[:.hч]\s*(\d{2}))?\s*(?:h|ч)?\s*([ap]\.?\s*m\.?)?"
TIME_RE = re.compile(f"^{TIME}$", re.IGNORECASE)
# "09:00-18:00", also with an en or em dash, "9.00 – 18.00" or "9-18" as people type them.
RANGE = re.compile(f"^{TIME}\\s*[-\u2013\u2014]\\s*{TIME}$", re.IGNORECASE)
DASHES = re.compile(r"\s*[-\u2013\u2014]\s*")


def _clock(hours: str, minutes: str | None, meridiem: str | None) -> tuple[int, int] | None:
    """(hours, minutes) on a 24-hour clock, up to 24:00; None when there is no such time."""
    h, m = int(hours), int(minutes or 0)
    if meridiem:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if meridiem[0].lower() == "p" else 0)
    return (h, m) if m <= 59 and (h < 24 or (h, m) == (24, 0)) else None


def parse_time(text: str) -> str | None:
    """A time of day as people type it ("9", "9:30", "09.30", "21h", "9am") as `HH:MM`; None when it is not one."""
    m = TIME_RE.match(text.strip())
    at = _clock(*m.groups()) if m else None
    return f"{at[0]:02}:{at[1]:02}" if at is not None and at[0] < 24 else None


def parse_ranges(text: str, *, overnight: bool = False) -> list[tuple[str, str]]:
    """`10:00-14:00, 15:00-18:00` (or `10-14`, `9h-18h`, `9am-5pm`); with `overnight`, an end before the start runs
    into the next day (`22:00-02:00`)."""
    ranges = []
    for part in re.split(r"[,;]", text):
        m = RANGE.match(part.strip())
        first, last = (_clock(*m.groups()[:3]), _clock(*m.groups()[3:])) if m else (None, None)
        if first is None or last is None:
            raise InputError("bad_range", text=part.strip())
        backwards = first > last and not overnight
        if first[0] > 23 or first == last or backwards:
            raise InputError("bad_range", text=part.strip())
        ranges.append((f"{first[0]:02}:{first[1]:02}", f"{last[0]:02}:{last[1]:02}"))
    return ranges


def parse_days(text: str) -> list[str]:
    """`mon-fri`, `вт, чт`, `пн–пт` (any dash), `sat sun`: the weekdays named, in order given."""
    days: list[str] = []
    for part in re.split(r"[,\s]+", DASHES.sub("-", text.lower().strip())):
        part = part.rstrip(".")
        if not part:
            continue
        if "-" in part:
            a, _, b = part.partition("-")
            if a.strip() not in DAYS or b.strip() not in DAYS:
                raise InputError("bad_days", text=part)
            i, j = ORDER.index(DAYS[a.strip()]), ORDER.index(DAYS[b.strip()])
            if i > j:
                raise InputError("bad_days", text=part)
            days += ORDER[i : j + 1]
        elif part in DAYS:
            days.append(DAYS[part])
        else:
            raise InputError("bad_days", text=part)
    return days


def day_groups(line: str) -> list[str]:
    """`mon-fri 09:00-18:00, sat 10:00-14:00` → its groups of days with their hours: a comma or semicolon
    followed by a day starts a new group once the one before has its hours (`вт, чт 18:00–21:00` is one)."""
    groups, start = [], 0
    for m in re.finditer(r"[,;]\s*(?=[^\W\d_])", line):
        if re.search(r"\d", line[start : m.start()]):
            groups.append(line[start : m.start()])
            start = m.end()
    return groups + [line[start:]]


def parse_hours(text: str, *, overnight: bool = False) -> dict[str, list[tuple[str, str]]]:
    """`mon-fri 09:00-18:00` lines (`sat 10:00-13:00, 14:00-16:00`), or groups on one line separated by commas
    (`mon-fri 09:00-18:00, sat 10:00-14:00`) → weekly hours (`overnight`: see parse_ranges)."""
    weekly: dict[str, list[tuple[str, str]]] = {}
    for line in (group.strip() for whole in text.splitlines() for group in day_groups(whole.strip())):
        if not line:
            continue
        # The days are all before the first digit: "вт, чт 18:00–21:00".
        split = re.match(r"^(\D+?)\s*(\d.*)$", line)
        if split is None:
            raise InputError("bad_hours")
        days, ranges = split.groups()
        for day in parse_days(days):
            weekly.setdefault(day, []).extend(parse_ranges(ranges, overnight=overnight))
    if not weekly:
        raise InputError("bad_hours")
    return weekly


def parse_breaks(text: str) -> list[tuple[str, str]]:
    if text.strip().lower() in ("-", "no", "none", "нет"):
        return []
    return parse_ranges(text)


RECENT = timedelta(days=31)


# Days said in words, from today: what people type instead of a date.
RELATIVE = {"yesterday": -1, "вчера": -1, "today": 0, "сегодня": 0, "tomorrow": 1, "завтра": 1,
            "day after tomorrow": 2, "the day after tomorrow": 2, "послезавтра": 2}


def parse_date(text: str, today: date, *, now: date | None = None) -> date:
    """`2027-03-24`, `24.03.2027`, `24.03.27`, or `24.03`: this year's when it is at most a month
    past (a day just gone is a mistake to say so, not next year's), else the next one. Also `12/25`
    (a month first is read so only when the day could not be a month), `tomorrow`, `завтра` (from `now`,
    by default `today`) and a weekday, `fri` or `пятница` (the next one from `today` on)."""
    text = text.strip()
    words = " ".join(text.lower().replace("ё", "е").split()).rstrip(".")
    if words in RELATIVE:
        return (now or today) + timedelta(days=RELATIVE[words])
    if words in DAYS:
        return today + timedelta(days=(ORDER.index(DAYS[words]) - today.weekday()) % 7)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        m = re.fullmatch(r"(\d{1,2})([./])(\d{1,2})(?:[./](\d{2}|\d{4}))?", text)
        if m is None:
            raise ValueError(text)
        day, month, year = int(m[1]), int(m[3]), m[4]
        if m[2] == "/" and month > 12 >= day:  # 12/25: only a month and a day can be read so
            day, month = month, day
        if year is not None:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        this_year = date(today.year, month, day) if (month, day) != (2, 29) else None
        if this_year is not None and this_year >= today - RECENT:
            return this_year
        for later in range(today.year + 1, today.year + 9):  # 29 February: the next leap year
            try:
                return date(later, month, day)
            except ValueError:
                continue
        raise ValueError(text)
    except ValueError:
        raise InputError("bad_date", text=text[:32]) from None


def parse_dates(text: str, today: date) -> tuple[date, date]:
    """A day (`24.03`, `tomorrow`) or a range (`24.03-26.03`, `24.03 – 26.03`, `2027-03-24..2027-03-26`,
    `mon-fri`: the coming days), not in the past (`today` is the master's), at most a year long, the first day first."""
    text = text.strip()
    if ".." in text:
        parts = text.split("..")
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # an ISO date has dashes of its own
        parts = [text]
    else:
        parts = DASHES.split(text)
    if len(parts) > 2 or not all(parts):
        raise InputError("bad_dayoff")
    first = parse_date(parts[0], today)
    last = parse_date(parts[1], first, now=today) if len(parts) == 2 else first
    if first < today:
        raise InputError("dayoff_past", date=first.strftime("%d.%m.%Y"))
    if last < first or (last - first).days > 366:
        raise InputError("bad_dayoff")
    return first, last
