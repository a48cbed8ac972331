"""The club in slotcraft's terms, and dates in button data."""

from __future__ import annotations

from datetime import date, datetime

# The club is one slotcraft location; every teacher's hours are there.
LOCATION = "club"

# Who holds the teacher for a planned session: the club's own client, known to slotcraft by this identity.
TIMETABLE = ("other", "club:timetable")


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_ymd(text: str) -> date:
    return datetime.strptime(text, "%Y%m%d").date()


