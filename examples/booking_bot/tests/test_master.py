"""A master's side, end to end: registration (with garbage at every step),
editing, days off, the link, the next 7 days' bookings, cancelling and moving
a booking (the client is told)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

import slotcraft as sc
from conftest import MODES, TgUser, World, buttons

HAIRCUT = "Haircut, 30 min, 25 EUR"


def test_registration_with_garbage_at_every_step(world: World) -> None:
    world.bot()
    master = world.user("Anna")
    master.send("/bookings")
    master.expect("not_master")
    master.send("/start")
    master.press_key(master.expect("welcome"), "btn_register")
    master.expect("ask_name")
    master.send("x" * 65)
    master.expect("bad_name")
    master.expect("ask_name")
    master.send("Anna Schmidt")
    master.expect("ask_tz")
    master.send("Mars/Olympus_Mons")
    master.expect("bad_tz", text="Mars/Olympus_Mons")
    master.expect("ask_tz")
    master.send("Europe/Berlin")
    master.expect("ask_place")
    master.send("Salon")
    master.expect("ask_hours", place="Salon")
    for garbage, key, params in [
        ("whenever", "bad_hours", {}),
        ("someday 09:00-18:00", "bad_days", {"text": "someday"}),
        ("mon-fri 18:00-09:00", "bad_range", {"text": "18:00-09:00"}),
        ("fri-mon 09:00-18:00", "bad_days", {"text": "fri-mon"}),
        ("mon 25:00-26:00", "bad_range", {"text": "25:00-26:00"}),
    ]:
        master.send(garbage)
        master.expect(key, **params)
        master.expect("ask_hours", place="Salon")
    master.send("mon-fri 09:00-18:00\nsat 10:00-13:00, 14:00-16:00")
    master.expect("ask_breaks", place="Salon")
    master.send("lunch")
    master.expect("bad_range", text="lunch")
    master.expect("ask_breaks", place="Salon")
    master.send("13:00-14:00")
    more = master.expect("ask_more_places")
    master.send("what now?")
    master.expect("use_buttons")
    master.expect("ask_more_places")
    master.press_key(more, "btn_add_place")
    master.expect("ask_place")
    master.send("Home studio")
    master.expect("ask_hours", place="Home studio")
    master.send("sun 12:00-16:00")
    master.send("none")
    master.press_key(master.expect("ask_more_places"), "btn_next")
    master.expect("ask_service")
    for garbage, key in [("Haircut", "bad_service"), ("Haircut; long", "bad_service"), ("Haircut; 2", "bad_duration"),
                         ("Haircut; 30; buffer x", "bad_service_part")]:
        master.send(garbage)
        master.expect(key)
        master.expect("ask_service")
    master.send("Haircut; 30; 25 EUR; buffer 10")
    master.press_key(master.expect("ask_more_services"), "btn_add_service")
    master.expect("ask_service")
    master.send("Yoga; 60; seats 3")
    master.press_key(master.expect("ask_more_services"), "btn_finish")
    link = master.expect("registered")["text"].rsplit("\n", 1)[1]
    master.expect("master_menu")
    master.send("/link")
    master.expect("your_link", link=link)

    s = sc.Scheduler(world.db)
    r = s.resource(f"m{master.id}")
    assert r is not None and r.name == "Anna Schmidt" and r.time_zone == "Europe/Berlin"
    salon, home = r.schedules
    assert {d: [x.to_strings() for x in v] for d, v in salon.weekly.items() if v} == {
        **{d: [("09:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")},
        "sat": [("10:00", "13:00"), ("14:00", "16:00")]}
    assert [x.to_strings() for x in salon.breaks] == [("13:00", "14:00")]
    assert {d: [x.to_strings() for x in v] for d, v in home.weekly.items() if v} == {"sun": [("12:00", "16:00")]}
    assert home.breaks == []
    yoga = s.service(f"m{master.id}-s2")
    assert yoga is not None and yoga.name == "Yoga" and yoga.rules.capacity == 3
    assert yoga.rules.duration == timedelta(minutes=60)
    assert s.providers(f"m{master.id}-s1") == [f"m{master.id}"]

    # A client sees the second place's Sunday hours (with two places, each time names its place).
    client = world.user("Carl")
    client.send(f"/start {link.rsplit('=', 1)[1]}")
    client.send("/book")
    client.press(client.expect("pick_service"), HAIRCUT)
    client.press(client.expect("pick_day"), "Sun 28.03")
    offer = client.expect("pick_time")
    times = [t for t, _ in buttons(offer)]
    assert times[0] == "12:00 · Home studio" and not any(t.startswith("09:00") for t in times)
    client.press(offer, "12:00 · Home studio")
    client.expect("confirm_booking", place="Home studio")


def test_edit_days_off_and_links(world: World) -> None:
    world.bot()
    master, client = world.user("Anna"), world.user("Carl")
    code = world.register_master(master)
    master.send("/edit")
    menu = master.expect("ask_edit")
    master.press_key(menu, "btn_edit_tz")
    master.expect("ask_tz")
    master.send("Nowhere/Special")
    master.expect("bad_tz")
    master.send("MSK")  # an abbreviation several zones share: buttons, by city in the user's language
    choice = master.expect("pick_tz", text="MSK")
    assert "Moscow (UTC+3)" in [t for t, _ in buttons(choice)]
    master.press(choice, "Moscow (UTC+3)")
    master.expect("saved")
    master.press(choice, "Moscow (UTC+3)")  # the question was answered
    master.expect("stale_button")
    master.send("/edit")
    master.press_key(master.expect("ask_edit"), "btn_edit_services")
    master.press_key(master.expect("ask_services_edit"), "btn_service_add")
    master.expect("ask_service")
    master.send("Beard; 20; 10 EUR")
    master.press_key(master.expect("ask_more_services"), "btn_finish")
    master.expect("saved")
    master.send("/edit")
    master.press_key(master.expect("ask_edit"), "btn_edit_name")
    master.send("Anna S.")
    master.expect("saved")
    s = sc.Scheduler(world.db)
    r = s.resource(f"m{master.id}")
    assert r is not None and r.time_zone == "Europe/Moscow" and r.name == "Anna S." and len(r.schedules) == 1

    master.send("/dayoff")
    master.expect("ask_dayoff")
    for garbage, key, params in [("someday", "bad_date", {"text": "someday"}),
                                 ("2027-03-30..2027-03-28", "bad_dayoff", {}),
                                 ("30.02", "bad_date", {"text": "30.02"}),
                                 ("25.03", "dayoff_past", {"date": "25.03.2027"}),  # yesterday in Moscow
                                 ("24.03-26.03", "dayoff_past", {"date": "24.03.2027"})]:
        master.send(garbage)
        master.expect(key, **params)
        master.expect("ask_dayoff")
    master.send("27.03")  # the next 27 March: this Saturday
    master.expect("dayoff_saved", days="27.03.2027", clashing=0)
    r = s.resource(f"m{master.id}")
    assert r is not None and [(i.start, i.end) for i in r.time_off] == [
        (datetime(2027, 3, 26, 21, tzinfo=timezone.utc), datetime(2027, 3, 27, 21, tzinfo=timezone.utc))]

    client.send(f"/start {code}")
    client.expect("welcome_client", master="Anna S.")
    client.send("/book")
    services = client.expect("pick_service")
    assert [t for t, _ in buttons(services)] == [HAIRCUT, "Beard, 20 min, 10 EUR"]
    client.press(services, "Beard, 20 min, 10 EUR")
    days = [t for t, _ in buttons(client.expect("pick_day"))]
    assert "Sat 27.03" not in days and "Sun 28.03" in days and "Fri 26.03" in days
    master.send("/dayoff")
    master.send("2027-04-01..2027-04-02")
    master.expect("dayoff_saved", days="01.04.2027-02.04.2027", clashing=0)
    master.send("/dayoff")
    listing = master.expect("daysoff_list")
    assert [t for t, _ in buttons(listing)] == ["✖ 27.03.2027", "✖ 01.04.2027-02.04.2027"]
    master.press(listing, "✖ 01.04.2027-02.04.2027")
    master.expect("dayoff_removed")
    master.expect("ask_dayoff")  # still asking for a new day off
    master.press(listing, "✖ 01.04.2027-02.04.2027")
    master.expect("stale_button")
    master.send("/cancel")
    master.expect("dialog_cancelled")
    r = s.resource(f"m{master.id}")
    assert r is not None and len(r.time_off) == 1
    master.send("/edit")
    master.press_key(master.expect("ask_edit"), "btn_edit_places")
    master.expect("ask_place")
    master.send("New salon")
    master.send("mon 10:00-12:00")
    master.send("none")
    master.press_key(master.expect("ask_more_places"), "btn_next")
    master.expect("saved")
    client.send("/book")
    client.press(client.expect("pick_service"), HAIRCUT)
    assert [t for t, _ in buttons(client.expect("pick_day"))][:-1] == ["Mon 29.03", "Mon 05.04"]  # then the waiting list

    # Change one service, remove another.
    master.send("/edit")
    master.press_key(master.expect("ask_edit"), "btn_edit_services")
    listing = master.expect("ask_services_edit")
    assert [t for t, _ in buttons(listing)] == ["✎ Haircut", "✖ Haircut", "✎ Beard", "✖ Beard", "Add a service"]
    master.press(listing, "✎ Haircut")
    master.expect("ask_service")
    master.send("Haircut; forty")
    master.expect("bad_service")
    master.send("Haircut; 45; 30 EUR")
    master.expect("saved")
    # Removing Beard unlinks it in slotcraft: no time is offered for it there, not only in the bot.
    beard, anna = f"m{master.id}-s2", f"m{master.id}"
    now = world.clock_now()
    assert s.slots(beard, now, now + timedelta(days=14), now=now)
    client.send("/book")  # Carl has booked a Beard time, and is deciding on another meanwhile
    client.press(client.expect("pick_service"), "Beard, 20 min, 10 EUR")
    days = client.expect("pick_day")
    client.press_data(days, buttons(days)[0][1])
    times = client.expect("pick_time")
    client.press_data(times, buttons(times)[0][1])
    client.press_key(client.expect("confirm_booking"), "btn_confirm")
    client.expect("booked", service="Beard")
    client.send("/book")
    client.press(client.expect("pick_service"), "Beard, 20 min, 10 EUR")
    days = client.expect("pick_day")
    client.press_data(days, buttons(days)[0][1])
    times = client.expect("pick_time")
    client.press_data(times, buttons(times)[0][1])
    deciding = client.expect("confirm_booking")
    master.press(listing, "✖ Beard")
    master.expect("service_removed", name="Beard")
    assert s.providers(beard) == [] and s.services_of(anna) == [f"m{master.id}-s1"]
    assert s.slots(beard, now, now + timedelta(days=14), now=now) == []
    client.press_key(deciding, "btn_confirm")
    client.expect("service_withdrawn", service="Beard")
    [kept] = [b for b in s.upcoming(anna, now, 14) if b.service == beard and b.status != sc.BookingStatus.cancelled]
    assert kept.status == sc.BookingStatus.confirmed  # the booking made before stays; the hold is gone
    client.send("/my")  # it can be cancelled but not moved: there is no time for a removed service
    client.press_key(client.expect("client_booking", service="Beard"), "btn_reschedule")
    client.expect("no_free_days")
    client.send("/book")
    services = client.expect("pick_service")
    assert [t for t, _ in buttons(services)] == ["Haircut, 45 min, 30 EUR"]
    client.press_data(services, f"b:s:m{master.id}-s2")  # Beard's old button
    client.expect("stale_button")
    haircut = s.service(f"m{master.id}-s1")
    assert haircut is not None and haircut.rules.duration == timedelta(minutes=45)
    master.send("/edit")
    master.press_key(master.expect("ask_edit"), "btn_edit_services")
    master.press_key(master.expect("ask_services_edit"), "btn_service_add")
    master.send("Color; 90")
    master.press_key(master.expect("ask_more_services"), "btn_finish")
    master.expect("saved")
    assert s.service(f"m{master.id}-s3") is not None and s.service(f"m{master.id}-s3").name == "Color"
    client.send("/book")
    assert [t for t, _ in buttons(client.expect("pick_service"))] == ["Haircut, 45 min, 30 EUR", "Color, 90 min"]


def test_master_sees_cancels_and_moves_bookings(world: World) -> None:
    world.bot()
    master, carl, dora = world.user("Anna"), world.user("Carl"), world.user("Dora")
    code = world.register_master(master)
    for c in (carl, dora):
        c.send(f"/start {code}")
    world.book(carl, HAIRCUT, "Sat 27.03", "10:00")
    world.book(dora, HAIRCUT, "Sun 28.03", "15:00")
    world.book(carl, HAIRCUT, "Mon 05.04", "10:00")  # beyond the next 7 days
    master.send("/bookings")
    master.expect("bookings_header", count=2)
    first = master.expect("master_booking", when="Sat 27.03 10:00", service="Haircut", client="Carl", place="Salon")
    second = master.expect("master_booking", when="Sun 28.03 15:00", client="Dora")

    master.press_key(first, "btn_cancel")
    master.press_key(master.expect("sure_cancel", when="Sat 27.03 10:00"), "btn_yes_cancel")
    master.expect("cancelled", when="Sat 27.03 10:00")
    carl.expect("notice_master_cancelled", master="Anna", service="Haircut", when="Sat 27.03 10:00")
    assert dora.count("notice_master_cancelled") == 0

    master.press_key(second, "btn_move")
    master.press(master.expect("pick_day"), "Tue 30.03")
    master.press(master.expect("pick_time"), "16:00")
    master.expect("moved", old="Sun 28.03 15:00", new="Tue 30.03 16:00")
    dora.expect("notice_master_moved", master="Anna", old="Sun 28.03 15:00", when="Tue 30.03 16:00")

    s = sc.Scheduler(world.db)
    active = [b for b in s.upcoming(f"m{master.id}", datetime(2027, 3, 26, tzinfo=timezone.utc), 14)
              if b.status == sc.BookingStatus.confirmed]
    assert [b.start for b in active] == [datetime(2027, 3, 30, 14, tzinfo=timezone.utc),
                                        datetime(2027, 4, 5, 8, tzinfo=timezone.utc)]
    master.press_key(first, "btn_move")  # cancelled already
    master.expect("booking_gone")
    # Another master cannot touch Anna's bookings with a forged button.
    boris = world.user("Boris")
    world.register_master(boris)
    for forged in (f"k:x:{active[0].id}", f"k:y:{active[0].id}"):
        boris.press_data(boris.messages()[-1], forged)
        boris.expect("booking_gone")
    assert s.booking(active[0].id).status == sc.BookingStatus.confirmed
    assert date(2027, 3, 30) == active[0].start.date()


# ---- several places: each time is offered at its place, and a move goes where the time is free -----------------


def register_with_places(master: TgUser, places: list[tuple[str, str]]) -> str:
    """Registers a Berlin master with these (name, hours) places, no breaks, and a 30-minute haircut; the link's payload."""
    master.send("/start")
    master.press_key(master.expect("welcome"), "btn_register")
    master.expect("ask_name")
    master.send(master.name)
    master.expect("ask_tz")
    master.send("Europe/Berlin")
    for i, (name, hours) in enumerate(places):
        master.expect("ask_place")
        master.send(name)
        master.expect("ask_hours", place=name)
        master.send(hours)
        master.expect("ask_breaks", place=name)
        master.send("none")
        master.press_key(master.expect("ask_more_places"), "btn_add_place" if i + 1 < len(places) else "btn_next")
    master.expect("ask_service")
    master.send("Haircut; 30; 25 EUR")
    master.press_key(master.expect("ask_more_services"), "btn_finish")
    return master.expect("registered")["text"].split("\n")[-1].rsplit("=", 1)[1]


def test_move_offers_only_what_reschedule_accepts_and_can_change_the_place(world: World) -> None:
    world.bot()
    master, carl = world.user("Anna"), world.user("Carl")
    code = register_with_places(master, [("Salon", "mon-fri 09:00-12:00"), ("Home studio", "sun 12:00-14:00")])
    anna, haircut = f"m{master.id}", f"m{master.id}-s1"
    salon, home = f"{anna}-p1", f"{anna}-p2"
    carl.send(f"/start {code}")
    carl.send("/book")
    carl.press(carl.expect("pick_service"), HAIRCUT)
    carl.press(carl.expect("pick_day"), "Mon 29.03")
    monday = carl.expect("pick_time")
    carl.press_data(monday, next(d for t, d in buttons(monday) if t.startswith("10:00")))  # only the salon is open
    carl.press_key(carl.expect("confirm_booking", place="Salon"), "btn_confirm")
    carl.expect("booked", when="Mon 29.03 10:00", place="Salon")
    s = sc.Scheduler(world.db)
    [b] = [x for x in s.upcoming(anna, world.clock_now(), 14) if x.status == sc.BookingStatus.confirmed]
    assert b.location == salon and b.start == datetime(2027, 3, 29, 8, tzinfo=timezone.utc)

    carl.send("/my")
    carl.press_key(carl.expect("client_booking", when="Mon 29.03 10:00", place="Salon"), "btn_reschedule")
    days = carl.expect("pick_day")
    labels = [t for t, _ in buttons(days)]
    assert labels[:2] == ["Sun 28.03", "Mon 29.03"] and "Sat 27.03" not in labels, labels
    offered: dict[str, list[tuple[str, str]]] = {}
    for day in labels:
        carl.press(days, day)
        times = carl.expect("pick_time")
        offered[day] = [(t, d) for t, d in buttons(times) if t != "Another day"]
        assert offered[day], day
        for label, data in offered[day]:
            # c:t:<booking>:<epoch>[:<place>]: what reschedule gets; without a place the booking keeps its own.
            assert len(data.encode()) <= 64, data
            parts = data.split(":")
            start = datetime.fromtimestamp(int(parts[3]), timezone.utc)
            place = f"{anna}-{parts[4]}" if len(parts) > 4 else b.location
            reasons = s.check(anna, haircut, start, location=place, ignore_booking=b.id, now=world.clock_now())
            assert reasons == [], (day, label, [r.message for r in reasons])
    assert [t for t, _ in offered["Sun 28.03"]] == ["12:00 · Home studio", "12:30 · Home studio", "13:00 · Home studio",
                                                    "13:30 · Home studio"]
    assert "10:00 · Salon" in [t for t, _ in offered["Mon 29.03"]]  # its own time: the booking is left out

    # Its own time changes nothing; Sunday's 12:00 is free only at home, and the booking moves there.
    carl.press_data(days, dict(offered["Mon 29.03"])["10:00 · Salon"])
    carl.expect("not_moved", when="Mon 29.03 10:00", place="Salon")
    assert s.booking(b.id).start == b.start and s.booking(b.id).location == salon
    carl.press_data(days, dict(offered["Sun 28.03"])["12:00 · Home studio"])
    carl.expect("moved", old="Mon 29.03 10:00", new="Sun 28.03 12:00", place="Home studio")
    master.expect("notice_client_moved", client="Carl", when="Sun 28.03 12:00", place="Home studio")
    moved = s.booking(b.id)
    assert moved.location == home and moved.start == datetime(2027, 3, 28, 10, tzinfo=timezone.utc)
    assert moved.status == sc.BookingStatus.confirmed


def test_two_places_open_at_once_list_each_time_per_place(world: World) -> None:
    world.bot()
    master, dora = world.user("Anna"), world.user("Dora")
    code = register_with_places(master, [("Salon", "mon-sun 09:00-11:00"), ("Studio", "mon-sun 10:00-11:00")])
    anna = f"m{master.id}"
    dora.send(f"/start {code}")
    dora.send("/book")
    dora.press(dora.expect("pick_service"), HAIRCUT)
    dora.press(dora.expect("pick_day"), "Sat 27.03")
    offer = dora.expect("pick_time", wd="Sat", date="27.03")
    assert [t for t, _ in buttons(offer)] == [
        "09:00 · Salon", "09:30 · Salon", "10:00 · Salon", "10:00 · Studio", "10:30 · Salon", "10:30 · Studio",
        "Another day"]
    dora.press(offer, "10:00 · Studio")
    dora.press_key(dora.expect("confirm_booking", when="Sat 27.03 10:00", place="Studio"), "btn_confirm")
    dora.expect("booked", when="Sat 27.03 10:00", place="Studio")
    master.expect("notice_new_booking", client="Dora", when="Sat 27.03 10:00", place="Studio")
    s = sc.Scheduler(world.db)
    [b] = [x for x in s.upcoming(anna, world.clock_now(), 3) if x.status == sc.BookingStatus.confirmed]
    assert b.location == f"{anna}-p2" and b.start == datetime(2027, 3, 27, 9, tzinfo=timezone.utc)
    # Anna cannot be in two places: 10:00 is gone at both.
    dora.send("/book")
    dora.press(dora.expect("pick_service"), HAIRCUT)
    dora.press(dora.expect("pick_day"), "Sat 27.03")
    assert [t for t, _ in buttons(dora.expect("pick_time"))] == [
        "09:00 · Salon", "09:30 · Salon", "10:30 · Salon", "10:30 · Studio", "Another day"]
    # With several places, every notice names the place.
    dora.send("/my")
    dora.press_key(dora.expect("client_booking", when="Sat 27.03 10:00", place="Studio"), "btn_cancel")
    dora.press_key(dora.expect("sure_cancel", when="Sat 27.03 10:00", place="Studio"), "btn_yes_cancel")
    dora.expect("cancelled", when="Sat 27.03 10:00", place="Studio")
    master.expect("notice_client_cancelled", client="Dora", when="Sat 27.03 10:00", place="Studio")


def edit_places(master: TgUser, places: list[tuple[str, str]]) -> None:
    """Types the master's places anew through /edit (each with its hours, no breaks), up to saving."""
    master.send("/edit")
    master.press_key(master.expect("ask_edit"), "btn_edit_places")
    for i, (name, hours) in enumerate(places):
        master.expect("ask_place")
        master.send(name)
        master.send(hours)
        master.send("none")
        master.press_key(master.expect("ask_more_places"), "btn_add_place" if i + 1 < len(places) else "btn_next")


@pytest.mark.parametrize("world", MODES, indirect=True)
def test_editing_places_keeps_each_bookings_place_and_archives_the_ones_given_up(world: World) -> None:
    world.bot()
    master, dora = world.user("Anna"), world.user("Dora")
    code = register_with_places(master, [("Salon", "mon-sun 09:00-11:00"), ("Studio", "mon-sun 10:00-12:00")])
    anna = f"m{master.id}"
    dora.send(f"/start {code}")
    world.book(dora, HAIRCUT, "Sat 27.03", "09:00 · Salon")
    # The places typed in the other order: the booking stays at the Salon, by name, not by position.
    edit_places(master, [("studio", "mon-sun 10:00-12:00"), ("Salon", "mon-sun 09:00-11:00")])
    master.expect("saved")
    s = sc.Scheduler(world.db)
    [b] = [x for x in s.upcoming(anna, world.clock_now(), 3) if x.status == sc.BookingStatus.confirmed]
    assert s.location(b.location).name == "Salon"
    assert [(sched.location, s.location(sched.location).name) for sched in s.resource(anna).schedules] == [
        (f"{anna}-p2", "studio"), (f"{anna}-p1", "Salon")]
    dora.send("/my")
    dora.expect("client_booking", when="Sat 27.03 09:00", place="Salon")

    # Giving up the Salon while Dora's booking is still to come is refused, and nothing changes.
    edit_places(master, [("Studio", "mon-sun 10:00-12:00")])
    master.expect("place_has_bookings", place="Salon")
    master.expect("ask_more_places")
    assert [sched.location for sched in s.resource(anna).schedules] == [f"{anna}-p2", f"{anna}-p1"]
    assert not s.location(f"{anna}-p1").archived

    # Once the booking is cancelled, the Salon is given up: archived, offered nowhere.
    s.cancel(b.id, "moved away", now=world.clock_now())
    edit_places(master, [("Studio", "mon-sun 10:00-12:00")])
    master.expect("saved")
    assert s.location(f"{anna}-p1").archived
    assert {x.location for x in s.slots(f"{anna}-s1", world.clock_now(), world.clock_now() + timedelta(days=7),
                                        now=world.clock_now())} == {f"{anna}-p2"}
    # A new place gets a location never used before; the Salon named again gets its own back.
    edit_places(master, [("Studio", "mon-sun 10:00-12:00"), ("Garden", "sat 12:00-14:00"),
                         ("SALON", "sun 09:00-10:00")])
    master.expect("saved")
    assert [sched.location for sched in s.resource(anna).schedules] == [f"{anna}-p2", f"{anna}-p3", f"{anna}-p1"]
    assert not s.location(f"{anna}-p1").archived and s.location(f"{anna}-p1").name == "SALON"


def test_a_place_typed_twice_is_refused(world: World) -> None:
    world.bot()
    master = world.user("Anna")
    register_with_places(master, [("Salon", "mon-sun 09:00-11:00")])
    master.send("/edit")
    master.press_key(master.expect("ask_edit"), "btn_edit_places")
    master.send("Salon")
    master.send("mon 09:00-10:00")
    master.send("none")
    master.press_key(master.expect("ask_more_places"), "btn_add_place")
    master.expect("ask_place")
    master.send("salon")
    master.expect("place_twice", place="salon")
    master.expect("ask_place")
