"""python3 -m club_bot --db FILE|postgresql://... --admins ID[,ID] --transport telegram|webhook|console"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
import threading
import time as _time
from datetime import time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger("club_bot")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m club_bot",
                                description="A club timetable bot with teacher polls and support hand-off, on slotcraft.")
    p.add_argument("--db", required=True, help="a SQLite file (created when missing) or a postgresql:// URI")
    p.add_argument("--admins", required=True, metavar="ID[,ID]", help="Telegram user ids of the club's admins")
    p.add_argument("--tz", default="Europe/Berlin", help="the club's IANA time zone (default Europe/Berlin)")
    p.add_argument("--poll-at", default="18:00", metavar="HH:MM", help="local time of the teachers' daily poll")
    p.add_argument("--days-ahead", type=int, default=3, help="how many days ahead clients book and /plan plans (1-7)")
    p.add_argument("--faq-threshold", type=float, default=0.5, help="the lowest FAQ match score answered (0-1)")
    p.add_argument("--transport", choices=("telegram", "webhook", "console"), default="telegram")
    p.add_argument("--token-env", default="BOT_TOKEN", metavar="VAR", help="the environment variable holding the token")
    p.add_argument("--api-base", default="https://api.telegram.org", metavar="URL")
    p.add_argument("--poll-timeout", type=int, default=25, metavar="SECONDS", help="getUpdates long-poll timeout")
    p.add_argument("--webhook-url", metavar="URL")
    p.add_argument("--webhook-listen", default="127.0.0.1:8443", metavar="HOST:PORT")
    p.add_argument("--webhook-secret-env", default="BOT_WEBHOOK_SECRET", metavar="VAR")
    p.add_argument("--clock-file", metavar="PATH", help="read the current instant from this file (tests)")
    p.add_argument("--reminders", choices=("thread", "off"), default="thread")
    p.add_argument("--reminder-interval", type=float, default=30.0, metavar="SECONDS",
                   help="how often the reminder and poll workers look (default 30)")
    p.add_argument("--throttle", default="20/10", metavar="N/SECONDS")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
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
    args.token = ""
    if args.transport != "console":
        args.token = os.environ.get(args.token_env, "")
        if not args.token:
            p.error(f"--token-env: the environment variable {args.token_env} is not set or empty "
                    f"(it must hold the bot token from @BotFather; --transport console needs none)")
    if args.transport == "webhook":
        if not args.webhook_url:
            p.error("--webhook-url is required with --transport webhook")
        args.secret = os.environ.get(args.webhook_secret_env, "")
        if not args.secret:
            p.error(f"--webhook-secret-env: the environment variable {args.webhook_secret_env} is not set or empty")
        host, _, port = args.webhook_listen.rpartition(":")
        if not host or not port.isdigit():
            p.error(f"--webhook-listen: {args.webhook_listen!r} is not HOST:PORT")
        args.listen = (host, int(port))
    limit, _, window = args.throttle.partition("/")
    if not limit.isdigit() or not window.replace(".", "", 1).isdigit() or float(window) <= 0:
        p.error(f"--throttle: {args.throttle!r} is not N/SECONDS (e.g. 30/60)")
    args.throttle_limit, args.throttle_window = int(limit), float(window)
    if args.workers < 1:
        p.error("--workers must be at least 1")
    return args


def poll_worker(bot, interval: float, stop: threading.Event) -> None:  # noqa: ANN001
    while not stop.is_set():
        try:
            sent = bot.poll_pass()
            log.info("poll pass now=%s sent=%d", bot.now().isoformat(), sent)
        except Exception:
            log.exception("poll pass failed")
        stop.wait(interval - _time.time() % interval)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from booking_bot import logs

    logs.setup(args.log_level, [args.token, getattr(args, "secret", "")])

    import slotcraft as sc
    from booking_bot import reminders
    from booking_bot.__main__ import Dispatcher
    from booking_bot.clock import Clock
    from booking_bot.throttle import Throttle
    from booking_bot.transport import ConsoleTransport, TelegramTransport, WebhookTransport

    from .bot import LOCATION, ClubBot
    from .storage import ClubStore

    try:
        clock = Clock(args.clock_file)
    except (OSError, ValueError) as e:
        print(f"python3 -m club_bot: error: --clock-file: {e}", file=sys.stderr)
        return 2
    try:
        scheduler = sc.Scheduler(args.db)  # first: slotcraft adopts only an empty SQLite file
        store = ClubStore(args.db)
    except Exception as e:  # noqa: BLE001 (any database failure is a start-up error)
        print(f"python3 -m club_bot: error: --db: {e}", file=sys.stderr)
        return 2
    scheduler.put_location(sc.Location(LOCATION, name="Club"), actor="club_bot")
    settings = scheduler.settings()
    if not settings.reminder_offsets or settings.default_step is None:
        settings.reminder_offsets = settings.reminder_offsets or [timedelta(hours=24), timedelta(hours=2)]
        settings.default_step = settings.default_step or timedelta(minutes=60)
        scheduler.save_settings(settings, actor="club_bot")

    if args.transport == "console":
        transport = ConsoleTransport()
    elif args.transport == "webhook":
        transport = WebhookTransport(args.token, args.api_base, args.webhook_url, args.listen, args.secret)
    else:
        transport = TelegramTransport(args.token, args.api_base, args.poll_timeout)
    bot = ClubBot(scheduler, store, transport, clock, Throttle(store, args.throttle_limit, args.throttle_window),
                  admins=args.admin_ids, zone=args.tz, poll_at=args.poll_time, days_ahead=args.days_ahead,
                  faq_threshold=args.faq_threshold)

    stop = threading.Event()

    def on_signal(signum, frame) -> None:  # noqa: ARG001, ANN001
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("club_bot started: transport=%s tz=%s poll_at=%s", args.transport, args.tz, args.poll_at)
    threading.Thread(target=poll_worker, args=(bot, args.reminder_interval, stop), name="poll", daemon=True).start()
    if args.reminders == "thread":
        reminders.start_thread(bot, args.reminder_interval, stop, f"pid{os.getpid()}")

    dispatcher = Dispatcher(bot.handle_update, args.workers)
    try:
        while not stop.is_set():
            for update in transport.get_updates(min(args.poll_timeout, 1) if args.transport != "telegram" else args.poll_timeout):
                dispatcher.submit(update)
            if isinstance(transport, ConsoleTransport) and transport.closed.is_set() and transport._queue.empty():
                break
    finally:
        dispatcher.close()
        stop.set()
        transport.close()
    log.info("club_bot stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
