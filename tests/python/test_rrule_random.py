"""slotcraft.expand_recurrence against python-dateutil on random rules.

Seeded (SLOTCRAFT_RRULE_SEED, SLOTCRAFT_RRULE_CASES override the defaults).
Every case: a random zone with DST changes, a random rule (FREQ
DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL 1-4, COUNT or UNTIL in its three
forms, BYDAY with and without positions, BYMONTHDAY with negatives,
BYSETPOS, BYMONTH, BYYEARDAY, BYWEEKNO, BYHOUR/BYMINUTE, WKST, names in
lower case now and then), and as the first start the rule's first
occurrence on or after a random anchor (dateutil's), the anchor often on a
DST change day at a wall time inside the gap or the overlap, so that
occurrences cross the changes. The expected starts (docs/calendars.md):
dateutil's naive wall times from the first start's wall time, each turned
into an instant by SPEC §1 (zoneinfo with fold=0: a wall time in a gap takes
the offset before the gap, one in an overlap the earlier instant), two on one
instant kept once, UNTIL applied as the doc says (a UTC value bounds the
instants, a date the local dates, a date-time without Z the wall times),
COUNT counting from the first start, at most 1000 (more: refused), the
except dates left out (they still count towards COUNT), an empty series
refused.

The expansion is tests/ical/reference_busy.py's `expand_rule`, which is
dateutil except for one thing: dateutil ANDs the plain and the positioned
days of a BYDAY that mixes them (`FREQ=MONTHLY;BYDAY=1MO,TU` yields
nothing), where RFC 5545 §3.3.10 makes BYDAY a list of day sets that
expand the period (the first Monday *and* every Tuesday; libical does the
same, docs/calendars.md says slotcraft does). For such a rule it expands one
dateutil rule per BYDAY item from the first day of the period, unites them,
and applies BYSETPOS per period itself.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ical"))
import reference_busy as ref  # noqa: E402

import slotcraft as sc  # noqa: E402

UTC = timezone.utc
SEED = int(os.environ.get("SLOTCRAFT_RRULE_SEED", "20270316"))
CASES = int(os.environ.get("SLOTCRAFT_RRULE_CASES", "3000"))
MAX = 1000
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "America/Sao_Paulo",  # DST until 2019, its gap at local midnight
    "Asia/Tokyo",
    "Australia/Lord_Howe",  # a 30-minute DST change
    "Europe/Dublin",  # tzdata's negative DST
    "Pacific/Auckland",
    "America/Santiago",
    "Asia/Kolkata",
    "UTC",
)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Refused(Exception):
    pass


# ---------------------------------------------------------------- expectation


def local_wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def spec_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """SPEC §1: fold=0 is the offset before a gap and the earlier instant of an overlap."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def expected_starts(rule_text: str, zone_name: str, first_start: datetime, except_dates: list[date]) -> list[datetime]:
    """What docs/calendars.md says expand_recurrence returns; Refused where it refuses."""
    zone = ZoneInfo(zone_name)
    try:
        rule = ref.parse_rule(rule_text)
    except ref.RuleError as e:
        raise Refused(str(e))
    if rule.count is None and rule.until is None:
        raise Refused("no COUNT or UNTIL")
    if any(s != 0 for s in rule.ints.get("BYSECOND", [])):
        raise Refused("not on whole minutes")
    wall0 = local_wall(first_start, zone)
    walls = ref.expand_rule(rule, wall0)
    first = next(walls, None)
    if first != wall0:
        raise Refused(f"the first start {wall0} is not the rule's first occurrence ({first})")
    seen: dict[datetime, datetime] = {}
    n = 0
    for w in _chain(first, walls):
        inst = spec_instant(w, zone)
        # COUNT counts the rule's wall times (RFC 5545, dateutil); two on one instant are one occurrence
        n += 1
        if rule.count is not None and n > rule.count:
            break
        if inst in seen:
            continue
        if ref.until_passed(rule.until, w, inst, w.date()):
            # a UTC UNTIL bounds instants, which SPEC §1 keeps in wall order
            # except inside a gap: look a day further before stopping
            if rule.until[0] != "utc" or inst > rule.until[1] + timedelta(days=1):
                break
            continue
        seen[inst] = w
        if len(seen) > MAX:
            raise Refused("more than 1000 occurrences")
    excepted = set(except_dates)
    out = sorted(i for i, w in seen.items() if w.date() not in excepted)
    if not out:
        raise Refused("no occurrence")
    return out


def _chain(first, rest):
    yield first
    yield from rest


# ---------------------------------------------------------------- generation


@lru_cache(maxsize=None)
def changes(zone_name: str, year: int) -> tuple[tuple[datetime, timedelta, timedelta], ...]:
    """The UTC offset changes of a year: (instant, offset before, offset after)."""
    zone = ZoneInfo(zone_name)
    out = []
    t = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)
    while t < end:
        a, b = t.astimezone(zone).utcoffset(), (t + step).astimezone(zone).utcoffset()
        if a != b:
            lo, hi = t, t + step
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid == lo:
                    mid = lo + timedelta(minutes=1)
                if mid.astimezone(zone).utcoffset() == a:
                    lo = mid
                else:
                    hi = mid
            out.append((hi, a, b))
        t += step
    return tuple(out)


def random_anchor(rng: random.Random, zone_name: str) -> datetime:
    """A naive wall time: random, or in the gap/overlap of a DST change, or
    at that time of day some days before the change."""
    year = rng.randint(2012, 2031)
    ch = changes(zone_name, year)
    r = rng.random()
    if ch and r < 0.4:
        instant, before, after = rng.choice(ch)
        delta = abs(after - before)
        # gap walls: [instant + before, instant + after); overlap walls: [instant + after, instant + before)
        start_wall = instant.replace(tzinfo=None) + min(before, after)
        minutes = rng.randrange(0, int(delta.total_seconds() // 60), 5) if delta >= timedelta(minutes=5) else 0
        wall = start_wall + timedelta(minutes=minutes)
        if r < 0.2:
            return wall
        return wall - timedelta(days=rng.choice([1, 2, 3, 6, 7, 8, 13, 14, 27, 30, 31, 45, 60, 180, 364]))
    d = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    return datetime(d.year, d.month, d.day, rng.randrange(24), rng.randrange(0, 60, 5))


def _pick(rng: random.Random, values, lo: int, hi: int) -> list:
    k = rng.randint(lo, hi)
    return rng.sample(list(values), k)


def _signed(rng: random.Random, top: int, near: int) -> int:
    """A number in ±1..top, mostly near the ends."""
    n = rng.randint(1, near) if rng.random() < 0.7 else rng.randint(1, top)
    return -n if rng.random() < 0.35 else n


def random_rule(rng: random.Random) -> tuple[str, dict]:
    """The rule's parts (without COUNT/UNTIL) as an ordered dict of strings.
    Combinations that rarely or never meet (BYYEARDAY with a position, a
    BYSETPOS beyond the period's set) are avoided: dateutil walks to the year
    9999 before it says a rule has no occurrence."""
    freq = rng.choice(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
    parts: dict[str, str] = {"FREQ": freq}
    has_month = rng.random() < (0.35 if freq == "YEARLY" else 0.15)
    if rng.random() < 0.5 and not (has_month and freq == "MONTHLY"):  # INTERVAL=2;BYMONTH=1,7 may never meet
        parts["INTERVAL"] = str(rng.choice([1, 2, 2, 3, 4]))
    yearday = weekno = False
    if freq == "YEARLY" and not has_month:
        r = rng.random()
        if r < 0.12:
            parts["BYYEARDAY"] = _list(rng, lambda: _signed(rng, 366, 10), 1, 4)
            yearday = True
        elif r < 0.25:
            parts["BYWEEKNO"] = _list(rng, lambda: _signed(rng, 53, 3), 1, 3)
            weekno = True
    plain: list[str] = []
    pos_items: list[str] = []
    if freq in ("DAILY", "WEEKLY"):
        if rng.random() < (0.6 if freq == "WEEKLY" else 0.25):
            plain = _pick(rng, DAYS, 1, 4)
    elif weekno:  # RFC 5545 leaves the days of a week without BYDAY open: always give them
        plain = _pick(rng, DAYS, 1, 3)
    elif yearday:
        if rng.random() < 0.3:
            plain = _pick(rng, DAYS, 2, 5)
    elif rng.random() < 0.5:
        plain = _pick(rng, DAYS, 0, 2)
        top = 4 if (freq == "MONTHLY" or has_month) else 52
        if rng.random() < 0.75 or not plain:
            for _ in range(rng.randint(1, 2)):
                pos_items.append(f"{_signed(rng, top, 4 if top == 4 else 6)}{rng.choice(DAYS)}")
    byday_items = list(dict.fromkeys(pos_items + plain))
    rng.shuffle(byday_items)
    if byday_items:
        parts["BYDAY"] = ",".join(byday_items)
    months = 1
    if has_month:
        chosen = sorted(_pick(rng, range(1, 13), 1, 3))
        months = len(chosen)
        parts["BYMONTH"] = ",".join(str(m) for m in chosen)
    monthdays = 0
    if freq != "WEEKLY" and not pos_items and not yearday and not weekno and rng.random() < 0.3:
        top = 28 if has_month else 31
        parts["BYMONTHDAY"] = _list(rng, lambda: _signed(rng, top, 3), 1, 3)
        monthdays = len(parts["BYMONTHDAY"].split(","))
    if rng.random() < 0.2:
        parts["BYHOUR"] = ",".join(str(h) for h in _pick(rng, range(24), 1, 3))
    if rng.random() < 0.15:
        parts["BYMINUTE"] = ",".join(str(m) for m in _pick(rng, range(0, 60, rng.choice([1, 5, 15])), 1, 2))
    if rng.random() < 0.05:
        parts["BYSECOND"] = "0"
    # BYSETPOS picks from the set of a period: only where the period holds several
    times = len(parts.get("BYHOUR", "x").split(",")) * len(parts.get("BYMINUTE", "x").split(","))
    if freq == "DAILY":
        days = 1
    elif freq == "WEEKLY":
        days = max(1, len(plain))
    elif monthdays:
        days = 1 if plain else monthdays * (1 if freq == "MONTHLY" else months if has_month else 12)
    elif freq == "MONTHLY" or has_month:
        days = (len(pos_items) + 4 * len(plain) or 1) * (months if freq == "YEARLY" else 1)
    elif weekno:
        days = len(plain)
    elif yearday:
        days = 1
    else:
        days = len(pos_items) + 52 * len(plain) or 1
    size = days * times
    if size > 1 and rng.random() < 0.35:
        parts["BYSETPOS"] = _list(rng, lambda: rng.choice([1, -1]) * rng.randint(1, min(size, 6)), 1, 2)
    if rng.random() < 0.3:
        parts["WKST"] = rng.choice(DAYS)
    return freq, parts


def _list(rng: random.Random, make, lo: int, hi: int) -> str:
    return ",".join(str(v) for v in dict.fromkeys(make() for _ in range(rng.randint(lo, hi))))


class _Slow(Exception):
    pass


def _slow(signum, frame):  # noqa: ARG001
    raise _Slow()


def first_occurrence(parts: dict, anchor: datetime) -> datetime | None:
    """dateutil's first occurrence on or after `anchor`; None for a rule that
    has none soon (dateutil walks to year 9999 before it says so: a rule that
    takes more than a fifth of a second is dropped)."""
    rule = ref.parse_rule(";".join(f"{k}={v}" for k, v in parts.items()) + ";COUNT=1")
    rule.count = None
    walls = ref.expand_rule(rule, anchor)
    old = signal.signal(signal.SIGALRM, _slow)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        first = next(walls, None)
    except _Slow:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if first is None or first > anchor + timedelta(days=366 * 12):
        return None
    return first


def add_end(rng: random.Random, freq: str, parts: dict, first_wall: datetime, zone: ZoneInfo) -> dict:
    parts = dict(parts)
    r = rng.random()
    if r < 0.45:
        parts["COUNT"] = str(rng.choice([1, 2, 3, 5, 8, 13, 20, 40, 60, 100]) if rng.random() < 0.97
                             else rng.choice([999, 1000, 1001, 1500]))
        return parts
    span = {"DAILY": 200, "WEEKLY": 900, "MONTHLY": 3650, "YEARLY": 7300}[freq]
    if rng.random() < 0.03:
        span *= 10  # may exceed 1000 occurrences
    days = rng.randint(-2 if rng.random() < 0.05 else 0, span)
    wall = first_wall + timedelta(days=days, minutes=rng.choice([0, 0, 0, -1, 1, rng.randrange(-720, 720)]))
    kind = rng.choice(["utc", "date", "floating"])
    if kind == "utc":
        parts["UNTIL"] = spec_instant(wall, zone).strftime("%Y%m%dT%H%M%SZ")
    elif kind == "date":
        parts["UNTIL"] = wall.strftime("%Y%m%d")
    else:
        parts["UNTIL"] = wall.strftime("%Y%m%dT%H%M%S")
    return parts


def spelled(rng: random.Random, parts: dict) -> str:
    items = [f"{k}={v}" for k, v in parts.items()]
    rng.shuffle(items) if rng.random() < 0.3 else None
    text = ";".join(items)
    r = rng.random()
    if r < 0.1:
        text = text.lower()
    elif r < 0.2:
        text = "".join(c.lower() if rng.random() < 0.5 else c for c in text)
    if rng.random() < 0.05:
        text = "RRULE:" + text
    return text


def make_case(rng: random.Random):
    while True:
        zone_name = rng.choice(ZONES)
        zone = ZoneInfo(zone_name)
        freq, parts = random_rule(rng)
        anchor = random_anchor(rng, zone_name)
        first = first_occurrence(parts, anchor)
        if first is None:
            continue
        first_start = spec_instant(first, zone)
        parts = add_end(rng, freq, parts, local_wall(first_start, zone), zone)
        return zone_name, spelled(rng, parts), first_start


# ---------------------------------------------------------------- the test


def describe(t: datetime, zone_name: str) -> str:
    return f"{t.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ} ({t.astimezone(ZoneInfo(zone_name)):%a %Y-%m-%d %H:%M %z})"


def compare(zone_name: str, rule: str, first_start: datetime, except_dates: list[date], outcome: dict | None = None) -> str | None:
    """None when slotcraft does what the doc says, else a report; `outcome`
    counts what was expected."""
    head = (f"rule {rule!r} zone {zone_name} first_start {describe(first_start, zone_name)}"
            + (f" except {[d.isoformat() for d in except_dates]}" if except_dates else ""))
    try:
        want = expected_starts(rule, zone_name, first_start, except_dates)
    except Refused as e:
        want, why = None, str(e)
        if outcome is not None:
            outcome["refused"] = outcome.get("refused", 0) + 1
    except ref.ReferenceCannot as e:
        return None if os.environ.get("SLOTCRAFT_RRULE_STRICT") is None else f"{head}: reference cannot: {e}"
    try:
        got = [t.astimezone(UTC) for t in sc.expand_recurrence(rule, zone_name, first_start, except_dates)]
    except sc.InvalidArgument as e:
        if want is None:
            return None if e.field == "rrule" else f"{head}: refused naming {e.field!r}, expected 'rrule': {e}"
        return f"{head}: slotcraft refuses ({e}); expected {len(want)} starts from {describe(want[0], zone_name)}"
    if want is None:
        return f"{head}: slotcraft gives {len(got)} starts, expected a refusal ({why})"
    if got == want:
        return None
    for i, (a, b) in enumerate(zip(want, got)):
        if a != b:
            return (f"{head}: {len(want)} expected, {len(got)} got; first difference at #{i}: "
                    f"expected {describe(a, zone_name)}, got {describe(b, zone_name)}")
    i = min(len(want), len(got))
    extra = (f"expected also {describe(want[i], zone_name)}" if len(want) > i else f"got also {describe(got[i], zone_name)}")
    return f"{head}: {len(want)} expected, {len(got)} got; {extra}"


def test_random_rules_expand_as_dateutil_says_in_dst_zones() -> None:
    rng = random.Random(SEED)
    began = time.monotonic()
    failures: list[str] = []
    outcome: dict = {}
    for _ in range(CASES):
        zone_name, rule, first_start = make_case(rng)
        except_dates: list[date] = []
        if rng.random() < 0.25:
            try:
                starts = expected_starts(rule, zone_name, first_start, [])
                days = sorted({t.astimezone(ZoneInfo(zone_name)).date() for t in starts})
                except_dates = rng.sample(days, min(len(days), rng.choice([1, 1, 2, 3])))
                if rng.random() < 0.1:
                    except_dates = days  # every occurrence excepted: refused
                if rng.random() < 0.2:
                    except_dates.append(days[-1] + timedelta(days=rng.randint(1, 40)))
            except (Refused, ref.ReferenceCannot):
                pass
        report = compare(zone_name, rule, first_start, except_dates, outcome)
        if report:
            failures.append(report)
    elapsed = time.monotonic() - began
    print(f"{CASES} rules (seed {SEED}) in {elapsed:.1f} s; {outcome.get('refused', 0)} expected refusals; {len(failures)} failures")
    assert not failures, f"{len(failures)} of {CASES} rules differ (seed {SEED}):\n" + "\n".join(failures[:25])


# ---------------------------------------------------------------- fixed cases

BERLIN = "Europe/Berlin"
MONDAY_17 = datetime(2027, 1, 25, 16, 0, tzinfo=UTC)  # Monday 17:00 in Berlin


@pytest.mark.parametrize(
    "rule, first_start, except_dates",
    [
        ("FREQ=HOURLY;COUNT=5", MONDAY_17, []),
        ("FREQ=MINUTELY;COUNT=5", MONDAY_17, []),
        ("FREQ=SECONDLY;COUNT=5", MONDAY_17, []),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270401T000000Z", MONDAY_17, []),
        ("FREQ=WEEKLY;BYMONTHDAY=25;COUNT=3", MONDAY_17, []),
        ("FREQ=WEEKLY;BYDAY=-1MO;COUNT=3", MONDAY_17, []),
        ("FREQ=DAILY;BYDAY=1MO;COUNT=3", MONDAY_17, []),
        ("FREQ=MONTHLY;BYYEARDAY=25;COUNT=3", MONDAY_17, []),
        ("FREQ=DAILY;BYYEARDAY=25;COUNT=3", MONDAY_17, []),
        ("FREQ=MONTHLY;BYWEEKNO=4;COUNT=3", MONDAY_17, []),
        ("FREQ=YEARLY;BYWEEKNO=4;BYDAY=1MO;COUNT=3", MONDAY_17, []),
        ("FREQ=WEEKLY", MONDAY_17, []),
        ("FREQ=WEEKLY;BYDAY=MO", MONDAY_17, []),
        ("FREQ=WEEKLY;UNTIL=20270124", MONDAY_17, []),  # before the first start
        ("FREQ=WEEKLY;UNTIL=20270125T155959Z", MONDAY_17, []),
        ("FREQ=WEEKLY;UNTIL=20270125T165959", MONDAY_17, []),
        ("FREQ=WEEKLY;COUNT=2", MONDAY_17, [date(2027, 1, 25), date(2027, 2, 1)]),  # every one excepted
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=3", MONDAY_17, []),  # the first start is not an occurrence
        ("FREQ=DAILY;COUNT=1001", MONDAY_17, []),
        ("FREQ=DAILY;UNTIL=20300101", MONDAY_17, []),  # 1072 occurrences
        ("FREQ=DAILY;BYSECOND=30;COUNT=3", MONDAY_17, []),
        ("FREQ=DAILY;COUNT=0", MONDAY_17, []),
        ("FREQ=DAILY;INTERVAL=0;COUNT=3", MONDAY_17, []),
        ("FREQ=MONTHLY;BYMONTHDAY=0;COUNT=3", MONDAY_17, []),
        ("FREQ=MONTHLY;BYMONTHDAY=32;COUNT=3", MONDAY_17, []),
        ("FREQ=WEEKLY;BYDAY=XX;COUNT=3", MONDAY_17, []),
        ("FREQ=FORTNIGHTLY;COUNT=3", MONDAY_17, []),
        ("COUNT=3", MONDAY_17, []),
        ("FREQ=WEEKLY;COUNT=3;X-NAME=1", MONDAY_17, []),
        ("", MONDAY_17, []),
    ],
)
def test_refusals_name_the_rule(rule: str, first_start: datetime, except_dates: list[date]) -> None:
    with pytest.raises(Refused):
        expected_starts(rule, BERLIN, first_start, except_dates)  # the reference agrees it is refused
    with pytest.raises(sc.InvalidArgument) as refused:
        sc.expand_recurrence(rule, BERLIN, first_start, except_dates)
    assert refused.value.field == "rrule", str(refused.value)


@pytest.mark.parametrize(
    "rule, zone, first_start, count",
    [
        ("FREQ=DAILY;COUNT=1000", BERLIN, MONDAY_17, 1000),
        ("FREQ=DAILY;UNTIL=20270125", BERLIN, MONDAY_17, 1),
        ("FREQ=DAILY;UNTIL=20270125T160000Z", BERLIN, MONDAY_17, 1),
        ("FREQ=DAILY;UNTIL=20270125T170000", BERLIN, MONDAY_17, 1),
        # mixed positions and plain days (dateutil would give nothing)
        ("FREQ=MONTHLY;BYDAY=-1MO,TU;COUNT=12", BERLIN, MONDAY_17, 12),
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=1SU,-1SA;BYSETPOS=1,-1;COUNT=6", BERLIN,
         datetime(2027, 3, 7, 9, 0, tzinfo=UTC), 6),
        # through the spring gap: 02:30 does not exist on 2027-03-28 and becomes 03:30
        ("FREQ=DAILY;COUNT=5", BERLIN, datetime(2027, 3, 26, 1, 30, tzinfo=UTC), 5),
        # two wall times on one instant (02:30 in the gap is 03:30): one occurrence, though COUNT counted both
        ("FREQ=DAILY;BYHOUR=2,3;BYMINUTE=30;COUNT=6", BERLIN, datetime(2027, 3, 27, 1, 30, tzinfo=UTC), 5),
        # the autumn overlap: the earlier 02:30
        ("FREQ=WEEKLY;BYDAY=SU;COUNT=3", BERLIN, datetime(2027, 10, 24, 0, 30, tzinfo=UTC), 3),
        # a COUNT is a COUNT, however many years it takes (the doc sets no horizon)
        ("FREQ=YEARLY;COUNT=500", BERLIN, MONDAY_17, 500),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=20", "UTC", datetime(2016, 2, 29, 9, 0, tzinfo=UTC), 20),
        # RFC 5545 weeks start on WKST: BYSETPOS counts the whole first week (dateutil counts from DTSTART)
        ("FREQ=WEEKLY;BYDAY=MO,FR;BYSETPOS=1;COUNT=3", BERLIN, datetime(2027, 2, 1, 8, 0, tzinfo=UTC), 3),
        # a WKST=SA week 53 of 2070 does not exist (dateutil finds one)
        ("FREQ=YEARLY;INTERVAL=3;BYWEEKNO=2,53;BYDAY=TH;WKST=SA;COUNT=20", "UTC",
         datetime(2068, 1, 12, 9, 0, tzinfo=UTC), 20),
    ],
)
def test_fixed_rules(rule: str, zone: str, first_start: datetime, count: int) -> None:
    want = expected_starts(rule, zone, first_start, [])
    assert len(want) == count
    assert compare(zone, rule, first_start, []) is None


def test_expected_model_on_known_dst_days() -> None:
    """The expectation itself, written out: 02:30 daily in Berlin from 2027-03-26."""
    want = expected_starts("FREQ=DAILY;COUNT=4", BERLIN, datetime(2027, 3, 26, 1, 30, tzinfo=UTC), [])
    assert want == [datetime(2027, 3, 26, 1, 30, tzinfo=UTC), datetime(2027, 3, 27, 1, 30, tzinfo=UTC),
                    datetime(2027, 3, 28, 1, 30, tzinfo=UTC), datetime(2027, 3, 29, 0, 30, tzinfo=UTC)]
    # 02:30 on 2027-10-31 happens twice in Berlin: the earlier one, 00:30Z
    assert expected_starts("FREQ=DAILY;COUNT=2", BERLIN, datetime(2027, 10, 30, 0, 30, tzinfo=UTC), [])[1] == \
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
