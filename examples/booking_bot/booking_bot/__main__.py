"""python3 -m booking_bot --db FILE|postgresql://... [--api URL] --transport telegram|webhook|console"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import timedelta
from typing import Any

from botkit.runner import (DB_HELP, add_common_options, check_common_options, open_state, open_transport, secrets_of,
                     serve, stop_on_signals)

log = logging.getLogger("booking_bot")

PROG = "python3 -m booking_bot"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog=PROG, description="A Telegram booking bot on slotcraft.")
    add_common_options(p, ("thread", "only", "off"),
                       db_help=f"{DB_HELP}: slotcraft's tables and the bot's own; with --api, only the bot's own "
                               f"(dialogs, links, messages): give the bot a database of its own, not the API server's")
    p.add_argument("--api", metavar="URL",
                   help="use slotcraft through its HTTP API at URL (python3 -m slotcraft.server) instead of on --db")
    p.add_argument("--api-key", metavar="KEY",
                   help="an admin API key for --api (a command-line value shows in ps: prefer --api-key-env)")
    p.add_argument("--api-key-env", default="SLOTCRAFT_API_KEY", metavar="VAR",
                   help="the environment variable holding the API key when --api-key is not given "
                        "(default SLOTCRAFT_API_KEY)")
    p.add_argument("--reminder-offsets", metavar="MIN,MIN",
                   help="reminder offsets in minutes saved in slotcraft's settings (default when none: 1440,120)")
    p.add_argument("--hold-minutes", type=int, default=10, help="how long a tapped time is held for confirming")
    p.add_argument("--offer-minutes", type=int, default=30,
                   help="how long a time the waiting list offers is held for its client")
    args = p.parse_args(argv)

    check_common_options(p, args)
    if args.reminder_offsets is not None:
        parts = args.reminder_offsets.split(",")
        if not all(x.strip().isdigit() and int(x) > 0 for x in parts):
            p.error(f"--reminder-offsets: {args.reminder_offsets!r} is not a list of minutes (e.g. 1440,120)")
        args.offsets = [timedelta(minutes=int(x)) for x in parts]
    if args.hold_minutes < 1:
        p.error("--hold-minutes must be at least 1")
    if args.offer_minutes < 1:
        p.error("--offer-minutes must be at least 1")
    check_api_options(p, args)
    return args


def check_api_options(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Reads the API key (`--api-key`, else the variable `--api-key-env`) when slotcraft is behind --api."""
    if args.api is None:
        if args.api_key is not None:
            p.error("--api-key: give --api URL too (without --api, slotcraft is on --db)")
        args.api_key = ""
        return
    if not args.api.startswith(("http://", "https://")):
        p.error(f"--api: {args.api!r} is not an http:// or https:// URL")
    if args.api_key is None:
        args.api_key = os.environ.get(args.api_key_env, "")
        if not args.api_key:
            p.error(f"--api-key-env: the environment variable {args.api_key_env} is not set or empty "
                    f"(it must hold an admin key of the API: python3 -m slotcraft.server keys create --role admin)")


def open_api(args: argparse.Namespace) -> Any:
    """slotcraft over its HTTP API, once it has answered; None after printing what is wrong."""
    import slotcraft as sc
    from slotcraft.client import RemoteError, RemoteScheduler

    scheduler = RemoteScheduler(args.api, args.api_key)
    try:
        scheduler.settings()
    except sc.Error as e:
        option = "--api-key" if isinstance(e, RemoteError) and e.status == 401 else "--api"
        print(f"{PROG}: error: {option}: {args.api}: {e}", file=sys.stderr)
        scheduler.close()
        return None
    return scheduler


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from botkit import logs

    logs.setup(args.log_level, [*secrets_of(args), args.api_key])

    from botkit import reminders
    from .bot import Bot
    from .storage import BotStore
    from botkit.throttle import Throttle

    remote = None
    if args.api:
        remote = open_api(args)
        if remote is None:
            return 2
    state = open_state(PROG, args, BotStore, remote)
    if state is None:
        return 2
    clock, scheduler, store = state
    settings = scheduler.settings()
    if args.reminder_offsets is not None or not settings.reminder_offsets:
        settings.reminder_offsets = getattr(args, "offsets", [timedelta(hours=24), timedelta(hours=2)])
        scheduler.save_settings(settings, actor="booking_bot")

    transport = open_transport(args, clock)
    bot = Bot(scheduler, store, transport, clock, Throttle(store, args.throttle_limit, args.throttle_window),
              hold_ttl=timedelta(minutes=args.hold_minutes), offer_ttl=timedelta(minutes=args.offer_minutes),
              agenda_at=args.agenda_time,
              calendar_url=args.calendar_url)
    stop = stop_on_signals()
    worker = f"pid{os.getpid()}"
    log.info("booking_bot started: transport=%s reminders=%s db=%s api=%s", args.transport, args.reminders,
             "postgresql" if args.db.startswith("postgres") else args.db, args.api or "-")

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
