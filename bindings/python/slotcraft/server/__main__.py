"""`python3 -m slotcraft.server`: serves the API on a database, or manages its API keys.

    python3 -m slotcraft.server --db salon.sqlite [--host 127.0.0.1] [--port 8000] [--workers N]
    python3 -m slotcraft.server keys create --db salon.sqlite --role staff --resource anna --name front-desk
    python3 -m slotcraft.server keys list --db salon.sqlite
    python3 -m slotcraft.server keys revoke --db salon.sqlite ID
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import slotcraft as sc

from .app import DB_VARIABLE, PER_ADDRESS_VARIABLE, PER_KEY_VARIABLE
from .auth import ROLES
from .errors import ApiError
from .keys import ApiKeys
from .limits import Limits

PROG = "python3 -m slotcraft.server"
DB_HELP = "a SQLite file (created if missing) or postgresql://..."


def _per_minute(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of requests a minute, got {text!r}")
    return int(text)


def _workers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1, got {text!r}")
    return int(text)


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Serves slotcraft's HTTP API (docs/http.md).",
        epilog=f"API keys: {PROG} keys --help",
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


def serve(args: argparse.Namespace) -> int:
    import uvicorn  # Debian's python3-uvicorn

    if args.workers > 1 and args.db == "memory:":
        raise ApiError(400, "an in-memory database cannot be shared by several workers", field="workers")
    # Opened once here: a database slotcraft cannot use stops the server before it
    # starts, and a new SQLite file gets its tables before the workers race to make them.
    ApiKeys(sc.Scheduler(args.db)).close()
    os.environ[DB_VARIABLE] = args.db
    os.environ[PER_KEY_VARIABLE] = str(args.per_key)
    os.environ[PER_ADDRESS_VARIABLE] = str(args.per_address)
    uvicorn.run(
        "slotcraft.server.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
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


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[:1] == ["keys"]:
            return manage_keys(keys_parser().parse_args(args[1:]))
        return serve(serve_parser().parse_args(args))
    except (sc.Error, ApiError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
