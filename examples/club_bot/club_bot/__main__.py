"""python3 -m club_bot --db FILE|postgresql://... --admins ID[,ID] --transport telegram|webhook|console"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import threading
import time as _time
from datetime import time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botkit.runner import (add_common_options, check_common_options, open_state, open_transport, secrets_of,
                                serve, stop_on_signals)

log = logging.getLogger("club_bot")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m club_bot",
                                description="A club timetable bot with teacher polls and support hand-off, on slotcraft.")
    p.add_argument("--admins", required=True, metavar="ID[,ID]", help="Telegram user ids of the club's admins")
    p.add_argument("--tz", default="Europe/Berlin", help="the club's IANA time zone (default Europe/Berlin)")
    p.add_argument("--poll-at", default="18:00", metavar="HH:MM", help="local time of the teachers' daily poll")
    p.add_argument("--days-ahead", type=int, default=3, help="how many days ahead clients book and /plan plans (1-7)")
    p.add_argument("--faq-threshold", type=float, default=0.5, help="the lowest FAQ match score answered (0-1)")
    p.add_argument("--offer-minutes", type=int, default=30,
                   help="how long a seat the waiting list offers is held for its client (default 30)")
    add_common_options(p, ("thread", "off"))
    args = p.parse_args(argv)

    admins = [a.strip() for a in args.admins.split(",")]
    if not all(re.fullmatch(r"\d{1,20}", a) for a in admins):
        p.error(f"--admins: {args.admins!r} is not a comma-separated list of Telegram user ids (e.g. 1001,1002)")
    args.admin_ids = set(admins)
    try:
        ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        p.error(f"--tz: {args.tz!r} is not an IANA time zone (e.g. Europe/Berlin)")
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", args.poll_at)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        p.error(f"--poll-at: {args.poll_at!r} is not a local time HH:MM (e.g. 18:00)")
    args.poll_time = time(int(m.group(1)), int(m.group(2)))
    if not 1 <= args.days_ahead <= 7:
        p.error("--days-ahead must be between 1 and 7")
    if not 0 < args.faq_threshold <= 1:
        p.error(f"--faq-threshold: {args.faq_threshold} is not a score in (0, 1]")
    if not 1 <= args.offer_minutes <= 24 * 60:
        p.error(f"--offer-minutes: {args.offer_minutes} is not a number of minutes from 1 to 1440")
    check_common_options(p, args)
    return args


def poll_worker(bot, interval: float, stop: threading.Event) -> None:  # noqa: ANN001
    while not stop.is_set():
        try:
            now = bot.now()
            sent = bot.poll_pass()
            escalated = bot.escalation_pass()
            log.info("poll pass now=%s sent=%d escalated=%d", now.isoformat(), sent, escalated)
        except Exception:
            log.exception("poll pass failed")
        stop.wait(interval - _time.time() % interval)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from botkit import logs

    logs.setup(args.log_level, secrets_of(args))

    import slotcraft as sc
    from botkit import reminders
    from botkit.throttle import Throttle

    from .bot import LOCATION, ClubBot
    from .storage import ClubStore

    state = open_state("python3 -m club_bot", args, ClubStore)
    if state is None:
        return 2
    clock, scheduler, store = state
    scheduler.put_location(sc.Location(LOCATION, name="Club"), actor="club_bot")
    settings = scheduler.settings()
    if not settings.reminder_offsets or settings.default_step is None:
        settings.reminder_offsets = settings.reminder_offsets or [timedelta(hours=24), timedelta(hours=2)]
        settings.default_step = settings.default_step or timedelta(minutes=60)
        scheduler.save_settings(settings, actor="club_bot")

    transport = open_transport(args, clock)
    bot = ClubBot(scheduler, store, transport, clock, Throttle(store, args.throttle_limit, args.throttle_window),
                  admins=args.admin_ids, zone=args.tz, poll_at=args.poll_time, days_ahead=args.days_ahead,
                  faq_threshold=args.faq_threshold, agenda_at=args.agenda_time, calendar_url=args.calendar_url,
                  offer_ttl=timedelta(minutes=args.offer_minutes))
    stop = stop_on_signals()
    log.info("club_bot started: transport=%s tz=%s poll_at=%s", args.transport, args.tz, args.poll_at)
    threading.Thread(target=poll_worker, args=(bot, args.reminder_interval, stop), name="poll", daemon=True).start()
    if args.reminders == "thread":
        reminders.start_thread(bot, args.reminder_interval, stop, f"pid{os.getpid()}")

    serve(bot.handle_update, transport, args, stop)
    log.info("club_bot stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
