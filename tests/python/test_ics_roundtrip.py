"""Booked series, exported with export_ics, read back with read_ics.

Seeded random series (SLOTCRAFT_ROUNDTRIP_SEED) are booked on an in-memory
scheduler for resources in zones west and east of UTC (Berlin with UNTIL in
its three forms, Tokyo, Kolkata, Sydney, Auckland, New York, UTC), with
`what_is_free` (occurrences that collide become EXDATEs), except dates, single
bookings in between, some occurrences cancelled (RECURRENCE-ID overrides with
STATUS:CANCELLED), some moved (events of their own plus an EXDATE), and now
and then a series cancelled from one occurrence on. Each resource's export,
read back over a wide window in the resource's zone, must be exactly the core
intervals of its active bookings, merged; so must the Python reference of
docs/calendars.md (tests/ical/reference_busy.py) read it.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ical"))
import reference_busy as ref  # noqa: E402

import slotcraft as sc  # noqa: E402

UTC = timezone.utc
SEED = int(os.environ.get("SLOTCRAFT_ROUNDTRIP_SEED", "5545"))
NOW = datetime(2027, 2, 28, 12, 0, tzinfo=UTC)
WINDOW = (NOW - timedelta(days=30), NOW + timedelta(days=3 * 366))
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RFC_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
RESOURCES = {
    "berlin": "Europe/Berlin",
    "tokyo": "Asia/Tokyo",
    "kolkata": "Asia/Kolkata",
    "sydney": "Australia/Sydney",
    "auckland": "Pacific/Auckland",
    "newyork": "America/New_York",
    "utc": "UTC",
}


def build(target: str = "memory:") -> sc.Scheduler:
    """Every resource open 06:00-22:00 every day in its zone; a 15-minute grid."""
    s = sc.Scheduler(target)
    s.put_location(sc.Location("studio", name="Studio"))
    hours = {day: [("06:00", "22:00")] for day in ALL_DAYS}
    for rid, zone in RESOURCES.items():
        s.put_resource(sc.ResourceRecord(rid, zone, name=rid, schedules=[sc.LocationSchedule("studio", weekly=hours)]))
    for sid, minutes in (("short", 30), ("long", 75)):
        s.put_service(sc.Service(sid, timedelta(minutes=minutes), step=timedelta(minutes=15)))
    for rid in RESOURCES:
        s.link(rid, "short")
        s.link(rid, "long")
    s.put_client(sc.Client("c1", name="Client"))
    return s


def nth_weekday(day: date) -> str:
    """`2TU` or `-1TU` for the weekday of `day` in its month."""
    n = (day.day - 1) // 7 + 1
    last = (day + timedelta(days=7)).month != day.month
    pos = -1 if last and random.Random(day.toordinal()).random() < 0.5 else n
    return f"{pos}{RFC_DAYS[day.weekday()]}"


def random_series(rng: random.Random, zone_name: str) -> tuple[datetime, str, list[date]]:
    """A first start (a quarter hour between 07:00 and 20:00 local) and a rule
    whose first occurrence it is."""
    zone = ZoneInfo(zone_name)
    day = (NOW + timedelta(days=rng.randint(2, 200))).astimezone(zone).date()
    at = time(rng.randint(7, 19), rng.choice([0, 15, 30, 45]))
    first = datetime.combine(day, at, zone)  # fold=0: SPEC §1
    wd = RFC_DAYS[day.weekday()]
    kind = rng.choice(["daily", "weekly", "weekly2", "monthly_day", "monthly_pos", "weekly_setpos"])
    if kind == "daily":
        rule = f"FREQ=DAILY;INTERVAL={rng.choice([1, 2, 3])}"
    elif kind == "weekly":
        others = rng.sample([d for d in RFC_DAYS if d != wd], rng.randint(0, 2))
        rule = f"FREQ=WEEKLY;BYDAY={','.join([wd, *others])}"
    elif kind == "weekly2":
        rule = f"FREQ=WEEKLY;INTERVAL=2;WKST={rng.choice(RFC_DAYS)};BYDAY={wd}"
    elif kind == "monthly_day":
        # the 29th-31st counted from the month's end, so that every month has one
        monthday = day.day if day.day <= 28 else -(_days_in_month(day) - day.day + 1)
        rule = f"FREQ=MONTHLY;BYMONTHDAY={monthday}"
    elif kind == "monthly_pos":
        rule = f"FREQ=MONTHLY;BYDAY={nth_weekday(day)}"
    else:
        later = RFC_DAYS[day.weekday() + 1:]
        if later:  # the first of two days of each week (weeks from Monday): DTSTART's
            rule = f"FREQ=WEEKLY;BYDAY={rng.choice(later)},{wd};BYSETPOS=1"
        else:
            rule = f"FREQ=WEEKLY;BYDAY={wd};BYHOUR={at.hour};BYMINUTE={at.minute}"
    if zone_name == "Europe/Berlin" or rng.random() < 0.3:
        last = day + timedelta(days=rng.randint(3, 40) if kind == "daily" else rng.randint(20, 300))
        form = rng.choice(["date", "floating", "utc"])
        if form == "date":
            rule += f";UNTIL={last:%Y%m%d}"
        elif form == "floating":
            rule += f";UNTIL={last:%Y%m%d}T{rng.randint(0, 23):02d}{rng.choice([0, 30]):02d}00"
        else:
            rule += f";UNTIL={datetime.combine(last, time(12), UTC):%Y%m%dT%H%M%SZ}"
    else:
        rule += f";COUNT={rng.randint(2, 15)}"
    except_dates = []
    if rng.random() < 0.3:
        except_dates = [day + timedelta(days=rng.randint(1, 30))]
    return first.astimezone(UTC), rule, except_dates


def _days_in_month(day: date) -> int:
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (nxt - timedelta(days=1)).day


def merged(pairs: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for a, b in sorted(pairs):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def book_world(seed: int):
    """The scheduler, the ids of every booking per resource, and a log of what was done."""
    rng = random.Random(seed)
    s = build()
    ids: dict[str, list[str]] = {rid: [] for rid in RESOURCES}
    log: list[str] = []
    series = 0
    while series < 30:
        rid = rng.choice(list(RESOURCES))
        zone_name = RESOURCES[rid]
        first, rule, except_dates = random_series(rng, zone_name)
        service = rng.choice(["short", "long"])
        try:
            out = s.book_recurring(rid, service, first, rule, except_dates=except_dates, what_is_free=True,
                                   client="c1", now=NOW)
        except sc.InvalidArgument as e:
            # a series this generator makes must be accepted, except when all of it collides
            if "no occurrence" in str(e) or "every" in str(e):
                continue
            raise AssertionError(f"{rid} {zone_name} {first} {rule} {except_dates}: {e}") from e
        series += 1
        booked = [b.id for b in out.booked]
        ids[rid].extend(booked)
        log.append(f"{rid} ({zone_name}) {service} {first:%Y-%m-%dT%H:%MZ} {rule} except {except_dates}: "
                   f"{len(booked)} booked, {len(out.refused)} refused")
        for bid in booked:
            r = rng.random()
            if r < 0.12:
                s.cancel(bid, "random", now=NOW)
                log.append(f"  cancel {bid}")
            elif r < 0.22:
                b = s.booking(bid)
                new = b.start + rng.choice([timedelta(days=1), timedelta(hours=2), timedelta(days=-1), timedelta(minutes=45)])
                try:
                    s.reschedule(bid, new, now=NOW)
                    log.append(f"  move {bid} {b.start:%Y-%m-%dT%H:%MZ} -> {new:%Y-%m-%dT%H:%MZ}")
                except (sc.Conflict, sc.InvalidArgument) as e:
                    log.append(f"  move {bid} refused: {e}")
        if booked and rng.random() < 0.1:
            cut = rng.choice(booked)
            done = s.cancel_series(cut, "following", "stop", now=NOW)
            log.append(f"  cancel following {cut}: {len(done)}")
        if rng.random() < 0.3:
            b0 = s.booking(booked[0]) if booked else None
            if b0 is not None:
                at = b0.start + timedelta(days=rng.randint(1, 20), minutes=rng.choice([-60, 60, 120]))
                try:
                    single = s.book(rid, "short", at, client="c1", now=NOW)
                    ids[rid].append(single.id)
                    log.append(f"  single {single.id} {at:%Y-%m-%dT%H:%MZ}")
                except (sc.Conflict, sc.InvalidArgument):
                    pass
    return s, ids, log


def expected_busy(s: sc.Scheduler, ids: list[str]) -> list[tuple[datetime, datetime]]:
    pairs = []
    for bid in ids:
        b = s.booking(bid)
        if b.status == sc.BookingStatus.confirmed:
            pairs.append((b.start.astimezone(UTC), b.end.astimezone(UTC)))
    return merged(pairs)


def first_difference(want, got) -> str:
    for i, (a, b) in enumerate(zip(want, got)):
        if a != b:
            return f"#{i}: expected {a[0]:%Y-%m-%dT%H:%MZ}..{a[1]:%H:%MZ}, got {b[0]:%Y-%m-%dT%H:%MZ}..{b[1]:%H:%MZ}"
    i = min(len(want), len(got))
    return f"{len(want)} expected, {len(got)} got; " + (f"expected also {want[i]}" if len(want) > i else f"got also {got[i]}")


@pytest.fixture(scope="module")
def world():
    return book_world(SEED)


@pytest.mark.parametrize("rid", list(RESOURCES))
def test_an_export_reads_back_as_the_active_bookings(world, rid: str) -> None:
    s, ids, log = world
    want = expected_busy(s, ids[rid])
    ics = s.export_ics(resource=rid, now=NOW)
    got_read = sc.read_ics(ics, RESOURCES[rid], *WINDOW)
    got = [(i.start.astimezone(UTC), i.end.astimezone(UTC)) for i in got_read.busy]
    context = "\n".join(log)
    assert got_read.skipped == [], f"{rid}: skipped lines {[(x.line, x.reason) for x in got_read.skipped]}"
    assert got == want, f"{rid} ({RESOURCES[rid]}): slotcraft.read_ics {first_difference(want, got)}\n{context}\n{ics}"


@pytest.mark.parametrize("rid", list(RESOURCES))
def test_the_reference_reads_an_export_the_same(world, rid: str) -> None:
    s, ids, log = world
    want = expected_busy(s, ids[rid])
    ics = s.export_ics(resource=rid, now=NOW)
    got = ref.busy(ics, RESOURCES[rid], *WINDOW)
    assert got == want, f"{rid} ({RESOURCES[rid]}): reference_busy {first_difference(want, got)}\n" + "\n".join(log) + "\n" + ics


def test_the_world_has_what_the_test_is_about(world) -> None:
    """Series in every form the export writes: RRULE, EXDATE, RECURRENCE-ID, moved events, VTIMEZONE."""
    s, ids, log = world
    text = "".join(s.export_ics(resource=rid, now=NOW) for rid in RESOURCES).replace("\r\n ", "")
    for needle in ("RRULE:", "UNTIL=", "COUNT=", "EXDATE;TZID=", "RECURRENCE-ID", "STATUS:CANCELLED",
                   "RELATED-TO", "BEGIN:VTIMEZONE", "TZID=Asia/Tokyo", "TZID=Europe/Berlin"):
        assert needle in text, f"no {needle} in the exports\n" + "\n".join(log)
    assert sum(len(v) for v in ids.values()) > 100


@pytest.mark.parametrize("rid", [r for r in RESOURCES if RESOURCES[r] != "UTC"])
def test_an_export_with_a_zone_name_no_database_knows_reads_back_by_its_vtimezone(world, rid: str) -> None:
    """The same export with its TZID renamed (and X-LIC-LOCATION dropped), so
    that the file's VTIMEZONE, not the zone database, gives the offsets."""
    s, ids, log = world
    zone = RESOURCES[rid]
    want = expected_busy(s, ids[rid])
    ics = s.export_ics(resource=rid, now=NOW).replace("\r\n ", "")
    if f"TZID:{zone}\r\n" not in ics:
        pytest.skip(f"no series of {rid} in this world (seed {SEED}): no VTIMEZONE to read")
    renamed = "\r\n".join(line for line in ics.split("\r\n") if not line.startswith("X-LIC-LOCATION"))
    renamed = renamed.replace(f"TZID:{zone}\r\n", "TZID:Local time of the studio\r\n")
    renamed = renamed.replace(f"TZID={zone}:", 'TZID="Local time of the studio":')
    assert zone not in renamed
    got = [(i.start.astimezone(UTC), i.end.astimezone(UTC)) for i in sc.read_ics(renamed, zone, *WINDOW).busy]
    assert got == want, f"{rid} ({zone}): slotcraft.read_ics {first_difference(want, got)}\n" + "\n".join(log) + "\n" + renamed
    got_ref = ref.busy(renamed, zone, *WINDOW)
    assert got_ref == want, f"{rid} ({zone}): reference_busy {first_difference(want, got_ref)}\n" + "\n".join(log) + "\n" + renamed
