"""What every bot process built on booking_bot shares: the transport and
operation options, the transport they choose, stopping on SIGTERM/SIGINT,
and the loop that hands updates to the bot (the club bot runs on it too)."""

from __future__ import annotations

import argparse
import logging
import os
import queue
import re
import signal
import sys
import threading
import zlib
from datetime import time
from typing import Any, Callable

from .transport import ConsoleTransport, TelegramTransport, Transport, WebhookTransport

log = logging.getLogger("botkit.runner")


DB_HELP = "a SQLite file (created when missing) or a postgresql:// URI"


def add_common_options(p: argparse.ArgumentParser, reminder_modes: tuple[str, ...], db_help: str = DB_HELP) -> None:
    p.add_argument("--db", required=True, help=db_help)
    p.add_argument("--transport", choices=("telegram", "webhook", "console", "none"), default="telegram",
                   help="telegram: long polling; webhook: an HTTP endpoint Telegram posts to; console: this "
                        "terminal; none: no Telegram, only --whatsapp and/or --vk")
    p.add_argument("--token-env", default="BOT_TOKEN", metavar="VAR",
                   help="the environment variable holding the bot token (default BOT_TOKEN); never a command-line value")
    p.add_argument("--api-base", default="https://api.telegram.org", metavar="URL", help="the Bot API server")
    p.add_argument("--poll-timeout", type=int, default=25, metavar="SECONDS", help="getUpdates long-poll timeout")
    p.add_argument("--webhook-url", metavar="URL", help="the public HTTPS URL Telegram posts updates to")
    p.add_argument("--webhook-listen", default="127.0.0.1:8443", metavar="HOST:PORT", help="where to listen for them")
    p.add_argument("--webhook-secret-env", default="BOT_WEBHOOK_SECRET", metavar="VAR",
                   help="the environment variable holding the webhook secret token")
    w = p.add_argument_group("WhatsApp (the Business Cloud API): secrets come from WHATSAPP_TOKEN, "
                             "WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN")
    w.add_argument("--whatsapp", action="store_true", help="serve WhatsApp too")
    w.add_argument("--whatsapp-phone-id", metavar="ID", help="the business phone number's id")
    w.add_argument("--whatsapp-number", default="", metavar="DIGITS",
                   help="the business phone number, international, digits only: for wa.me booking links")
    w.add_argument("--whatsapp-listen", default="127.0.0.1:8444", metavar="HOST:PORT",
                   help="where Meta's webhook posts arrive")
    w.add_argument("--whatsapp-api", default="https://graph.facebook.com/v19.0", metavar="URL", help="the Graph API")
    w.add_argument("--whatsapp-template", default="slotcraft_notice", metavar="NAME",
                   help="the approved template (one body parameter) for messages 24 h after a client last wrote")
    v = p.add_argument_group("VK (a community's messages): its token comes from VK_TOKEN; with --vk-callback-listen, "
                             "VK_CALLBACK_SECRET and VK_CONFIRMATION too")
    v.add_argument("--vk", action="store_true", help="serve VK too")
    v.add_argument("--vk-group", type=int, metavar="ID", help="the community's id")
    v.add_argument("--vk-api", default="https://api.vk.com/method", metavar="URL", help="the VK API")
    v.add_argument("--vk-callback-listen", metavar="HOST:PORT",
                   help="take events from the Callback API here (default: Long Poll)")
    p.add_argument("--clock-file", metavar="PATH", help="read the current instant from this file (tests)")
    p.add_argument("--reminders", choices=reminder_modes, default="thread",
                   help="where the reminder worker runs: " + ", ".join(reminder_modes) + " (default thread)")
    p.add_argument("--reminder-interval", type=float, default=30.0, metavar="SECONDS",
                   help="how often the workers look for what is due (default 30)")
    p.add_argument("--throttle", default="20/10", metavar="N/SECONDS",
                   help="at most N updates per user per window (default 20/10; 0/1 turns it off)")
    p.add_argument("--workers", type=int, default=4, help="threads handling updates (one user's updates stay in order)")
    p.add_argument("--agenda-at", default="08:00", metavar="HH:MM",
                   help="each master's or teacher's morning agenda at this local time, sent by the reminder workers "
                        "(default 08:00; off: none)")
    p.add_argument("--calendar-url", default="", metavar="URL",
                   help="the public address of slotcraft's HTTP API (python3 -m slotcraft.server) on the same "
                        "database: /feed then gives staff their calendar's subscription URL there")
    p.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))


def check_common_options(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Reads the token (and webhook secret) from the environment; refuses bad values naming the option."""
    args.token = ""
    if args.transport == "none" and not (args.whatsapp or args.vk):
        p.error("--transport none needs --whatsapp or --vk: the bot must hear someone")
    check_messenger_options(p, args)
    if args.transport not in ("console", "none"):
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
    args.agenda_time = None
    if args.agenda_at != "off":
        try:
            args.agenda_time = time.fromisoformat(args.agenda_at)
        except ValueError:
            p.error(f"--agenda-at: {args.agenda_at!r} is not a local time HH:MM (e.g. 08:00) or off")
        if len(args.agenda_at) != 5:
            p.error(f"--agenda-at: {args.agenda_at!r} is not a local time HH:MM (e.g. 08:00) or off")
    if args.calendar_url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", args.calendar_url):
        p.error(f"--calendar-url: {args.calendar_url!r} is not an http(s) address (e.g. https://club.example.org)")


def _listen(p: argparse.ArgumentParser, option: str, value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        p.error(f"{option}: {value!r} is not HOST:PORT")
    return host, int(port)


def _secret(p: argparse.ArgumentParser, option: str, variable: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        p.error(f"{option}: the environment variable {variable} is not set or empty")
    return value


def check_messenger_options(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """WhatsApp's and VK's settings and secrets, each refusal naming its option or variable."""
    if args.whatsapp:
        if not args.whatsapp_phone_id:
            p.error("--whatsapp-phone-id is required with --whatsapp")
        args.whatsapp_secrets = {name: _secret(p, "--whatsapp", f"WHATSAPP_{name.upper()}")
                                 for name in ("token", "app_secret", "verify_token")}
        args.whatsapp_address = _listen(p, "--whatsapp-listen", args.whatsapp_listen)
        if args.whatsapp_number and not args.whatsapp_number.isdigit():
            p.error(f"--whatsapp-number: {args.whatsapp_number!r} is not digits only (e.g. 4930901820)")
    if args.vk:
        if not args.vk_group or args.vk_group <= 0:
            p.error("--vk-group (the community's id, a positive number) is required with --vk")
        args.vk_token = _secret(p, "--vk", "VK_TOKEN")
        args.vk_callback = None
        if args.vk_callback_listen:
            args.vk_callback = _listen(p, "--vk-callback-listen", args.vk_callback_listen)
            args.vk_secret = _secret(p, "--vk-callback-listen", "VK_CALLBACK_SECRET")
            args.vk_confirmation = _secret(p, "--vk-callback-listen", "VK_CONFIRMATION")


def secrets_of(args: argparse.Namespace) -> list[str]:
    """Every token and secret the options brought in, for the log to redact."""
    whatsapp = list(getattr(args, "whatsapp_secrets", {}).values())
    vk = [getattr(args, name, "") for name in ("vk_token", "vk_secret", "vk_confirmation")]
    return [args.token, getattr(args, "secret", ""), *whatsapp, *vk]


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


def open_transport(args: argparse.Namespace, clock: Any = None) -> Transport:
    """Telegram (or the console), and WhatsApp and VK beside it when asked for; `clock` (the
    bot's) tells WhatsApp's transport when 24 hours have passed since a client last wrote."""
    main: Transport | None
    if args.transport == "console":
        main = ConsoleTransport()
    elif args.transport == "webhook":
        main = WebhookTransport(args.token, args.api_base, args.webhook_url, args.listen, args.secret)
    elif args.transport == "telegram":
        main = TelegramTransport(args.token, args.api_base, args.poll_timeout)
    else:
        main = None
    if not (args.whatsapp or args.vk):
        assert main is not None
        return main
    from . import vk, whatsapp
    from .messengers import Messengers

    others: dict[str, Any] = {}
    if args.whatsapp:
        secrets = args.whatsapp_secrets
        others[whatsapp.PREFIX] = whatsapp.WhatsAppTransport(
            token=secrets["token"], phone_number_id=args.whatsapp_phone_id, app_secret=secrets["app_secret"],
            verify_token=secrets["verify_token"], listen=args.whatsapp_address, api_base=args.whatsapp_api,
            template=args.whatsapp_template, number=args.whatsapp_number,
            **({"now": lambda: clock.now().timestamp()} if clock is not None else {}))
    if args.vk:
        callback = args.vk_callback
        others[vk.PREFIX] = vk.VKTransport(
            token=args.vk_token, group_id=args.vk_group, api_base=args.vk_api, callback=callback,
            confirmation=args.vk_confirmation if callback else "", secret=args.vk_secret if callback else "")
    return Messengers(main, others, wait=float(args.poll_timeout))


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
        key = zlib.crc32(str((source.get("from") or {}).get("id", "")).encode())  # Telegram's numbers, "wa:..", "vk:.."
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
    wait = args.poll_timeout if isinstance(transport, TelegramTransport) else min(args.poll_timeout, 1)
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
