"""The slotcraft.Error hierarchy, and no C++ exception surfacing as RuntimeError."""

from __future__ import annotations

import itertools
import math
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

import slotcraft as sc
from conftest import NOW, build_salon, minutes, utc

T = utc("2027-03-01T08:00")


def test_hierarchy_lets_callers_catch_by_kind_or_by_python_convention() -> None:
    assert issubclass(sc.InvalidArgument, sc.Error) and issubclass(sc.InvalidArgument, ValueError)
    assert issubclass(sc.InvalidArgument, TypeError)
    assert issubclass(sc.NotFound, sc.Error) and issubclass(sc.NotFound, LookupError)
    assert issubclass(sc.Conflict, sc.Error) and issubclass(sc.StorageError, sc.Error)
    assert issubclass(sc.Error, Exception) and not issubclass(sc.Error, RuntimeError)
    for cls in (sc.Error, sc.InvalidArgument, sc.NotFound, sc.Conflict, sc.StorageError):
        assert cls.__module__ == "slotcraft"


def test_errors_raised_by_slotcraft_carry_field_message_category() -> None:
    with pytest.raises(sc.InvalidArgument) as caught:
        sc.Service("cut", minutes(30), capacity="many")
    e = caught.value
    assert (e.field, e.category, e.reasons) == ("capacity", "invalid_argument", [])
    assert str(e) == "capacity: " + e.message


def test_conflict_carries_every_reason_of_the_refusal() -> None:
    s = build_salon("memory:")
    s.book("anna", "cut", T, now=NOW)
    with pytest.raises(sc.Conflict) as caught:
        s.book("anna", "cut", T + minutes(30), now=NOW - timedelta(days=400))
    assert caught.value.category == "conflict"
    assert [r.code for r in caught.value.reasons] == [sc.ReasonCode.buffer]
    assert isinstance(caught.value.reasons[0], sc.Reason)


def test_not_found_and_storage_errors_are_their_own_classes(tmp_path: Path) -> None:
    s = build_salon("memory:")
    with pytest.raises(sc.NotFound) as missing:
        s.cancel("bk_missing", now=NOW)
    assert (missing.value.field, missing.value.category) == ("id", "not_found")
    with pytest.raises(sc.StorageError) as broken:
        sc.open_store(str(tmp_path))  # a directory is no SQLite file
    assert broken.value.category == "storage" and broken.value.field == ""


def test_errors_made_in_python_have_the_attributes_too() -> None:
    e = sc.NotFound("no such thing")
    assert (e.field, e.message, e.category, list(e.reasons)) == ("", "", "", [])


def test_text_that_is_not_valid_unicode_is_invalid_argument() -> None:
    with pytest.raises(sc.InvalidArgument) as caught:
        sc.Location("\ud800")
    assert caught.value.field == "id"
    with pytest.raises(sc.InvalidArgument) as zone:
        sc.Zone("Europe/\udcff")
    assert zone.value.field == "name"


# Values of every awkward kind, tried in every argument of every entry point.
ODD_VALUES: list[Any] = [
    None, True, -1, 2**70, 1.5, math.nan, "", "x" * 300, "\ud800", b"bytes", [], [1], (None, None), {}, {"k": 1},
    object(), datetime(2027, 3, 1, 9), date(2027, 3, 1), time(9), timedelta(seconds=-1), sc.Location("salon"),
]


def entry_points(s: sc.Scheduler) -> list[tuple[Callable[..., Any], list[Any]]]:
    """(callable, valid arguments) for every public function and method taking arguments."""
    rules = sc.Schedule("UTC", weekly={"mon": [("09:00", "10:00")]})
    query = sc.Query(NOW, T, T + timedelta(days=1), sc.Service("s", minutes(30)), [sc.Resource("r", weekly={"mon": [("09:00", "10:00")]})])
    interval = sc.Interval(T, T + minutes(30))
    return [
        (sc.parse_instant, ["2027-03-01T08:00:00Z"]),
        (sc.format_instant, [T]),
        (sc.Interval, [T, T]),
        (interval.contains, [T]),
        (interval.covers, [interval]),
        (interval.overlaps, [interval]),
        (sc.IntervalSet, [[interval]]),
        (sc.IntervalSet([interval]).clipped_to, [interval]),
        (sc.LocalRange, ["09:00", "10:00"]),
        (sc.Zone, ["UTC"]),
        (sc.Zone("UTC").to_utc, [date(2027, 3, 1), "09:00"]),
        (sc.Zone("UTC").instants_at, [date(2027, 3, 1), "09:00"]),
        (sc.Zone("UTC").date_of, [T]),
        (sc.Service, ["s", minutes(30)]),
        (sc.Service.from_dict, [{"duration": 30}]),
        (sc.Booking, [T, T + minutes(30)]),
        (sc.Schedule, ["UTC"]),
        (rules.hours_on, [date(2027, 3, 1)]),
        (sc.Resource, ["r", "UTC"]),
        (sc.Query, [NOW, T, T + minutes(60), sc.Service("s", minutes(30)), []]),
        (sc.Query.from_dict, [{}]),
        (sc.Query.from_json, ["{}"]),
        (sc.find_slots, [query]),
        (sc.explain, [query, T]),
        (sc.slots_to_dict, [[]]),
        (sc.open_time, [rules, T, T + minutes(60)]),
        (sc.Location, ["l"]),
        (sc.Location.from_dict, [{"id": "l"}]),
        (sc.LocationSchedule, ["salon"]),
        (sc.ResourceRecord, ["r", "UTC"]),
        (sc.ResourceRecord.from_dict, [{"id": "r"}]),
        (sc.ServiceRecord, [sc.Service("s", minutes(30))]),
        (sc.Identity, ["vk", "1"]),
        (sc.Client, ["c"]),
        (sc.BookingRecord.from_dict, [{}]),
        (sc.BookingRequest, ["anna", "cut", T]),
        (sc.open_store, ["memory:"]),
        (sc.open_sqlite_store, [":memory:"]),
        (sc.Scheduler, ["memory:"]),
        (s.put_location, [sc.Location("l2")]),
        (s.put_resource, [sc.ResourceRecord("r2")]),
        (s.put_service, [sc.Service("s2", minutes(30))]),
        (s.link, ["anna", "cut"]),
        (s.put_client, [sc.Client("c9")]),
        (s.client_for, [sc.Identity("vk", "9"), "Nine"]),
        (s.save_settings, [sc.Settings()]),
        (s.resource, ["anna"]),
        (s.service, ["cut"]),
        (s.client, ["c1"]),
        (s.booking, ["b"]),
        (s.providers, ["cut"]),
        (s.slots, ["cut", T, T + minutes(60)]),
        (s.check, ["anna", "cut", T]),
        (s.book, ["anna", "cut", T]),
        (s.hold, ["anna", "cut", T, minutes(5)]),
        (s.confirm, ["token"]),
        (s.cancel, ["b", "why"]),
        (s.reschedule, ["b", T]),
        (s.book_series, [[]]),
        (s.book_many, [[]]),
        (s.mark_reminded, ["b", minutes(60)]),
        (s.upcoming, ["anna", T, 1]),
        (s.client_bookings, ["c1"]),
    ]


def test_no_argument_of_any_entry_point_makes_a_runtime_error_or_an_untyped_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # odd text given to open_store names SQLite files: keep them here
    s = build_salon("memory:")
    tried = 0
    for call, good in entry_points(s):
        for position, odd in itertools.product(range(len(good)), ODD_VALUES):
            args = list(good)
            args[position] = odd
            tried += 1
            try:
                call(*args)
            except sc.Error as e:
                assert not isinstance(e, RuntimeError)
                assert e.category in ("invalid_argument", "not_found", "conflict", "storage"), (call, args, e)
            except Exception as e:  # noqa: BLE001 - the point of the test
                pytest.fail(f"{getattr(call, '__qualname__', call)}{tuple(args)!r} raised {type(e).__name__}: {e}")
    assert tried > 1000
