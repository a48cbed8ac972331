"""An independent reference for docs/calendars.md, in Python.

`busy(text, zone, start, end)` is the busy time of an iCalendar stream the way
docs/calendars.md ("Reading busy time") says slotcraft reads it, written
without looking at slotcraft's C++:

- content lines are split by python3-icalendar (4.0.3:
  `icalendar.parser.Contentline.parts()`: name, parameters with quoted
  values, value); the BEGIN/END tree, unfolding (kept here so that a refusal
  can name a physical line) and the values this module needs (date, date-time,
  duration, period, RRULE) are read here, strictly, because
  `Calendar.from_ical` would read a file differently from the doc: it keeps
  one VTIMEZONE per TZID in a process-wide cache (a second file with another
  `Eastern Standard Time` would get the first file's), maps Windows zone names
  to IANA ones instead of using the file's VTIMEZONE, reads an unknown TZID as
  floating, and turns `P1DT2H` into an exact timedelta (losing the nominal
  day the doc asks for);
- recurrence rules are expanded by python-dateutil (2.8.2) on naive local
  wall times; COUNT and UNTIL are applied here as the doc says (DTSTART is
  always the first occurrence and COUNT counts it; a UTC UNTIL bounds
  instants, a date UNTIL local dates, a floating UNTIL wall times);
- wall times become instants by SPEC §1 (a wall time in a DST gap takes the
  offset before the gap, one in an overlap the earlier instant): `zoneinfo`
  with fold=0 for IANA zones, and the same rule on the transitions of a
  file's VTIMEZONE, which this module evaluates itself (RFC 5545 §3.6.5:
  onsets are DTSTART, RRULE and RDATE wall times in TZOFFSETFROM);
- a TZID is an IANA name of the system's database, else the file's
  VTIMEZONE, else an IANA name after a path prefix, else a Windows zone name
  by CLDR's table (ICU's `ucal_getTimeZoneIDForWindowsID` through ctypes, or
  python-icalendar's copy of the table where ICU is missing); an empty TZID
  is none;
- overrides: RECURRENCE-ID takes its occurrence out and blocks its own time;
  RANGE=THISANDFUTURE moves every later occurrence by its shift and gives it
  its length (`Reader.moved`).

`ReferenceRefuses` is raised where the doc says slotcraft refuses the file;
`ReferenceCannot` where this reference cannot read a file (dateutil or
icalendar cannot, or the doc does not say what a construct means).

`expand_rule(rule, dtstart)` and `parse_rule(text)` are shared with
tests/python/test_rrule_random.py.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterator, Optional
from zoneinfo import ZoneInfo, available_timezones

from dateutil import rrule as du
from icalendar.parser import Contentline

UTC = timezone.utc
MAX_OCCURRENCES_PER_EVENT = 100_000
CENTURY_DAYS = 36525  # "a DURATION over a century refuses the file"
# A hard stop for runaway expansions (occurrences looked at for one rule);
# past it the reference gives up rather than hang.
MAX_ITERATIONS_PER_RULE = 3_000_000


class ReferenceRefuses(Exception):
    """docs/calendars.md says slotcraft refuses this file (the reason says why)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ReferenceCannot(Exception):
    """This reference cannot read the file (library limits or a case the doc leaves open)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------
# Zones: wall time -> instant by SPEC §1, instant -> wall time.


class Zone:
    name: str

    def to_utc(self, wall: datetime) -> datetime:  # naive wall -> aware UTC
        raise NotImplementedError

    def to_local(self, instant: datetime) -> datetime:  # aware -> naive wall
        raise NotImplementedError


class UtcZone(Zone):
    name = "UTC"

    def to_utc(self, wall: datetime) -> datetime:
        return wall.replace(tzinfo=UTC)

    def to_local(self, instant: datetime) -> datetime:
        return instant.astimezone(UTC).replace(tzinfo=None)


class IanaZone(Zone):
    """zoneinfo with fold=0 is SPEC §1: in a gap the offset before the
    transition (the wall time moves later), in an overlap the earlier instant."""

    def __init__(self, name: str):
        self.name = name
        self.tz = ZoneInfo(name)

    def to_utc(self, wall: datetime) -> datetime:
        return wall.replace(tzinfo=self.tz, fold=0).astimezone(UTC)

    def to_local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.tz).replace(tzinfo=None)


class TransitionZone(Zone):
    """A zone given by its transitions: `starts[i]` (naive UTC) begins offset
    `offsets[i + 1]`; before the first one `offsets[0]` holds."""

    def __init__(self, name: str, initial: timedelta, transitions: list[tuple[datetime, timedelta]]):
        self.name = name
        self.starts = [t for t, _ in transitions]
        self.offsets = [initial] + [o for _, o in transitions]
        self.distinct = sorted(set(self.offsets))

    def offset_at(self, utc_naive: datetime) -> timedelta:
        return self.offsets[bisect.bisect_right(self.starts, utc_naive)]

    def to_local(self, instant: datetime) -> datetime:
        u = instant.astimezone(UTC).replace(tzinfo=None)
        return u + self.offset_at(u)

    def to_utc(self, wall: datetime) -> datetime:
        # Every offset o that holds at the instant wall - o gives a reading;
        # the earliest is SPEC §1's (an overlap has two). None holds in a gap:
        # then the offset before the gap's transition is used.
        readings = [wall - o for o in self.distinct if self.offset_at(wall - o) == o]
        if readings:
            return min(readings).replace(tzinfo=UTC)
        lo = bisect.bisect_right(self.starts, wall - self.distinct[-1])
        hi = bisect.bisect_right(self.starts, wall - self.distinct[0])
        for j in range(max(lo - 1, 0), min(hi + 1, len(self.starts))):
            t = self.starts[j]
            if t + self.offsets[j] <= wall < t + self.offsets[j + 1]:
                return (wall - self.offsets[j]).replace(tzinfo=UTC)
        raise AssertionError(f"{self.name}: no reading of {wall}")


@lru_cache(maxsize=None)
def _iana_names() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=None)
def iana_zone(name: str) -> Optional[IanaZone]:
    if name in ("UTC",) or name in _iana_names():
        try:
            return IanaZone(name)
        except Exception:  # noqa: BLE001 - not a zone after all
            return None
    return None


@lru_cache(maxsize=None)
def _icu_windows_lookup():
    """ICU's ucal_getTimeZoneIDForWindowsID (CLDR's windowsZones table, as
    slotcraft uses it), through ctypes; None when ICU is not there."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("icui18n")
    if not name:
        return None
    try:
        lib = ctypes.CDLL(name)
        version = re.search(r"\.so\.(\d+)", name)
        fn = getattr(lib, f"ucal_getTimeZoneIDForWindowsID_{version.group(1)}" if version else "ucal_getTimeZoneIDForWindowsID")
    except (OSError, AttributeError):
        return None
    fn.restype = ctypes.c_int32
    fn.argtypes = [ctypes.c_void_p, ctypes.c_int32, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int32,
                   ctypes.POINTER(ctypes.c_int)]

    def lookup(windows_id: str) -> Optional[str]:
        src = windows_id.encode("utf-16-le")
        buf = ctypes.create_string_buffer(src, len(src) + 2)
        out = ctypes.create_string_buffer(512)
        status = ctypes.c_int(0)
        n = fn(buf, len(src) // 2, None, out, 256, ctypes.byref(status))
        if status.value > 0 or n <= 0:
            return None
        return out.raw[: 2 * n].decode("utf-16-le")

    return lookup


@lru_cache(maxsize=None)
def windows_zone(name: str) -> Optional[str]:
    """The IANA zone of a Windows zone name (`W. Europe Standard Time`)."""
    lookup = _icu_windows_lookup()
    if lookup is not None:
        return lookup(name)
    from icalendar.windows_to_olson import WINDOWS_TO_OLSON  # an older copy of CLDR's table

    return WINDOWS_TO_OLSON.get(name)


# --------------------------------------------------------------------------
# Content lines and components.


@dataclass
class Prop:
    name: str  # upper case
    params: dict  # upper-case keys -> str or list[str]
    value: str  # TEXT-unescaped by python-icalendar (`\,` -> `,`)
    line: int
    raw: str = ""  # as written: the value of a non-TEXT property (RRULE, dates) is not unescaped

    def param(self, key: str) -> Optional[str]:
        v = self.params.get(key.upper())
        if isinstance(v, list):
            return ",".join(v)
        return v


@dataclass
class Comp:
    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list["Comp"] = field(default_factory=list)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def first(self, name: str) -> Optional[Prop]:
        for p in self.props:
            if p.name == name:
                return p
        return None


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """RFC 5545 §3.1 unfolding; yields (first physical line number, line).
    As in python-icalendar (`uFOLD = (\r?\n)+[ \t]`), empty lines are
    passed over, also between a line and its continuation."""
    if text.startswith("\ufeff"):
        text = text[1:]
    physical = re.split(r"\r?\n", text)
    if physical and physical[-1] == "":
        physical.pop()
    current, number = None, 0
    for i, line in enumerate(physical, start=1):
        if line == "":
            continue
        if line.startswith((" ", "\t")) and current is not None:
            current += line[1:]
            continue
        if current is not None:
            yield number, current
        current, number = line, i
    if current is not None:
        yield number, current


# the properties of a VEVENT whose unreadable value refuses the file (docs/calendars.md)
SHAPING = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "EXRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "SEQUENCE"})


def _raw_value(line: str) -> str:
    """What follows the first colon outside double quotes (as Contentline.parts() splits)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[i + 1:]
    return ""


def parse_components(text: str) -> tuple[list[Comp], list[tuple[int, str]]]:
    """The top-level components and the skipped lines (line, reason)."""
    stack: list[Comp] = []
    top: list[Comp] = []
    skipped: list[tuple[int, str]] = []
    for number, line in _logical_lines(text):
        if line.strip() == "":
            continue
        try:
            name, params, value = Contentline(line).parts()
        except (ValueError, TypeError) as e:  # TypeError: `NAME;PARAM=X` without a colon
            head = re.match(r"[A-Za-z0-9-]*", line).group(0).upper()
            if stack and ((stack[-1].name == "VEVENT" and head in SHAPING)
                          or (stack[-1].name == "VFREEBUSY" and head == "FREEBUSY")):
                # an unreadable DTSTART (...) of a VEVENT refuses the file: skipping it would lose busy time
                raise ReferenceRefuses(f"line {number}: {head} is not NAME[;PARAM=VALUE]:VALUE")
            skipped.append((number, f"not a content line: {e}"))
            continue
        uname = name.upper()
        if uname == "BEGIN":
            stack.append(Comp(value.strip().upper(), number))
        elif uname == "END":
            if not stack or stack[-1].name != value.strip().upper():
                raise ReferenceRefuses(f"line {number}: unbalanced END:{value}")
            if len(stack) == 1 and stack[0].name != "VCALENDAR":
                # its events would be lost: the busy time would be wrong
                raise ReferenceRefuses(f"line {stack[0].line}: BEGIN:{stack[0].name} outside any VCALENDAR")
            done = stack.pop()
            (stack[-1].children if stack else top).append(done)
        elif not stack:
            skipped.append((number, "outside any component"))
        else:
            stack[-1].props.append(Prop(uname, {k.upper(): v for k, v in params.items()}, value, number, _raw_value(line)))
    if stack:
        raise ReferenceRefuses(f"line {stack[-1].line}: BEGIN:{stack[-1].name} without END")
    return top, skipped


# --------------------------------------------------------------------------
# Values.

_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATETIME = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$", re.IGNORECASE)
_DURATION = re.compile(r"^([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.IGNORECASE)


def parse_date(text: str) -> Optional[date]:
    m = _DATE.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_datetime(text: str) -> Optional[tuple[datetime, bool]]:
    """(naive datetime, is UTC) or None."""
    m = _DATETIME.match(text)
    if not m:
        return None
    try:
        d = datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]))
    except ValueError:  # 2027-02-30, 24:00:00, a leap second
        return None
    return d, m[7] != ""


@dataclass(frozen=True)
class Duration:
    sign: int
    days: int  # nominal days (weeks * 7 + days)
    seconds: int  # exact time

    @property
    def negative(self) -> bool:
        return self.sign < 0 and (self.days or self.seconds)


def parse_duration(text: str) -> Optional[Duration]:
    m = _DURATION.match(text.strip(" \t"))
    if not m or text.upper().endswith(("P", "T")):
        return None
    if not any(m.group(i) for i in range(2, 7)):
        return None
    sign = -1 if m[1] == "-" else 1
    weeks, days, hours, minutes, seconds = (int(m[i] or 0) for i in range(2, 7))
    total_days = weeks * 7 + days + (hours * 3600 + minutes * 60 + seconds) // 86400
    if total_days > 3_660_000:  # beyond any date (ten thousand years): not a duration one can read
        return None
    return Duration(sign, weeks * 7 + days, hours * 3600 + minutes * 60 + seconds)


@dataclass(frozen=True)
class Time:
    """A DTSTART-like value: a date (all-day, in the caller's zone) or a wall
    time on a zone's clock (UTC for `Z`, the TZID's zone, the caller's zone when floating)."""

    wall: datetime  # naive; midnight for a date
    zone: Zone
    is_date: bool
    kind: str  # "date", "utc", "tzid", "floating"

    @property
    def instant(self) -> datetime:
        return self.zone.to_utc(self.wall)


# --------------------------------------------------------------------------
# Recurrence rules.

FREQS = {"DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY}
WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_INT = re.compile(r"^[+-]?\d+$")
_RANGES = {
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}


class RuleError(Exception):
    """A rule slotcraft refuses (docs/calendars.md "Recurrence rules")."""


@dataclass
class Rule:
    freq: str
    interval: int = 1
    count: Optional[int] = None
    until: Optional[tuple[str, object]] = None  # ("utc", aware) | ("date", date) | ("floating", naive)
    byday: list[tuple[Optional[int], int]] = field(default_factory=list)  # (position or None, weekday 0=MO)
    ints: dict[str, list[int]] = field(default_factory=dict)  # BYSECOND..BYSETPOS
    wkst: int = 0
    text: str = ""


def parse_rule(text: str) -> Rule:
    """A RRULE/EXRULE value (names in any case; a leading `RRULE:` is taken);
    RuleError names what slotcraft refuses."""
    value = text.strip()
    if value.upper().startswith("RRULE:"):
        value = value[6:]
    seen: dict[str, str] = {}
    for item in value.split(";"):
        if item == "":
            continue
        name, eq, val = item.partition("=")
        name = name.upper()
        if not eq or name == "":
            raise RuleError(f"'{item}' is not NAME=VALUE")
        if name in seen:
            raise RuleError(f"{name} given twice")
        seen[name] = val
    if "FREQ" not in seen:
        raise RuleError("no FREQ")
    freq = seen.pop("FREQ").upper()
    if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise RuleError(f"FREQ={freq}: HOURLY and finer are refused")
    if freq not in FREQS:
        raise RuleError(f"unknown FREQ {freq}")
    rule = Rule(freq, text=text)
    for name, val in seen.items():
        if name == "INTERVAL":
            if not re.fullmatch(r"\d+", val) or int(val) < 1:
                raise RuleError(f"INTERVAL={val}")
            rule.interval = int(val)
        elif name == "COUNT":
            if not re.fullmatch(r"\d+", val) or int(val) < 1:
                raise RuleError(f"COUNT={val}")
            rule.count = int(val)
        elif name == "UNTIL":
            d = parse_date(val)
            if d is not None:
                rule.until = ("date", d)
            else:
                dt_ = parse_datetime(val)
                if dt_ is None:
                    raise RuleError(f"UNTIL={val}")
                rule.until = ("utc", dt_[0].replace(tzinfo=UTC)) if dt_[1] else ("floating", dt_[0])
        elif name == "WKST":
            if val.upper() not in WEEKDAYS:
                raise RuleError(f"WKST={val}")
            rule.wkst = WEEKDAYS[val.upper()]
        elif name == "BYDAY":
            items = [it.strip(" ") for it in val.split(",")]  # "MO, TU" as Exchange writes it
            for it in items:
                m = _BYDAY.match(it.upper())
                if not m:
                    raise RuleError(f"BYDAY item {it}")
                pos = int(m[1]) if m[1] else None
                if pos is not None and not (1 <= abs(pos) <= 53):
                    raise RuleError(f"BYDAY position {pos}")
                rule.byday.append((pos, WEEKDAYS[m[2]]))
        elif name in _RANGES:
            lo, hi, signed = _RANGES[name]
            nums = []
            for it in (item.strip(" ") for item in val.split(",")):
                if not _INT.match(it):
                    raise RuleError(f"{name} item {it!r}")
                n = int(it)
                if not (lo <= abs(n) <= hi) or (n < 0 and not signed) or (n == 0 and lo > 0):
                    raise RuleError(f"{name}={n} out of range")
                nums.append(n)
            rule.ints[name] = nums
        else:
            raise RuleError(f"unknown rule part {name}")
    # Combinations RFC 5545 forbids (docs/calendars.md).
    if rule.count is not None and rule.until is not None:
        raise RuleError("COUNT with UNTIL")
    if "BYMONTHDAY" in rule.ints and rule.freq == "WEEKLY":
        raise RuleError("BYMONTHDAY with WEEKLY")
    if "BYYEARDAY" in rule.ints and rule.freq in ("DAILY", "WEEKLY", "MONTHLY"):
        raise RuleError(f"BYYEARDAY with {rule.freq}")
    if "BYWEEKNO" in rule.ints and rule.freq != "YEARLY":
        raise RuleError(f"BYWEEKNO with {rule.freq}")
    if any(p is not None for p, _ in rule.byday):
        if rule.freq in ("DAILY", "WEEKLY"):
            raise RuleError(f"a position in BYDAY with {rule.freq}")
        if rule.freq == "YEARLY" and "BYWEEKNO" in rule.ints:
            raise RuleError("a position in BYDAY with YEARLY and BYWEEKNO")
    if rule.ints.get("BYSECOND") and any(s == 60 for s in rule.ints["BYSECOND"]):
        raise RuleError("BYSECOND=60 (python datetimes have no leap second)")
    return rule


def _dateutil_kwargs(rule: Rule) -> dict:
    kw = dict(interval=rule.interval, wkst=rule.wkst, cache=False)
    for name, key in (
        ("BYSETPOS", "bysetpos"),
        ("BYMONTH", "bymonth"),
        ("BYMONTHDAY", "bymonthday"),
        ("BYYEARDAY", "byyearday"),
        ("BYWEEKNO", "byweekno"),
        ("BYHOUR", "byhour"),
        ("BYMINUTE", "byminute"),
        ("BYSECOND", "bysecond"),
    ):
        if name in rule.ints:
            kw[key] = tuple(rule.ints[name])
    return kw


def _weekday(pos: Optional[int], wd: int):
    day = du.weekdays[wd]
    return day if pos is None else day(pos)


def _unique(it: Iterator[datetime]) -> Iterator[datetime]:
    last = None
    for x in it:
        if x != last:
            yield x
            last = x


def is_mixed(rule: Rule) -> bool:
    positions = {p is None for p, _ in rule.byday}
    return len(positions) == 2


def expand_rule(rule: Rule, dtstart: datetime) -> Iterator[datetime]:
    """The wall times the rule produces from the naive `dtstart`, in order,
    without COUNT/UNTIL (the caller applies them); DTSTART is yielded only
    when the rule itself produces it. dateutil does the expansion, except
    where it is known to differ from RFC 5545:

    - it ANDs the plain and the positioned days of a BYDAY that mixes them
      (`FREQ=MONTHLY;BYDAY=1MO,TU` gives nothing); RFC 5545 (and libical)
      take each item as a set of days and unite them;
    - its first WEEKLY period starts at DTSTART, not at the WKST before it,
      so BYSETPOS counts from DTSTART in the first week
      (`FREQ=WEEKLY;BYDAY=MO,FR;BYSETPOS=1` from a Friday gives that Friday);
    - it numbers BYWEEKNO weeks before a year's week 1 with the wrong year's
      week count (`rrule._iter`: `lnumweeks = 52+(self.yearlen-no1wkst)...`
      uses this year's length and start), so a `53` can match a day of the
      previous year's last week 52.

    For those rules it expands from the first day of DTSTART's period (00:00,
    with BYHOUR/BYMINUTE/BYSECOND and a WEEKLY rule's weekday given
    explicitly, so that BYSETPOS sees whole periods), one dateutil rule per
    BYDAY item when BYDAY is mixed, unites them, filters BYWEEKNO and applies
    BYSETPOS per period here, and drops what comes before DTSTART."""
    if "BYWEEKNO" in rule.ints and not rule.byday:
        # RFC 5545 leaves the days of a BYWEEKNO week without BYDAY to DTSTART
        # ("information not in the rule is taken from DTSTART"); dateutil takes
        # every day of the week; docs/calendars.md does not say.
        raise ReferenceCannot(f"BYWEEKNO without BYDAY ({rule.text}): RFC 5545/docs leave the days open")
    kw = _dateutil_kwargs(rule)
    freq = FREQS[rule.freq]
    by_period = is_mixed(rule) or "BYWEEKNO" in rule.ints or (rule.freq == "WEEKLY" and "BYSETPOS" in rule.ints)
    if not by_period:
        if rule.byday:
            kw["byweekday"] = tuple(_weekday(p, wd) for p, wd in rule.byday)
        return _unique(iter(du.rrule(freq, dtstart=dtstart, **kw)))
    return _expand_by_period(rule, dtstart, freq, kw)


def week_start(d: date, wkst: int) -> date:
    return d - timedelta(days=(d.weekday() - wkst) % 7)


def week_number(d: date, wkst: int) -> tuple[int, int]:
    """(week number, weeks in the week's own year) as ISO 8601 numbers weeks,
    with `wkst` as the first day: week 1 holds at least four days of its
    year, i.e. it is the week holding 4 January."""
    ws = week_start(d, wkst)
    year = (ws + timedelta(days=3)).year
    first = week_start(date(year, 1, 4), wkst)
    following = week_start(date(year + 1, 1, 4), wkst)
    return (ws - first).days // 7 + 1, (following - first).days // 7


def _weekno_matches(d: date, weeks: list[int], wkst: int) -> bool:
    n, total = week_number(d, wkst)
    return any(w == n if w > 0 else total + 1 + w == n for w in weeks)


def _expand_by_period(rule: Rule, dtstart: datetime, freq: int, kw: dict) -> Iterator[datetime]:
    setpos = kw.pop("bysetpos", None)
    weeks = kw.pop("byweekno", None)
    day = dtstart.date()
    if rule.freq == "WEEKLY":
        first_day = week_start(day, rule.wkst)
        key = lambda d: week_start(d.date(), rule.wkst)  # noqa: E731
    elif rule.freq == "MONTHLY":
        first_day = day.replace(day=1)
        key = lambda d: (d.year, d.month)  # noqa: E731
    elif rule.freq == "YEARLY":
        first_day = day.replace(month=1, day=1)
        key = lambda d: d.year  # noqa: E731
    else:
        first_day = day
        key = lambda d: d.date()  # noqa: E731
    pstart = datetime(first_day.year, first_day.month, first_day.day)
    kw.setdefault("byhour", (dtstart.hour,))
    kw.setdefault("byminute", (dtstart.minute,))
    kw.setdefault("bysecond", (dtstart.second,))
    if not rule.byday:
        # only WEEKLY comes here without BYDAY: DTSTART's weekday
        items = [(dtstart.weekday(),)]
    elif is_mixed(rule):
        items = [(_weekday(p, wd),) for p, wd in rule.byday]
    else:
        items = [tuple(_weekday(p, wd) for p, wd in rule.byday)]
    gens = [iter(du.rrule(freq, dtstart=pstart, byweekday=item, **kw)) for item in items]
    merged: Iterator[datetime] = _unique(heapq.merge(*gens))
    if weeks:
        merged = (d for d in merged if _weekno_matches(d.date(), weeks, rule.wkst))

    def picked() -> Iterator[datetime]:
        if not setpos:
            yield from merged
            return
        for _, group in itertools.groupby(merged, key=key):
            days = list(group)
            chosen = set()
            for pos in setpos:
                i = pos - 1 if pos > 0 else len(days) + pos
                if 0 <= i < len(days):
                    chosen.add(days[i])
            yield from sorted(chosen)

    return (d for d in picked() if d >= dtstart)


def until_passed(until: Optional[tuple[str, object]], wall: datetime, instant: datetime, local_date: date) -> bool:
    """True when an occurrence is after an inclusive UNTIL (docs/calendars.md)."""
    if until is None:
        return False
    kind, value = until
    if kind == "utc":
        return instant > value
    if kind == "date":
        return local_date > value
    return wall > value


# --------------------------------------------------------------------------
# VTIMEZONE evaluation (RFC 5545 §3.6.5).

_OFFSET = re.compile(r"^([+-])(\d{2})(\d{2})(\d{2})?$")


def _parse_offset(text: str) -> Optional[timedelta]:
    m = _OFFSET.match(text.strip())
    if not m:
        return None
    t = timedelta(hours=int(m[2]), minutes=int(m[3]), seconds=int(m[4] or 0))
    return -t if m[1] == "-" else t


def vtimezone_zone(comp: Comp, last_year: int) -> TransitionZone:
    tzid = comp.first("TZID").value if comp.first("TZID") else "?"
    transitions: list[tuple[datetime, timedelta, timedelta]] = []
    limit = datetime(last_year + 1, 1, 1)
    for obs in comp.children:
        if obs.name not in ("STANDARD", "DAYLIGHT"):
            continue
        try:
            start_p, from_p, to_p = obs.first("DTSTART"), obs.first("TZOFFSETFROM"), obs.first("TZOFFSETTO")
            off_from, off_to = _parse_offset(from_p.value), _parse_offset(to_p.value)
            start = parse_datetime(start_p.value)
            if start is None and parse_date(start_p.value) is not None:  # a date: its midnight
                d = parse_date(start_p.value)
                start = (datetime(d.year, d.month, d.day), False)
        except AttributeError:
            raise ReferenceCannot(f"VTIMEZONE {tzid}: an observance without DTSTART/TZOFFSETFROM/TZOFFSETTO")
        if off_from is None or off_to is None or start is None:
            raise ReferenceCannot(f"VTIMEZONE {tzid}: an unreadable observance")
        wall0 = start[0]
        onsets = {wall0}
        for rp in obs.all("RRULE"):
            try:
                rule = parse_rule(rp.raw)
            except RuleError as e:
                raise ReferenceCannot(f"VTIMEZONE {tzid}: RRULE {rp.raw}: {e}")
            n = 0
            # DTSTART is the first onset and COUNT counts it (RFC 5545)
            for w in _unique(heapq.merge(iter([wall0]), expand_rule(rule, wall0))):
                if w >= limit:
                    break
                if w != wall0 and until_passed(rule.until, w, (w - off_from).replace(tzinfo=UTC), w.date()):
                    break
                n += 1
                if rule.count is not None and n > rule.count:
                    break
                onsets.add(w)
        for rp in obs.all("RDATE"):
            for v in rp.raw.split(","):
                dt_ = parse_datetime(v.strip())
                if dt_ is None:
                    d = parse_date(v.strip())
                    if d is None:
                        raise ReferenceCannot(f"VTIMEZONE {tzid}: RDATE {v}")
                    dt_ = (datetime(d.year, d.month, d.day), False)
                onsets.add(dt_[0] + off_from if dt_[1] else dt_[0])
        for w in onsets:
            transitions.append((w - off_from, off_from, off_to))
    if not transitions:
        raise ReferenceCannot(f"VTIMEZONE {tzid}: no observance")
    transitions.sort(key=lambda t: t[0])
    dedup: list[tuple[datetime, timedelta]] = []
    for t, _, to in transitions:
        if dedup and dedup[-1][0] == t:
            dedup[-1] = (t, to)
        else:
            dedup.append((t, to))
    return TransitionZone(tzid, transitions[0][1], dedup)


# --------------------------------------------------------------------------
# Events.


@dataclass
class Event:
    comp: Comp
    order: int
    uid: Optional[str]
    rid: Optional[Time]
    rid_key: object
    sequence: int
    blocks: bool
    start: Time
    end: Optional[Time]
    duration: Optional[Duration]
    rrules: list[Rule]
    exrules: list[Rule]
    rdates: list[tuple[Time, object]]  # (start, None | Time end | Duration)
    exdates: list[Time]
    this_and_future: bool = False


class Reader:
    def __init__(self, text: str, zone: str, start: datetime, end: datetime):
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("window must be aware datetimes")
        self.caller = iana_zone(zone) or IanaZone(zone)
        self.wstart = start.astimezone(UTC)
        self.wend = end.astimezone(UTC)
        self.last_year = max(self.wend.year + 2, 2040)
        self.text = text

    # ---- values
    def zone_of(self, prop: Prop) -> Optional[Zone]:
        """docs/calendars.md: an IANA name; else the file's VTIMEZONE of that
        name; else an IANA name after a path prefix; else a Windows zone name
        (CLDR's table through ICU); an empty TZID is none (floating)."""
        tzid = prop.param("TZID")
        if tzid is None:
            return None
        tzid = tzid.strip()
        if tzid == "":
            return None
        z = iana_zone(tzid)
        if z is not None:
            return z
        comp = self.timezones.get(tzid)
        if comp is not None:
            if tzid not in self.vtz_cache:
                self.vtz_cache[tzid] = vtimezone_zone(comp, self.last_year)
            return self.vtz_cache[tzid]
        parts = tzid.split("/")
        for k in range(1, len(parts)):  # the longest IANA name after a prefix
            z = iana_zone("/".join(parts[k:]))
            if z is not None:
                return z
        name = windows_zone(tzid)
        if name is not None and iana_zone(name) is not None:
            return iana_zone(name)
        raise ReferenceRefuses(f"line {prop.line}: unknown TZID {tzid!r}")

    def time_value(self, prop: Prop, text: str, zone: Optional[Zone], floating: Optional[Zone] = None) -> Time:
        """`floating`: the zone of a date-time without Z or TZID, when not the caller's."""
        text = text.strip()
        value_type = (prop.param("VALUE") or "").upper()
        d = parse_date(text)
        if d is not None:
            if value_type not in ("", "DATE"):
                raise ReferenceRefuses(f"line {prop.line}: {prop.name} {text!r} is a date but VALUE={value_type}")
            return Time(datetime(d.year, d.month, d.day), self.caller, True, "date")
        dt_ = parse_datetime(text)
        if dt_ is None or value_type == "DATE":
            raise ReferenceRefuses(f"line {prop.line}: {prop.name} {text!r} is not a date or date-time")
        wall, is_utc = dt_
        if is_utc:
            return Time(wall, UtcZone(), False, "utc")
        if zone is not None:
            return Time(wall, zone, False, "tzid")
        return Time(wall, floating or self.caller, False, "floating")

    def one_time(self, prop: Prop, floating: Optional[Zone] = None) -> Time:
        return self.time_value(prop, prop.raw, self.zone_of(prop), floating)

    def time_list(self, prop: Prop, floating: Optional[Zone] = None) -> list[Time]:
        zone = self.zone_of(prop)
        return [self.time_value(prop, v, zone, floating) for v in prop.raw.split(",") if v.strip() != ""]

    def rdate_list(self, prop: Prop, floating: Optional[Zone] = None) -> list[tuple[Time, object]]:
        zone = self.zone_of(prop)
        out = []
        for v in prop.raw.split(","):
            v = v.strip()
            if v == "":
                continue
            if "/" in v or (prop.param("VALUE") or "").upper() == "PERIOD":
                a, slash, b = v.partition("/")
                if not slash:
                    raise ReferenceRefuses(f"line {prop.line}: RDATE period {v!r}")
                s = self.time_value(prop, a, zone, floating)
                if s.is_date:
                    raise ReferenceRefuses(f"line {prop.line}: RDATE period {v!r} starts on a date")
                dur = parse_duration(b)
                if dur is not None:
                    if dur.negative:
                        raise ReferenceCannot(f"line {prop.line}: a negative period duration {v!r}")
                    out.append((s, dur))
                else:
                    e = self.time_value(prop, b, zone, floating)
                    if e.is_date or e.instant < s.instant:
                        raise ReferenceRefuses(f"line {prop.line}: RDATE period {v!r} ends before it starts")
                    out.append((s, e))
            else:
                out.append((self.time_value(prop, v, zone, floating), None))
        return out

    def read_event(self, comp: Comp, order: int) -> Event:
        def single(name: str) -> Optional[Prop]:
            return comp.first(name)

        ds = single("DTSTART")
        if ds is None:
            self.skipped.append((comp.line, "a VEVENT without DTSTART blocks no time"))
            return None
        start = self.one_time(ds)
        # a floating DTEND, EXDATE, RDATE or RECURRENCE-ID of an event whose
        # DTSTART has a zone (a TZID, or Z) is read in that zone
        fl = start.zone if start.kind in ("tzid", "utc") else None
        end = None
        duration = None
        de = single("DTEND")
        du_ = single("DURATION")
        if de is not None:
            end = self.one_time(de, fl)
            if end.instant < start.instant:
                raise ReferenceRefuses(f"line {de.line}: DTEND before DTSTART")
            # with DURATION too (RFC 5545 forbids it), DTEND counts
        elif du_ is not None:
            duration = parse_duration(du_.raw)
            if duration is None:
                raise ReferenceRefuses(f"line {du_.line}: DURATION {du_.raw!r} unreadable")
            if duration.negative:
                raise ReferenceRefuses(f"line {du_.line}: a negative DURATION {du_.raw!r}")
            if duration.days + duration.seconds / 86400 > CENTURY_DAYS:
                raise ReferenceRefuses(f"line {du_.line}: a DURATION over a century {du_.raw!r}")
        seq = 0
        sp = single("SEQUENCE")
        if sp is not None:
            if not re.fullmatch(r"\s*[+-]?\d+\s*", sp.value):
                raise ReferenceRefuses(f"line {sp.line}: SEQUENCE {sp.value!r}")
            seq = int(sp.value)
        status = single("STATUS")
        transp = single("TRANSP")
        blocks = not (
            (status is not None and status.value.strip().upper() == "CANCELLED")
            or (transp is not None and transp.value.strip().upper() == "TRANSPARENT")
        )
        rrules, exrules = [], []
        for name, target in (("RRULE", rrules), ("EXRULE", exrules)):
            for p in comp.all(name):
                if p.raw.strip() == "":
                    self.skipped.append((p.line, f"an empty {name} repeats nothing"))
                    continue
                try:
                    target.append(parse_rule(p.raw))
                except RuleError as e:
                    raise ReferenceRefuses(f"line {p.line}: {name} {p.raw!r}: {e}")
        rdates = [r for p in comp.all("RDATE") for r in self.rdate_list(p, fl)]
        exdates = [t for p in comp.all("EXDATE") for t in self.time_list(p, fl)]
        rid = None
        rid_key = None
        this_and_future = False
        rp = single("RECURRENCE-ID")
        if rp is not None:
            this_and_future = (rp.param("RANGE") or "").upper() == "THISANDFUTURE"
            rid = self.one_time(rp, fl)
            rid_key = ("date", rid.wall.date()) if rid.is_date else ("instant", rid.instant)
        uid_p = single("UID")
        uid = uid_p.value if uid_p is not None and uid_p.value != "" else None  # an empty UID is none
        return Event(comp, order, uid, rid, rid_key, seq, blocks, start, end, duration, rrules, exrules, rdates, exdates,
                     rid is not None and this_and_future)

    # ---- occurrences
    def length_end(self, ev: Event, wall: datetime, instant: datetime) -> datetime:
        """The end of an occurrence of `ev` starting at `wall` (DTSTART's clock) = `instant`."""
        s = ev.start
        if ev.end is not None:
            if s.is_date and ev.end.is_date:
                # an all-day DTEND equal to DTSTART (RFC 5545 wants it later) is read as one day
                days = max((ev.end.wall.date() - s.wall.date()).days, 1)
                return s.zone.to_utc(wall + timedelta(days=days))
            return instant + (ev.end.instant - s.instant)
        if ev.duration is not None:
            d = ev.duration
            if d.days:
                base = s.zone.to_utc(wall + timedelta(days=d.days))
            else:
                base = instant
            return base + timedelta(seconds=d.seconds)
        if s.is_date:
            return s.zone.to_utc(wall + timedelta(days=1))
        return instant

    def rule_occurrences(self, ev: Event, rule: Rule, with_dtstart: bool) -> list[tuple[datetime, datetime]]:
        """(instant, wall) of one rule's occurrences that start before the
        window's end, COUNT and UNTIL applied as docs/calendars.md says."""
        s = ev.start
        z = s.zone
        walls = expand_rule(rule, s.wall)
        if with_dtstart:
            walls = _unique(heapq.merge(iter([s.wall]), walls))
        out: list[tuple[datetime, datetime]] = []
        seen: set[datetime] = set()
        n = 0
        for i, w in enumerate(walls):
            if i > MAX_ITERATIONS_PER_RULE:
                raise ReferenceCannot(f"more than {MAX_ITERATIONS_PER_RULE} occurrences of {rule.text}")
            inst = z.to_utc(w)
            # SPEC §1 is not monotonic inside a DST gap (02:30 becomes 03:30,
            # after 03:00), so instants are compared as a set and the walk
            # stops only a day past a bound on instants.
            if not (with_dtstart and w == s.wall) and until_passed(rule.until, w, inst, w.date()):
                if rule.until[0] != "utc" or inst > rule.until[1] + timedelta(days=1):
                    break
                continue
            if inst >= self.bound:
                if inst >= self.bound + timedelta(days=1):
                    break
                continue
            n += 1  # COUNT counts wall times, so two on one instant count twice (docs/calendars.md)
            if rule.count is not None and n > rule.count:
                break
            if inst in seen:
                continue  # two wall times on one instant are one occurrence
            seen.add(inst)
            out.append((inst, w))
        return out

    def occurrences(self, ev: Event, overrides: list[Event]) -> list[tuple[datetime, datetime]]:
        s = ev.start
        z = s.zone
        occ: dict[datetime, tuple[datetime, Optional[datetime]]] = {}  # instant -> (wall, explicit end)
        occ[s.instant] = (s.wall, None)
        for rule in ev.rrules:
            for inst, w in self.rule_occurrences(ev, rule, True):
                occ.setdefault(inst, (w, None))
        for t, extra in ev.rdates:
            if t.is_date != s.is_date:
                raise ReferenceCannot(
                    f"line {ev.comp.line}: an RDATE {'date' if t.is_date else 'date-time'} on an event whose "
                    f"DTSTART is not one (the doc does not say what it means)"
                )
            inst = t.instant
            wall = z.to_local(inst) if not s.is_date else t.wall
            end = None
            if isinstance(extra, Time):
                end = extra.instant
            elif isinstance(extra, Duration):
                end = (z.to_utc(wall + timedelta(days=extra.days)) if extra.days else inst) + timedelta(
                    seconds=extra.seconds
                )
            if inst not in occ or end is not None:
                occ[inst] = (wall, end)
        # EXDATE
        ex_instants, ex_dates = set(), set()
        for t in ev.exdates:
            if t.is_date and not s.is_date:
                ex_dates.add(t.wall.date())
            else:
                ex_instants.add(t.instant)
        for rule in ev.exrules:
            for inst, _ in self.rule_occurrences(ev, rule, False):
                ex_instants.add(inst)
        # overrides take their occurrence out
        for ov in overrides:
            if ov.rid.is_date:
                ex_dates.add(ov.rid.wall.date())
            else:
                ex_instants.add(ov.rid.instant)
        future = sorted((ov for ov in overrides if ov.this_and_future), key=lambda ov: ov.rid.instant)
        out = []
        for inst, (wall, end) in occ.items():
            if inst in ex_instants:
                continue
            day = wall.date() if s.is_date else z.to_local(inst).date()
            if ex_dates and day in ex_dates:
                continue
            ov = self.future_override(future, inst, day)
            if ov is not None:
                if not ov.blocks:
                    continue
                out.append(self.moved(ev, ov, wall, inst))
                continue
            if end is None:
                end = self.length_end(ev, wall, inst)
            out.append((inst, end))
        return out

    @staticmethod
    def future_override(future: list["Event"], inst: datetime, day: date) -> Optional["Event"]:
        """The latest RANGE=THISANDFUTURE override before an occurrence."""
        chosen = None
        for ov in future:
            if (day > ov.rid.wall.date()) if ov.rid.is_date else (inst > ov.rid.instant):
                chosen = ov
        return chosen

    def moved(self, ev: "Event", ov: "Event", wall: datetime, inst: datetime) -> tuple[datetime, datetime]:
        """An occurrence after a THISANDFUTURE override: moved by the
        override's shift (in wall time when its DTSTART and RECURRENCE-ID are
        on one clock, else in exact time), with the override's length."""
        a, b = ov.rid, ov.start
        same_clock = a.is_date == b.is_date and a.kind == b.kind and a.zone.name == b.zone.name
        if same_clock:
            on_clock = wall if (b.zone.name == ev.start.zone.name and b.kind == ev.start.kind) else b.zone.to_local(inst)
            new_wall = on_clock + (b.wall - a.wall)
            new_inst = b.zone.to_utc(new_wall)
        else:
            new_inst = inst + (b.instant - a.instant)
            new_wall = b.zone.to_local(new_inst)
        return new_inst, self.length_end(ov, new_wall, new_inst)

    def single_occurrence(self, ev: Event) -> list[tuple[datetime, datetime]]:
        inst = ev.start.instant
        return [(inst, self.length_end(ev, ev.start.wall, inst))]

    def free_busy(self, cals: list[Comp]) -> list[tuple[datetime, datetime]]:
        """The busy periods of the VFREEBUSY components: each FREEBUSY period
        unless FBTYPE=FREE (RFC 5545 §3.8.2.6: unknown types count as BUSY)."""
        out = []
        for cal in cals:
            for c in cal.children:
                if c.name != "VFREEBUSY":
                    continue
                for p in c.all("FREEBUSY"):
                    if (p.param("FBTYPE") or "BUSY").strip().upper() == "FREE":
                        continue
                    for start, extra in self.rdate_list(p):
                        if extra is None:
                            raise ReferenceRefuses(f"line {p.line}: a FREEBUSY value that is not a period")
                        if isinstance(extra, Time):
                            out.append((start.instant, extra.instant))
                        else:
                            z, wall = start.zone, start.wall
                            base = z.to_utc(wall + timedelta(days=extra.days)) if extra.days else start.instant
                            out.append((start.instant, base + timedelta(seconds=extra.seconds)))
        return out

    # ---- the file
    def busy(self) -> list[tuple[datetime, datetime]]:
        top, self.skipped = parse_components(self.text)
        self.bound = self.wend
        cals = []

        def calendars(comps: list[Comp]) -> None:  # a VCALENDAR inside a VCALENDAR is read too
            for c in comps:
                if c.name == "VCALENDAR":
                    cals.append(c)
                    calendars(c.children)

        calendars(top)
        if not cals:
            raise ReferenceRefuses("no VCALENDAR")
        self.timezones: dict[str, Comp] = {}
        self.vtz_cache: dict[str, Zone] = {}
        for cal in cals:
            for c in cal.children:
                if c.name == "VTIMEZONE" and c.first("TZID") is not None:
                    self.timezones.setdefault(c.first("TZID").value.strip(), c)
        events = []
        order = 0
        for cal in cals:
            for c in cal.children:
                if c.name == "VEVENT":
                    ev = self.read_event(c, order)
                    if ev is not None:
                        events.append(ev)
                    order += 1
        # versions: same UID and RECURRENCE-ID; highest SEQUENCE, then the later one
        versions: dict[object, Event] = {}
        for ev in events:
            key = (ev.uid, ev.rid_key) if ev.uid is not None else ("no-uid", ev.order)
            old = versions.get(key)
            if old is None or ev.sequence >= old.sequence:
                versions[key] = ev
        masters = {ev.uid: ev for key, ev in versions.items() if ev.rid is None and ev.uid is not None}
        overrides: dict[str, list[Event]] = {}
        pieces: list[tuple[datetime, datetime]] = []
        for key, ev in versions.items():
            if ev.rid is not None and ev.uid in masters:
                overrides.setdefault(ev.uid, []).append(ev)
        for key, ev in versions.items():
            if ev.rid is not None and ev.uid in masters:
                occ = self.single_occurrence(ev) if ev.blocks else []
            elif ev.blocks:
                # a master, an event without RECURRENCE-ID, or an override without a
                # master in the stream: "an event of its own", with its RRULE/RDATE
                mine = overrides.get(ev.uid, []) if ev.rid is None else []
                # a THISANDFUTURE override moving occurrences earlier brings later ones into the window
                back = max([ov.rid.instant - ov.start.instant for ov in mine if ov.this_and_future] + [timedelta(0)])
                self.bound = self.wend + back
                occ = self.occurrences(ev, mine)
            else:
                occ = []
            kept = [(a, b) for a, b in occ if b > a and a < self.wend and b > self.wstart]
            if len(kept) > MAX_OCCURRENCES_PER_EVENT:
                raise ReferenceRefuses(f"line {ev.comp.line}: {len(kept)} occurrences in the window (too many)")
            pieces.extend(kept)
        pieces.extend((a, b) for a, b in self.free_busy(cals) if b > a and a < self.wend and b > self.wstart)
        pieces.sort()
        merged: list[tuple[datetime, datetime]] = []
        for a, b in pieces:
            if merged and a <= merged[-1][1]:
                if b > merged[-1][1]:
                    merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        return merged


def busy(text: str, zone: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The busy time of `text` in the window [start, end) as merged
    (start, end) pairs of aware UTC datetimes (docs/calendars.md)."""
    try:
        return Reader(text, zone, start, end).busy()
    except (ReferenceRefuses, ReferenceCannot):
        raise
    except RecursionError as e:
        raise ReferenceCannot(f"recursion: {e}")
    except (OverflowError, ValueError) as e:
        # dateutil or datetime arithmetic beyond year 9999 and the like
        raise ReferenceCannot(f"{type(e).__name__}: {e}")
