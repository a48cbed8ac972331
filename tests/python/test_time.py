"""Instants are aware datetimes in, aware UTC datetimes out; SPEC §1 through Python objects."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

import slotcraft as sc
from conftest import utc

NEW_YORK = ZoneInfo("America/New_York")
KATHMANDU = ZoneInfo("Asia/Kathmandu")


@pytest.mark.parametrize(
    "given",
    [
        datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc),
        datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=1))),
        datetime(2026, 3, 28, 19, 30, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(2026, 3, 29, 6, 15, tzinfo=KATHMANDU),  # +05:45
    ],
    ids=["utc", "fixed+1", "fixed-5", "zoneinfo", "kathmandu"],
)
def test_any_aware_datetime_is_read_as_its_instant_and_returned_in_utc(given: datetime) -> None:
    out = sc.parse_instant(sc.format_instant(given))
    assert sc.format_instant(given) == "2026-03-29T00:30:00Z"
    assert out == given
    assert out.tzinfo is timezone.utc
    assert sc.Interval(given, given + timedelta(hours=1)).start.tzinfo is timezone.utc


def test_naive_datetime_is_refused_naming_the_field_not_read_as_local_time() -> None:
    with pytest.raises(sc.InvalidArgument) as refused:
        sc.format_instant(datetime(2026, 3, 29, 1, 30))
    assert refused.value.field == "t"
    assert "naive" in refused.value.message
    assert isinstance(refused.value, ValueError) and isinstance(refused.value, TypeError)


def test_a_tzinfo_whose_utcoffset_is_none_counts_as_naive() -> None:
    class Floating(tzinfo):
        def utcoffset(self, dt: datetime | None) -> None:
            return None

        def dst(self, dt: datetime | None) -> None:
            return None

        def tzname(self, dt: datetime | None) -> None:
            return None

    with pytest.raises(sc.InvalidArgument) as refused:
        sc.Interval(datetime(2026, 1, 1, tzinfo=Floating()), datetime(2026, 1, 2, tzinfo=timezone.utc))
    assert refused.value.field == "start"


def test_sub_second_parts_are_dropped_like_the_iso_reader_drops_fractions() -> None:
    t = datetime(2026, 3, 29, 0, 30, 59, 999_999, tzinfo=timezone.utc)
    assert sc.format_instant(t) == "2026-03-29T00:30:59Z"
    assert sc.parse_instant("2026-03-29T00:30:59.999999Z") == t.replace(microsecond=0)
    # Before 1970 too: the whole second the instant falls in, not rounded toward zero.
    old = datetime(1960, 1, 1, 0, 0, 0, 500_000, tzinfo=timezone.utc)
    assert sc.format_instant(old) == "1960-01-01T00:00:00Z"


def test_fold_picks_the_instant_of_an_ambiguous_local_time() -> None:
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)  # EDT
    second = first.replace(fold=1)  # EST
    assert sc.format_instant(first) == "2026-11-01T05:30:00Z"
    assert sc.format_instant(second) == "2026-11-01T06:30:00Z"


def test_zone_to_utc_follows_spec_in_a_gap_and_an_overlap() -> None:
    ny = sc.Zone("America/New_York")
    # Gap: 02:30 does not exist on 2026-03-08; the offset before applies -> 03:30 EDT.
    assert ny.to_utc(date(2026, 3, 8), "02:30") == utc("2026-03-08T07:30")
    assert ny.instants_at(date(2026, 3, 8), time(2, 30)) == []
    # Overlap: 01:30 happens twice on 2026-11-01; the earlier instant is taken.
    assert ny.to_utc(date(2026, 11, 1), time(1, 30)) == utc("2026-11-01T05:30")
    assert ny.instants_at(date(2026, 11, 1), "01:30") == [utc("2026-11-01T05:30"), utc("2026-11-01T06:30")]
    assert ny.to_utc(date(2026, 11, 1), "24:00") == utc("2026-11-02T05:00")
    assert ny.date_of(utc("2026-11-02T04:59")) == date(2026, 11, 1)
    assert sc.Zone(NEW_YORK) == ny and ny.name == "America/New_York"
    assert sc.Zone(KATHMANDU).to_utc(date(2026, 1, 1), "06:00") == utc("2026-01-01T00:15")


def test_zone_rules_stay_exact_after_2037() -> None:
    ny = sc.Zone("America/New_York")
    for year in (2040, 2075):
        local = datetime(year, 7, 1, 12, 0, tzinfo=NEW_YORK)
        assert ny.to_utc(local.date(), "12:00") == local


def test_instants_far_from_1970_round_trip() -> None:
    for t in (datetime(1, 1, 1, tzinfo=timezone.utc), datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)):
        assert sc.parse_instant(sc.format_instant(t)) == t


def test_interval_is_half_open_and_immutable() -> None:
    a = sc.Interval(utc("2026-03-02T09:00"), utc("2026-03-02T10:00"))
    b = sc.Interval(utc("2026-03-02T10:00"), utc("2026-03-02T11:00"))
    assert not a.overlaps(b) and a.overlaps((utc("2026-03-02T09:59"), utc("2026-03-02T10:30")))
    assert a.contains(utc("2026-03-02T09:00")) and not a.contains(utc("2026-03-02T10:00"))
    assert a.covers((utc("2026-03-02T09:10"), utc("2026-03-02T09:20")))
    assert a.length == timedelta(hours=1) and not a.empty
    assert sc.Interval(a.end, a.start).empty and sc.Interval(a.end, a.start).length == timedelta(0)
    assert a == sc.Interval(a.start, a.end) and a != b and a != (a.start, a.end)
    assert len({a, sc.Interval(a.start, a.end), b}) == 2
    assert a.to_dict() == {"start": "2026-03-02T09:00:00Z", "end": "2026-03-02T10:00:00Z"}
    assert repr(a) == "Interval(2026-03-02T09:00:00Z, 2026-03-02T10:00:00Z)"
    with pytest.raises(AttributeError):
        a.start = b.start  # type: ignore[misc]


def test_interval_set_merges_and_combines() -> None:
    t = [utc(f"2026-03-02T{h:02}:00") for h in range(8)]
    s = sc.IntervalSet([(t[0], t[2]), (t[1], t[3]), (t[5], t[6])])
    assert s.parts == [sc.Interval(t[0], t[3]), sc.Interval(t[5], t[6])]
    assert len(s) == 2 and bool(s) and not sc.IntervalSet()
    hole = sc.IntervalSet([(t[1], t[2])])
    assert list(s - hole) == [sc.Interval(t[0], t[1]), sc.Interval(t[2], t[3]), sc.Interval(t[5], t[6])]
    assert (s & hole) == hole and (s | hole) == s
    assert s.part_containing(t[1]) == sc.Interval(t[0], t[3]) and s.part_containing(t[4]) is None
    assert s.covers((t[0], t[3])) and not s.covers((t[2], t[6]))
    assert s.overlaps((t[2], t[4])) and not s.overlaps((t[3], t[5]))
    assert s.clipped_to((t[1], t[6])).parts == [sc.Interval(t[1], t[3]), sc.Interval(t[5], t[6])]


def test_local_range_takes_times_or_text_and_keeps_24_00() -> None:
    r = sc.LocalRange(time(22, 0), "02:00")
    assert r.overnight and r.start == time(22) and r.end == time(2)
    assert str(r) == "22:00-02:00" and repr(r) == "LocalRange('22:00', '02:00')"
    day = sc.LocalRange("09:00", "24:00")
    assert not day.overnight
    assert day.end == time(0) and day.to_strings() == ("09:00", "24:00")
    assert day != sc.LocalRange("09:00", "00:00") and len({day, sc.LocalRange("09:00", "24:00")}) == 1
