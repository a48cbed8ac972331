"""A master's service line, read exactly or refused naming the part: never guessed
(hours, dates and time zones: botkit's test_parsers.py)."""

from __future__ import annotations

import pytest

from booking_bot.bot import parse_service
from botkit.core import InputError


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
    # The duration may carry its unit, as the other parts may.
    ("Haircut; 30 min; 25 EUR; buffer 10 min", {"minutes": 30, "price": "25 EUR", "buffer": 10}),
    ("Стрижка; 45 мин; 1500 руб; буфер 15", {"minutes": 45, "price": "1500 руб", "buffer": 15}),
    ("Massage; 90min", {"minutes": 90}),
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


@pytest.mark.parametrize("text", ["Haircut", "Haircut; thirty", "Haircut; 30 hours", "; 30", "Haircut; 30 min 5"])
def test_a_line_without_a_name_and_minutes_is_refused_with_the_example(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_service(text)
    assert refused.value.key == "bad_service"
