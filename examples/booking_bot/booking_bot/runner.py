"""What every bot process built on booking_bot shares: the transport and
operation options, the transport they choose, stopping on SIGTERM/SIGINT,
and the loop that hands updates to the bot (the club bot runs on it too)."""

from __future__ import annotations

import argparse
import logging
import os
import queue
import signal
import sys
import threading
from typing import Any, Callable

from .transport import ConsoleTransport, TelegramTransport, Transport, WebhookTransport

log = logging.getLogger("booking_bot")


DB_HELP = "a SQLite file (created when missing) or a postgresql:// URI"


def add_common_options(p: argparse.ArgumentParser, reminder_modes: tuple[str, ...], db_help: str = DB_HELP) -> None:
    p.add_argument("--db", required=True, help=db_help)
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
    p.add_argument("--reminders", choices=reminder_modes, default="thread",
                   help="where the reminder worker runs: " + ", ".join(reminder_modes) + " (default thread)")
    p.add_argument("--reminder-interval", type=float, default=30.0, metavar="SECONDS",
                   help="how often the workers look for what is due (default 30)")
    p.add_argument("--throttle", default="20/10", metavar="N/SECONDS",
                   help="at most N updates per user per window (default 20/10; 0/1 turns it off)")
    p.add_argument("--workers", type=int, default=4, help="threads handling updates (one user's updates stay in order)")
    p.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))


def check_common_options(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Reads the token (and webhook secret) from the environment; refuses bad values naming the option."""
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


def open_state(prog: str, args: argparse.Namespace, make_store: Callable[[str], Any],
               scheduler: Any = None) -> tuple | None:
    """The clock, slotcraft's Scheduler and the bot's own store on `args.db`
    (`scheduler`: slotcraft elsewhere, e.g. over its HTTP API: `args.db` then holds
    only the bot's own tables); None after printing an error naming the option
    that was wrong."""
    import slotcraft as sc

    from .clock import Clock

    try:
        clock = Clock(args.clock_file)
    except (OSError, ValueError) as e:
        print(f"{prog}: error: --clock-file: {e}", file=sys.stderr)
        return None
    try:
        if scheduler is None:
            scheduler = sc.Scheduler(args.db)  # first: slotcraft adopts only an empty SQLite file
        store = make_store(args.db)
    except Exception as e:  # noqa: BLE001 (any database failure is a start-up error)
        print(f"{prog}: error: --db: {e}", file=sys.stderr)
        return None
    return clock, scheduler, store


def open_transport(args: argparse.Namespace) -> Transport:
    if args.transport == "console":
        return ConsoleTransport()
    if args.transport == "webhook":
        return WebhookTransport(args.token, args.api_base, args.webhook_url, args.listen, args.secret)
    return TelegramTransport(args.token, args.api_base, args.poll_timeout)


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT."""
    stop = threading.Event()

    def on_signal(signum, frame) -> None:  # noqa: ARG001, ANN001
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stop


class Dispatcher:
    """Updates of one user go to one thread, in order; different users in parallel."""

    def __init__(self, handle, workers: int) -> None:  # noqa: ANN001
        self.queues: list[queue.Queue] = [queue.Queue() for _ in range(workers)]
        self.threads = [threading.Thread(target=self._run, args=(q, handle), daemon=True) for q in self.queues]
        for t in self.threads:
            t.start()

    @staticmethod
    def _run(q: queue.Queue, handle) -> None:  # noqa: ANN001
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


def serve(handle_update: Callable[[dict], None], transport: Transport, args: argparse.Namespace,
          stop: threading.Event) -> None:
    """Hands updates to `handle_update` until `stop` is set (or a console session ends), then closes the transport."""
    dispatcher = Dispatcher(handle_update, args.workers)
    wait = args.poll_timeout if args.transport == "telegram" else min(args.poll_timeout, 1)
    try:
        while not stop.is_set():
            for update in transport.get_updates(wait):
                dispatcher.submit(update)
            if isinstance(transport, ConsoleTransport) and transport.closed.is_set() and transport._queue.empty():
                break
    finally:
        dispatcher.close()
        stop.set()
        transport.close()
