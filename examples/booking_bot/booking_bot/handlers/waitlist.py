"""The waiting list: a client who finds no free time asks to be told when one
frees up; the reminder workers' passes have slotcraft offer the earliest free
start as a hold, and the client confirms or declines it from the offer's card
(docs/semantics.md, "The waiting list")."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

import slotcraft as sc

from botkit import waitlist, zones
from botkit.core import Button, btn
from botkit.handlers import Router

from ..roles import ANYONE

log = logging.getLogger("booking_bot")

router = Router("waitlist")


class Waitlist:
    """The waiting-list handlers, mixed into the bot (bot.py): `self` is the Bot."""

    @staticmethod
    def waitlist_button(service_id: str, day: date | None) -> Button:
        """"Tell me when a time frees up", for one local day of the master or (None) the whole horizon."""
        return btn("btn_waitlist", f"w:j:{service_id}:{day:%Y%m%d}" if day else f"w:j:{service_id}:")

    @router.button("w", roles=ANYONE)
    def cb_w(self, user: dict, rest: str, message_id: int | None) -> None:
        """`j:<service>:<day>` joins (no day: the whole horizon), `ok:<entry>` takes the offer, `no:<entry>`
        declines it and leaves the list, `l:<entry>` leaves the list (from /my)."""
        action, _, arg = rest.partition(":")
        if action == "j":
            service_id, _, day = arg.rpartition(":")  # a service id may hold a colon (mvk:1001-s1), a day never
            self.join_waitlist(user, service_id, self.parse_day(day) if day else None)
        elif action in ("ok", "no"):
            self.answer_offer(user, arg, action == "ok", message_id)
        elif action == "l":
            self.leave_waitlist(user, arg, message_id)
        else:
            self.say(user, "stale_button")

    def join_waitlist(self, user: dict, service_id: str, day: date | None) -> None:
        master_id = self.require_client(user)
        if master_id is None:
            return
        if service_id not in dict(self.store.services(master_id)) or not user["client_id"]:
            self.say(user, "stale_button")
            return
        now = self.now()
        if day is None:
            start, end = now, now + self.horizon
        else:
            zone = self.master_zone(master_id)
            start = datetime.combine(day, time(0), zone)
            start, end = max(start, now), datetime.combine(day + timedelta(days=1), time(0), zone)
        if end <= start:
            self.say(user, "stale_button")
            return
        waiting = [e for e in self.s.client_waitlist(user["client_id"])
                   if e.status in (sc.WaitlistStatus.waiting, sc.WaitlistStatus.offered)
                   and (e.service, e.resource) == (service_id, master_id) and e.start < end and start < e.end]
        if waiting:
            self.say(user, "waitlist_already", service=self.service_name(service_id))
            return
        entry = self.s.join_waitlist(user["client_id"], service_id, start, end, resource=master_id,
                                     offer_ttl=self.offer_ttl, now=now, actor=self.actor(user))
        log.info("action waitlist join user=%s entry=%s", user["user_id"], entry.id)
        self.say(user, "waitlist_joined", service=self.service_name(service_id), master=self.master_name(master_id))

    def offer_waitlist(self) -> int:
        """A pass of slotcraft's waiting list, from the reminder workers: each offer it made goes to its client.
        Passes of several workers make each offer once, to the worker whose pass made it; an offer that reaches
        nobody lapses at the end of its hold and passes on."""
        sent = 0
        for offer in self.s.process_waitlist(now=self.now(), actor="booking_bot"):
            entry, hold = offer.entry, offer.hold
            user = self.store.user_by_client(entry.client)
            if user is None:
                log.warning("waitlist offer entry=%s: the client has no chat", entry.id)
                continue
            zone = self.master_zone(hold.resource)
            self.say(user, "waitlist_offer",
                     [[btn("btn_confirm", f"w:ok:{entry.id}"), btn("btn_decline", f"w:no:{entry.id}")]],
                     service=self.service_name(hold.service), master=self.master_name(hold.resource),
                     when=self.when(user, hold.start, zone), city=zones.city(zone.key, user["lang"]),
                     place=self.place_name(hold.location),
                     minutes=entry.offer_ttl // timedelta(minutes=1))
            log.info("waitlist offer sent entry=%s booking=%s", entry.id, hold.id)
            sent += 1
        return sent

    def own_entry(self, user: dict, entry_id: str) -> sc.WaitlistEntry | None:
        user.update(self.reload(user))
        entry = self.s.find_waitlist_entry(entry_id) if entry_id else None
        return entry if entry is not None and user["client_id"] and entry.client == user["client_id"] else None

    def answer_offer(self, user: dict, entry_id: str, take: bool, message_id: int | None) -> None:
        waitlist.answer_offer(self, user, self.own_entry(user, entry_id), take, message_id)

    def leave_waitlist(self, user: dict, entry_id: str, message_id: int | None) -> None:
        waitlist.leave(self, user, self.own_entry(user, entry_id), message_id)

    def waitlist_names(self, entry: sc.WaitlistEntry) -> dict[str, str]:
        return {"service": self.service_name(entry.service)}

    def close_offer_card(self, user: dict, message_id: int, hold: sc.BookingRecord) -> None:
        self.edit(user, message_id, "card_closed", service=self.service_name(hold.service),
                  when=self.when(user, hold.start, self.master_zone(hold.resource)))
