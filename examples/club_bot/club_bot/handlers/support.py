"""Support: FAQ answers, hand-off to a person (the client's teacher, else the
admins), the queues, escalation, and the FAQ and statistics for the admin."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import slotcraft as sc

from botkit.core import InputError, btn
from botkit.handlers import Router

from .. import faq
from ..roles import ADMIN, CLIENT, STAFF

log = logging.getLogger("club_bot")

router = Router("support")


# A client's text this soon after their conversation was closed is not taken as a new question.
AFTER_CLOSE = timedelta(minutes=15)


def ask_op_reply(bot: Any, user: dict) -> None:
    bot.say(user, "ask_op_reply", [[btn("btn_close", f"op:close:{user['data']['conv']}")]])


class Support:
    """The support handlers, mixed into the bot (bot.py): `self` is the ClubBot."""

    def support_text(self, user: dict, text: str) -> None:
        conv = self.store.open_conv_of(user["user_id"])
        if conv is not None:
            self.store.add_conv_message(conv["conv_id"], "client", text, self.now().isoformat())
            if conv["status"] == "taken":
                op = self.store.user(conv["operator"])
                if op:
                    self.say(op, "client_says", [[btn("btn_reply", f"op:take:{conv['conv_id']}")]],
                             name=user["name"], text=text)
            self.say(user, "added_to_conversation")
            return
        match = faq.best(text, self.store.faqs(), self.faq_threshold)
        closed_at = self.store.last_closed_at(user["user_id"])
        if match is None and closed_at and self.now() - datetime.fromisoformat(closed_at) < AFTER_CLOSE:
            # "ok thanks" right after the operator closed: no new question for a person (/person opens one).
            log.info("action after close user=%s", user["user_id"])
            self.say(user, "after_close")
            return
        if match is None:
            log.info("action faq miss user=%s", user["user_id"])
            self.hand_over(user, text, "no_match")
            return
        faq_id, answer, score = match
        event = self.store.faq_event(user["user_id"], faq_id, text, "answered", self.now().isoformat())
        log.info("action faq hit faq=%s score=%.2f user=%s", faq_id, score, user["user_id"])
        self.say(user, "faq_answer", [[btn("btn_helped", f"sp:ok:{event}"), btn("btn_person", f"sp:hand:{event}")]],
                 answer=answer)

    @router.command("person", roles=(CLIENT,))
    def cmd_person(self, user: dict, arg: str) -> None:
        if self.store.open_conv_of(user["user_id"]) is not None:
            self.say(user, "added_to_conversation")
            return
        if not arg.strip():  # what to hand over is asked for, never sent as "-"
            self.set_state(user, "person")
            self.say(user, "ask_person")
            return
        self.hand_over(user, arg, "asked")

    @router.state("person", roles=(CLIENT,), prompt="ask_person")
    def st_person(self, user: dict, text: str) -> None:
        self.set_state(user, "")
        self.hand_over(user, text, "asked")

    @router.button("sp", roles=(CLIENT,))
    def cb_sp(self, user: dict, rest: str, message_id: int | None) -> None:
        what, _, event = rest.partition(":")
        row = self.store.faq_event_row(int(event), user["user_id"]) if event.isdigit() else None
        if row is None or row[2] != "answered":
            self.say(user, "stale_button")
            return
        if what == "ok":
            self.store.set_faq_outcome(int(event), "helped")
            self.say(user, "glad_it_helped")
        elif what == "hand":
            self.store.set_faq_outcome(int(event), "handed")
            self.hand_over(user, row[1], "faq_not_enough")
        else:
            self.say(user, "stale_button")

    def owner_of(self, user: dict) -> str:
        """The teacher the client belongs to (of their latest booking), if that teacher is on the bot; else operators."""
        if not user.get("client_id"):
            return ""
        cid, now = user["client_id"], self.now()
        every = self.s.client_bookings(cid, now=now) + self.s.client_bookings(cid, active=False, now=now)  # coming + past
        bookings = sorted((b for b in every if b.status == sc.BookingStatus.confirmed), key=lambda b: b.start)
        for b in reversed(bookings):
            uid = self.store.teacher_user(b.resource)
            if uid:
                return uid
        return ""

    def operators_for(self, owner: str) -> list[str]:
        return [owner] if owner else sorted(self.admins)

    def hand_over(self, user: dict, text: str, via: str) -> None:
        owner = self.owner_of(user)
        conv = self.store.open_conv(user["user_id"], self.identity(user)[0], user["chat_id"], owner, via,
                                    self.now().isoformat())
        if text:
            self.store.add_conv_message(conv["conv_id"], "client", text, self.now().isoformat())
        log.info("action handed over conv=%s owner=%s user=%s", conv["conv_id"], owner or "operators", user["user_id"])
        self.say(user, "handed_over")
        for uid in self.operators_for(owner):
            op = self.store.user(uid)
            if op:
                self.say(op, "new_conversation", [[btn("btn_take", f"op:take:{conv['conv_id']}")]],
                         name=user["name"], text=text or "-")

    def my_owners(self, user: dict) -> list[str] | None:
        """The queues this staff member serves: a teacher their own clients'; an admin every queue (None)."""
        return None if self.role(user) == ADMIN else [user["user_id"]]

    def escalation_wait(self) -> timedelta:
        """How long a teacher's client may wait before the admins are told (`/settings escalate MIN`)."""
        return timedelta(minutes=int(self.store.setting("escalate_minutes", "30")))

    def escalation_pass(self) -> int:
        """Shows the admins each conversation of a teacher's client nobody answered within the wait, taken
        or not (once, across processes); how many. An admin's Take takes over one a teacher took."""
        now = self.now()
        shown = 0
        for conv in self.store.waiting_since((now - self.escalation_wait()).isoformat()):
            if not self.store.claim_escalation(conv["conv_id"], now.isoformat()):
                continue
            client = self.store.user(conv["client_user_id"])
            teacher = self.store.user(conv["owner"])
            last = self.store.conv_messages(conv["conv_id"], 1)
            for uid in sorted(self.admins):
                admin = self.store.user(uid)
                if admin:
                    self.say(admin, "conversation_waiting", [[btn("btn_take", f"op:take:{conv['conv_id']}")]],
                             name=client["name"] if client else "?", teacher=teacher["name"] if teacher else "?",
                             minutes=self.escalation_wait() // timedelta(minutes=1), text=last[0][1] if last else "-")
            shown += 1
        return shown

    @router.command("queue", roles=STAFF)
    def cmd_queue(self, user: dict, arg: str) -> None:
        convs = self.store.queue(self.my_owners(user))
        if not convs:
            self.say(user, "queue_empty")
        for c in convs:
            client = self.store.user(c["client_user_id"])
            last = self.store.conv_messages(c["conv_id"], 1)
            self.say(user, "queue_item", [[btn("btn_take", f"op:take:{c['conv_id']}")]],
                     name=client["name"] if client else "?", text=last[0][1] if last else "-")

    @router.button("op", roles=STAFF)
    def cb_op(self, user: dict, rest: str, message_id: int | None) -> None:
        what, _, conv_text = rest.partition(":")
        conv = self.store.conv(int(conv_text)) if conv_text.isdigit() else None
        if conv is None:
            self.say(user, "stale_button")
            return
        if what == "take":
            mine = conv["status"] == "taken" and conv["operator"] == user["user_id"]
            if not mine and not self.store.take(conv["conv_id"], user["user_id"], self.my_owners(user)):
                self.say(user, "already_taken")
                return
            client = self.store.user(conv["client_user_id"])
            earlier = self.store.user(conv["operator"]) if not mine and conv["status"] == "taken" else None
            if earlier and earlier["user_id"] != user["user_id"]:
                self.say(earlier, "taken_over", by=user["name"], name=client["name"] if client else "?")
            history = "\n".join(self.t(user, f"from_{s}", text=t) for s, t in self.store.conv_messages(conv["conv_id"]))
            self.set_state(user, "op_reply", {"conv": conv["conv_id"]})
            self.say(user, "conversation", [[btn("btn_close", f"op:close:{conv['conv_id']}")]],
                     name=client["name"] if client else "?", history=history or "-")
        elif what == "close":
            if not self.store.close_conv(conv["conv_id"], user["user_id"], self.now().isoformat()):
                self.say(user, "stale_button")
                return
            if user["state"] == "op_reply":
                self.set_state(user, "")
            client = self.store.user(conv["client_user_id"])
            if client:
                self.say_on(conv["messenger"], client, "conv_closed")
            self.say(user, "closed")
        else:
            self.say(user, "stale_button")

    def say_on(self, messenger: str, user: dict, key: str, **params: Any) -> None:
        """A message on the messenger the client wrote from: its chat there (the transport routes a
        `wa:`/`vk:` chat to WhatsApp/VK)."""
        log.info("send messenger=%s chat=%s key=%s", messenger, user["chat_id"], key)
        self.transport.send_message(user["chat_id"], self.t(user, key, **params))

    @router.state("op_reply", roles=STAFF, prompt=ask_op_reply)
    def st_op_reply(self, user: dict, text: str) -> None:
        conv = self.store.conv(int(user["data"]["conv"]))
        if conv is None or conv["status"] != "taken" or conv["operator"] != user["user_id"]:
            self.set_state(user, "")
            self.say(user, "stale_button")
            return
        now = self.now().isoformat()
        self.store.add_conv_message(conv["conv_id"], "operator", text, now)
        self.store.first_reply(conv["conv_id"], now)
        client = self.store.user(conv["client_user_id"])
        if client:
            self.say_on(conv["messenger"], client, "operator_says", name=user["name"], text=text)
        self.say(user, "delivered", [[btn("btn_close", f"op:close:{conv['conv_id']}")]])

    @router.command("faq", roles=(ADMIN,))
    def cmd_faq(self, user: dict, arg: str) -> None:
        """`/faq question | answer`"""
        question, sep, answer = arg.partition("|")
        if not sep or not faq.words(question) or not answer.strip():
            raise InputError("bad_faq")
        self.store.add_faq(question.strip()[:500], answer.strip()[:3000])
        self.say(user, "faq_added")

    @router.command("faqs", roles=(ADMIN,))
    def cmd_faqs(self, user: dict, arg: str) -> None:
        items = self.store.faqs()
        if not items:
            self.say(user, "faq_empty")
        for faq_id, q, a in items:
            self.say(user, "faq_item", [[btn("btn_remove", f"fq:rm:{faq_id}")]], question=q, answer=a)

    @router.button("fq", roles=(ADMIN,))
    def cb_fq(self, user: dict, rest: str, message_id: int | None) -> None:
        what, _, faq_id = rest.partition(":")
        if what == "rm" and faq_id.isdigit() and self.store.remove_faq(int(faq_id)):
            self.say(user, "faq_removed")
        else:
            self.say(user, "stale_button")

    @router.command("stats", roles=(ADMIN,))
    def cmd_stats(self, user: dict, arg: str) -> None:
        counts = self.store.faq_counts()
        convs = self.store.convs()
        waits: dict[str, list[float]] = {}
        for c in convs:
            if c["first_reply_at"]:
                secs = (datetime.fromisoformat(c["first_reply_at"]) - datetime.fromisoformat(c["opened_at"])).total_seconds()
                waits.setdefault(c["operator"], []).append(secs)
        every = [w for ws in waits.values() for w in ws]

        def minutes(ws: list[float]) -> str:
            return f"{sum(ws) / len(ws) / 60:.1f}" if ws else "-"

        per_op = []
        for op in sorted({c["operator"] for c in convs if c["operator"]}):
            mine = [c for c in convs if c["operator"] == op]
            u = self.store.user(op)
            per_op.append(self.t(user, "stats_operator", name=u["name"] if u else op, taken=len(mine),
                                 closed=sum(1 for c in mine if c["status"] == "closed"), wait=minutes(waits.get(op, []))))
        faq_answered = counts.get("answered", 0) + counts.get("helped", 0) + counts.get("handed", 0)
        self.say(user, "stats", faq=faq_answered, helped=counts.get("helped", 0),
                 handed=len(convs), after_faq=counts.get("handed", 0), wait=minutes(every),
                 open=sum(1 for c in convs if c["status"] != "closed"),
                 operators="\n".join(per_op) or self.t(user, "none"))
