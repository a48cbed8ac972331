#!/usr/bin/env python3
"""Straightforward reference implementation of /work/shared/SPEC.md §1-§12.

Written independently of the C++ engine, for differential testing.  It is
deliberately slow and literal: open time is computed per local date as lists
of UTC intervals, candidates are generated exactly as SPEC §3 describes, and
each candidate is checked against every booking.

All instants are integers (seconds since the Unix epoch, UTC).  An interval
is a tuple (start, end), half-open.

Where SPEC.md is ambiguous, the reading documented in docs/semantics.md is
followed; every such place is marked "AMBIGUOUS" below.

Only the standard library is used (zoneinfo with the system tz database).
"""

import json
import re
import sys
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MAX_RANGE_SECONDS = 366 * 86400


class SpecError(Exception):
    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --------------------------------------------------------------------------
# §1 Time
# --------------------------------------------------------------------------

def naive_utc_to_epoch(dt):
    return int((dt - EPOCH).total_seconds())


def epoch_to_naive_utc(e):
    return EPOCH + timedelta(seconds=e)


def format_instant(e):
    return epoch_to_naive_utc(e).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_to_local(e, tz):
    """Wall time (naive datetime) of instant e in zone tz."""
    return datetime.fromtimestamp(e, tz).replace(tzinfo=None)


def local_date_of(e, tz):
    return epoch_to_local(e, tz).date()


def instants_with_wall_time(tz, naive):
    """All instants whose wall time in tz is `naive` (0, 1 or 2 of them)."""
    found = set()
    for fold in (0, 1):
        off = naive.replace(tzinfo=tz, fold=fold).utcoffset()
        e = naive_utc_to_epoch(naive - off)
        if epoch_to_local(e, tz) == naive:
            found.add(e)
    return sorted(found)


def local_to_utc(tz, naive):
    """SPEC §1 local -> UTC.

    - normal: the one instant with that wall time;
    - overlap: the earlier of the two instants;
    - gap: use the UTC offset in force *before* the transition.
    """
    found = instants_with_wall_time(tz, naive)
    if found:
        return found[0]
    # Gap.  zoneinfo gives both the offset before and after the transition
    # (via fold); a gap always means the offset increases, so the instant
    # `naive - offset_after` lies before the transition and the offset in
    # force there is the offset before the transition.  Computed explicitly.
    offsets = {naive.replace(tzinfo=tz, fold=f).utcoffset() for f in (0, 1)}
    probe = naive_utc_to_epoch(naive - max(offsets))
    before = datetime.fromtimestamp(probe, tz).utcoffset()
    e = naive_utc_to_epoch(naive - before)
    assert epoch_to_local(e, tz) > naive, "gap time must be shifted later"
    return e


def local_minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def local_range_to_utc(tz, d, frm, to):
    """Convert local range [frm, to) of local date d to a UTC interval.

    to <= from runs overnight (ends on the next local date); 24:00 is the
    next local midnight.  Returns None when the converted range is empty.
    """
    fm = local_minutes(frm)
    tm = local_minutes(to)
    if tm <= fm:
        tm += 1440
    midnight = datetime(d.year, d.month, d.day)
    start = local_to_utc(tz, midnight + timedelta(minutes=fm))
    end = local_to_utc(tz, midnight + timedelta(minutes=tm))
    if end <= start:
        return None
    return (start, end)


# --------------------------------------------------------------------------
# Interval helpers (lists of (start, end), half-open)
# --------------------------------------------------------------------------

def union(intervals):
    """Merge overlapping or touching intervals; result sorted."""
    out = []
    for s, e in sorted(i for i in intervals if i[1] > i[0]):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def subtract(intervals, holes):
    """intervals minus the union of holes."""
    result = []
    holes = union(holes)
    for s, e in union(intervals):
        pieces = [(s, e)]
        for hs, he in holes:
            nxt = []
            for ps, pe in pieces:
                if he <= ps or hs >= pe:
                    nxt.append((ps, pe))
                    continue
                if hs > ps:
                    nxt.append((ps, hs))
                if he < pe:
                    nxt.append((he, pe))
            pieces = nxt
        result.extend(pieces)
    return union(result)


# --------------------------------------------------------------------------
# Parsing and validation (§7)
# --------------------------------------------------------------------------

# AMBIGUOUS (SPEC §1 says only "ISO 8601 with Z or an offset"); documented
# reading (docs/semantics.md): YYYY-MM-DDTHH:MM[:SS[.fraction]] with Z or
# +-HH:MM, T/Z may be lower case, fractions truncated to the second, a time
# without an offset is refused, years 0001-9999.  ISO 8601 also allows a
# comma as the decimal sign; the CLI accepts it, and so does this reference.
# (re.ASCII: only the digits 0-9, not any Unicode digit.)
ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"([Zz]|[+-]\d{2}:\d{2})$", re.ASCII)
HHMM_RE = re.compile(r"^(\d{2}):(\d{2})$", re.ASCII)
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)


def parse_instant(value, field):
    if not isinstance(value, str):
        raise SpecError(field, "malformed ISO 8601 instant")
    m = ISO_RE.match(value)
    if not m:
        raise SpecError(field, "malformed ISO 8601 instant")
    y, mo, d, h, mi, s = (int(x or 0) for x in m.groups()[:6])
    try:
        if y < 1:
            raise ValueError
        dt = datetime(y, mo, d, h, mi, s)
    except ValueError:
        raise SpecError(field, "malformed ISO 8601 instant")
    tzs = m.group(7)
    offset = 0
    if tzs not in ("Z", "z"):
        oh, om = int(tzs[1:3]), int(tzs[4:6])
        if oh > 23 or om > 59:
            raise SpecError(field, "malformed ISO 8601 offset")
        offset = (oh * 60 + om) * 60 * (1 if tzs[0] == "+" else -1)
    return naive_utc_to_epoch(dt) - offset


def check_hhmm(value, field):
    if not isinstance(value, str):
        raise SpecError(field, "HH:MM expected")
    m = HHMM_RE.match(value)
    if not m:
        raise SpecError(field, "HH:MM expected")
    h, mi = int(m.group(1)), int(m.group(2))
    if mi > 59 or h > 24 or (h == 24 and mi != 0):
        raise SpecError(field, "HH:MM out of range (00:00..24:00)")
    return value


def check_local_ranges(ranges, field):
    if not isinstance(ranges, list):
        raise SpecError(field, "list of [from, to] expected")
    out = []
    for i, r in enumerate(ranges):
        if not isinstance(r, list) or len(r) != 2:
            raise SpecError(f"{field}[{i}]", "[from, to] expected")
        check_hhmm(r[0], f"{field}[{i}][0]")
        check_hhmm(r[1], f"{field}[{i}][1]")
        out.append((r[0], r[1]))
    return out


MAX_MINUTES = 366 * 1440
INT_MAX = 2**31 - 1


def get_int(obj, key, default, field, max_minutes=False):
    """AMBIGUOUS (documented reading): JSON integers in the C int range;
    30.0 is read as 30, 30.5 refused; durations, steps, buffers and notice
    are at most 366 days."""
    v = obj.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise SpecError(field, "integer expected")
    if isinstance(v, float):
        if not v.is_integer():
            raise SpecError(field, "integer expected")
        v = int(v)
    if not (-INT_MAX - 1 <= v <= INT_MAX):
        raise SpecError(field, "integer out of range")
    if max_minutes and v > MAX_MINUTES:
        raise SpecError(field, "at most 366 days")
    return v


def parse_service(svc):
    duration = get_int(svc, "duration", None, "service.duration", True)
    if duration <= 0:
        raise SpecError("service.duration", "duration must be > 0")
    step = get_int(svc, "step", duration, "service.step", True)
    if step <= 0:
        raise SpecError("service.step", "step must be > 0")
    align = svc.get("align", "window")
    if align not in ("window", "clock", "free"):
        raise SpecError("service.align", "unknown align")
    bb = get_int(svc, "buffer_before", 0, "service.buffer_before", True)
    if bb < 0:
        raise SpecError("service.buffer_before", "negative buffer")
    ba = get_int(svc, "buffer_after", 0, "service.buffer_after", True)
    if ba < 0:
        raise SpecError("service.buffer_after", "negative buffer")
    mn = get_int(svc, "min_notice", 0, "service.min_notice", True)
    if mn < 0:
        raise SpecError("service.min_notice", "negative notice")
    ma = get_int(svc, "max_advance", 0, "service.max_advance")
    if ma < 0:
        raise SpecError("service.max_advance", "negative notice")
    cap = get_int(svc, "capacity", 1, "service.capacity")
    if cap < 1:
        raise SpecError("service.capacity", "capacity must be >= 1")
    mpd = get_int(svc, "max_per_day", 0, "service.max_per_day")
    if mpd < 0:
        raise SpecError("service.max_per_day", "negative limit")
    # SPEC §11: limits per client, 0 = unlimited.
    client_limits = {}
    for key in ("max_per_client_per_day", "max_per_client_per_week", "max_seats_per_client"):
        client_limits[key] = get_int(svc, key, 0, f"service.{key}")
        if client_limits[key] < 0:
            raise SpecError(f"service.{key}", "negative limit")
    # AMBIGUOUS (documented reading): a missing service id is "".
    return {
        "id": svc.get("id", ""),
        "duration": duration * 60, "step": step * 60, "align": align,
        "buffer_before": bb * 60, "buffer_after": ba * 60,
        "min_notice": mn * 60, "max_advance": ma * 60,
        "capacity": cap, "max_per_day": mpd, **client_limits,
    }


def parse_weekly(weekly_in, field):
    if not isinstance(weekly_in, dict):
        raise SpecError(field, "object expected")
    # AMBIGUOUS (documented reading): unknown weekday keys are refused.
    for key in weekly_in:
        if key not in WEEKDAYS:
            raise SpecError(f"{field}.{key}", "unknown weekday")
    weekly = {}
    for day in WEEKDAYS:
        if day in weekly_in:
            weekly[day] = check_local_ranges(weekly_in[day], f"{field}.{day}")
        else:
            weekly[day] = []
    return weekly


def weekly_hours(res, d):
    """hours(D) before overrides: the weekday's ranges, of D's week in the rotation (SPEC §9)."""
    if res["rotation"] is None:
        return res["weekly"][WEEKDAYS[d.weekday()]]
    anchor, weeks = res["rotation"]
    monday = lambda x: x - timedelta(days=x.weekday())
    k = (monday(d) - monday(anchor)).days // 7
    return weeks[k % len(weeks)][WEEKDAYS[d.weekday()]]  # Python's % is never negative here


def parse_booking(b, bf):
    s = parse_instant(b.get("start"), f"{bf}.start")
    e = parse_instant(b.get("end"), f"{bf}.end")
    if e <= s:
        raise SpecError(f"{bf}.end", "end must be after start")
    seats = get_int(b, "seats", 1, f"{bf}.seats")
    if seats < 1:
        raise SpecError(f"{bf}.seats", "seats must be >= 1")
    bb = get_int(b, "buffer_before", 0, f"{bf}.buffer_before", True)
    if bb < 0:
        raise SpecError(f"{bf}.buffer_before", "negative buffer")
    ba = get_int(b, "buffer_after", 0, f"{bf}.buffer_after", True)
    if ba < 0:
        raise SpecError(f"{bf}.buffer_after", "negative buffer")
    status = b.get("status", "confirmed")
    if status not in ("confirmed", "held", "cancelled"):
        raise SpecError(f"{bf}.status", "unknown status")
    expires = None
    if "expires" in b:
        expires = parse_instant(b["expires"], f"{bf}.expires")
    elif status == "held":
        # AMBIGUOUS (documented reading): a hold must come with its expiry.
        raise SpecError(f"{bf}.expires", "a held booking needs expires")
    return {
        "start": s, "end": e, "service": b.get("service", ""), "seats": seats,
        "status": status, "expires": expires,
        "padded": (s - bb * 60, e + ba * 60),
    }


def parse_resource(res, base):
    if not isinstance(res, dict):
        raise SpecError(base, "object expected")
    rid = res.get("id")
    if not isinstance(rid, str) or not rid:
        raise SpecError(f"{base}.id", "non-empty string required")
    tzname = res.get("timezone")
    try:
        if not isinstance(tzname, str) or not tzname:
            raise ValueError
        tz = ZoneInfo(tzname)
    except Exception:
        raise SpecError(f"{base}.timezone", "unknown time zone")
    # SPEC §9: `rotation` instead of `weekly`: anchor and 1-52 weekly patterns.
    rotation = None
    if "rotation" in res:
        if "weekly" in res:
            raise SpecError(f"{base}.rotation", "weekly and rotation both given")
        rot = res["rotation"]
        if not isinstance(rot, dict):
            raise SpecError(f"{base}.rotation", "object expected")
        anchor_in = rot.get("anchor")
        if not isinstance(anchor_in, str) or not DATE_RE.match(anchor_in):
            raise SpecError(f"{base}.rotation.anchor", "malformed date")
        try:
            anchor = date.fromisoformat(anchor_in)
        except ValueError:
            raise SpecError(f"{base}.rotation.anchor", "malformed date")
        weeks_in = rot.get("weeks")
        if not isinstance(weeks_in, list):
            raise SpecError(f"{base}.rotation.weeks", "array expected")
        if not 1 <= len(weeks_in) <= 52:
            raise SpecError(f"{base}.rotation", "1 to 52 weeks")
        weeks = [parse_weekly(w, f"{base}.rotation.weeks[{k}]") for k, w in enumerate(weeks_in)]
        rotation = (anchor, weeks)
        weekly = None
    else:
        weekly = parse_weekly(res.get("weekly"), f"{base}.weekly")
    overrides = {}
    for key, ranges in res.get("overrides", {}).items():
        if not DATE_RE.match(key):
            raise SpecError(f"{base}.overrides.{key}", "malformed date")
        try:
            d = date.fromisoformat(key)
        except ValueError:
            raise SpecError(f"{base}.overrides.{key}", "malformed date")
        overrides[d] = check_local_ranges(ranges, f"{base}.overrides.{key}")
    breaks = check_local_ranges(res.get("breaks", []), f"{base}.breaks")
    time_off = []
    for j, t in enumerate(res.get("time_off", [])):
        s = parse_instant(t.get("start"), f"{base}.time_off[{j}].start")
        e = parse_instant(t.get("end"), f"{base}.time_off[{j}].end")
        if e <= s:
            raise SpecError(f"{base}.time_off[{j}].end", "end must be after start")
        time_off.append((s, e))
    bookings = [parse_booking(b, f"{base}.bookings[{j}]") for j, b in enumerate(res.get("bookings", []))]
    return {
        "id": res.get("id"), "tz": tz, "weekly": weekly, "rotation": rotation, "overrides": overrides,
        "breaks": breaks, "time_off": time_off, "bookings": bookings,
    }


def parse_query(q):
    now = parse_instant(q.get("now"), "now")
    frm = parse_instant(q.get("from"), "from")
    to = parse_instant(q.get("to"), "to")
    if to <= frm:
        raise SpecError("to", "query range end must be after its start")
    if to - frm > MAX_RANGE_SECONDS:
        raise SpecError("to", "query range longer than 366 days")
    mode = q.get("mode", "any")
    if mode not in ("any", "all"):
        raise SpecError("mode", "unknown mode")
    svc = q.get("service")
    if not isinstance(svc, dict):
        raise SpecError("service", "object expected")
    service = parse_service(svc)
    seats = get_int(q, "seats", 1, "seats")
    if seats < 1:
        raise SpecError("seats", "seats must be >= 1")
    resources = q.get("resources")
    if not isinstance(resources, list):
        raise SpecError("resources", "list expected")
    # AMBIGUOUS (documented reading): no resources / duplicate ids refused.
    if not resources:
        raise SpecError("resources", "at least one resource is needed")
    parsed = [parse_resource(r, f"resources[{i}]") for i, r in enumerate(resources)]
    seen = set()
    for i, r in enumerate(parsed):
        if r["id"] in seen:
            raise SpecError(f"resources[{i}].id", "duplicate resource id")
        seen.add(r["id"])
    # SPEC §12: how the free resources of a slot are ordered in `any` mode.
    assign = {"strategy": "least_booked", "weights": {}, "priorities": {}}
    if "assign" in q:
        a = q["assign"]
        if not isinstance(a, dict):
            raise SpecError("assign", "object expected")
        strategy = a.get("strategy", "least_booked")
        if strategy not in ("least_booked", "weighted", "priority"):
            raise SpecError("assign.strategy", "unknown strategy")
        assign["strategy"] = strategy
        ids = {r["id"] for r in parsed}
        for key in ("weights", "priorities"):
            values = a.get(key, {})
            # AMBIGUOUS (documented reading): every problem with a weight or a
            # priority (not an object, not a whole number, negative, not a
            # resource of the query) names the map, as SPEC names it for ids.
            if not isinstance(values, dict):
                raise SpecError(f"assign.{key}", "object expected")
            for rid, value in values.items():
                if isinstance(value, bool) or not isinstance(value, int) or value < 0 or rid not in ids:
                    raise SpecError(f"assign.{key}", "a non-negative integer per resource of the query")
            assign[key] = values
    # SPEC §11: the asking client and its bookings on any resource.
    client = None
    if "client" in q:
        c = q["client"]
        if not isinstance(c, dict):
            raise SpecError("client", "object expected")
        # AMBIGUOUS (documented reading): the client's id is a non-empty string.
        if not isinstance(c.get("id"), str) or not c["id"]:
            raise SpecError("client.id", "non-empty string required")
        cb = c.get("bookings", [])
        if not isinstance(cb, list):
            raise SpecError("client.bookings", "list expected")
        client = [parse_booking(b, f"client.bookings[{j}]") for j, b in enumerate(cb)]
    # SPEC §10: pools, each needing one free member at a slot's start.
    pools = []
    if "pools" in q:
        pools_in = q["pools"]
        if not isinstance(pools_in, list):
            raise SpecError("pools", "list expected")
        pool_ids = set()
        for i, p in enumerate(pools_in):
            base = f"pools[{i}]"
            if not isinstance(p, dict):
                raise SpecError(base, "object expected")
            # AMBIGUOUS (documented reading): a pool's id is a non-empty
            # string unique among the pools; `resources` is required and may
            # be empty (then no start has a free member); member ids are
            # unique within their pool.
            pid = p.get("id")
            if not isinstance(pid, str) or not pid:
                raise SpecError(f"{base}.id", "non-empty string required")
            if pid in pool_ids:
                raise SpecError(f"{base}.id", "duplicate pool id")
            pool_ids.add(pid)
            members_in = p.get("resources")
            if not isinstance(members_in, list):
                raise SpecError(f"{base}.resources", "list expected")
            members = [parse_resource(m, f"{base}.resources[{j}]") for j, m in enumerate(members_in)]
            member_ids = set()
            for j, m in enumerate(members):
                if m["id"] in member_ids:
                    raise SpecError(f"{base}.resources[{j}].id", "duplicate resource id")
                member_ids.add(m["id"])
            pools.append({"id": pid, "members": members})
    return {"now": now, "from": frm, "to": to, "mode": mode, "service": service, "seats": seats,
            "resources": parsed, "client": client, "assign": assign, "pools": pools}


# --------------------------------------------------------------------------
# §2 Open time, §3 candidates, §4/§5 checks for one resource
# --------------------------------------------------------------------------

def is_active(b, now):
    if b["status"] == "cancelled":
        return False
    if b["status"] == "held" and b["expires"] is not None and b["expires"] <= now:
        return False
    return True


def open_time_of(res, q):
    """§2: (the local dates touching the query, open(D) per date, the open time)."""
    tz = res["tz"]
    frm, to = q["from"], q["to"]
    dur = q["service"]["duration"]

    # Local dates that can touch the query (generous margins: a date's open
    # time spans at most its own day plus the next one; a core may end up to
    # `duration` after `to`).
    d_first = local_date_of(frm, tz) - timedelta(days=3)
    d_last = local_date_of(to + dur, tz) + timedelta(days=2)
    dates = []
    d = d_first
    while d <= d_last:
        dates.append(d)
        d += timedelta(days=1)

    # Daily breaks converted for each local date (plus margin).
    break_ivs = []
    d = d_first - timedelta(days=2)
    while d <= d_last + timedelta(days=2):
        for bf, bt in res["breaks"]:
            iv = local_range_to_utc(tz, d, bf, bt)
            if iv:
                break_ivs.append(iv)
        d += timedelta(days=1)

    open_by_date = {}
    for d in dates:
        hours = res["overrides"][d] if d in res["overrides"] else weekly_hours(res, d)
        ivs = []
        for hf, ht in hours:
            iv = local_range_to_utc(tz, d, hf, ht)
            if iv:
                ivs.append(iv)
        o = union(ivs)
        o = subtract(o, break_ivs)
        o = subtract(o, res["time_off"])
        open_by_date[d] = o  # the maximal intervals = windows of d

    open_time = union([iv for d in dates for iv in open_by_date[d]])
    return dates, open_by_date, open_time


def resource_slots(res, q):
    """Return {start: seats_left} of the kept candidates of one resource."""
    tz = res["tz"]
    svc = q["service"]
    now, frm, to = q["now"], q["from"], q["to"]
    dur, step = svc["duration"], svc["step"]
    dates, open_by_date, open_time = open_time_of(res, q)

    active = [b for b in res["bookings"] if is_active(b, now)]

    # §3 candidates
    cands = set()
    if svc["align"] in ("window", "free"):
        blocked = []
        if svc["align"] == "free":
            for b in active:
                if svc["capacity"] > 1 and b["service"] == svc["id"]:
                    continue  # seats, not obstacles
                ps, pe = b["padded"]
                blocked.append((ps - svc["buffer_after"], pe + svc["buffer_before"]))
        for d in dates:
            for w in open_by_date[d]:
                pieces = subtract([w], blocked) if blocked else [w]
                for ws, we in pieces:
                    s = ws
                    while s < we:
                        cands.add(s)
                        s += step
    else:  # clock
        for d in dates:
            midnight = datetime(d.year, d.month, d.day)
            m = 0
            while m < 1440 * 60:
                for e in instants_with_wall_time(tz, midnight + timedelta(seconds=m)):
                    if any(a <= e < b for a, b in open_time):
                        cands.add(e)
                m += step

    # max_per_day counts
    per_day = {}
    for b in active:
        if b["service"] == svc["id"]:
            ld = local_date_of(b["start"], tz)
            per_day[ld] = per_day.get(ld, 0) + 1

    kept = {}
    for s in sorted(cands):
        if not (frm <= s < to):
            continue
        # core inside one maximal interval of open time
        if not any(a <= s and s + dur <= b for a, b in open_time):
            continue
        # §5
        if s < now + svc["min_notice"]:
            continue
        if svc["max_advance"] > 0 and not (s < now + svc["max_advance"]):
            continue
        if svc["max_per_day"] > 0 and per_day.get(local_date_of(s, tz), 0) >= svc["max_per_day"]:
            continue
        if q["client"] is not None and not within_client_limits(q, s, tz):
            continue
        # §4
        cps, cpe = s - svc["buffer_before"], s + dur + svc["buffer_after"]
        taken = 0
        conflict = False
        for b in active:
            if svc["capacity"] > 1 and b["service"] == svc["id"] and b["start"] == s:
                taken += b["seats"]
                continue
            ps, pe = b["padded"]
            if cps < pe and ps < cpe:
                conflict = True
                break
        if conflict:
            continue
        if taken + q["seats"] > svc["capacity"]:
            continue
        kept[s] = svc["capacity"] - taken
    return kept


def within_client_limits(q, s, tz):
    """SPEC §11 for candidate s of a resource in zone tz."""
    svc = q["service"]
    mine = [b for b in q["client"] if is_active(b, q["now"]) and b["service"] == svc["id"]]
    day = local_date_of(s, tz)
    monday = day - timedelta(days=day.weekday())
    limit = svc["max_per_client_per_day"]
    if limit > 0 and sum(1 for b in mine if local_date_of(b["start"], tz) == day) >= limit:
        return False
    limit = svc["max_per_client_per_week"]
    if limit > 0:
        in_week = 0
        for b in mine:
            d = local_date_of(b["start"], tz)
            if monday <= d < monday + timedelta(days=7):
                in_week += 1
        if in_week >= limit:
            return False
    limit = svc["max_seats_per_client"]
    if limit > 0 and sum(b["seats"] for b in mine if b["start"] == s) + q["seats"] > limit:
        return False
    return True


def pool_member_free(member, open_time, q, s):
    """SPEC §10: the core inside one maximal interval of the member's open
    time (no grid, no notice, advance or daily limit), and no conflict with
    its active bookings; a booking of the same group service starting at s
    is the class already in the room."""
    svc = q["service"]
    dur = svc["duration"]
    if not any(a <= s and s + dur <= b for a, b in open_time):
        return False
    cps, cpe = s - svc["buffer_before"], s + dur + svc["buffer_after"]
    for b in member["bookings"]:
        if not is_active(b, q["now"]):
            continue
        if svc["capacity"] > 1 and b["service"] == svc["id"] and b["start"] == s:
            continue
        ps, pe = b["padded"]
        if cps < pe and ps < cpe:
            return False
    return True


# --------------------------------------------------------------------------
# §6 several resources, §10 pools, §8 answer
# --------------------------------------------------------------------------

def load(r, q):
    """Active bookings of r starting inside [from, to): the §6 preference key."""
    return sum(1 for b in r["bookings"] if is_active(b, q["now"]) and q["from"] <= b["start"] < q["to"])


def with_pools(slots, q):
    """SPEC §10: keep the slots where every pool has a free member, listing
    them by (load, id)."""
    if not q["pools"]:
        return slots
    pools = []
    for p in q["pools"]:
        members = sorted(p["members"], key=lambda m: (load(m, q), m["id"]))
        pools.append((p["id"], [(m, open_time_of(m, q)[2]) for m in members]))
    kept = []
    for slot in slots:
        s = parse_instant(slot["start"], "start")
        chosen = {}
        for pid, members in pools:
            free = [m["id"] for m, open_time in members if pool_member_free(m, open_time, q, s)]
            if not free:
                break
            chosen[pid] = free
        else:
            kept.append({**slot, "pools": chosen})
    return kept


def compute(q):
    per_res = [resource_slots(r, q) for r in q["resources"]]
    dur = q["service"]["duration"]
    slots = []
    if q["mode"] == "all":
        if not per_res:
            return []
        starts = set(per_res[0])
        for k in per_res[1:]:
            starts &= set(k)
        for s in sorted(starts):
            slots.append({
                "start": format_instant(s), "end": format_instant(s + dur),
                "resources": [r["id"] for r in q["resources"]],
                "seats_left": min(k[s] for k in per_res),
            })
        return with_pools(slots, q)
    else:
        # §12: least_booked (count, id); weighted (count / weight, id), weight 0
        # after every positive one; priority (-priority, count, id).
        a = q["assign"]

        def preference(i):
            r = q["resources"][i]
            count = load(r, q)
            if a["strategy"] == "weighted":
                weight = a["weights"].get(r["id"], 1)
                return (1, Fraction(0), r["id"]) if weight == 0 else (0, Fraction(count, weight), r["id"])
            if a["strategy"] == "priority":
                return (-a["priorities"].get(r["id"], 0), count, r["id"])
            return (count, r["id"])
        order = sorted(range(len(q["resources"])), key=preference)
        starts = set()
        for k in per_res:
            starts |= set(k)
        for s in sorted(starts):
            free = [i for i in order if s in per_res[i]]
            slots.append({
                "start": format_instant(s), "end": format_instant(s + dur),
                "resources": [q["resources"][i]["id"] for i in free],
                "seats_left": per_res[free[0]][s],
            })
    return with_pools(slots, q)


def answer(query):
    try:
        q = parse_query(query)
    except SpecError as e:
        return {"error": {"field": e.field, "message": e.message}}
    return {"slots": compute(q)}


if __name__ == "__main__":
    result = answer(json.load(sys.stdin))
    print(json.dumps(result))
    sys.exit(2 if "error" in result else 0)
