"""Catalog records: Python objects, and their JSON form through to_dict() / from_dict()."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import pytest

import slotcraft as sc
from conftest import NOW, minutes, utc


def test_records_round_trip_through_their_json_form() -> None:
    records = [
        sc.Location("salon", name="Salon"),
        sc.LocationSchedule(
            "salon",
            weekly={"mon": [("09:00", "13:00")], "sat": [("22:00", "02:00")]},
            overrides={date(2026, 12, 24): [], date(2026, 12, 31): [("10:00", "24:00")]},
            breaks=[(time(12), time(12, 30))],
        ),
        sc.LocationSchedule(
            "online",
            rotation=sc.Rotation(date(2026, 3, 4), [{"mon": [("07:00", "11:00")]}, {}]),
            overrides={date(2026, 3, 9): []},
        ),
        sc.ResourceRecord(
            "anna",
            "Europe/Berlin",
            name="Anna",
            schedules=[sc.LocationSchedule("salon", weekly={"tue": [("09:00", "17:00")]})],
            time_off=[(utc("2026-08-01T00:00"), utc("2026-08-15T00:00"))],
        ),
        sc.Service("cut", minutes(30), step=minutes(15), align=sc.Align.free, buffer_before=minutes(5),
                   buffer_after=minutes(10), min_notice=minutes(60), max_advance=timedelta(days=30),
                   capacity=1, max_per_day=4),
        sc.ServiceRecord(sc.Service("yoga", minutes(60), capacity=8), name="Yoga", locations=["salon"]),
        sc.Identity("vk", "id77"),
        sc.Client("c1", name="Ann", identities=[sc.Identity("telegram", "1"), sc.Identity(sc.Messenger.other, "mail")]),
        sc.Settings(reminder_offsets=[timedelta(hours=24)], global_breaks=[("13:00", "14:00")], default_step=minutes(15)),
    ]
    for record in records:
        data = record.to_dict()
        assert type(record).from_dict(data) == record, type(record).__name__
        assert type(record).from_dict(json.dumps(data)) == record, type(record).__name__
        assert repr(record).startswith(type(record).__name__ + "(")


def test_weekly_hours_and_overrides_take_any_mapping() -> None:
    from types import MappingProxyType

    weekly = MappingProxyType({"mon": [("09:00", "13:00")]})
    overrides = MappingProxyType({date(2026, 12, 24): []})
    s = sc.LocationSchedule("salon", weekly=weekly, overrides=overrides)
    assert s.weekly["mon"] == [sc.LocalRange("09:00", "13:00")] and s.overrides == {date(2026, 12, 24): []}


def test_overrides_keep_24_00_and_days_off() -> None:
    s = sc.LocationSchedule("salon", overrides={date(2026, 12, 31): [("10:00", "24:00")], date(2026, 12, 24): []})
    assert s.to_dict()["overrides"] == {"2026-12-24": [], "2026-12-31": [["10:00", "24:00"]]}
    assert s.overrides == {date(2026, 12, 24): [], date(2026, 12, 31): [sc.LocalRange("10:00", "24:00")]}


def test_booking_record_reads_back_from_the_store_and_its_json(memory_salon: sc.Scheduler) -> None:
    held = memory_salon.hold("anna", "cut", utc("2027-03-01T08:00"), minutes(15), client="c1", now=NOW)
    data = held.to_dict()
    assert data["status"] == "held" and data["expires"] == "2027-02-28T12:15:00Z"
    assert sc.BookingRecord.from_dict(data) == held
    view = held.engine_view()
    assert isinstance(view, sc.Booking)
    assert (view.start, view.end, view.status, view.expires) == (held.start, held.end, sc.BookingStatus.held, held.expires)
    assert held.padded == sc.Interval(held.start, held.end + minutes(10))
    assert held.active_at(NOW) and not held.active_at(NOW + minutes(15))
    with pytest.raises(AttributeError):
        held.seats = 2  # type: ignore[misc]


def test_list_attributes_are_copies_and_assignment_replaces_them() -> None:
    r = sc.ResourceRecord("anna")
    r.schedules.append(sc.LocationSchedule("salon"))  # a new list: the record is unchanged
    assert r.schedules == []
    r.schedules = [sc.LocationSchedule("salon")]
    assert [s.location for s in r.schedules] == ["salon"]
    record = sc.ServiceRecord(sc.Service("cut", minutes(30)))
    record.rules.capacity = 2  # `rules` is the record's own Service
    assert record.rules.capacity == 2 and record.id == "cut"


def test_zone_attributes_accept_zoneinfo_and_store_the_iana_name() -> None:
    from zoneinfo import ZoneInfo

    r = sc.ResourceRecord("anna", ZoneInfo("Asia/Kathmandu"))
    assert r.time_zone == "Asia/Kathmandu"
    r.time_zone = sc.Zone("America/New_York")
    assert r.time_zone == "America/New_York"


def test_enums_accept_their_spec_names() -> None:
    assert sc.Identity("whatsapp", "1").network == sc.Messenger.whatsapp
    assert sc.Booking(utc("2026-01-01T00:00"), utc("2026-01-01T01:00"), status="cancelled").status == sc.BookingStatus.cancelled
    assert sc.Service("s", minutes(5), align="free").align == sc.Align.free
    assert sc.ReasonCode.on_break.name == "on_break"


def test_equality_is_by_value_and_other_types_are_never_equal() -> None:
    assert sc.Location("a") == sc.Location("a", name="")
    assert sc.Location("a") != sc.Location("a", name="x")
    assert sc.Location("a") != "a"
    assert sc.Client("c") != sc.Location("c")
