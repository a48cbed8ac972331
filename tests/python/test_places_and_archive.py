"""Slots per location, moving a booking (to another place too), confirm's
checks, archiving, and the day's grid, from Python on every store."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import slotcraft as sc
from conftest import NOW, minutes, utc

BERLIN = ZoneInfo("Europe/Berlin")


def add_studio(s: sc.Scheduler) -> None:
    """A second place: boris also works at the studio on Monday mornings, and
    carl works only there."""
    s.put_location(sc.Location("studio", name="Studio"))
    boris = s.resource("boris")
    boris.schedules = [*boris.schedules, sc.LocationSchedule("studio", weekly={"mon": [("09:00", "12:00")]})]
    s.put_resource(boris)
    s.put_resource(
        sc.ResourceRecord("carl", "Europe/Berlin", schedules=[sc.LocationSchedule("studio", weekly={"mon": [("09:00", "18:00")]})])
    )
    s.link("carl", "cut")


def test_a_start_free_at_two_places_is_two_slots_and_each_resource_listed_can_be_booked_there(salon: sc.Scheduler) -> None:
    add_studio(salon)
    found = salon.slots("cut", utc("2027-03-01T00:00"), utc("2027-03-02T00:00"), now=NOW)
    at_nine = [(x.location, x.resources) for x in found if x.start == utc("2027-03-01T08:00")]
    assert at_nine == [("salon", ["anna", "boris"]), ("studio", ["boris", "carl"])]
    for x in found:
        for rid in x.resources:
            assert salon.check(rid, "cut", x.start, location=x.location, now=NOW) == [], (rid, x)
    # Boris is not at the salon in the afternoon at the studio, and Carl never at the salon.
    assert all("carl" not in x.resources for x in found if x.location == "salon")


def test_a_booking_moves_to_another_place_and_the_starts_offered_for_the_move_are_accepted(salon: sc.Scheduler) -> None:
    add_studio(salon)
    booked = salon.book("boris", "cut", utc("2027-03-01T13:00"), location="salon", now=NOW)  # 14:00 in Berlin
    assert booked.location == "salon"
    offered = salon.slots(
        "cut", utc("2027-03-01T00:00"), utc("2027-03-02T00:00"), resources=["boris"], ignore_booking=booked.id, now=NOW
    )
    assert (utc("2027-03-01T13:00"), "salon") in [(x.start, x.location) for x in offered]  # its own time is free for it
    for x in offered:
        assert salon.check("boris", "cut", x.start, location=x.location, ignore_booking=booked.id, now=NOW) == []
    moved = salon.reschedule(booked.id, utc("2027-03-01T08:00"), location="studio", now=NOW)
    assert (moved.location, moved.start) == ("studio", utc("2027-03-01T08:00"))
    # Without a location it stays at the studio, which closes at 12:00 Berlin.
    with pytest.raises(sc.Conflict) as refused:
        salon.reschedule(booked.id, utc("2027-03-01T14:00"), now=NOW)
    assert refused.value.reasons[0].code == sc.ReasonCode.outside_hours
    assert salon.booking(booked.id).location == "studio"


def test_a_moved_booking_takes_the_service_current_length_and_buffers(salon: sc.Scheduler) -> None:
    first = salon.book("anna", "cut", utc("2027-03-01T08:00"), now=NOW)  # 30 min + 10 after
    salon.put_service(sc.ServiceRecord(sc.Service("cut", minutes(45)), name="Haircut"))
    moved = salon.reschedule(first.id, utc("2027-03-01T08:45"), now=NOW)  # 09:45 Berlin, on the 45-minute grid
    assert moved.end - moved.start == minutes(45) and moved.buffer_after == timedelta(0)


def test_confirm_runs_the_checks_of_book_again_and_a_refusal_leaves_the_hold(salon: sc.Scheduler) -> None:
    held = salon.hold("anna", "cut", utc("2027-03-01T08:00"), minutes(10), now=NOW)
    salon.unlink("anna", "cut")
    with pytest.raises(sc.Conflict) as refused:
        salon.confirm(held.hold_token, now=NOW + minutes(1))
    assert refused.value.field == "service"
    assert salon.booking(held.id).status == sc.BookingStatus.held
    salon.link("anna", "cut")
    assert salon.confirm(held.hold_token, now=NOW + minutes(1)).status == sc.BookingStatus.confirmed


def test_archived_records_are_never_offered_or_booked_and_their_bookings_stay(salon: sc.Scheduler) -> None:
    booked = salon.book("anna", "cut", utc("2027-03-01T08:00"), client="c1", now=NOW)
    with pytest.raises(sc.Conflict) as refused:
        salon.archive_resource("anna", now=NOW)
    assert refused.value.field == "id" and booked.id in refused.value.message
    salon.cancel(booked.id, now=NOW)
    salon.archive_resource("anna", now=NOW, actor="owner")
    assert salon.audit()[-1].action == "archive_resource"
    assert salon.resource("anna").archived
    assert [r.id for r in salon.resources()] == ["boris"]
    assert [r.id for r in salon.resources(include_archived=True)] == ["anna", "boris"]
    assert salon.providers("cut") == ["boris"] and salon.providers("cut", include_archived=True) == ["anna", "boris"]
    free = salon.slots("cut", utc("2027-03-01T00:00"), utc("2027-03-02T00:00"), now=NOW)
    assert free and all(x.resources == ["boris"] for x in free)
    with pytest.raises(sc.Conflict) as named:
        salon.slots("cut", utc("2027-03-01T00:00"), utc("2027-03-02T00:00"), resources=["anna"], now=NOW)
    assert named.value.field == "resources[0]"
    with pytest.raises(sc.Conflict):
        salon.book("anna", "cut", utc("2027-03-01T09:00"), now=NOW)
    assert salon.booking(booked.id).id == booked.id
    assert [b.id for b in salon.client_bookings("c1", active=False, now=NOW)] == [booked.id]
    salon.restore_resource("anna")
    assert salon.book("anna", "cut", utc("2027-03-01T09:00"), now=NOW).resource == "anna"


def test_an_archived_service_or_location_is_not_offered_and_comes_back_when_restored(salon: sc.Scheduler) -> None:
    add_studio(salon)
    salon.archive_location("studio", now=NOW)
    assert [x.id for x in salon.locations()] == ["salon"]
    assert all(x.location == "salon" for x in salon.slots("cut", utc("2027-03-01T00:00"), utc("2027-03-02T00:00"), now=NOW))
    with pytest.raises(sc.Conflict) as refused:
        salon.book("carl", "cut", utc("2027-03-01T08:00"), location="studio", now=NOW)
    assert refused.value.field == "location"
    salon.restore_location("studio")
    assert salon.book("carl", "cut", utc("2027-03-01T08:00"), now=NOW).location == "studio"
    salon.archive_service("yoga", now=NOW)
    assert "yoga" not in [x.id for x in salon.services()] and salon.services_of("anna") == ["cut"]
    assert salon.service("yoga").archived and salon.services_of("anna", include_archived=True) == ["cut", "yoga"]
    with pytest.raises(sc.Conflict) as gone:
        salon.slots("yoga", utc("2027-03-01T00:00"), utc("2027-03-02T00:00"), now=NOW)
    assert gone.value.field == "service"


def test_the_day_grid_is_the_grid_clients_are_offered_overnight_and_across_dst(salon: sc.Scheduler) -> None:
    salon.put_resource(
        sc.ResourceRecord(
            "night",
            "Europe/Berlin",
            schedules=[sc.LocationSchedule("salon", weekly={"sat": [("22:00", "02:00")], "sun": [("00:00", "06:00")]})],
        )
    )
    hour = sc.Service("poll", minutes(60))
    local = lambda ts: [t.astimezone(BERLIN).strftime("%H:%M") for t in ts]  # noqa: E731
    # An overnight range: the night of 27 March 2027 runs into Sunday.
    assert local(salon.day_grid("night", date(2027, 3, 27), hour)) == ["22:00", "23:00", "00:00", "01:00"]
    # Sunday 28 March 2027 has no 02:00 in Berlin: 00:00-06:00 is five hours long.
    assert local(salon.day_grid("night", date(2027, 3, 28), hour)) == ["00:00", "01:00", "03:00", "04:00", "05:00"]
    # The grid a client is offered for a one-hour service: the two nights overlap, and each start is offered once.
    salon.put_service(sc.Service("hour", minutes(60)))
    salon.link("night", "hour")
    offered = salon.slots("hour", utc("2027-03-27T12:00"), utc("2027-03-29T00:00"), now=NOW)
    both = {*salon.day_grid("night", date(2027, 3, 27), "hour"), *salon.day_grid("night", date(2027, 3, 28), "hour")}
    assert [x.start for x in offered] == sorted(both)
    # An override replaces the day; usual_hours asks about the weekly hours instead.
    night = salon.resource("night")
    schedules = night.schedules
    schedules[0].overrides = {date(2027, 3, 27): [("23:00", "00:00")]}
    night.schedules = schedules
    salon.put_resource(night)
    assert local(salon.day_grid("night", date(2027, 3, 27), hour)) == ["23:00"]
    assert local(salon.day_grid("night", date(2027, 3, 27), hour, usual_hours=True)) == ["22:00", "23:00", "00:00", "01:00"]
    # Breaks (the schedule's and the settings' global ones) cut the grid as they cut the listing.
    salon.save_settings(sc.Settings(global_breaks=[("00:30", "01:00")]))
    assert local(salon.day_grid("night", date(2027, 3, 27), hour, usual_hours=True)) == ["22:00", "23:00", "01:00"]
