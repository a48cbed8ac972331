"""`python3 -m slotcraft.server`: serves the API on a database, or manages its API keys.

    python3 -m slotcraft.server --db salon.sqlite [--host 127.0.0.1] [--port 8000] [--workers N]
    python3 -m slotcraft.server keys create --db salon.sqlite --role staff --resource anna --name front-desk
    python3 -m slotcraft.server keys list --db salon.sqlite
    python3 -m slotcraft.server keys revoke --db salon.sqlite ID
    python3 -m slotcraft.server users create --db salon.sqlite --login ada --role admin --name Ada [--password-stdin]
    python3 -m slotcraft.server users list --db salon.sqlite
    python3 -m slotcraft.server users disable --db salon.sqlite LOGIN
    python3 -m slotcraft.server webhooks deliver --db salon.sqlite [--once] [--interval SECONDS]
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import timedelta

import slotcraft as sc

from .accounts import Accounts
from .app import DB_VARIABLE, PER_ADDRESS_VARIABLE, PER_KEY_VARIABLE, WEBHOOKS_VARIABLE
from .auth import ROLES
from .errors import ApiError
from .keys import ApiKeys
from .limits import Limits
from .tcp import NoDelayH11Protocol
from .passwords import check_password, hash_password
from .users import USER_ROLES
from .webhooks import SEND_TIMEOUT, Dispatcher, Webhooks

PROG = "python3 -m slotcraft.server"
DB_HELP = "a SQLite file (created if missing) or postgresql://..."


def _per_minute(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of requests a minute, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"expected seconds, more than 0 and at most 3600, got {text!r}")
    return seconds


def _workers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1, got {text!r}")
    return int(text)


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Serves slotcraft's HTTP API (docs/http.md).",
        epilog=f"API keys: {PROG} keys --help; users: {PROG} users --help; webhooks: {PROG} webhooks --help",
    )
    parser.add_argument("--db", required=True, help=DB_HELP)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=_workers, default=1, help="processes, each with its own connections")
    parser.add_argument("--per-key", type=_per_minute, default=Limits.per_key, metavar="N",
                        help="requests a minute per API key and worker (0: no limit)")
    parser.add_argument("--per-address", type=_per_minute, default=Limits.per_address, metavar="N",
                        help="requests a minute per client address and worker (0: no limit)")
    parser.add_argument("--trusted-proxy", default="", metavar="ADDRESSES",
                        help="addresses of reverse proxies whose X-Forwarded-For names the client (comma-separated)")
    parser.add_argument("--deliver-webhooks", type=_seconds, default=0, metavar="SECONDS",
                        help="also deliver webhooks from each worker, a pass every SECONDS "
                             f"(else run `{PROG} webhooks deliver`)")
    return parser


def webhooks_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"{PROG} webhooks", description="Delivers the webhooks of a database.")
    actions = parser.add_subparsers(dest="action", required=True)
    deliver = actions.add_parser("deliver", help="send the deliveries that are due, until stopped (or --once)")
    deliver.add_argument("--db", required=True, help=DB_HELP)
    deliver.add_argument("--once", action="store_true", help="one pass: collect the new events, send what is due")
    deliver.add_argument("--interval", type=_seconds, default=2.0, metavar="SECONDS",
                         help="seconds between passes (default 2)")
    deliver.add_argument("--timeout", type=_seconds, default=SEND_TIMEOUT.total_seconds(), metavar="SECONDS",
                         help="seconds a receiver has to answer (default 10); a delivery whose worker died "
                              "is sent again this long and 5 s after")
    return parser


def keys_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"{PROG} keys", description="Manages the API keys of a database.")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a key and print it, once")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--resource", default="", help="a staff key's resource")
    create.add_argument("--client", default="", help="a client key's client")
    create.add_argument("--name", required=True, help="who or what uses the key")
    actions.add_parser("list", help="list the keys (never their secrets)")
    revoke = actions.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("id")
    for action in actions.choices.values():
        action.add_argument("--db", required=True, help=DB_HELP)
    return parser


def users_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"{PROG} users", description="Manages the users of a database.")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a user, with the password on stdin or an invite printed")
    create.add_argument("--login", required=True, help="what they sign in as")
    create.add_argument("--role", required=True, choices=USER_ROLES)
    create.add_argument("--resource", default="", help="a staff user's resource")
    create.add_argument("--client", default="", help="a client user's client")
    create.add_argument("--name", required=True, help="their name, as people read it")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of stdin (else print an invite's token)")
    actions.add_parser("list", help="list the users (never their passwords)")
    for action in ("disable", "enable"):
        changed = actions.add_parser(action, help=f"{action} a user (disabling ends their sessions at once)")
        changed.add_argument("login")
    for action in actions.choices.values():
        action.add_argument("--db", required=True, help=DB_HELP)
    return parser


def serve(args: argparse.Namespace) -> int:
    import uvicorn  # Debian's python3-uvicorn

    if args.workers > 1 and args.db == "memory:":
        raise ApiError(400, "an in-memory database cannot be shared by several workers", field="workers")
    # Opened once here: a database slotcraft cannot use stops the server before it
    # starts, and a new SQLite file gets its tables before the workers race to make them.
    scheduler = sc.Scheduler(args.db)
    Accounts(scheduler, ApiKeys(scheduler)).close()
    os.environ[DB_VARIABLE] = args.db
    os.environ[PER_KEY_VARIABLE] = str(args.per_key)
    os.environ[PER_ADDRESS_VARIABLE] = str(args.per_address)
    os.environ[WEBHOOKS_VARIABLE] = str(args.deliver_webhooks)
    uvicorn.run(
        "slotcraft.server.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http=NoDelayH11Protocol,
        proxy_headers=bool(args.trusted_proxy),
        forwarded_allow_ips=args.trusted_proxy or None,
    )
    return 0


def manage_keys(args: argparse.Namespace) -> int:
    keys = ApiKeys(sc.Scheduler(args.db))
    try:
        if args.action == "create":
            key, text = keys.create(args.name, args.role, resource=args.resource, client=args.client)
            print(text)
            print(f"created key {key.id} ({key.role}): store it now, it is not shown again", file=sys.stderr)
        elif args.action == "list":
            print(f"{'ID':<12}  {'ROLE':<6}  {'OF':<16}  {'CREATED':<20}  {'REVOKED':<20}  NAME")
            for key in keys.all():
                of = key.resource or key.client or "-"
                print(f"{key.id:<12}  {key.role:<6}  {of:<16}  {key.created_at:<20}  {key.revoked_at or '-':<20}  {key.name}")
        elif not keys.revoke(args.id):
            print(f"{PROG}: no live key {args.id!r}", file=sys.stderr)
            return 1
        return 0
    finally:
        keys.close()


def deliver_webhooks(args: argparse.Namespace) -> int:
    if args.db == "memory:":
        raise ApiError(400, "another process cannot see an in-memory database: serve it with --deliver-webhooks",
                       field="db")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    hooks = Webhooks(sc.Scheduler(args.db))
    try:
        dispatcher = Dispatcher(hooks, timeout=timedelta(seconds=args.timeout))
        if args.once:
            print(f"sent {dispatcher.run_once()} deliveries", file=sys.stderr)
            return 0
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        dispatcher.run(timedelta(seconds=args.interval), stop)
        return 0
    finally:
        hooks.close()


def _create_user(accounts: Accounts, args: argparse.Namespace) -> None:
    """With --password-stdin, a user who can sign in; else an invited one, whose invite's token is printed."""
    password = ""
    if args.password_stdin:
        password = getpass.getpass() if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
        check_password(password, args.login)
    user = accounts.users.create(args.login, args.name, args.role, resource=args.resource, client=args.client)
    if password:
        accounts.users.set_password_hash(user.id, hash_password(password))
        print(f"created user {user.login} ({user.role}): sign in with POST /v1/session", file=sys.stderr)
    else:
        invite = accounts.users.invite(user.id)
        print(invite.token)
        print(f"created user {user.login} ({user.role}); the invite above sets their password once, with "
              f"POST /v1/invites/accept, until {invite.expires_at}", file=sys.stderr)


def manage_users(args: argparse.Namespace) -> int:
    scheduler = sc.Scheduler(args.db)
    accounts = Accounts(scheduler, ApiKeys(scheduler))
    try:
        if args.action == "create":
            _create_user(accounts, args)
        elif args.action == "list":
            print(f"{'LOGIN':<20}  {'ROLE':<6}  {'OF':<16}  {'STATUS':<8}  {'CREATED':<20}  NAME")
            for user in accounts.users.all():
                of = user.resource or user.client or "-"
                print(f"{user.login:<20}  {user.role:<6}  {of:<16}  {user.status:<8}  {user.created_at:<20}  "
                      f"{user.name}")
        else:
            found = accounts.users.with_login(args.login)
            if found is None:
                print(f"{PROG}: no user {args.login!r}", file=sys.stderr)
                return 1
            accounts.disable(found[0].id, args.action == "disable")
        return 0
    finally:
        accounts.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[:1] == ["keys"]:
            return manage_keys(keys_parser().parse_args(args[1:]))
        if args[:1] == ["users"]:
            return manage_users(users_parser().parse_args(args[1:]))
        if args[:1] == ["webhooks"]:
            return deliver_webhooks(webhooks_parser().parse_args(args[1:]))
        return serve(serve_parser().parse_args(args))
    except (sc.Error, ApiError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
