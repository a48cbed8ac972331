"""The waiting list: a client who finds no free time asks to be told; a time
freed by a cancellation is offered to them, held, by the reminder workers'
pass; they take it or decline it. With slotcraft on the bot's database and
through its HTTP API."""

from __future__ import annotations

import time

import pytest

import slotcraft as sc
from conftest import MODES, WAIT, TgUser, World, buttons

pytestmark = pytest.mark.parametrize("world", MODES, indirect=True)

HAIRCUT = "Haircut, 30 min, 25 EUR"


def cancel_from_my(client: TgUser, when: str) -> None:
    client.send("/my")
    client.press_key(client.expect("client_booking", when=when), "btn_cancel")
    client.press_key(client.expect("sure_cancel", when=when), "btn_yes_cancel")
    client.expect("cancelled", when=when)


def join_when_nothing_is_free(client: TgUser) -> None:
    client.send("/book")
    client.press(client.expect("pick_service"), HAIRCUT)
    client.press_key(client.expect("no_free_days"), "btn_waitlist")
    client.expect("waitlist_joined", service="Haircut", master="Anna")


def test_a_time_freed_is_offered_to_the_waiting_client_who_takes_or_declines_it(world: World) -> None:
    world.bot()
    master = world.user("Anna")
    # One half-hour a week: the two Mondays of the two weeks the bot offers (from Friday 26 March).
    code = world.register_master(master, hours="mon 09:00-09:30", breaks="none", services=("Haircut; 30; 25 EUR",))
    carl, dora, eve = world.user("Carl"), world.user("Dora"), world.user("Eve")
    for client in (carl, dora, eve):
        client.send(f"/start {code}")
    world.book(carl, HAIRCUT, "Mon 29.03", "09:00")
    world.book(carl, HAIRCUT, "Mon 05.04", "09:00")

    join_when_nothing_is_free(dora)
    dora.send("/book")  # asking again changes nothing: one place on the list
    dora.press(dora.expect("pick_service"), HAIRCUT)
    dora.press_key(dora.expect("no_free_days"), "btn_waitlist")
    dora.expect("waitlist_already", service="Haircut")

    # Carl cancels Monday the 29th: the next pass holds it for Dora, the one waiting.
    cancel_from_my(carl, "Mon 29.03 09:00")
    offer = dora.expect("waitlist_offer", service="Haircut", master="Anna", when="Mon 29.03 09:00", place="Salon",
                        minutes=30)
    carl.send("/book")  # held for Dora: nobody else is offered it
    carl.press(carl.expect("pick_service"), HAIRCUT)
    carl.expect("no_free_days")
    take = dict(buttons(offer))["Confirm"]
    dora.press_data(offer, take)
    dora.expect("booked", service="Haircut", when="Mon 29.03 09:00", master="Anna")
    master.expect("notice_new_booking", client="Dora", when="Mon 29.03 09:00")
    assert buttons(offer) == []  # the card answered loses its buttons
    dora.press_data(offer, take)  # an old copy of it, pressed again, acts on nothing
    dora.expect("waitlist_offer_gone")
    assert dora.count("booked") == 1

    # Eve waits too; Carl cancels the 5th, Eve is offered it and declines: it is free again.
    join_when_nothing_is_free(eve)
    cancel_from_my(carl, "Mon 05.04 09:00")
    declined = eve.expect("waitlist_offer", when="Mon 05.04 09:00")
    eve.press_key(declined, "btn_decline")
    eve.expect("waitlist_declined")
    assert buttons(declined) == [] and eve.count("card_closed", when="Mon 05.04 09:00") == 1
    world.book(carl, HAIRCUT, "Mon 05.04", "09:00")
    assert eve.count("booked") == 0

    # The pass after Dora's confirm marks her place booked; Eve's is left.
    s = sc.Scheduler(world.db)
    deadline = time.monotonic() + WAIT
    while sorted(e.status.name for c in s.clients() for e in s.client_waitlist(c.id)) != ["booked", "left"]:
        assert time.monotonic() < deadline, [e.to_dict() for c in s.clients() for e in s.client_waitlist(c.id)]
        time.sleep(0.05)


def test_a_client_sees_their_waiting_list_in_my_and_leaves_it_there(world: World) -> None:
    world.bot()
    master = world.user("Anna")
    code = world.register_master(master, hours="mon 09:00-09:30", breaks="none", services=("Haircut; 30; 25 EUR",))
    carl, dora = world.user("Carl"), world.user("Dora")
    for client in (carl, dora):
        client.send(f"/start {code}")
    world.book(carl, HAIRCUT, "Mon 29.03", "09:00")
    world.book(carl, HAIRCUT, "Mon 05.04", "09:00")
    join_when_nothing_is_free(dora)

    dora.send("/my")  # no booking, but a place on the list: shown, with a way off it
    card = dora.expect("my_waiting", service="Haircut", master="Anna")
    leave = dict(buttons(card))["Leave the waiting list"]
    dora.press_data(card, leave)
    dora.expect("waitlist_left", service="Haircut")
    s = sc.Scheduler(world.db)
    assert [e.status for e in s.client_waitlist(s.client_for(sc.Identity("telegram", str(dora.id))).id)] == [
        sc.WaitlistStatus.left]
    assert card["text"] == "Haircut: waiting list closed." and "reply_markup" not in card
    dora.press_data(card, leave)  # the button pressed again (a second tap): nothing left to leave
    dora.expect("waitlist_offer_gone")

    # Carl cancels: nobody is waiting any more, so nothing is offered.
    cancel_from_my(carl, "Mon 29.03 09:00")
    dora.send("/my")
    dora.expect("no_bookings")
