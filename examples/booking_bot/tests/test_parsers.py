"""What masters type, read exactly or refused naming the part: never guessed."""

from __future__ import annotations

import pytest

from datetime import date, datetime, timezone

from booking_bot import zones
from booking_bot.bot import parse_dates, parse_hours, parse_service
from booking_bot.core import InputError

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(("text", "read"), [
    ("Окрашивание; 120; 3000 ₽; буфер: 20", {"price": "3000 ₽", "buffer": 20, "seats": 1}),
    ("Haircut; 30; 25 EUR; buffer 10", {"price": "25 EUR", "buffer": 10, "seats": 1}),
    ("Haircut; 30; buffer=10 min; 25 EUR", {"price": "25 EUR", "buffer": 10, "seats": 1}),
    ("Йога; 60; мест 5; буфер 15 мин", {"price": "", "buffer": 15, "seats": 5}),
    ("Yoga; 60; Seats: 12;", {"price": "", "buffer": 0, "seats": 12}),
    # New services: times on the half hour (quarter hour under 30 minutes), an hour's notice unless said.
    ("Haircut; 45; 30 EUR", {"notice": 60, "align": "clock", "step": 30}),
    ("Brows; 20; notice 0", {"notice": 0, "align": "clock", "step": 15}),
    ("Массаж; 90; заранее: 1440 мин", {"notice": 1440, "step": 30}),
])
def test_a_service_line_is_read_part_by_part(text: str, read: dict[str, object]) -> None:
    service = parse_service(text)
    assert {k: service[k] for k in read} == read


@pytest.mark.parametrize(("text", "part"), [
    ("Окрашивание; 120; 3000 ₽; буфер: двадцать", "буфер: двадцать"),
    ("Haircut; 30; 25 EUR; 30 EUR", "30 EUR"),  # two prices: which one?
    ("Haircut; 30; discount", "discount"),  # no number: not a price
    ("Haircut; 30; buffer 300", "buffer 300"),
    ("Yoga; 60; seats 0", "seats 0"),
    ("Yoga; 60; мест", "мест"),
    ("Yoga; 60; notice 20000", "notice 20000"),
    ("Yoga; 60; заранее -5", "заранее -5"),
])
def test_a_part_that_cannot_be_read_is_refused_by_name(text: str, part: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_service(text)
    assert (refused.value.key, refused.value.params) == ("bad_service_part", {"part": part})


@pytest.mark.parametrize(("text", "weekly"), [
    ("вт, чт 18:00–21:00", {"tue": [("18:00", "21:00")], "thu": [("18:00", "21:00")]}),
    ("пн – пт 9.00 — 13.00, 14:00-18:00", {d: [("09:00", "13:00"), ("14:00", "18:00")]
                                           for d in ("mon", "tue", "wed", "thu", "fri")}),
    ("sat sun 10:00-14:00", {"sat": [("10:00", "14:00")], "sun": [("10:00", "14:00")]}),
])
def test_hours_are_read_as_people_type_them(text: str, weekly: dict[str, list[tuple[str, str]]]) -> None:
    assert parse_hours(text) == weekly


@pytest.mark.parametrize(("text", "days"), [
    ("24.03", (date(2027, 3, 24), date(2027, 3, 24))),  # the next 24 March
    ("01.11", (date(2027, 11, 1), date(2027, 11, 1))),  # over a month past: next year's
    ("05.12", (TODAY, TODAY)),  # today is not past
    ("24.12 – 02.01", (date(2026, 12, 24), date(2027, 1, 2))),  # across the new year
    ("29.02", (date(2028, 2, 29), date(2028, 2, 29))),  # the next 29 February
    ("24.03.2027-26.03.27", (date(2027, 3, 24), date(2027, 3, 26))),
    ("2027-03-24..2027-03-26", (date(2027, 3, 24), date(2027, 3, 26))),
])
def test_days_off_are_read_as_people_type_them(text: str, days: tuple[date, date]) -> None:
    assert parse_dates(text, TODAY) == days


@pytest.mark.parametrize(("text", "key"), [
    ("04.12.2026", "dayoff_past"), ("20.11", "dayoff_past"), ("2026-01-01", "dayoff_past"), ("31.04", "bad_date"), ("soon", "bad_date"),
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
