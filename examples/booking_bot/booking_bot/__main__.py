"""python3 -m booking_bot --db FILE|postgresql://... --transport telegram|webhook|console"""

from __future__ import annotations

import argparse
import logging
import os
import queue
import signal
import sys
import threading
from datetime import timedelta

log = logging.getLogger("booking_bot")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python3 -m booking_bot", description="A Telegram booking bot on slotcraft.")
    p.add_argument("--db", required=True, help="a SQLite file (created when missing) or a postgresql:// URI")
    p.add_argument("--transport", choices=("telegram", "webhook", "console"), default="telegram",
                   help="telegram: long polling; webhook: an HTTP endpoint Telegram posts to; console: this terminal")
    p.add_argument("--token-env", default="BOT_TOKEN", metavar="VAR",
                   help="the environment variable holding the bot token (default BOT_TOKEN); never a command-line value")
    p.add_argument("--api-base", default="https://api.telegram.org", metavar="URL", help="the Bot API server")
    p.add_argument("--poll-timeout", type=int, default=25, metavar="SECONDS", help="getUpdates long-poll timeout")
    p.add_argument("--webhook-url", metavar="URL", help="the public HTTPS URL Telegram posts updates to")
    p.add_argument("--webhook-listen", default="127.0.0.1:8443", metavar="HOST:PORT", help="where to listen for them")
    p.add_argument("--webhook-secret-env", default="BOT_WEBHOOK_SECRET", metavar="VAR",
                   help="the environment variable holding the webhook secret token")
    p.add_argument("--clock-file", metavar="PATH", help="read the current instant from this file (tests)")
    p.add_argument("--reminders", choices=("thread", "only", "off"), default="thread",
                   help="run the reminder worker in a thread (default), only the worker, or none")
    p.add_argument("--reminder-interval", type=float, default=30.0, metavar="SECONDS")
    p.add_argument("--reminder-offsets", metavar="MIN,MIN",
                   help="reminder offsets in minutes saved in slotcraft's settings (default when none: 1440,120)")
    p.add_argument("--throttle", default="20/10", metavar="N/SECONDS", help="at most N updates per user per window (default 20/10; 0/1 turns it off)")
    p.add_argument("--hold-minutes", type=int, default=10, help="how long a tapped time is held for confirming")
    p.add_argument("--workers", type=int, default=4, help="threads handling updates (one user's updates stay in order)")
    p.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    args = p.parse_args(argv)

    args.token = ""
    if args.transport in ("telegram", "webhook") or (args.reminders == "only" and args.transport != "console"):
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
    if args.reminder_offsets is not None:
        parts = args.reminder_offsets.split(",")
        if not all(x.strip().isdigit() and int(x) > 0 for x in parts):
            p.error(f"--reminder-offsets: {args.reminder_offsets!r} is not a list of minutes (e.g. 1440,120)")
        args.offsets = [timedelta(minutes=int(x)) for x in parts]
    if args.workers < 1:
        p.error("--workers must be at least 1")
    if args.hold_minutes < 1:
        p.error("--hold-minutes must be at least 1")
    return args


class Dispatcher:
    """Updates of one user go to one thread, in order; different users in parallel."""

    def __init__(self, handle, workers: int) -> None:
        self.queues: list[queue.Queue] = [queue.Queue() for _ in range(workers)]
        self.threads = [threading.Thread(target=self._run, args=(q, handle), daemon=True) for q in self.queues]
        for t in self.threads:
            t.start()

    @staticmethod
    def _run(q: queue.Queue, handle) -> None:
        while True:
            update = q.get()
            if update is None:
                return
            try:
                handle(update)
            except Exception:
                log.exception("update %s failed", update.get("update_id"))

    def submit(self, update: dict) -> None:
        source = update.get("message") or update.get("callback_query") or {}
        key = int((source.get("from") or {}).get("id", 0) or 0)
        self.queues[key % len(self.queues)].put(update)

    def close(self) -> None:
        for q in self.queues:
            q.put(None)
        for t in self.threads:
            t.join()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from . import logs

    logs.setup(args.log_level, [args.token, getattr(args, "secret", "")])

    import slotcraft as sc

    from . import reminders
    from .bot import Bot
    from .clock import Clock
    from .storage import BotStore
    from .throttle import Throttle
    from .transport import ConsoleTransport, TelegramTransport, WebhookTransport

    try:
        clock = Clock(args.clock_file)
    except (OSError, ValueError) as e:
        print(f"python3 -m booking_bot: error: --clock-file: {e}", file=sys.stderr)
        return 2
    try:
        scheduler = sc.Scheduler(args.db)  # first: slotcraft adopts only an empty SQLite file
        store = BotStore(args.db)
    except (sc.Error, OSError, Exception) as e:  # noqa: BLE001 (any database failure is a start-up error)
        print(f"python3 -m booking_bot: error: --db: {e}", file=sys.stderr)
        return 2
    settings = scheduler.settings()
    if args.reminder_offsets is not None or not settings.reminder_offsets:
        settings.reminder_offsets = getattr(args, "offsets", [timedelta(hours=24), timedelta(hours=2)])
        scheduler.save_settings(settings, actor="booking_bot")

    if args.transport == "console":
        transport = ConsoleTransport()
    elif args.transport == "webhook":
        transport = WebhookTransport(args.token, args.api_base, args.webhook_url, args.listen, args.secret)
    else:
        transport = TelegramTransport(args.token, args.api_base, args.poll_timeout)
    bot = Bot(scheduler, store, transport, clock, Throttle(store, args.throttle_limit, args.throttle_window),
              hold_ttl=timedelta(minutes=args.hold_minutes))

    stop = threading.Event()

    def on_signal(signum, frame) -> None:  # noqa: ARG001
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker = f"pid{os.getpid()}"
    log.info("booking_bot started: transport=%s reminders=%s db=%s", args.transport, args.reminders,
             "postgresql" if args.db.startswith("postgres") else args.db)

    if args.reminders == "only":
        reminders.run(bot, args.reminder_interval, stop, worker)
        return 0
    if args.reminders == "thread":
        reminders.start_thread(bot, args.reminder_interval, stop, worker)

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
    log.info("booking_bot stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
