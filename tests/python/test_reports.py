"""Attendance marks and the attendance and load reports from Python, on every store."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import slotcraft as sc
from conftest import NOW, utc

BERLIN = ZoneInfo("Europe/Berlin")


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # the UTF-8 BOM spreadsheet programs need
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_mark_attendance_once_started_take_it_back_and_count_it(salon: sc.Scheduler) -> None:
    came = salon.book("anna", "cut", utc("2027-03-01T08:00"), client="c1", now=NOW)
    away = salon.book("anna", "cut", utc("2027-03-01T09:00"), now=NOW)
    off = salon.book("anna", "cut", utc("2027-03-01T10:00"), now=NOW)
    salon.cancel(off.id, now=NOW)
    later = utc("2027-03-01T12:00")
    marked = salon.mark_attendance(came.id, sc.Attendance.attended, now=later, actor="desk")
    assert marked.attendance == sc.Attendance.attended
    assert salon.booking(came.id).attendance == sc.Attendance.attended
    assert salon.mark_attendance(away.id, "no_show", now=later).attendance == sc.Attendance.no_show
    entry = salon.audit()[-1]
    assert (entry.action, entry.subject) == ("attendance", away.id)
    assert '"attendance":"unmarked"' in entry.before and '"attendance":"no_show"' in entry.after

    monday = (utc("2027-03-01T00:00"), utc("2027-03-02T00:00"))
    assert rows(salon.attendance_csv(*monday)) == [
        {"resource": "anna", "resource_name": "Anna", "bookings": "3", "attended": "1", "no_show": "1",
         "unmarked": "0", "cancelled": "1"},
        {"resource": "boris", "resource_name": "Boris", "bookings": "0", "attended": "0", "no_show": "0",
         "unmarked": "0", "cancelled": "0"},
    ]
    assert [r["bookings"] for r in rows(salon.attendance_csv(*monday, resources=["anna"], client="c1"))] == ["1"]
    assert [r["attendance"] for r in rows(salon.bookings_csv(*monday, status="confirmed"))] == ["attended", "no_show"]

    assert salon.mark_attendance(came.id, "unmarked", now=later).attendance == sc.Attendance.unmarked
    assert rows(salon.attendance_csv(*monday, resources=["anna"]))[0]["unmarked"] == "1"


def test_the_load_report_counts_a_class_once_and_a_dst_day_as_23_hours(salon: sc.Scheduler) -> None:
    # anna: Mon-Fri 09:00-18:00 with a 13:00 break (8 h); the clocks go forward on Sunday 2027-03-28.
    salon.book("anna", "yoga", datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN), client="c1", now=NOW)
    salon.book("anna", "yoga", datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN), now=NOW)  # a second seat
    salon.book("anna", "cut", datetime(2027, 3, 26, 17, 0, tzinfo=BERLIN), now=NOW)
    start, end = datetime(2027, 3, 22, tzinfo=BERLIN), datetime(2027, 3, 29, tzinfo=BERLIN)
    assert end.timestamp() - start.timestamp() == 167 * 3600  # the week is 167 hours long
    days = rows(salon.load_csv(start, end, resources=["anna"], now=NOW))
    assert [(r["period"], r["open_hours"], r["booked_hours"], r["utilisation"]) for r in days] == [
        ("2027-03-22", "8.00", "1.00", "0.1250"),
        ("2027-03-23", "8.00", "0.00", "0.0000"),
        ("2027-03-24", "8.00", "0.00", "0.0000"),
        ("2027-03-25", "8.00", "0.00", "0.0000"),
        ("2027-03-26", "8.00", "0.50", "0.0625"),
        ("2027-03-27", "0.00", "0.00", ""),
        ("2027-03-28", "0.00", "0.00", ""),
    ]
    weeks = rows(salon.load_csv(start, end, by="week", now=NOW))
    assert [(r["resource"], r["period"], r["days"], r["open_hours"], r["booked_hours"]) for r in weeks] == [
        ("anna", "2027-W12", "7", "40.00", "1.50"),
        ("boris", "2027-W12", "7", "40.00", "0.00"),
    ]


@pytest.mark.parametrize(
    "call, error, field",
    [
        (lambda s, b: s.mark_attendance(b.id, "attended", now=NOW), sc.Conflict, "id"),  # not started yet
        (lambda s, b: s.mark_attendance(b.id, "late", now=NOW + timedelta(days=2)), sc.InvalidArgument, "attendance"),
        (lambda s, b: s.mark_attendance(b.id, 1, now=NOW + timedelta(days=2)), sc.InvalidArgument, "attendance"),
        (lambda s, b: s.mark_attendance("bk_none", "attended", now=NOW + timedelta(days=2)), sc.NotFound, "id"),
        (lambda s, b: s.mark_attendance(b.id, "attended", now=datetime(2027, 3, 3)), sc.InvalidArgument, "now"),
        (lambda s, b: s.attendance_csv(NOW, NOW - timedelta(days=1)), sc.InvalidArgument, "period"),
        (lambda s, b: s.attendance_csv(NOW, NOW + timedelta(days=1), resources="anna"), sc.InvalidArgument,
         "resources"),
        (lambda s, b: s.attendance_csv(NOW, NOW + timedelta(days=1), resources=["nobody"]), sc.NotFound,
         "resources[0]"),
        (lambda s, b: s.load_csv(NOW, NOW + timedelta(days=1), by="month", now=NOW), sc.InvalidArgument, "by"),
        (lambda s, b: s.load_csv(NOW, NOW + timedelta(days=400), now=NOW), sc.InvalidArgument, "period"),
        (lambda s, b: s.load_csv(NOW, NOW + timedelta(days=1), resources=[7], now=NOW), sc.InvalidArgument,
         "resources[0]"),
    ],
)
def test_bad_input_to_attendance_and_reports_names_the_field_and_writes_nothing(
    salon: sc.Scheduler, call, error: type[sc.Error], field: str
) -> None:
    booked = salon.book("anna", "cut", utc("2027-03-01T08:00"), now=NOW)
    before = len(salon.audit())
    with pytest.raises(error) as refused:
        call(salon, booked)
    assert refused.value.field == field
    assert len(salon.audit()) == before
    assert salon.booking(booked.id).attendance == sc.Attendance.unmarked


def test_a_cancelled_booking_cannot_be_marked(memory_salon: sc.Scheduler) -> None:
    booked = memory_salon.book("anna", "cut", utc("2027-03-01T08:00"), now=NOW)
    memory_salon.cancel(booked.id, now=NOW)
    with pytest.raises(sc.Conflict) as refused:
        memory_salon.mark_attendance(booked.id, sc.Attendance.no_show, now=NOW + timedelta(days=2))
    assert refused.value.field == "id"
    assert "cancelled" in str(refused.value)
