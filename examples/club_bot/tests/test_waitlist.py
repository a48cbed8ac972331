"""The waiting list: a full class is listed among the times and waits for a
place; a subject without a timetable that has no free time at all waits for
any; a seat freed by a cancellation is offered, held, by the reminder
workers' pass, and taken, declined or left; nobody acts on another's place."""

from __future__ import annotations

from datetime import datetime, timezone

import slotcraft as sc

from conftest import START, Club, ClubUser, buttons

FULL_TEN = "10:00 (full: wait for a place)"


def cancel_from_my(client: ClubUser, when: str) -> None:
    client.send("/my")
    client.press_key(client.expect("my_booking", when=when), "btn_cancel_booking")
    client.press_key(client.expect("sure_cancel", when=when), "btn_yes_cancel")
    client.expect("booking_cancelled", when=when)


def wait_for_ten(club: Club, client: ClubUser) -> dict:
    """Asks for a place in Anna's full Yoga class on Monday at 10:00; the card that says so."""
    assert club.times(client, "Yoga", "Anna", "Mon 29.03") == [FULL_TEN]
    client.press(client.messages()[-1], FULL_TEN)
    return client.expect("waitlist_joined", subject="Yoga", teacher="Anna", when="Mon 29.03 10:00")


def test_a_full_class_waits_for_a_place_that_is_offered_taken_declined_or_left(club: Club) -> None:
    club.bot()
    anna, boris = club.user("Anna"), club.user("Boris")
    yoga = club.add_subject("Yoga", 1)
    t_anna = club.add_teacher(anna)  # every day 10:00-14:00, slots of 60 minutes
    t_boris = club.add_teacher(boris)
    club.teach(t_anna, yoga)
    club.teach(t_boris, yoga)
    for teacher in (t_anna, t_boris):  # two classes at once
        club.admin.send(f"/session {teacher} {yoga} mon 10:00")
        club.admin.expect("session_added", time="10:00")
    club.set_clock(datetime(2027, 3, 27, 16, 0, tzinfo=timezone.utc))
    club.admin.send("/plan 2")
    club.admin.expect("plan")

    ann, cid, dan, eve = club.user("Ann"), club.user("Cid"), club.user("Dan"), club.user("Eve")
    club.book(ann, "Yoga", "Anna", "Mon 29.03", "10:00")
    # The one seat is Ann's: the class is still listed, full, and pressing it puts Cid on its list, once.
    wait_for_ten(club, cid)
    cid.press(cid.messages()[-2], FULL_TEN)  # the same button again
    cid.expect("waitlist_already", subject="Yoga")
    # "Any teacher" lists it too, with its teacher's name, beside Boris's class at the same time, which has a seat.
    assert club.times(dan, "Yoga", "Any teacher", "Mon 29.03") == ["10:00", "10:00 Anna (full: wait for a place)"]

    # Ann cancels: the next pass holds the seat for Cid, and nobody else can book it meanwhile.
    cancel_from_my(ann, "Mon 29.03 10:00")
    offer = cid.expect("waitlist_offer", subject="Yoga", teacher="Anna", when="Mon 29.03 10:00", minutes=30)
    assert club.times(dan, "Yoga", "Anna", "Mon 29.03") == [FULL_TEN]
    take = dict(buttons(offer))["Confirm"]
    cid.press_data(offer, take)
    cid.expect("booked", subject="Yoga", teacher="Anna", when="Mon 29.03 10:00")
    anna.expect("teacher_booked", client="Cid", subject="Yoga", when="Mon 29.03 10:00")
    assert buttons(offer) == []  # the card answered loses its buttons
    cid.press_data(offer, take)  # an old copy of it, pressed again, acts on nothing
    cid.expect("waitlist_offer_gone")
    assert cid.count("booked") == 1
    # Cid is in the class now: it is not offered to him to wait for.
    assert club.times(cid, "Yoga", "Anna", "Mon 29.03") == []

    # Dan waits and leaves the list from its card; nothing is offered to him when Cid cancels.
    joined = wait_for_ten(club, dan)
    dan.press_key(joined, "btn_leave_waitlist")
    dan.expect("waitlist_left", subject="Yoga")
    assert buttons(joined) == []

    # Eve waits, is offered Cid's seat and declines it: the seat is free again, for anyone.
    eve_card = wait_for_ten(club, eve)
    cancel_from_my(cid, "Mon 29.03 10:00")
    declined = eve.expect("waitlist_offer", when="Mon 29.03 10:00")
    (_, eve_take), (_, eve_no) = buttons(declined)
    # Dan, not on the list, is offered nothing, and cannot take or decline Eve's offer with her buttons.
    for forged in (eve_take, eve_no, dict(buttons(eve_card))["Leave the waiting list"]):
        dan.press_data(joined, forged)
        dan.expect("waitlist_offer_gone")
    assert dan.count("waitlist_offer") == 0
    eve.press_key(declined, "btn_decline")
    eve.expect("waitlist_declined")
    assert buttons(declined) == []
    assert club.times(dan, "Yoga", "Anna", "Mon 29.03") == ["10:00"]

    # Forged or outdated buttons: a start that is not a number, a class that is not planned, a subject that is not.
    for forged in (f"wl:s:{yoga}:{t_anna}:soon", f"wl:s:{yoga}:{t_anna}:1806300000", f"wl:s:nosuch:{t_anna}:1806300000",
                   f"wl:j:{yoga}:{t_anna}:", "wl:ok:", "wl:zz:1"):
        dan.press_data(joined, forged)
        dan.expect("stale_button")

    # What slotcraft keeps: Cid's place booked, Dan's left, Eve's left with her decline.
    s = sc.Scheduler(club.db)
    statuses = {c.name: sorted(e.status.name for e in s.client_waitlist(c.id)) for c in s.clients()}
    assert statuses["Cid"] == ["booked"] and statuses["Dan"] == ["left"] and statuses["Eve"] == ["left"], statuses


def wait_for_any_chess(client: ClubUser) -> None:
    client.send("/book")
    client.press(client.expect("pick_subject"), "Chess")
    client.press(client.expect("pick_teacher"), "Any teacher")
    client.press_key(client.expect("no_days"), "btn_waitlist")
    client.expect("waitlist_joined", subject="Chess", teacher="any teacher", when="the coming days")


def test_a_subject_without_a_timetable_and_no_free_time_waits_for_any(club: Club) -> None:
    club.bot()
    boris = club.user("Boris")
    chess = club.add_subject("Chess", 1)
    t_boris = club.add_teacher(boris, "mon 10:00-12:00")  # two lessons a week
    club.teach(t_boris, chess)
    ann, bea, cid, dan = club.user("Ann"), club.user("Bea"), club.user("Cid"), club.user("Dan")
    club.book(ann, "Chess", "Boris", "Mon 29.03", "10:00")
    club.book(bea, "Chess", "Boris", "Mon 29.03", "11:00")

    wait_for_any_chess(cid)
    cid.send("/my")  # no booking yet, but a place waited for: listed, with a way off the list
    listed = cid.expect("my_waiting", subject="Chess", teacher="any teacher", when="the coming days")
    assert [t for t, _ in buttons(listed)] == ["Leave the waiting list"]
    cancel_from_my(ann, "Mon 29.03 10:00")
    offer = cid.expect("waitlist_offer", subject="Chess", teacher="Boris", when="Mon 29.03 10:00")
    cid.press_key(offer, "btn_confirm")
    cid.expect("booked", subject="Chess", teacher="Boris", when="Mon 29.03 10:00")
    boris.expect("teacher_booked", client="Cid", subject="Chess", when="Mon 29.03 10:00")

    # Dan waits for any time; then Chess gets a timetable (a class on Mondays at 11:00, Bea's lesson) and Cid
    # gives 10:00 back. slotcraft offers Dan 10:00, which is no class: the place is withdrawn, and he is told.
    wait_for_any_chess(dan)
    club.admin.send(f"/session {t_boris} {chess} mon 11:00")
    club.admin.expect("session_added", time="11:00")
    club.admin.send("/plan 2")
    club.admin.expect("plan")
    cancel_from_my(cid, "Mon 29.03 10:00")
    dan.expect("waitlist_withdrawn", subject="Chess", when="Mon 29.03 10:00")
    assert dan.count("waitlist_offer") == 0
    s = sc.Scheduler(club.db)
    dan_id = next(c.id for c in s.clients() if c.name == "Dan")
    assert [e.status for e in s.client_waitlist(dan_id)] == [sc.WaitlistStatus.left]
    assert all(b.status == sc.BookingStatus.cancelled for b in s.client_bookings(dan_id, now=START))
