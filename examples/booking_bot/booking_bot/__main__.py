"""python3 -m booking_bot --db FILE|postgresql://... --transport telegram|webhook|console"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import timedelta

from .runner import add_common_options, check_common_options, open_state, open_transport, serve, stop_on_signals

log = logging.getLogger("booking_bot")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m booking_bot", description="A Telegram booking bot on slotcraft.")
    add_common_options(p, ("thread", "only", "off"))
    p.add_argument("--reminder-offsets", metavar="MIN,MIN",
                   help="reminder offsets in minutes saved in slotcraft's settings (default when none: 1440,120)")
    p.add_argument("--hold-minutes", type=int, default=10, help="how long a tapped time is held for confirming")
    args = p.parse_args(argv)

    check_common_options(p, args)
    if args.reminder_offsets is not None:
        parts = args.reminder_offsets.split(",")
        if not all(x.strip().isdigit() and int(x) > 0 for x in parts):
            p.error(f"--reminder-offsets: {args.reminder_offsets!r} is not a list of minutes (e.g. 1440,120)")
        args.offsets = [timedelta(minutes=int(x)) for x in parts]
    if args.hold_minutes < 1:
        p.error("--hold-minutes must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from . import logs

    logs.setup(args.log_level, [args.token, getattr(args, "secret", "")])

    from . import reminders
    from .bot import Bot
    from .storage import BotStore
    from .throttle import Throttle

    state = open_state("python3 -m booking_bot", args, BotStore)
    if state is None:
        return 2
    clock, scheduler, store = state
    settings = scheduler.settings()
    if args.reminder_offsets is not None or not settings.reminder_offsets:
        settings.reminder_offsets = getattr(args, "offsets", [timedelta(hours=24), timedelta(hours=2)])
        scheduler.save_settings(settings, actor="booking_bot")

    transport = open_transport(args)
    bot = Bot(scheduler, store, transport, clock, Throttle(store, args.throttle_limit, args.throttle_window),
              hold_ttl=timedelta(minutes=args.hold_minutes))
    stop = stop_on_signals()
    worker = f"pid{os.getpid()}"
    log.info("booking_bot started: transport=%s reminders=%s db=%s", args.transport, args.reminders,
             "postgresql" if args.db.startswith("postgres") else args.db)

    if args.reminders == "only":
        reminders.run(bot, args.reminder_interval, stop, worker)
        return 0
    if args.reminders == "thread":
        reminders.start_thread(bot, args.reminder_interval, stop, worker)

    serve(bot.handle_update, transport, args, stop)
    log.info("booking_bot stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
