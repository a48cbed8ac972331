"""The reminder worker: asks slotcraft which reminders are due and sends each
one that `mark_reminded` grants to this worker; then the morning agendas and
a pass of the waiting list (each offer goes out from the pass that made it).
`mark_reminded` is true for exactly one caller per booking and offset, across
processes, so any number of workers may run at once and each reminder still
goes out once (at most once: a worker that dies between marking and sending
loses that reminder)."""

from __future__ import annotations

import logging
import threading
import time

from datetime import timedelta

from .core import BotCore

log = logging.getLogger("botkit.reminders")

# How late a morning agenda may still go out when the workers were down at its time; later the day has begun.
AGENDA_LATE = timedelta(hours=3)


def run_pass(bot: BotCore, worker: str) -> int:
    now = bot.now()
    due = bot.s.due_reminders(now=now)
    sent = 0
    for reminder in due:
        booking = reminder.booking
        if bot.s.mark_reminded(booking.id, reminder.offset):
            try:
                if bot.remind(booking, reminder.offset):
                    sent += 1
                    log.info("reminder sent booking=%s offset=%s worker=%s", booking.id, reminder.offset, worker)
            except Exception:
                log.exception("reminder for booking %s failed", booking.id)
    try:
        bot.send_agendas()
    except Exception:
        log.exception("the morning agendas failed")
    try:
        bot.offer_waitlist()
    except Exception:
        log.exception("the waiting-list pass failed")
    log.info("reminder pass worker=%s now=%s due=%d sent=%d", worker, now.isoformat(), len(due), sent)
    return sent


def run(bot: BotCore, interval: float, stop: threading.Event, worker: str) -> None:
    """A pass every `interval` seconds, on multiples of it on the system clock:
    workers started apart still pass at the same moments (and so race for the
    same reminders, which is what `mark_reminded` is for)."""
    while not stop.is_set():
        try:
            run_pass(bot, worker)
        except Exception:
            log.exception("reminder pass failed")
        stop.wait(interval - time.time() % interval)


def start_thread(bot: BotCore, interval: float, stop: threading.Event, worker: str) -> threading.Thread:
    thread = threading.Thread(target=run, args=(bot, interval, stop, worker), name="reminders", daemon=True)
    thread.start()
    return thread
