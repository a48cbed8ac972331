"""read_ics where RFC 5545 says in which zone, calendar or range a value
counts: a date EXDATE against an RDATE written in UTC, a TZID in a stream of
several calendars, and a RANGE=THISANDFUTURE override that moves later
occurrences earlier, into the window (docs/calendars.md)."""

from __future__ import annotations

from datetime import datetime, timezone

import slotcraft as sc

UTC = timezone.utc


def calendar(*events: str, zones: str = "") -> str:
    """One VCALENDAR of `events` (each its property lines) after the VTIMEZONEs `zones`."""
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events).replace("\n", "\r\n").replace(
        "\r\r\n", "\r\n")
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{zones}{body}END:VCALENDAR\r\n"


def busy(ics: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    return [(i.start, i.end) for i in sc.read_ics(ics, "UTC", start, end).busy]


def test_a_date_exdate_removes_an_rdate_on_that_date_of_dtstarts_zone_not_of_utc() -> None:
    # The RDATE is 2027-01-10 23:30 UTC: 2027-01-11 00:30 in Berlin, DTSTART's zone.
    event = """UID:a1
DTSTART;TZID=Europe/Berlin:20270104T003000
DURATION:PT1H
RDATE:20270110T233000Z
EXDATE;VALUE=DATE:{day}"""
    week = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC))
    first = (datetime(2027, 1, 3, 23, 30, tzinfo=UTC), datetime(2027, 1, 4, 0, 30, tzinfo=UTC))
    rdate = (datetime(2027, 1, 10, 23, 30, tzinfo=UTC), datetime(2027, 1, 11, 0, 30, tzinfo=UTC))
    assert busy(calendar(event.format(day="20270111")), *week) == [first]
    assert busy(calendar(event.format(day="20270110")), *week) == [first, rdate]


def customized_zone(standard: tuple[str, str, str], daylight: tuple[str, str, str]) -> str:
    """An Outlook-style VTIMEZONE named "Customized Time Zone": (offset from, offset to, rule) of each part."""
    parts = ""
    for name, (offset_from, offset_to, rule) in (("STANDARD", standard), ("DAYLIGHT", daylight)):
        parts += (f"BEGIN:{name}\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:{offset_from}\r\n"
                  f"TZOFFSETTO:{offset_to}\r\nRRULE:{rule}\r\nEND:{name}\r\n")
    return f"BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\n{parts}END:VTIMEZONE\r\n"


def test_a_tzid_names_the_vtimezone_of_its_own_calendar_in_a_stream_of_two() -> None:
    berlin = customized_zone(("+0200", "+0100", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
                             ("+0100", "+0200", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"))
    new_york = customized_zone(("-0400", "-0500", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"),
                               ("-0500", "-0400", "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"))
    meeting = """UID:{uid}
DTSTART;TZID=Customized Time Zone:20270115T090000
DTEND;TZID=Customized Time Zone:20270115T100000"""
    stream = calendar(meeting.format(uid="in-berlin"), zones=berlin) + calendar(meeting.format(uid="in-new-york"),
                                                                                zones=new_york)
    day = (datetime(2027, 1, 15, tzinfo=UTC), datetime(2027, 1, 16, tzinfo=UTC))
    assert busy(stream, *day) == [(datetime(2027, 1, 15, 8, tzinfo=UTC), datetime(2027, 1, 15, 9, tzinfo=UTC)),
                                  (datetime(2027, 1, 15, 14, tzinfo=UTC), datetime(2027, 1, 15, 15, tzinfo=UTC))]


def test_an_occurrence_a_thisandfuture_override_moves_earlier_into_the_window_is_busy() -> None:
    # Yearly on 4 January; from 2028 on every occurrence moves six days earlier, to 29 December.
    ics = calendar("""UID:kickoff
DTSTART:20270104T100000Z
DURATION:PT2H
RRULE:FREQ=YEARLY;COUNT=5""", """UID:kickoff
RECURRENCE-ID;RANGE=THISANDFUTURE:20280104T100000Z
DTSTART:20271229T100000Z
DURATION:PT2H""")
    moved = (datetime(2028, 12, 29, 10, tzinfo=UTC), datetime(2028, 12, 29, 12, tzinfo=UTC))  # from 2029-01-04
    assert busy(ics, datetime(2028, 12, 1, tzinfo=UTC), datetime(2028, 12, 31, tzinfo=UTC)) == [moved]
    # The window ends an hour into it, six days before the occurrence it was moved from.
    assert busy(ics, datetime(2028, 12, 1, tzinfo=UTC), datetime(2028, 12, 29, 11, tzinfo=UTC)) == [moved]
