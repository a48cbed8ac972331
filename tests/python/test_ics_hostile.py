"""Hostile and damaged .ics input: read_ics either reads it or refuses it as
InvalidArgument naming `ics` (with the line), never anything else.

Seeded mutations of the corpus's calendars (tests/ical/corpus): cut short,
bytes flipped, lines dropped, doubled or swapped, numbers made huge, rules
made endless, components nested deep. A crash would end the interpreter, so
it fails the test too.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

import slotcraft as sc

CORPUS = Path(__file__).resolve().parents[1] / "ical" / "corpus"
START = datetime(2000, 1, 1, tzinfo=timezone.utc)
END = datetime(2030, 1, 1, tzinfo=timezone.utc)
SEED = 16


def calendars() -> list[str]:
    return [f.read_bytes().decode("utf-8", errors="replace") for f in sorted(CORPUS.rglob("*.ics"))]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    kind = rng.randrange(8)
    if kind == 0 and text:
        return text[: rng.randrange(len(text))]
    if kind == 1 and text:
        chars = list(text)
        for _ in range(rng.randint(1, 8)):
            chars[rng.randrange(len(chars))] = rng.choice(":;,=\"\\\r\n \tZT-+0123456789PWDHMS")
        return "".join(chars)
    if kind == 2 and lines:
        del lines[rng.randrange(len(lines))]
        return "".join(lines)
    if kind == 3 and lines:
        i = rng.randrange(len(lines))
        lines[i:i] = [lines[i]] * rng.randint(1, 3)
        return "".join(lines)
    if kind == 4 and len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return "".join(lines)
    if kind == 5:
        return re.sub(r"\d+", lambda m: rng.choice([m[0], "9" * rng.randint(10, 40), "0", "-1"]), text)
    if kind == 6:
        return re.sub(r"(?m)^RRULE:.*$", lambda m: rng.choice(["RRULE:FREQ=DAILY", "RRULE:FREQ=DAILY;BYHOUR=" +
                                                                ",".join(map(str, range(24))) + ";BYMINUTE=" +
                                                                ",".join(map(str, range(60))),
                                                                "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
                                                                "RRULE:FREQ=MONTHLY;BYSETPOS=-366;BYDAY=MO"]), text)
    depth = rng.randint(1, 2000)
    return text.replace("BEGIN:VEVENT", "BEGIN:VEVENT\r\n" + "BEGIN:X-A\r\n" * depth + "END:X-A\r\n" * depth, 1)


def test_damaged_calendars_are_read_or_refused_naming_ics() -> None:
    rng = random.Random(SEED)
    texts = calendars()
    assert len(texts) >= 200
    read = refused = 0
    for n in range(1500):
        text = mutate(rng.choice(texts), rng)
        try:
            got = sc.read_ics(text, "Europe/Berlin", START, END)
        except sc.InvalidArgument as e:
            assert e.field == "ics", (n, str(e))
            assert re.match(r"line \d+: ", e.message) or "bytes" in e.message, (n, e.message)
            refused += 1
            continue
        for i in got.busy:
            assert START.year - 200 < i.start.year and i.start < i.end, (n, i)
        read += 1
    assert read > 100 and refused > 100, (read, refused)


def test_an_endless_rule_from_long_ago_is_refused_by_the_budget_not_run_forever() -> None:
    text = ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:19000101T000000Z\r\nDURATION:PT1M\r\n"
            "RRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11;BYMINUTE=0,5,10,15,20,25,30,35,40,45,50,55\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")
    with pytest.raises(sc.InvalidArgument) as refused:
        sc.read_ics(text, "UTC", START, END)
    assert refused.value.field == "ics"
    assert "1000000 occurrences" in refused.value.message


def test_rules_that_rarely_match_from_the_year_1_are_refused_by_the_day_budget() -> None:
    # Each looks at every day since the year 1 and finds a Monday 29 February every 28 years or so: 16 MiB of
    # them would take minutes. The file is refused once its rules have looked at 200,000,000 days.
    event = ("BEGIN:VEVENT\r\nUID:rare-{}\r\nDTSTART:00010101T090000Z\r\nDURATION:PT1H\r\n"
             "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO\r\nEND:VEVENT\r\n")
    text = "BEGIN:VCALENDAR\r\n" + "".join(event.format(i) for i in range(1000)) + "END:VCALENDAR\r\n"
    with pytest.raises(sc.InvalidArgument) as refused:
        sc.read_ics(text, "UTC", START, END)
    assert refused.value.field == "ics"
    assert "200000000 days" in refused.value.message
    # One such rule alone is read, and finds its Mondays.
    one = "BEGIN:VCALENDAR\r\n" + event.format(0) + "END:VCALENDAR\r\n"
    assert [i.start.year for i in sc.read_ics(one, "UTC", START, END).busy] == [2016]


def test_a_refusal_quotes_at_most_a_few_hundred_characters_of_the_file() -> None:
    # Old Mac line ends (a bare CR) make the whole file one line, which the refusal once quoted whole (414 KB).
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:x", "BEGIN:VEVENT", "UID:a", "DTSTART:20270101T100000Z",
             "DTEND:20270101T110000Z", "SUMMARY:" + "x" * 5000, "END:VEVENT", "END:VCALENDAR"]
    with pytest.raises(sc.InvalidArgument) as refused:
        sc.read_ics("\r".join(lines) + "\r", "UTC", START, END)
    assert refused.value.field == "ics"
    assert refused.value.message.startswith("line 1: ")
    assert len(refused.value.message) < 400
