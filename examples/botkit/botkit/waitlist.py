"""A client's answer to a waiting-list offer, the same in every bot: slotcraft
made the offer a hold (`process_waitlist`); taking it confirms the hold,
declining it leaves the list, which releases the hold for the next client
(docs/semantics.md, "The waiting list").

A client may also leave the list from an entry's card (`leave`).

A bot provides three hooks: `close_offer_card(user, message_id, hold)`, which
edits the offer's card once it is declined, `announce_booked(user, booking,
message_id)`, which tells the client of the booking taken, and
`waitlist_names(entry)`, the catalog parameters naming what an entry waits
for in its `waitlist_card_closed` and `waitlist_left` texts."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("botkit.waitlist")


def answer_offer(bot: Any, user: dict, entry: Any, take: bool, message_id: int | None) -> None:
    """The client's answer to the offer of `entry` (their own entry, or None
    when the button names none of theirs). An offer that is no longer live
    (taken, declined, lapsed, or its hold gone) is answered as gone."""
    import slotcraft as sc

    hold = bot.s.booking(entry.offer) if entry is not None and entry.offer else None
    if (entry is None or hold is None or entry.status != sc.WaitlistStatus.offered
            or hold.status != sc.BookingStatus.held):
        bot.say(user, "waitlist_offer_gone")
        return
    if not take:
        bot.s.leave_waitlist(entry.id, now=bot.now(), actor=bot.actor(user))  # releases the hold
        log.info("action waitlist decline user=%s entry=%s", user["user_id"], entry.id)
        if message_id is not None:
            bot.close_offer_card(user, message_id, hold)
        bot.say(user, "waitlist_declined")
        return
    try:
        booking = bot.s.confirm(hold.hold_token, now=bot.now(), actor=bot.actor(user))
    except (sc.Conflict, sc.NotFound) as e:  # the hold expired meanwhile, or the time is no longer bookable
        log.info("action waitlist confirm refused user=%s field=%s", user["user_id"], e.field)
        bot.say(user, "waitlist_offer_gone")
        return
    log.info("action booked user=%s booking=%s (waiting list)", user["user_id"], booking.id)
    bot.announce_booked(user, booking, message_id)


def leave(bot: Any, user: dict, entry: Any, message_id: int | None) -> None:
    """The client leaves the list of `entry` (their own entry, or None) from its
    card; a live offer's hold is released with it."""
    import slotcraft as sc

    if entry is None or entry.status not in (sc.WaitlistStatus.waiting, sc.WaitlistStatus.offered):
        bot.say(user, "waitlist_offer_gone")
        return
    bot.s.leave_waitlist(entry.id, now=bot.now(), actor=bot.actor(user))
    log.info("action waitlist leave user=%s entry=%s", user["user_id"], entry.id)
    names = bot.waitlist_names(entry)
    if message_id is not None:
        bot.edit(user, message_id, "waitlist_card_closed", **names)
    bot.say(user, "waitlist_left", **names)
