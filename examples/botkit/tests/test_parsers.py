"""What people type, read as they mean it (botkit.parsers, botkit.zones): weekly
hours with any dash, dates and ranges of them, time zones by city or abbreviation."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from botkit import zones
from botkit.core import InputError
from botkit.parsers import parse_breaks, parse_dates, parse_hours, parse_ranges, parse_time

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(("text", "weekly"), [
    ("вт, чт 18:00–21:00", {"tue": [("18:00", "21:00")], "thu": [("18:00", "21:00")]}),
    ("пн – пт 9.00 — 13.00, 14:00-18:00", {d: [("09:00", "13:00"), ("14:00", "18:00")]
                                           for d in ("mon", "tue", "wed", "thu", "fri")}),
    ("sat sun 10:00-14:00", {"sat": [("10:00", "14:00")], "sun": [("10:00", "14:00")]}),
    # Groups of days on one line, separated by a comma (a tester's first try).
    ("mon-fri 09:00-18:00, sat 10:00-14:00", {**{d: [("09:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")},
                                              "sat": [("10:00", "14:00")]}),
    ("пн 9:00-12:00, 13:00-17:00; сб, вс 10:00-14:00", {"mon": [("09:00", "12:00"), ("13:00", "17:00")],
                                                       "sat": [("10:00", "14:00")], "sun": [("10:00", "14:00")]}),
    # Hours without minutes, with "h" or "ч", on a 12-hour clock, days written out (testers' first tries).
    ("mon-fri 9-18", {d: [("09:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")}),
    ("Monday - Friday 9am-5:30pm", {d: [("09:00", "17:30")] for d in ("mon", "tue", "wed", "thu", "fri")}),
    ("пн-пт 9ч-18ч", {d: [("09:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")}),
    ("tues, thurs 10h-14h30; суббота 10.30 - 13", {"tue": [("10:00", "14:30")], "thu": [("10:00", "14:30")],
                                                   "sat": [("10:30", "13:00")]}),
    ("sun 12am-12pm, 12pm-11 pm", {"sun": [("00:00", "12:00"), ("12:00", "23:00")]}),
])
def test_hours_are_read_as_people_type_them(text: str, weekly: dict[str, list[tuple[str, str]]]) -> None:
    assert parse_hours(text) == weekly


@pytest.mark.parametrize(("text", "ranges"), [("13-14", [("13:00", "14:00")]), ("0-24", [("00:00", "24:00")])])
def test_breaks_are_read_without_minutes_too(text: str, ranges: list[tuple[str, str]]) -> None:
    assert parse_breaks(text) == ranges


@pytest.mark.parametrize("text", ["9-25", "18-9", "9:60-10", "13pm-14", "9-9", "mon 9", "24-1"])
def test_hours_that_are_no_range_are_refused(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_ranges(text.removeprefix("mon "))
    assert refused.value.key == "bad_range"


@pytest.mark.parametrize(("text", "at"), [("9", "09:00"), ("9:00", "09:00"), ("09.00", "09:00"), ("21h", "21:00"),
                                          ("9h30", "09:30"), ("9 am", "09:00"), ("12am", "00:00"), ("12 p.m.", "12:00"),
                                          ("24", None), ("13pm", None), ("9:75", None), ("nine", None)])
def test_a_time_of_day_is_read_as_people_type_it(text: str, at: str | None) -> None:
    assert parse_time(text) == at


@pytest.mark.parametrize(("text", "days"), [
    ("24.03", (date(2027, 3, 24), date(2027, 3, 24))),  # the next 24 March
    ("01.11", (date(2027, 11, 1), date(2027, 11, 1))),  # over a month past: next year's
    ("05.12", (TODAY, TODAY)),  # today is not past
    ("24.12 – 02.01", (date(2026, 12, 24), date(2027, 1, 2))),  # across the new year
    ("29.02", (date(2028, 2, 29), date(2028, 2, 29))),  # the next 29 February
    ("24.03.2027-26.03.27", (date(2027, 3, 24), date(2027, 3, 26))),
    ("2027-03-24..2027-03-26", (date(2027, 3, 24), date(2027, 3, 26))),
    # Words and the American order, as testers typed them (5 December 2026 is a Saturday).
    ("tomorrow", (date(2026, 12, 6), date(2026, 12, 6))), ("Завтра", (date(2026, 12, 6), date(2026, 12, 6))),
    ("today - the day after tomorrow", (TODAY, date(2026, 12, 7))), ("sat", (TODAY, TODAY)),
    ("пн-пт", (date(2026, 12, 7), date(2026, 12, 11))), ("friday-monday", (date(2026, 12, 11), date(2026, 12, 14))),
    ("12/25", (date(2026, 12, 25), date(2026, 12, 25))), ("25/12", (date(2026, 12, 25), date(2026, 12, 25))),
    ("1/2/2027", (date(2027, 2, 1), date(2027, 2, 1))),  # day first unless it cannot be
])
def test_days_off_are_read_as_people_type_them(text: str, days: tuple[date, date]) -> None:
    assert parse_dates(text, TODAY) == days


@pytest.mark.parametrize(("text", "key"), [
    ("04.12.2026", "dayoff_past"), ("yesterday", "dayoff_past"), ("13/13", "bad_date"), ("20.11", "dayoff_past"), ("2026-01-01", "dayoff_past"), ("31.04", "bad_date"), ("soon", "bad_date"),
    ("10.12.2026-01.12.2026", "bad_dayoff"), ("01.01.2027-03.01.2028", "bad_dayoff"), ("1.1-2.1-3.1", "bad_dayoff"),
])
def test_a_day_off_in_the_past_or_unreadable_is_refused(text: str, key: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_dates(text, TODAY)
    assert refused.value.key == key


@pytest.mark.parametrize(("text", "found"), [
    ("Москва", ["Europe/Moscow"]), ("moscow", ["Europe/Moscow"]), ("Нью-Йорк", ["America/New_York"]),
    ("new_york", ["America/New_York"]), ("Europe/Berlin", ["Europe/Berlin"]), ("Алматы", ["Asia/Almaty"]),
    ("Olympus Mons", []),
])
def test_a_time_zone_is_found_by_city_in_english_or_russian(text: str, found: list[str]) -> None:
    assert zones.candidates(text) == found


def test_an_abbreviation_offers_the_zones_that_use_it_or_asks_for_the_city() -> None:
    assert "Europe/Moscow" in zones.candidates("MSK") and len(zones.candidates("MSK")) > 1
    assert zones.city("Europe/Moscow", "ru") == "Москва"
    assert zones.offset_label("Asia/Kolkata", datetime(2027, 1, 1, tzinfo=timezone.utc)) == "UTC+5:30"
    assert zones.offset_label("America/New_York", datetime(2027, 1, 1, tzinfo=timezone.utc)) == "UTC-5"


def test_a_wall_time_that_occurs_twice_says_which() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    first, second = (datetime(2027, 10, 31, h, 30, tzinfo=timezone.utc).astimezone(berlin) for h in (0, 1))
    assert (zones.wall_time(first), zones.wall_time(second)) == ("02:30 CEST", "02:30 CET")
    assert zones.wall_time(datetime(2027, 10, 31, 2, 0, tzinfo=timezone.utc).astimezone(berlin)) == "03:00"
