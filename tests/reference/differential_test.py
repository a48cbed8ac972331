#!/usr/bin/env python3
"""Differential test: `slotcraft slots` against the Python reference.

Generates random queries (concentrated on DST transition days, odd-offset
zones, overnight ranges, breaks, time off, bookings with buffers, holds,
capacity, limits, the three align values and both modes), runs each through
the CLI and through spec_reference.answer, and compares the answers:

- successful answers: the slot lists must be equal exactly;
- refusals: both must refuse (CLI exit 2 with an "error" object) and the
  error field must be equal (messages are not compared).

The last line printed is exactly "N passed, M failed"; the exit status is
non-zero when M > 0.
"""

import argparse
import json
import os
import random
import subprocess
import time
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_reference as ref  # noqa: E402

# zone -> local dates of interest (transition days); odd-offset zones get
# random dates.
TRANSITIONS = {
    "America/New_York": ["2026-03-08", "2026-11-01"],
    "Europe/Berlin": ["2026-03-29", "2026-10-25"],
    "Australia/Sydney": ["2026-04-05", "2026-10-04"],
    "America/Santiago": ["2026-04-04", "2026-04-05", "2026-09-05", "2026-09-06"],
    "Australia/Lord_Howe": ["2026-04-05", "2026-10-04"],
}
ODD_ZONES = ["Asia/Kathmandu", "Asia/Kolkata", "Australia/Eucla", "UTC"]
ALL_ZONES = list(TRANSITIONS) + ODD_ZONES

# Local wall times near each zone's transitions.
ZONE_TIMES = {
    "America/New_York": ["00:30", "01:00", "01:30", "01:45", "02:00", "02:15",
                         "02:30", "03:00", "03:30"],
    "Europe/Berlin": ["01:30", "02:00", "02:15", "02:30", "02:45", "03:00",
                      "03:30"],
    "Australia/Sydney": ["01:30", "02:00", "02:15", "02:30", "03:00", "03:30"],
    "America/Santiago": ["22:00", "22:30", "23:00", "23:15", "23:30", "24:00",
                         "00:00", "00:15", "00:30", "01:00", "01:30"],
    "Australia/Lord_Howe": ["01:00", "01:30", "01:45", "02:00", "02:10",
                            "02:15", "02:30", "03:00"],
}
COMMON_TIMES = ["00:00", "06:00", "07:30", "08:00", "09:00", "10:00", "12:00",
                "13:00", "14:00", "17:00", "18:00", "20:00", "22:00", "23:00",
                "24:00"]
WEEKDAYS = ref.WEEKDAYS
NAMES = ["anna", "ben", "cara", "dave", "eve"]


def fmt_hhmm(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class Gen:
    def __init__(self, rng, years_after_2037=False):
        self.r = rng
        self.years_after_2037 = years_after_2037

    # ---------------------------------------------------------------- times
    def local_time(self, zone):
        r = self.r
        x = r.random()
        if x < 0.35 and zone in ZONE_TIMES:
            return r.choice(ZONE_TIMES[zone])
        if x < 0.7:
            return r.choice(COMMON_TIMES)
        if x < 0.93:
            return fmt_hhmm(r.randrange(0, 24 * 12) * 5)
        return fmt_hhmm(r.randrange(0, 24 * 60))

    def instant_str(self, e):
        """Format an instant, mostly with Z, sometimes with an offset or in
        another accepted spelling (docs/semantics.md: lower-case t/z,
        fractions truncated, seconds optional)."""
        r = self.r
        x = r.random()
        if x < 0.75:
            return ref.format_instant(e)
        if x < 0.8:
            t = ref.format_instant(e)
            y = r.random()
            if y < 0.3:
                return t.replace("T", "t").replace("Z", "z")
            if y < 0.6:
                return t[:-1] + "." + r.choice(["0", "5", "999", "000001"]) + "Z"
            if t.endswith(":00Z"):
                return t[:-4] + "Z"
            return t
        off = r.choice([60, -300, 345, 330, -180, 630, 0, -240, 525])
        local = ref.epoch_to_naive_utc(e + off * 60)
        sign = "+" if off >= 0 else "-"
        a = abs(off)
        return local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{a // 60:02d}:{a % 60:02d}"

    def local_instant(self, zone, d, minutes):
        tz = ZoneInfo(zone)
        naive = datetime(d.year, d.month, d.day) + timedelta(minutes=minutes)
        return ref.local_to_utc(tz, naive)

    # --------------------------------------------------------------- ranges
    def ranges(self, zone):
        r = self.r
        x = r.random()
        if x < 0.12:
            return []
        if x < 0.35:
            a = r.choice(["07:00", "08:00", "08:30", "09:00", "10:00"])
            b = r.choice(["12:00", "15:00", "17:00", "17:30", "18:00"])
            return [[a, b]]
        if x < 0.45:
            return [[r.choice(["08:00", "09:00"]), r.choice(["12:00", "12:30"])],
                    [r.choice(["13:00", "13:30", "14:00"]), r.choice(["17:00", "18:00", "20:00"])]]
        if x < 0.55:  # overnight
            return [[r.choice(["20:00", "21:00", "22:00", "23:00", "23:30"]),
                     r.choice(["01:00", "01:30", "02:00", "02:30", "03:00", "04:00", "06:00"])]]
        if x < 0.62:
            return [["00:00", "24:00"]]
        if x < 0.68:  # night shift written as two ranges
            return [["18:00", "24:00"], ["00:00", "06:00"]]
        if x < 0.82:  # around the zone's transition wall times
            pool = ZONE_TIMES.get(zone, COMMON_TIMES)
            a, b = r.choice(pool), r.choice(pool)
            out = [[a, b]]
            if r.random() < 0.3:
                out.append([r.choice(["09:00", "10:00"]), r.choice(["12:00", "16:00"])])
            return out
        if x < 0.86:  # overlapping ranges
            return [["09:00", "12:00"], ["11:00", "14:00"]]
        if x < 0.88:  # from == to runs 24 h overnight
            t = self.local_time(zone)
            if t == "24:00":
                t = "09:00"
            return [[t, t]]
        n = r.randint(1, 3)
        return [[self.local_time(zone), self.local_time(zone)] for _ in range(n)]

    def weekly(self, zone):
        r = self.r
        if r.random() < 0.5:
            pattern = self.ranges(zone)
            w = {d: [list(x) for x in pattern] for d in WEEKDAYS}
        else:
            w = {d: self.ranges(zone) for d in WEEKDAYS}
        # sometimes leave weekdays out (no hours)
        if r.random() < 0.15:
            for d in r.sample(WEEKDAYS, r.randint(1, 3)):
                del w[d]
        return w

    def breaks(self, zone):
        r = self.r
        pool = [["12:00", "12:30"], ["23:30", "00:30"], ["01:00", "01:30"],
                ["01:45", "02:15"], ["02:00", "03:00"], ["10:00", "10:15"],
                ["23:00", "01:00"], ["00:00", "00:30"], ["02:30", "02:45"]]
        out = []
        for _ in range(r.randint(1, 2)):
            if r.random() < 0.7:
                out.append(list(r.choice(pool)))
            else:
                a = self.local_time(zone)
                if a == "24:00":
                    a = "00:00"
                b = (ref.local_minutes(a) + r.choice([5, 15, 30, 45, 90])) % 1440
                out.append([a, fmt_hhmm(b)])
        return out

    def bookings(self, zone, offered, service, now, focus):
        """1-5 bookings in `zone`: half on offered starts, some touching them."""
        r = self.r
        duration, capacity = service["duration"], service["capacity"]
        bookings = []
        for _ in range(r.randint(1, 5)):
            bdur = duration if r.random() < 0.7 else r.choice([15, 30, 45, 60, 120])
            bb = r.choice([0, 0, 5, 10, 15])
            ba = r.choice([0, 0, 5, 10, 15])
            x = r.random()
            if offered and x < 0.5:
                s = r.choice(offered)
            elif offered and x < 0.65:
                # padded intervals touching (or missing by a second)
                # the padded interval of an offered slot
                o = r.choice(offered)
                fudge = r.choice([0, 0, -1, 1, 60])
                if r.random() < 0.5:  # booking just before
                    s = o - service["buffer_before"] * 60 - ba * 60 - bdur * 60 + fudge
                else:  # booking just after
                    s = o + (duration + service["buffer_after"] + bb) * 60 + fudge
            else:
                d = focus + timedelta(days=r.randint(-1, 1))
                s = self.local_instant(zone, d, r.randrange(0, 96) * 15)
            b = {"start": self.instant_str(s), "end": self.instant_str(s + bdur * 60),
                 "service": "cut" if r.random() < 0.75 else "color"}
            if r.random() < 0.8:
                b["seats"] = r.randint(1, 2) if capacity > 1 else 1
            st = r.random()
            if st < 0.55:
                b["status"] = "confirmed"
            elif st < 0.8:
                b["status"] = "held"
                b["expires"] = self.instant_str(now + r.choice([-600, 0, 0, 600, 86400]))
            elif st < 0.95:
                b["status"] = "cancelled"
            b["buffer_before"] = bb
            b["buffer_after"] = ba
            bookings.append(b)
        return bookings

    # ---------------------------------------------------------------- query
    def query(self):
        r = self.r
        zone = r.choice(ALL_ZONES + list(TRANSITIONS))  # transitions weighted x2
        if zone in TRANSITIONS:
            focus = date.fromisoformat(r.choice(TRANSITIONS[zone]))
        else:
            focus = date(2026, 1, 1) + timedelta(days=r.randrange(365))
        if self.years_after_2037 and r.random() < 0.5:
            # same month and day (roughly the same transition week) in a
            # year whose rules come only from the POSIX footer of the tz file
            focus = focus.replace(year=r.choice([2038, 2040, 2045]))
        start_day = focus - timedelta(days=r.choice([0, 0, 1]))
        frm = self.local_instant(zone, start_day, 0)
        frm += r.choice([0, 0, 0, -6, -3, 3, 5, 6]) * 3600
        if r.random() < 0.05:
            frm += r.randrange(1, 3600)  # odd seconds
        length = r.choice([1, 1, 2, 2, 3]) * 86400 + r.choice([0, 0, 3600 * r.randint(1, 20)])
        length = min(length, 4 * 86400)
        to = frm + length

        x = r.random()
        if x < 0.6:
            now = frm - r.randrange(0, 2 * 96) * 900
        elif x < 0.9:
            now = frm + r.randrange(0, length // 1800) * 900
        else:
            now = frm - r.randrange(3, 40) * 86400

        if r.random() < 0.15:
            now += r.randrange(1, 900)  # odd seconds
        if r.random() < 0.85:
            duration = r.choice([10, 15, 20, 25, 30, 40, 45, 50, 60, 75, 90, 120, 150, 180])
        else:
            duration = r.randint(10, 180)
        service = {"id": "cut", "duration": duration}
        if r.random() < 0.7:
            if r.random() < 0.85:
                service["step"] = r.choice([5, 10, 15, 20, 25, 30, 35, 40, 45, 60, 75, 90])
            else:
                service["step"] = r.randint(5, 90)
        if r.random() < 0.85:
            service["align"] = r.choice(["window", "clock", "free"])
        for key, vals in [("buffer_before", [5, 10, 15, 30]),
                          ("buffer_after", [5, 10, 15, 30])]:
            service[key] = r.choice(vals) if r.random() < 0.4 else 0
        service["min_notice"] = r.choice([15, 60, 120, 600, 1440]) if r.random() < 0.5 else 0
        service["max_advance"] = 0
        if now > frm - 2 * 86400 and r.random() < 0.25:
            service["max_advance"] = r.choice([600, 1440, 2880, 4000])
        capacity = r.randint(2, 4) if r.random() < 0.3 else 1
        service["capacity"] = capacity
        service["max_per_day"] = r.randint(1, 2) if r.random() < 0.2 else 0

        q = {"now": self.instant_str(now), "from": self.instant_str(frm),
             "to": self.instant_str(to), "service": service}
        m = r.random()
        if m < 0.45:
            q["mode"] = "any"
        elif m < 0.75:
            q["mode"] = "all"
        x = r.random()
        if x < 0.3:
            q["seats"] = 1
        elif x < 0.45:
            q["seats"] = r.randint(1, capacity) if r.random() < 0.8 else capacity + 1

        nres = r.choice([1, 1, 2, 2, 3])
        names = r.sample(NAMES, nres)
        resources = []
        for name in names:
            rz = zone if r.random() < 0.8 else r.choice(ALL_ZONES)
            res = {"id": name, "timezone": rz, "weekly": self.weekly(rz)}
            if resources and r.random() < (0.6 if q.get("mode") == "all" else 0.3) and "weekly" in resources[0]:
                res["timezone"] = resources[0]["timezone"]
                res["weekly"] = json.loads(json.dumps(resources[0]["weekly"]))
            elif r.random() < 0.25:  # SPEC §9: weeks in a cycle, anchored around the focus
                del res["weekly"]
                res["rotation"] = {
                    "anchor": (focus + timedelta(days=r.randint(-30, 30))).isoformat(),
                    "weeks": [self.weekly(rz) for _ in range(r.randint(1, 3))]}
            if r.random() < 0.35:
                res["overrides"] = {}
                for _ in range(r.randint(1, 2)):
                    od = focus + timedelta(days=r.randint(-1, 1))
                    res["overrides"][od.isoformat()] = [] if r.random() < 0.4 else self.ranges(rz)
            if r.random() < 0.4:
                res["breaks"] = self.breaks(rz)
            if r.random() < 0.3:
                res["time_off"] = []
                for _ in range(r.randint(1, 2)):
                    s = frm + r.randrange(-24, length // 900) * 900
                    if r.random() < 0.1:
                        s += r.randrange(1, 60)
                    e = s + r.choice([15, 30, 60, 90, 240, 600]) * 60
                    res["time_off"].append({"start": self.instant_str(s),
                                            "end": self.instant_str(e)})
            resources.append(res)
        q["resources"] = resources

        # Bookings: half of them placed exactly on offered slot starts (so
        # that capacity/seats and exact-touch cases are exercised).
        offered = []
        if any(r.random() < 0.75 for _ in resources):
            base = ref.answer(q)
            offered = [ref.parse_instant(s["start"], "x") for s in base.get("slots", [])]
        for res in resources:
            if r.random() < 0.3:
                continue
            res["bookings"] = self.bookings(res["timezone"], offered, service, now, focus)

        # SPEC §10: rooms (and chairs) a slot needs one of; some in another
        # zone, some open around the clock, some booked at offered starts.
        if r.random() < 0.3:
            q["pools"] = []
            for pool_id in r.sample(["room", "chair"], r.choice([1, 1, 2])):
                members = []
                for j in range(r.choice([0, 1, 2, 2, 3]) if r.random() < 0.05 else r.choice([1, 2, 2, 3])):
                    mz = zone if r.random() < 0.7 else r.choice(ALL_ZONES)
                    member = {"id": f"{pool_id}{j + 1}", "timezone": mz}
                    if r.random() < 0.4:
                        member["weekly"] = {d: [["00:00", "24:00"]] for d in WEEKDAYS}
                    else:
                        member["weekly"] = self.weekly(mz)
                    if r.random() < 0.3:
                        member["breaks"] = self.breaks(mz)
                    if r.random() < 0.2:
                        s = frm + r.randrange(-24, length // 900) * 900
                        member["time_off"] = [{"start": self.instant_str(s),
                                               "end": self.instant_str(s + r.choice([30, 60, 240]) * 60)}]
                    if r.random() < 0.8:
                        member["bookings"] = self.bookings(mz, offered, service, now, focus)
                    members.append(member)
                q["pools"].append({"id": pool_id, "resources": members})

        # SPEC §12: a strategy, with weights and priorities for some resources.
        if r.random() < 0.35:
            strategy = r.choice(["least_booked", "weighted", "weighted", "priority", "priority"])
            assign = {"strategy": strategy} if r.random() < 0.95 else {}
            ids = [res["id"] for res in resources]
            if strategy == "weighted" or r.random() < 0.3:
                assign["weights"] = {rid: r.choice([0, 1, 2, 3, 5]) for rid in r.sample(ids, r.randint(1, len(ids)))}
            if strategy == "priority" or r.random() < 0.3:
                assign["priorities"] = {rid: r.choice([0, 1, 2, 9]) for rid in r.sample(ids, r.randint(1, len(ids)))}
            q["assign"] = assign

        # SPEC §11: limits per client, and (mostly) the asking client with
        # bookings of its own: some of the resources' (its seats in a class),
        # some elsewhere in the week around the focus.
        if r.random() < 0.35:
            for key, most in (("max_per_client_per_day", 2), ("max_per_client_per_week", 3),
                              ("max_seats_per_client", 3)):
                if r.random() < 0.5:
                    service[key] = r.randint(1, most)
            mine = [dict(b) for res in resources for b in res.get("bookings", []) if r.random() < 0.4]
            for _ in range(r.randint(0, 4)):
                if offered and r.random() < 0.4:
                    s = r.choice(offered)
                else:
                    d = focus + timedelta(days=r.randint(-6, 6))
                    s = self.local_instant(r.choice(resources)["timezone"], d, r.randrange(0, 96) * 15)
                mine.append({"start": self.instant_str(s), "end": self.instant_str(s + duration * 60),
                             "service": "cut" if r.random() < 0.8 else "color", "seats": r.randint(1, 2)})
            if r.random() < 0.9:
                q["client"] = {"id": "c1", "bookings": mine}
        return q

    # -------------------------------------------------------------- invalid
    def invalidate(self, q):
        """Break q in exactly one SPEC §7 way; return the expected field."""
        r = self.r
        k = r.randrange(len(q["resources"]))
        res = q["resources"][k]
        base = f"resources[{k}]"
        bad_times = ["25:00", "24:01", "12:60", "24:30", "99:99"]
        bad_isos = ["2026-13-01T00:00:00Z", "2026-02-30T10:00:00Z", "yesterday",
                    "2026-03-01T25:00:00Z", "2026-03-01 08:00:00Z",
                    "2026-03-01T08:00:00", "2026-03-01T08:00:00+25:00", ""]
        cases = [
            "tz", "weekly", "override", "break", "time_off_end", "booking_end",
            "range_order", "duration", "step", "buffer", "notice", "capacity",
            "seats", "range_long", "iso", "align", "mode", "booking_seats",
            "booking_buffer", "client_limit", "client_booking_end", "assign", "pool_member"]
        # Readings documented in docs/semantics.md (not SPEC §7 proper).
        documented = ["held_no_expires", "weekday_key", "duplicate_id",
                      "no_resources", "fraction", "client_id", "pool_id"]
        case = r.choice(cases) if r.random() < 0.85 else r.choice(documented)
        if case == "held_no_expires":
            bk = res.setdefault("bookings", [])
            bk.append({"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T10:30:00Z",
                       "service": "cut", "status": "held"})
            return f"{base}.bookings[{len(bk) - 1}].expires"
        if "rotation" in res and case in ("weekday_key", "weekly"):
            rot = res["rotation"]
            bad = r.choice(["both", "no_weeks", "too_many", "anchor"])
            if bad == "both":
                res["weekly"] = {}
                return f"{base}.rotation"
            if bad == "no_weeks":
                rot["weeks"] = []
                return f"{base}.rotation"
            if bad == "too_many":
                rot["weeks"] = [{} for _ in range(53)]
                return f"{base}.rotation"
            rot["anchor"] = r.choice(["2026-02-30", "someday", "2026-3-1"])
            return f"{base}.rotation.anchor"
        if case == "weekday_key":
            key = r.choice(["monday", "Tue", "wedn", "xyz"])
            res["weekly"][key] = [["09:00", "17:00"]]
            return f"{base}.weekly.{key}"
        if case == "duplicate_id":
            dup = json.loads(json.dumps(res))
            q["resources"].append(dup)
            return f"resources[{len(q['resources']) - 1}].id"
        if case == "no_resources":
            q["resources"] = []
            return "resources"
        if case == "fraction":
            key = r.choice(["duration", "step", "capacity"])
            q["service"][key] = r.choice([30.5, 1.25])
            return f"service.{key}"
        if case == "tz":
            res["timezone"] = r.choice(["Mars/Olympus_Mons", "America/New_Yrok",
                                        "Europe/Atlantis", "Nowhere"])
            return f"{base}.timezone"
        if case == "weekly":
            day = r.choice(WEEKDAYS)
            lst = res["weekly"].setdefault(day, [])
            if not lst:
                lst.append(["09:00", "17:00"])
            i = r.randrange(len(lst))
            j = r.randrange(2)
            lst[i][j] = r.choice(bad_times)
            return f"{base}.weekly.{day}[{i}][{j}]"
        if case == "override":
            ov = res.setdefault("overrides", {})
            key = r.choice(list(ov)) if ov else "2026-03-04"
            lst = ov.setdefault(key, [])
            if not lst:
                lst.append(["10:00", "12:00"])
            i = r.randrange(len(lst))
            j = r.randrange(2)
            lst[i][j] = r.choice(bad_times)
            return f"{base}.overrides.{key}[{i}][{j}]"
        if case == "break":
            br = res.setdefault("breaks", [])
            if not br:
                br.append(["12:00", "12:30"])
            i = r.randrange(len(br))
            j = r.randrange(2)
            br[i][j] = r.choice(bad_times)
            return f"{base}.breaks[{i}][{j}]"
        if case == "time_off_end":
            to_ = res.setdefault("time_off", [])
            to_.append({"start": "2026-05-01T10:00:00Z",
                        "end": r.choice(["2026-05-01T10:00:00Z", "2026-05-01T09:00:00Z"])})
            return f"{base}.time_off[{len(to_) - 1}].end"
        if case == "booking_end":
            bk = res.setdefault("bookings", [])
            bk.append({"start": "2026-05-01T10:00:00Z",
                       "end": r.choice(["2026-05-01T10:00:00Z", "2026-05-01T09:30:00Z"]),
                       "service": "cut"})
            return f"{base}.bookings[{len(bk) - 1}].end"
        if case == "client_id":
            q["client"] = {"id": r.choice(["", 7, None]), "bookings": []}
            return "client.id"
        if case == "assign":
            what = r.choice(["strategy", "weights", "priorities"])
            if what == "strategy":
                q["assign"] = {"strategy": r.choice(["round_robin", "", "Weighted"])}
                return "assign.strategy"
            q["assign"] = {what: {r.choice([res["id"], "nobody"]): r.choice([-1, -7]) if r.random() < 0.5 else 1}}
            bad = q["assign"][what]
            rid, value = next(iter(bad.items()))
            if rid != "nobody" and value >= 0:
                bad["nobody"] = 1
            return f"assign.{what}"
        if case in ("pool_member", "pool_id"):
            pools = q.setdefault("pools", [])
            if not pools:
                pools.append({"id": "room", "resources": [{"id": "room1", "timezone": "UTC", "weekly": {}}]})
            i = r.randrange(len(pools))
            members = pools[i]["resources"]
            if case == "pool_id":  # documented reading: a non-empty id, unique among the pools
                if r.random() < 0.5:
                    pools[i]["id"] = r.choice(["", 7])
                    return f"pools[{i}].id"
                pools.append({"id": pools[i]["id"], "resources": []})
                return f"pools[{len(pools) - 1}].id"
            if not members or r.random() < 0.3:
                members.append({"id": members[0]["id"] if members else "room9", "timezone": "UTC", "weekly": {}})
                if len(members) > 1:
                    return f"pools[{i}].resources[{len(members) - 1}].id"
            j = r.randrange(len(members))
            members[j]["timezone"] = r.choice(["Mars/Olympus", "", "UTC+3"])
            return f"pools[{i}].resources[{j}].timezone"
        if case == "client_limit":
            key = r.choice(["max_per_client_per_day", "max_per_client_per_week", "max_seats_per_client"])
            q["service"][key] = -r.randint(1, 3)
            return f"service.{key}"
        if case == "client_booking_end":
            client = q.setdefault("client", {"id": "c1"})
            bk = client.setdefault("bookings", [])
            bk.append({"start": "2026-05-01T10:00:00Z",
                       "end": r.choice(["2026-05-01T10:00:00Z", "2026-05-01T09:30:00Z"]), "service": "cut"})
            return f"client.bookings[{len(bk) - 1}].end"
        if case == "range_order":
            q["to"] = r.choice([q["from"], "2020-01-01T00:00:00Z"])
            return "to"
        if case == "duration":
            q["service"]["duration"] = r.choice([0, -30])
            return "service.duration"
        if case == "step":
            q["service"]["step"] = r.choice([0, -15])
            return "service.step"
        if case == "buffer":
            key = r.choice(["buffer_before", "buffer_after"])
            q["service"][key] = -5
            return f"service.{key}"
        if case == "notice":
            q["service"]["min_notice"] = -60
            return "service.min_notice"
        if case == "capacity":
            q["service"]["capacity"] = r.choice([0, -1])
            return "service.capacity"
        if case == "seats":
            q["seats"] = r.choice([0, -2])
            return "seats"
        if case == "range_long":
            frm = ref.parse_instant(q["from"], "from")
            q["to"] = ref.format_instant(frm + 366 * 86400 + r.choice([1, 3600, 86400]))
            return "to"
        if case == "iso":
            where = r.choice(["now", "from", "to", "time_off", "booking_start",
                              "booking_end", "expires"])
            bad = r.choice(bad_isos)
            if where in ("now", "from", "to"):
                q[where] = bad
                return where
            if where == "time_off":
                to_ = res.setdefault("time_off", [])
                to_.append({"start": bad, "end": "2026-05-01T10:00:00Z"})
                return f"{base}.time_off[{len(to_) - 1}].start"
            bk = res.setdefault("bookings", [])
            b = {"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T10:30:00Z",
                 "service": "cut"}
            if where == "booking_start":
                b["start"] = bad
                field = "start"
            elif where == "booking_end":
                b["end"] = bad
                field = "end"
            else:
                b["status"] = "held"
                b["expires"] = bad
                field = "expires"
            bk.append(b)
            return f"{base}.bookings[{len(bk) - 1}].{field}"
        if case == "align":
            q["service"]["align"] = r.choice(["grid", "Window", "", "hourly"])
            return "service.align"
        if case == "mode":
            q["mode"] = r.choice(["some", "ALL", "", "round_robin"])
            return "mode"
        if case == "booking_seats":
            bk = res.setdefault("bookings", [])
            bk.append({"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T10:30:00Z",
                       "service": "cut", "seats": 0})
            return f"{base}.bookings[{len(bk) - 1}].seats"
        if case == "booking_buffer":
            bk = res.setdefault("bookings", [])
            key = r.choice(["buffer_before", "buffer_after"])
            bk.append({"start": "2026-05-01T10:00:00Z", "end": "2026-05-01T10:30:00Z",
                       "service": "cut", key: -10})
            return f"{base}.bookings[{len(bk) - 1}].{key}"
        raise AssertionError(case)


# ---------------------------------------------------------------- running

def run_cli(cli, query):
    for attempt in range(10):
        if os.path.exists(cli):
            break
        time.sleep(30)
    p = subprocess.run([cli, "slots"], input=json.dumps(query).encode(),
                       capture_output=True, timeout=120)
    try:
        out = json.loads(p.stdout.decode() or "null")
    except ValueError:
        out = {"unparseable_stdout": p.stdout.decode(errors="replace"),
               "stderr": p.stderr.decode(errors="replace")}
    return p.returncode, out


def compare(code, cli_ans, ref_ans):
    """Return None when the answers agree, else a short description."""
    if "error" in ref_ans:
        if code != 2 or not isinstance(cli_ans, dict) or "error" not in cli_ans:
            return "reference refuses, CLI does not"
        if cli_ans["error"].get("field") != ref_ans["error"]["field"]:
            return (f"error field differs: cli={cli_ans['error'].get('field')!r} "
                    f"ref={ref_ans['error']['field']!r}")
        return None
    if code != 0 or not isinstance(cli_ans, dict) or "slots" not in cli_ans:
        return f"CLI refuses (exit {code}), reference does not"
    if cli_ans["slots"] == ref_ans["slots"]:
        return None
    return "slot lists differ"


def slot_diff(cli_slots, ref_slots, limit=12):
    c = {s["start"]: s for s in cli_slots}
    f = {s["start"]: s for s in ref_slots}
    lines = []
    only_c = sorted(set(c) - set(f))
    only_f = sorted(set(f) - set(c))
    if only_c:
        lines.append(f"  only in CLI ({len(only_c)}): {only_c[:limit]}")
    if only_f:
        lines.append(f"  only in reference ({len(only_f)}): {only_f[:limit]}")
    diff = [s for s in sorted(set(c) & set(f)) if c[s] != f[s]]
    for s in diff[:limit]:
        lines.append(f"  {s}: CLI {json.dumps(c[s])} vs reference {json.dumps(f[s])}")
    if len(diff) > limit:
        lines.append(f"  ... {len(diff) - limit} more differing slots")
    if not lines:
        lines.append("  same slots, different order")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cli", required=True, help="path to the slotcraft binary")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--max-print", type=int, default=20,
                    help="print at most this many mismatches")
    ap.add_argument("--invalid-ratio", type=float, default=0.10)
    ap.add_argument("--after-2037", action="store_true",
                    help="also put half of the queries in 2038-2045 (time-zone "
                         "rules from the POSIX footer; a documented C++ limitation)")
    ap.add_argument("--save", metavar="DIR",
                    help="write each mismatching query to DIR/mismatch-<i>.json")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    gen = Gen(rng, years_after_2037=args.after_2037)
    passed = failed = 0
    pooled = pool_limited = 0  # valid queries with SPEC §10 pools; those whose pools drop starts
    for i in range(args.count):
        q = gen.query()
        expected_field = None
        if rng.random() < args.invalid_ratio:
            expected_field = gen.invalidate(q)
        ref_ans = ref.answer(q)
        if "slots" in ref_ans and q.get("pools"):
            pooled += 1
            unpooled = ref.answer({k: v for k, v in q.items() if k != "pools"})
            pool_limited += len(unpooled.get("slots", [])) > len(ref_ans["slots"])
        if expected_field is not None:
            got = ref_ans.get("error", {}).get("field")
            assert got == expected_field, (
                f"generator/reference disagree on invalid query {i}: "
                f"{got!r} != {expected_field!r}")
        code, cli_ans = run_cli(args.cli, q)
        problem = compare(code, cli_ans, ref_ans)
        if problem is None:
            passed += 1
            continue
        failed += 1
        if args.save:
            os.makedirs(args.save, exist_ok=True)
            with open(os.path.join(args.save, f"mismatch-{i}.json"), "w") as fh:
                json.dump(q, fh, indent=1)
        if failed <= args.max_print:
            print(f"=== mismatch #{failed} (query {i}, seed {args.seed}): {problem}")
            print("query:", json.dumps(q))
            ca = json.dumps(cli_ans)
            ra = json.dumps(ref_ans)
            print(f"CLI (exit {code}):", ca if len(ca) < 1500 else ca[:1500] + " ...")
            print("reference:", ra if len(ra) < 1500 else ra[:1500] + " ...")
            if "slots" in ref_ans and isinstance(cli_ans, dict) and "slots" in cli_ans:
                print(slot_diff(cli_ans["slots"], ref_ans["slots"]))
            print()
    print(f"{pooled} valid queries with pools, {pool_limited} of them losing starts to busy members")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
