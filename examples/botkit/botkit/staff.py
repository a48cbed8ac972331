"""Tools every bot's staff (a master, a teacher) has, as an area both bots add
to their tables (`router(roles)`):

- `/marks`: a card for each booking of the last 7 days that began, with
  *Came* and *Did not come*: slotcraft's attendance (`mark_attendance`), which
  the HTTP API's reports count. A mark can be changed; only the booking's own
  staff member marks it, once it began.
- `/feed`: a new address of their calendar at the HTTP API (`--calendar-url`)
  for a calendar app to subscribe to; the one before stops working. `/feed
  off` stops it. The token is the API's own: its table on this database, or
  its `feed` route when the bot works over the API.

A bot provides two hooks: `staff_resource(user)`, the slotcraft resource the
staff member is, and `attendance_params(user, booking)`, the parameters of its
catalog's `attendance_card` besides `mark` (when, what, who)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from .core import InputError, btn
from .handlers import Router

log = logging.getLogger("botkit.staff")

MARKS_BACK = timedelta(days=7)


def marks(bot: Any, user: dict, arg: str) -> None:
    import slotcraft as sc

    resource = bot.staff_resource(user)
    now = bot.now()
    begun = [b for b in bot.s.upcoming(resource, now - MARKS_BACK, MARKS_BACK.days + 1)
             if b.status == sc.BookingStatus.confirmed and b.start <= now]
    if not begun:
        bot.say(user, "marks_none")
    for b in begun:
        attendance_card(bot, user, b, None)


def attendance_card(bot: Any, user: dict, b: Any, message_id: int | None) -> None:
    params = {**bot.attendance_params(user, b), "mark": bot.t(user, f"mark_{b.attendance.name}")}
    keys = [[btn("btn_came", f"at:a:{b.id}"), btn("btn_no_show", f"at:n:{b.id}")]]
    if message_id is None:
        bot.say(user, "attendance_card", keys, **params)
    else:
        bot.edit(user, message_id, "attendance_card", keys, **params)


def mark(bot: Any, user: dict, rest: str, message_id: int | None) -> None:
    """`at:a:<booking>` came, `at:n:<booking>` did not come."""
    import slotcraft as sc

    marks_by_letter = {"a": sc.Attendance.attended, "n": sc.Attendance.no_show}
    letter, _, booking_id = rest.partition(":")
    b = bot.s.booking(booking_id) if booking_id else None
    if letter not in marks_by_letter or b is None or b.resource != bot.staff_resource(user):
        log.warning("attendance button %r refused for user=%s", rest[:64], user["user_id"])
        bot.say(user, "stale_button")
        return
    try:
        b = bot.s.mark_attendance(b.id, marks_by_letter[letter], now=bot.now(), actor=bot.actor(user))
    except sc.Conflict as refused:  # cancelled, a hold, or not begun yet: slotcraft's rule, not the bot's
        log.warning("attendance of booking=%s refused for user=%s: %s", b.id, user["user_id"], refused.message)
        bot.say(user, "stale_button")
        return
    log.info("action attendance booking=%s mark=%s user=%s", b.id, b.attendance.name, user["user_id"])
    attendance_card(bot, user, b, message_id)


def feed(bot: Any, user: dict, arg: str) -> None:
    import slotcraft as sc
    from slotcraft.server.feeds import FeedTokens

    if not bot.calendar_url:
        bot.say(user, "feed_not_set_up")
        return
    if arg not in ("", "off"):
        raise InputError("bad_feed")
    resource = bot.staff_resource(user)
    local = FeedTokens(bot.s, clock=bot.now) if isinstance(bot.s, sc.Scheduler) else None
    try:
        if arg == "off":
            if local.revoke(resource) if local else bot.s.revoke_feed(resource):
                bot.say(user, "feed_off")
            else:
                bot.say(user, "feed_none")
            return
        token = local.create(resource) if local else bot.s.create_feed(resource)
    finally:
        if local:
            local.close()
    log.info("action feed created resource=%s user=%s", resource, user["user_id"])
    bot.say(user, "feed", url=f"{bot.calendar_url.rstrip('/')}/v1/calendars/{quote(resource, safe='')}.ics?token={token}")


def router(roles: Iterable[str]) -> Router:
    """`/marks`, its `at:` buttons and `/feed`, for these roles."""
    roles = tuple(roles)
    area = Router("staff tools")
    area.command("marks", roles=roles)(marks)
    area.button("at", roles=roles)(mark)
    area.command("feed", roles=roles)(feed)
    return area
