"""Makes the database `bench/http/run` serves, prints an admin key and the
query period: a W1-like resource (anna, Europe/Berlin, Mon-Fri 09:00-18:00
with a 13:00-14:00 break) with 500 bookings over the 90 days from next
Monday, and `ticker`, open around the clock, for the booking runs.

    python3 bench/http/setup.py DB            # DB: a SQLite file or postgresql://...
    python3 bench/http/setup.py DB --in-process SECONDS   # also: bookings/s in process
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta, timezone

import slotcraft as sc
import slotcraft.server as server

DAYS = 90
BOOKINGS = 500


def next_monday() -> datetime:
    today = date.today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return datetime(monday.year, monday.month, monday.day, tzinfo=timezone.utc)


def build(db: str) -> tuple[sc.Scheduler, datetime]:
    s = sc.Scheduler(db)
    s.put_location(sc.Location("office"))
    office = {day: [("09:00", "18:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
    s.put_resource(sc.ResourceRecord("anna", "Europe/Berlin",
                                     schedules=[sc.LocationSchedule("office", weekly=office, breaks=[("13:00", "14:00")])]))
    always = {day: [("00:00", "24:00")] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    s.put_resource(sc.ResourceRecord("ticker", "UTC", schedules=[sc.LocationSchedule("office", weekly=always)]))
    s.put_service(sc.Service("consult", timedelta(minutes=30), step=timedelta(minutes=15)))
    s.put_service(sc.Service("tick", timedelta(minutes=5)))
    s.link("anna", "consult")
    s.link("ticker", "tick")
    start = next_monday()
    now = datetime.now(timezone.utc)
    free = [slot.start for slot in s.slots("consult", start, start + timedelta(days=DAYS), now=now)]
    booked = 0
    for at in random.Random(2026).sample(free, len(free)):
        if booked == BOOKINGS:
            break
        if not s.check("anna", "consult", at, now=now):
            s.book("anna", "consult", at, now=now)
            booked += 1
    return s, start


def in_process_rate(s: sc.Scheduler, start: datetime, seconds: float) -> float:
    """Bookings/s of `tick` from one thread, as POST /v1/bookings makes them (the same store)."""
    at, done, began = start + timedelta(days=400), 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        s.book("ticker", "tick", at + timedelta(minutes=5 * done))
        done += 1
    return done / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--in-process", type=float, default=0.0, metavar="SECONDS")
    args = parser.parse_args()
    s, start = build(args.db)
    keys = server.ApiKeys(s)
    print(keys.create("bench", "admin")[1])
    keys.close()
    print(sc.format_instant(start), sc.format_instant(start + timedelta(days=DAYS)))
    if args.in_process:
        print(f"{in_process_rate(s, start, args.in_process):.0f}")


if __name__ == "__main__":
    main()
