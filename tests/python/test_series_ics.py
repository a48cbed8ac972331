"""Recurring series (RRULE) and iCalendar export/import from Python."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import slotcraft as sc
from conftest import NOW, utc

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_weekly_series_keeps_17_00_in_berlin_across_dst_and_books_what_is_free(salon: sc.Scheduler) -> None:
    salon.book("boris", "cut", utc("2027-03-23T16:00"), now=NOW)  # boris, not anna: does not block
    in_the_way = salon.book("anna", "cut", utc("2027-03-23T16:00"), client="c1", now=NOW)
    out = salon.book_recurring(
        "anna", "cut", datetime(2027, 3, 16, 17, 0, tzinfo=BERLIN), "FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        what_is_free=True, client="c1", now=NOW,
    )
    assert isinstance(out, sc.SeriesOutcome)
    assert [b.start for b in out.booked] == [utc("2027-03-16T16:00"), utc("2027-03-30T15:00")]
    assert all(b.start.astimezone(BERLIN).hour == 17 for b in out.booked)
    assert {b.series for b in out.booked} == {out.series}
    assert [r.start for r in out.refused] == [utc("2027-03-23T16:00")]
    assert out.refused[0].reasons[0].code == sc.ReasonCode.busy
    assert out.refused[0].reasons[0].booking == in_the_way.id


def test_an_all_or_nothing_series_raises_conflict_naming_the_occurrence_and_books_nothing(salon: sc.Scheduler) -> None:
    salon.book("anna", "cut", utc("2027-03-23T16:00"), now=NOW)
    with pytest.raises(sc.Conflict) as refused:
        salon.book_recurring("anna", "cut", utc("2027-03-16T16:00"), "FREQ=WEEKLY;BYDAY=TU;COUNT=3", client="c1", now=NOW)
    assert refused.value.field == "occurrences[1].start"
    assert salon.client_bookings("c1", now=NOW) == []
    out = salon.book_recurring("anna", "cut", utc("2027-03-16T16:00"), "FREQ=WEEKLY;BYDAY=TU;COUNT=3",
                               except_dates=[date(2027, 3, 23)], client="c1", now=NOW)
    assert len(out.booked) == 2 and out.refused == []


def test_cancel_series_cancels_this_and_following_or_all(salon: sc.Scheduler) -> None:
    out = salon.book_recurring("anna", "cut", utc("2027-03-16T16:00"), "FREQ=WEEKLY;BYDAY=TU;COUNT=4", client="c1", now=NOW)
    ids = [b.id for b in out.booked]
    assert [b.id for b in salon.cancel_series(ids[2], "following", "moving", now=NOW)] == ids[2:]
    assert [b.id for b in salon.cancel_series(ids[0], "all", now=NOW)] == ids[:2]
    assert salon.cancel_series(ids[0], "this", now=NOW) == []  # already cancelled
    with pytest.raises(sc.InvalidArgument) as bad:
        salon.cancel_series(ids[0], "some", now=NOW)
    assert bad.value.field == "scope"


def test_a_resources_calendar_shows_a_class_once_not_once_per_seat(salon: sc.Scheduler) -> None:
    import icalendar  # Debian's python3-icalendar: a reader slotcraft did not write

    salon.put_client(sc.Client("c2", name="Client Two"))
    salon.put_client(sc.Client("c3", name="Client Three"))
    start = utc("2027-03-01T09:00")
    seats = [salon.book("anna", "yoga", start, client=c, now=NOW) for c in ("c1", "c2", "c3")]
    salon.cancel(seats[2].id, "ill", now=NOW)
    cut = salon.book("anna", "cut", utc("2027-03-01T14:00"), client="c1", now=NOW)

    events = icalendar.Calendar.from_ical(salon.export_ics(resource="anna", now=NOW)).walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    session = f"session-anna-yoga-{int(start.timestamp())}@slotcraft"
    assert set(by_uid) == {session, f"{cut.id}@slotcraft"}  # one event for the class, one for the cut
    yoga = by_uid[session]
    assert (yoga["DTSTART"].dt, str(yoga["STATUS"])) == (start, "CONFIRMED")
    assert str(yoga["DESCRIPTION"]) == "With Anna, 2 of 3 seats booked: Client One, Client Two"
    # A client's own calendar still has their seat as their own event.
    mine = icalendar.Calendar.from_ical(salon.export_ics(client="c2", now=NOW)).walk("VEVENT")
    assert [str(e["UID"]) for e in mine] == [f"{seats[1].id}@slotcraft"]
    # Every seat cancelled: the class is cancelled, under the same UID.
    for b in seats[:2]:
        salon.cancel(b.id, "", now=NOW)
    events = icalendar.Calendar.from_ical(salon.export_ics(resource="anna", now=NOW)).walk("VEVENT")
    assert {str(e["UID"]): str(e["STATUS"]) for e in events}[session] == "CANCELLED"


def test_export_ics_holds_every_booking_and_import_ics_turns_busy_time_into_time_off(salon: sc.Scheduler) -> None:
    booked = salon.book("anna", "cut", utc("2027-03-01T09:00"), client="c1", now=NOW)
    ics = salon.export_ics(resource="anna", now=NOW)
    assert ics.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:{booked.id}@slotcraft\r\n" in ics
    with pytest.raises(sc.InvalidArgument) as none_named:
        salon.export_ics(now=NOW)
    assert none_named.value.field == "selection"

    busy = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        "DTSTART;TZID=Europe/Berlin:20270302T100000\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    done = salon.import_ics("anna", busy, NOW, NOW + timedelta(days=30))
    assert [(i.start, i.end) for i in done.added] == [(utc("2027-03-02T09:00"), utc("2027-03-02T10:00"))]
    assert done.skipped == []
    assert salon.check("anna", "cut", utc("2027-03-02T09:00"), now=NOW)[0].code == sc.ReasonCode.time_off
    # A file imported again adds nothing, whatever the window: two meeting events
    # are read as one stretch, and a window holding only the first read it alone,
    # which was not that stretch and so was added again.
    meeting = busy.replace("END:VEVENT\r\n", "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:z\r\n"
                           "DTSTART;TZID=Europe/Berlin:20270304T110000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n")
    meeting = meeting.replace("20270302T100000", "20270304T100000")
    first = salon.import_ics("anna", meeting, NOW, NOW + timedelta(days=30))
    assert [(i.start, i.end) for i in first.added] == [(utc("2027-03-04T09:00"), utc("2027-03-04T11:00"))]
    time_off = salon.resource("anna").time_off
    for start, end in ((NOW, NOW + timedelta(days=30)), (utc("2027-03-04T09:00"), utc("2027-03-04T09:30"))):
        assert salon.import_ics("anna", meeting, start, end).added == []
    assert salon.resource("anna").time_off == time_off
    with pytest.raises(sc.InvalidArgument) as malformed:
        salon.import_ics("anna", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2027-13-01\r\n", NOW, NOW + timedelta(days=1))
    assert malformed.value.field == "ics"
    assert "line 3" in str(malformed.value)
    # A line that does not shape busy time is skipped and listed, the rest imported.
    odd = busy.replace("UID:x", "UID:y\r\nnot a property").replace("20270302T1", "20270303T1")
    done = salon.import_ics("anna", odd, NOW, NOW + timedelta(days=30))
    assert [(i.start, i.end) for i in done.added] == [(utc("2027-03-03T09:00"), utc("2027-03-03T10:00"))]
    assert [(s.line, s.reason) for s in done.skipped] == [(6, "not a content line NAME[;PARAM=VALUE]:VALUE")]


def test_a_booked_series_exports_as_one_recurring_event_in_the_resources_zone(salon: sc.Scheduler) -> None:
    out = salon.book_recurring("anna", "cut", datetime(2027, 3, 16, 17, 0, tzinfo=BERLIN), "FREQ=WEEKLY;BYDAY=TU;COUNT=3",
                               except_dates=[date(2027, 3, 23)], client="c1", now=NOW)
    salon.cancel(out.booked[1].id, now=NOW)
    ics = salon.export_ics(client="c1", now=NOW).replace("\r\n ", "")
    assert f"UID:{out.series}@slotcraft\r\n" in ics
    assert "DTSTART;TZID=Europe/Berlin:20270316T170000\r\n" in ics
    assert "RRULE:FREQ=WEEKLY;COUNT=3;BYDAY=TU\r\n" in ics
    assert "EXDATE;TZID=Europe/Berlin:20270323T170000\r\n" in ics
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20270330T170000\r\n" in ics
    assert all(f"UID:{b.id}@slotcraft" not in ics for b in out.booked)


def expanded_starts(ics: str) -> set[datetime]:
    """The starts a calendar shows for the VEVENTs of `ics`, as python3-icalendar and dateutil expand them (readers
    slotcraft did not write): each rule from its DTSTART, less its EXDATEs and its cancelled RECURRENCE-IDs."""
    import icalendar
    from dateutil.rrule import rrulestr

    events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    cancelled = {(str(e["UID"]), e["RECURRENCE-ID"].dt) for e in events
                 if "RECURRENCE-ID" in e and str(e["STATUS"]) == "CANCELLED"}
    starts: set[datetime] = set()
    for e in events:
        if "RECURRENCE-ID" in e or str(e["STATUS"]) == "CANCELLED":
            continue
        first = e["DTSTART"].dt
        if "RRULE" not in e:
            starts.add(first)
            continue
        exdates = e.get("EXDATE", [])
        excluded = {d.dt for x in (exdates if isinstance(exdates, list) else [exdates]) for d in x.dts}
        rule = rrulestr(e["RRULE"].to_ical().decode(), dtstart=first)
        starts |= {t for t in rule if t not in excluded and (str(e["UID"]), t) not in cancelled}
    return {t.astimezone(timezone.utc) for t in starts}


def test_a_series_of_two_times_a_day_exports_each_skipped_and_cancelled_time_at_its_own_hour(
    salon: sc.Scheduler,
) -> None:
    out = salon.book_recurring("anna", "cut", datetime(2027, 3, 1, 9, 0, tzinfo=BERLIN), "FREQ=DAILY;BYHOUR=9,15;COUNT=4",
                               client="c1", now=NOW)
    assert [b.start.astimezone(BERLIN).hour for b in out.booked] == [9, 15, 9, 15]
    salon.cancel(out.booked[1].id, now=NOW)  # 03-01 15:00: a cancelled override
    moved = salon.reschedule(out.booked[3].id, datetime(2027, 3, 2, 16, 0, tzinfo=BERLIN), now=NOW)  # an EXDATE
    ics = salon.export_ics(resource="anna", now=NOW)
    active = {b.start for b in (out.booked[0], out.booked[2], moved)}
    assert expanded_starts(ics) == active
    assert {(i.start, i.end - i.start) for i in sc.read_ics(ics, "Europe/Berlin", NOW, NOW + timedelta(days=60)).busy} == {
        (t, timedelta(minutes=30)) for t in active}


def test_a_series_whose_first_end_is_in_the_repeated_hour_exports_a_duration_not_an_earlier_dtend(
    salon: sc.Scheduler,
) -> None:
    import icalendar

    every_hour = {day: [("00:00", "24:00")] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    salon.put_resource(sc.ResourceRecord("nora", BERLIN, schedules=[sc.LocationSchedule("salon", weekly=every_hour)]))
    salon.link("nora", "cut")
    # 02:30 CEST on the night Berlin falls back: the 30 minutes end at the second 02:00 (CET).
    out = salon.book_recurring("nora", "cut", utc("2027-10-31T00:30"), "FREQ=WEEKLY;COUNT=2", now=NOW)
    ics = salon.export_ics(resource="nora", now=NOW)
    [master] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert "DTEND" not in master and master["DURATION"].dt == timedelta(minutes=30)
    busy = sc.read_ics(ics, "Europe/Berlin", NOW, NOW + timedelta(days=400)).busy
    assert [(i.start, i.end) for i in busy] == [(b.start, b.end) for b in out.booked]


@pytest.mark.parametrize("until", ["until=20270310", "Until=20270310T090000"])
def test_an_until_in_any_case_is_exported_as_the_last_occurrences_utc_instant(salon: sc.Scheduler, until: str) -> None:
    out = salon.book_recurring("anna", "cut", datetime(2027, 3, 1, 9, 0, tzinfo=BERLIN), f"FREQ=WEEKLY;BYDAY=MO,WE;{until}",
                               now=NOW)
    ics = salon.export_ics(resource="anna", now=NOW).replace("\r\n ", "")
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270310T080000Z;BYDAY=MO,WE\r\n" in ics
    assert expanded_starts(ics) == {b.start for b in out.booked}


def test_bookings_csv_reads_back_with_the_csv_module_and_filters(salon: sc.Scheduler) -> None:
    import csv
    import io

    kept = salon.book("anna", "cut", utc("2027-03-01T09:00"), client="c1", now=NOW)
    dropped = salon.book("boris", "cut", utc("2027-03-01T08:00"), now=NOW)
    salon.cancel(dropped.id, 'ill, "really"', now=NOW)
    text = salon.bookings_csv(utc("2027-03-01T00:00"), utc("2027-03-02T00:00"), bom=False)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["id"] for r in rows] == [dropped.id, kept.id]
    assert rows[0]["cancel_reason"] == 'ill, "really"'
    assert rows[1]["start_local"] == "2027-03-01T10:00:00" and rows[1]["client_name"] == "Client One"
    only = salon.bookings_csv(utc("2027-03-01T00:00"), utc("2027-03-02T00:00"), resources=["anna"], status="confirmed")
    assert only.startswith("\ufeff")  # by default, the BOM spreadsheets need to read UTF-8
    assert [r["id"] for r in csv.DictReader(io.StringIO(only[1:], newline=""))] == [kept.id]


def test_report_cells_a_spreadsheet_would_run_are_neutralised(salon: sc.Scheduler) -> None:
    import csv
    import io

    salon.put_client(sc.Client("evil", name="=HYPERLINK(\"http://x\";\"Жми\")"))
    booked = salon.book("anna", "cut", utc("2027-03-01T09:00"), client="evil", now=NOW)
    salon.cancel(booked.id, "+1 @2 -3", now=NOW)
    text = salon.bookings_csv(utc("2027-03-01T00:00"), utc("2027-03-02T00:00"), bom=False)
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    assert row["client_name"] == "'=HYPERLINK(\"http://x\";\"Жми\")"
    assert row["cancel_reason"] == "'+1 @2 -3"
    assert row["client"] == "evil" and row["seats"] == "1"


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda s: s.book_recurring("anna", "cut", datetime(2027, 3, 16, 16), "FREQ=WEEKLY;COUNT=2", now=NOW), "start"),
        (lambda s: s.book_recurring("anna", "cut", utc("2027-03-16T16:00"), "FREQ=WEEKLY", now=NOW), "rrule"),
        # The second 02:30 of the night Berlin falls back: a rule's wall time 02:30 names the first.
        (lambda s: s.book_recurring("anna", "cut", utc("2027-10-31T01:30"), "FREQ=WEEKLY;COUNT=2", now=NOW), "start"),
        (lambda s: sc.expand_recurrence("FREQ=WEEKLY;COUNT=2", "Europe/Berlin", utc("2027-10-31T01:30")), "first_start"),
        (lambda s: s.book_recurring("anna", "cut", utc("2027-03-16T16:00"), 7, now=NOW), "rrule"),
        (lambda s: s.book_recurring("anna", "cut", utc("2027-03-16T16:00"), "FREQ=WEEKLY;COUNT=2",
                                    except_dates="2027-03-23", now=NOW), "except_dates"),
        (lambda s: s.book_recurring("anna", "cut", utc("2027-03-16T16:00"), "FREQ=WEEKLY;COUNT=2",
                                    except_dates=["2027-03-23"], now=NOW), "except_dates[0]"),
        (lambda s: s.import_ics("anna", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", NOW, NOW), "window"),
        (lambda s: s.import_ics("anna", "x", datetime(2027, 3, 1), NOW), "start"),
        (lambda s: s.import_ics("anna", "x" * (16 * 1024 * 1024 + 1), NOW, NOW + timedelta(days=1)), "ics"),
        (lambda s: s.export_ics(resource="anna", client="c1", now=NOW), "selection"),
        (lambda s: s.bookings_csv(NOW, NOW - timedelta(days=1)), "period"),
        (lambda s: s.bookings_csv(NOW, NOW + timedelta(days=1), status="done"), "status"),
        (lambda s: s.bookings_csv(NOW, NOW + timedelta(days=1), resources="anna"), "resources"),
    ],
)
def test_bad_input_to_series_and_ics_calls_names_the_field(salon: sc.Scheduler, call, field: str) -> None:
    before = len(salon.audit())
    with pytest.raises(sc.InvalidArgument) as bad:
        call(salon)
    assert bad.value.field == field
    assert len(salon.audit()) == before
