"""Webhooks: subscriptions, their deliveries, and the worker that sends them.

The outbox is slotcraft's audit log: every booking change writes its entry in
the transaction that makes the change, so a change that committed has its
entry, whatever crashes afterwards. The worker (`Dispatcher`, run by
`python3 -m slotcraft.server webhooks deliver`) follows the log from a cursor
kept in the database and turns each entry into one delivery per subscription
that wants it; the deliveries and the cursor's move commit together, and a
delivery's key (subscription, event) is unique, so two workers never make the
same delivery twice. Held bookings are watched the same way until they are
confirmed, released or expire (`hold.expired`).

Each delivery is claimed by one worker for a lease, POSTed with a signature
(`sign`, checked by receivers with `verify`), and marked delivered on a 2xx;
otherwise retried with a doubling delay. A worker killed mid-send leaves its
claims to lapse: the delivery is sent again, so receivers see every event at
least once and drop repeats by the `Slotcraft-Delivery` header.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import slotcraft as sc

from .context import Clock, wall_clock
from .errors import ApiError, plain_text
from .serverdb import ServerDb, Transaction
from .views import local_time

log = logging.getLogger(__name__)

# What an audit entry's action becomes; a cancelled hold (`before` held) is released, not cancelled.
EVENTS: tuple[str, ...] = (
    "booking.created",
    "booking.confirmed",
    "booking.cancelled",
    "booking.rescheduled",
    "hold.created",
    "hold.released",
    "hold.expired",
    "waitlist.offered",
)
_EVENT_OF_ACTION = {
    "book": "booking.created",
    "hold": "hold.created",
    "confirm": "booking.confirmed",
    "cancel": "booking.cancelled",
    "reschedule": "booking.rescheduled",
}

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS server_webhooks (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    secret TEXT NOT NULL,
    starts_after BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT NOT NULL DEFAULT '')""",
    # How far the workers have turned the audit log into deliveries.
    """CREATE TABLE IF NOT EXISTS server_webhook_cursor (
    name TEXT PRIMARY KEY,
    after_sequence BIGINT NOT NULL)""",
    # Held bookings whose expiry is still to be told.
    """CREATE TABLE IF NOT EXISTS server_webhook_holds (
    booking TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS server_webhook_deliveries (
    id TEXT PRIMARY KEY,
    subscription TEXT NOT NULL,
    event_id TEXT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT NOT NULL DEFAULT '',
    delivered_at TEXT NOT NULL DEFAULT '',
    UNIQUE (subscription, event_id))""",
    """CREATE INDEX IF NOT EXISTS server_webhook_deliveries_due
    ON server_webhook_deliveries (status, next_attempt_at)""",
    """CREATE TABLE IF NOT EXISTS server_webhook_attempts (
    delivery TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    error TEXT NOT NULL,
    PRIMARY KEY (delivery, attempt))""",
)

AUDIT_CURSOR = "audit"
# Entries turned into deliveries per transaction: short transactions keep a
# SQLite file's booking writers waiting briefly.
COLLECT_BATCH = 200
# How long a receiver has to answer, and how much longer a claim lasts.
SEND_TIMEOUT = timedelta(seconds=10)
CLAIM_MARGIN = timedelta(seconds=5)
MAX_URL_LENGTH = 2048
MAX_DESCRIPTION_LENGTH = 500
# A receiver's answer body kept in the delivery log, at most.
MAX_ERROR_LENGTH = 300


@dataclass(frozen=True)
class Backoff:
    """The wait after failed attempt n is `first`·2^(n-1), at most `longest`;
    after `attempts` failures the delivery is given up (`failed`)."""

    first: timedelta = timedelta(seconds=10)
    longest: timedelta = timedelta(hours=1)
    attempts: int = 12

    def after(self, failures: int) -> timedelta:
        return min(self.first * (1 << min(failures - 1, 30)), self.longest)


def _text(t: datetime) -> str:
    """Instants as the tables keep them: UTC with microseconds, so text order is time order."""
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def _public_instant(text: str) -> str | None:
    return sc.format_instant(_instant(text)) if text else None


# ---- signatures ----

SIGNATURE_HEADER = "Slotcraft-Signature"
TIMESTAMP_HEADER = "Slotcraft-Timestamp"
EVENT_HEADER = "Slotcraft-Event"
DELIVERY_HEADER = "Slotcraft-Delivery"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256, keyed by the subscription's secret, of
    `<timestamp>.<body>`: the value of the Slotcraft-Signature header."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None,
           tolerance: timedelta = timedelta(minutes=5)) -> bool:
    """What a receiver checks: the signature matches this body and the
    timestamp is within `tolerance` of `now` (seconds since the epoch), so a
    copied request cannot be replayed later. Header names are matched in any case."""
    named = {name.lower(): value for name, value in headers.items()}
    timestamp, signature = named.get(TIMESTAMP_HEADER.lower(), ""), named.get(SIGNATURE_HEADER.lower(), "")
    if not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance.total_seconds():
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


# ---- subscriptions ----


@dataclass(frozen=True)
class Subscription:
    id: str
    url: str
    events: tuple[str, ...]
    description: str
    created_at: str
    disabled_at: str

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "events": list(self.events),
            "description": self.description,
            "created_at": _public_instant(self.created_at),
            "disabled_at": _public_instant(self.disabled_at),
        }


_SUBSCRIPTION_COLUMNS = "id, url, events, description, created_at, disabled_at"


def _subscription(row: Sequence[Any]) -> Subscription:
    id, url, events, description, created_at, disabled_at = row
    return Subscription(id, url, tuple(events.split(",")), description, created_at, disabled_at)


@dataclass(frozen=True)
class Attempt:
    attempt: int
    at: str
    status_code: int  # 0: no answer (refused, timed out)
    error: str

    def view(self) -> dict[str, Any]:
        return {"attempt": self.attempt, "at": _public_instant(self.at), "status_code": self.status_code or None,
                "error": self.error}


@dataclass(frozen=True)
class Delivery:
    """An event on its way to one subscription: `pending` until a 2xx
    (`delivered`) or the last retry (`failed`)."""

    id: str
    subscription: str
    event_id: str
    event: str
    payload: str
    created_at: str
    status: str
    attempts: int
    next_attempt_at: str
    delivered_at: str

    def view(self, attempts: Sequence[Attempt] | None = None) -> dict[str, Any]:
        """The delivery as listed, and with `attempts` as read alone (`attempt_log`)."""
        log = {} if attempts is None else {"attempt_log": [a.view() for a in attempts]}
        return {
            "id": self.id,
            "subscription": self.subscription,
            "event_id": self.event_id,
            "event": self.event,
            "payload": json.loads(self.payload),
            "created_at": _public_instant(self.created_at),
            "status": self.status,
            "attempts": self.attempts,
            "next_attempt_at": _public_instant(self.next_attempt_at) if self.status == "pending" else None,
            "delivered_at": _public_instant(self.delivered_at),
            **log,
        }


_DELIVERY_COLUMNS = ("id, subscription, event_id, event, payload, created_at, status, attempts, next_attempt_at, "
                     "delivered_at")

DELIVERY_STATUSES = ("pending", "delivered", "failed")


def _check_url(url: str) -> str:
    if len(url) > MAX_URL_LENGTH:
        raise ApiError(400, f"must be at most {MAX_URL_LENGTH} characters", field="url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number from 0 to 65535 raises here
    except ValueError:  # "http://[::1/": a bracket not closed; "http://host:99999/"
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or any(ch.isspace() or not ch.isprintable() for ch in url)):  # no request can carry those
        raise ApiError(400, f"expected an http:// or https:// address, got {url!r}", field="url")
    if parts.username or parts.password:
        raise ApiError(400, "an address with a user or password in it would be stored and logged in clear",
                       field="url")
    return url


def _check_events(events: Sequence[str]) -> tuple[str, ...]:
    if not events:
        raise ApiError(400, f"name at least one event of {', '.join(EVENTS)}", field="events")
    for i, event in enumerate(events):
        if event not in EVENTS:
            raise ApiError(400, f"unknown event {event!r} (expected one of {', '.join(EVENTS)})",
                           field=f"events[{i}]")
    return tuple(dict.fromkeys(events))


class Webhooks:
    """The webhook subscriptions and deliveries of the database `scheduler`
    keeps its data in."""

    def __init__(self, scheduler: sc.Scheduler, clock: Clock = wall_clock) -> None:
        self._db = ServerDb(scheduler, SCHEMA)
        self._scheduler = scheduler
        self._clock = clock

    def close(self) -> None:
        self._db.close()

    def create(self, url: str, events: Sequence[str], *, description: str = "") -> tuple[Subscription, str]:
        """A new subscription and its signing secret (shown to its creator).
        Its events start after the last change made before it."""
        url, wanted = _check_url(url), _check_events(events)
        if len(description) > MAX_DESCRIPTION_LENGTH:
            raise ApiError(400, f"must be at most {MAX_DESCRIPTION_LENGTH} characters", field="description")
        plain_text(description, "description")
        id, secret, now = f"wh_{secrets.token_hex(8)}", f"whsec_{secrets.token_urlsafe(32)}", self._clock()
        with self._db.transaction() as tx:
            starts_after = self._follow_from(tx)
            tx.run("INSERT INTO server_webhooks (id, url, events, description, secret, starts_after, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (id, url, ",".join(wanted), description, secret, starts_after, _text(now)))
        return Subscription(id, url, wanted, description, _text(now), ""), secret

    def _follow_from(self, tx: Transaction) -> int:
        """The sequence of the last audit entry, where a new subscription's
        events start; the first subscription starts the cursor there."""
        cursor = tx.run(f"SELECT after_sequence FROM server_webhook_cursor WHERE name = ?{tx.for_update}",
                        (AUDIT_CURSOR,))
        last = cursor[0][0] if cursor else 0
        while entries := self._scheduler.audit(after=last, limit=1000):
            last = entries[-1].sequence
        if not cursor:
            tx.run("INSERT INTO server_webhook_cursor (name, after_sequence) VALUES (?, ?)", (AUDIT_CURSOR, last))
        return int(last)

    def all(self) -> list[Subscription]:
        rows = self._db.run(f"SELECT {_SUBSCRIPTION_COLUMNS} FROM server_webhooks ORDER BY created_at, id")
        return [_subscription(r) for r in rows]

    def get(self, id: str) -> Subscription:
        rows = self._db.run(f"SELECT {_SUBSCRIPTION_COLUMNS} FROM server_webhooks WHERE id = ?", (id,))
        if not rows:
            raise ApiError(404, f'no webhook "{id}"', field="id")
        return _subscription(rows[0])

    def disable(self, id: str) -> Subscription:
        """Stops a subscription at once: no new deliveries, and its pending
        ones are not sent (they stay in its log)."""
        self.get(id)
        self._db.run("UPDATE server_webhooks SET disabled_at = ? WHERE id = ? AND disabled_at = ''",
                     (_text(self._clock()), id))
        return self.get(id)

    def deliveries(self, subscription: str, *, status: str = "", after: str = "",
                   limit: int = 50) -> list[Delivery]:
        """A subscription's deliveries, newest first (by their events' order),
        after the delivery `after` of a previous page."""
        self.get(subscription)
        if status and status not in DELIVERY_STATUSES:
            raise ApiError(400, f"unknown status {status!r} (expected one of {', '.join(DELIVERY_STATUSES)})",
                           field="status")
        where, params = ["subscription = ?"], [subscription]
        if status:
            where.append("status = ?")
            params.append(status)
        if after:
            mark = self._db.run("SELECT sequence FROM server_webhook_deliveries WHERE id = ? AND subscription = ?",
                                (after, subscription))
            if not mark:
                raise ApiError(400, f'no delivery "{after}" of this webhook', field="cursor")
            where.append("(sequence < ? OR (sequence = ? AND id < ?))")
            params += [mark[0][0], mark[0][0], after]
        rows = self._db.run(f"SELECT {_DELIVERY_COLUMNS} FROM server_webhook_deliveries WHERE {' AND '.join(where)} "
                            "ORDER BY sequence DESC, id DESC LIMIT ?", (*params, limit))
        return [Delivery(*r) for r in rows]

    def delivery(self, subscription: str, id: str) -> tuple[Delivery, list[Attempt]]:
        rows = self._db.run(f"SELECT {_DELIVERY_COLUMNS} FROM server_webhook_deliveries WHERE id = ? "
                            "AND subscription = ?", (id, subscription))
        if not rows:
            raise ApiError(404, f'no delivery "{id}" of webhook "{subscription}"', field="delivery")
        attempts = self._db.run("SELECT attempt, at, status_code, error FROM server_webhook_attempts "
                                "WHERE delivery = ? ORDER BY attempt", (id,))
        return Delivery(*rows[0]), [Attempt(*a) for a in attempts]

    def redeliver(self, subscription: str, id: str) -> Delivery:
        """Sends a delivery again soon, whatever its status (a receiver that
        lost it, or one that failed every retry and is fixed now)."""
        self.delivery(subscription, id)
        self._db.run("UPDATE server_webhook_deliveries SET status = 'pending', next_attempt_at = ?, "
                     "claimed_until = '' WHERE id = ?", (_text(self._clock()), id))
        return self.delivery(subscription, id)[0]

    # ---- what the dispatcher does ----

    def collect(self, now: datetime) -> int:
        """Turns the audit entries after the cursor (one batch) and the holds
        that expired by `now` into deliveries; how many entries were read."""
        with self._db.transaction() as tx:
            cursor = tx.run(f"SELECT after_sequence FROM server_webhook_cursor WHERE name = ?{tx.for_update}",
                            (AUDIT_CURSOR,))
            if not cursor:
                return 0  # no subscription was ever made
            subscriptions = self._live(tx)
            entries = self._scheduler.audit(after=cursor[0][0], limit=COLLECT_BATCH)
            zones = {r.id: r.time_zone for r in self._scheduler.resources(include_archived=True)}
            for entry in entries:
                for event, payload in _events_of(entry, zones):
                    wanting = [s for s, starts_after in subscriptions if entry.sequence > starts_after]
                    self._enqueue(tx, wanting, event, payload, now, entry.sequence)
                if entry.action == "hold" and entry.after:
                    hold = json.loads(entry.after)
                    if hold.get("expires"):
                        tx.run("INSERT INTO server_webhook_holds (booking, expires_at) VALUES (?, ?) "
                               "ON CONFLICT (booking) DO NOTHING",
                               (hold["id"], _text(sc.parse_instant(hold["expires"]))))
            if entries:
                tx.run("UPDATE server_webhook_cursor SET after_sequence = ? WHERE name = ?",
                       (entries[-1].sequence, AUDIT_CURSOR))
            followed = entries[-1].sequence if entries else cursor[0][0]
            self._collect_expired_holds(tx, [s for s, _ in subscriptions], zones, now, followed)
        return len(entries)

    def _live(self, tx: Transaction) -> list[tuple[Subscription, int]]:
        rows = tx.run(f"SELECT {_SUBSCRIPTION_COLUMNS}, starts_after FROM server_webhooks WHERE disabled_at = ''")
        return [(_subscription(r[:-1]), int(r[-1])) for r in rows]

    def _enqueue(self, tx: Transaction, subscriptions: Sequence[Subscription], event: str,
                 payload: dict[str, Any], now: datetime, sequence: int) -> None:
        """A delivery of `payload` to each of `subscriptions` that wants `event`;
        `sequence` (the audit entry's) orders deliveries that are due together."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        for subscription in subscriptions:
            if event in subscription.events:
                tx.run("INSERT INTO server_webhook_deliveries (id, subscription, event_id, event, payload, sequence, "
                       "created_at, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) "
                       "ON CONFLICT (subscription, event_id) DO NOTHING",
                       (f"whd_{secrets.token_hex(8)}", subscription.id, payload["id"], event, body, sequence,
                        _text(now), _text(now)))

    def _collect_expired_holds(self, tx: Transaction, subscriptions: Sequence[Subscription],
                               zones: Mapping[str, str], now: datetime, followed: int) -> None:
        watched = tx.run("SELECT booking FROM server_webhook_holds WHERE expires_at <= ?", (_text(now),))
        for (id,) in watched:
            booking = self._scheduler.booking(id)
            still_held = booking is not None and booking.status == sc.BookingStatus.held
            if still_held and booking.expires is not None and booking.expires > now:
                tx.run("UPDATE server_webhook_holds SET expires_at = ? WHERE booking = ?",
                       (_text(booking.expires), id))  # moved, and held for longer
                continue
            if still_held and booking.expires is not None:
                record = booking.to_dict()
                payload = _event("hold.expired", f"evt_expired_{id}", sc.format_instant(booking.expires), "",
                                 {"booking": _booking_view(record, zones)})
                self._enqueue(tx, subscriptions, "hold.expired", payload, now, followed)
            tx.run("DELETE FROM server_webhook_holds WHERE booking = ?", (id,))

    def claim(self, now: datetime, *, limit: int, lease: timedelta) -> list[tuple[Delivery, str, str]]:
        """Up to `limit` deliveries due by `now`, each with its subscription's
        address and secret, claimed for `lease`: no other worker takes them
        until it lapses."""
        skip_locked = " FOR UPDATE OF d SKIP LOCKED" if self._db.postgres else ""
        with self._db.transaction() as tx:
            due = tx.run(
                "SELECT d.id FROM server_webhook_deliveries d JOIN server_webhooks w ON w.id = d.subscription "
                "WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND d.claimed_until <= ? "
                f"AND w.disabled_at = '' ORDER BY d.next_attempt_at, d.sequence, d.id LIMIT ?{skip_locked}",
                (_text(now), _text(now), limit))
            claimed = []
            for (id,) in due:
                tx.run("UPDATE server_webhook_deliveries SET claimed_until = ? WHERE id = ?", (_text(now + lease), id))
                row = tx.run(f"SELECT {', '.join('d.' + c for c in _DELIVERY_COLUMNS.split(', '))}, w.url, w.secret "
                             "FROM server_webhook_deliveries d JOIN server_webhooks w ON w.id = d.subscription "
                             "WHERE d.id = ?", (id,))[0]
                claimed.append((Delivery(*row[:-2]), row[-2], row[-1]))
        return claimed

    def record_attempt(self, delivery: Delivery, now: datetime, status_code: int, error: str,
                       backoff: Backoff) -> None:
        """The outcome of sending `delivery` once: delivered on a 2xx, else
        retried after the backoff, or failed after the last attempt."""
        attempt = delivery.attempts + 1
        delivered = 200 <= status_code < 300
        status = "delivered" if delivered else ("failed" if attempt >= backoff.attempts else "pending")
        next_attempt = now if delivered else now + backoff.after(attempt)
        with self._db.transaction() as tx:
            tx.run("INSERT INTO server_webhook_attempts (delivery, attempt, at, status_code, error) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (delivery, attempt) DO NOTHING",
                   (delivery.id, attempt, _text(now), status_code, error[:MAX_ERROR_LENGTH]))
            tx.run("UPDATE server_webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, "
                   "claimed_until = '', delivered_at = ? WHERE id = ?",
                   (status, attempt, _text(next_attempt), _text(now) if delivered else "", delivery.id))


def _event(event: str, id: str, occurred_at: str, actor: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": id, "type": event, "occurred_at": occurred_at, "actor": actor, "data": data}


# What a booking's record keeps that a receiver must not learn: a hold's token
# confirms the hold, and the idempotency key is its client's.
_PRIVATE_FIELDS = ("hold_token", "idempotency_key")


def _booking_view(record: dict[str, Any], zones: Mapping[str, str]) -> dict[str, Any]:
    """A booking as the audit log keeps it, with its local times as the API
    answers it (views.booking_view), without its private fields."""
    zone = zones.get(record["resource"], "UTC")
    return {
        **{k: v for k, v in record.items() if k not in _PRIVATE_FIELDS},
        "time_zone": zone,
        "local_start": local_time(sc.parse_instant(record["start"]), zone),
        "local_end": local_time(sc.parse_instant(record["end"]), zone),
    }


def _events_of(entry: sc.AuditEntry, zones: Mapping[str, str]) -> list[tuple[str, dict[str, Any]]]:
    at = sc.format_instant(entry.at)
    if entry.action == "waitlist_offer" and entry.after:
        # A waiter was offered a start: the entry names the hold (`offer`), told as hold.created too.
        offered = {"entry": json.loads(entry.after)}
        return [("waitlist.offered", _event("waitlist.offered", f"evt_{entry.sequence}", at, entry.actor, offered))]
    event = _EVENT_OF_ACTION.get(entry.action)
    if event is None or not entry.after:
        return []
    after = json.loads(entry.after)
    data: dict[str, Any] = {"booking": _booking_view(after, zones)}
    if entry.before:
        before = json.loads(entry.before)
        if event == "booking.cancelled" and before.get("status") == "held":
            event = "hold.released"
        if event == "booking.rescheduled":
            data["previous"] = _booking_view(before, zones)
    return [(event, _event(event, f"evt_{entry.sequence}", at, entry.actor, data))]


# ---- the worker ----

Sender = Callable[[str, bytes, Mapping[str, str], timedelta], tuple[int, str]]


def post(url: str, body: bytes, headers: Mapping[str, str], timeout: timedelta) -> tuple[int, str]:
    """POSTs a delivery; the status code (0 when there was no answer) and, unless 2xx, what went wrong."""
    import httpx  # Debian's python3-httpx

    try:
        answer = httpx.post(url, content=body, headers=dict(headers), timeout=timeout.total_seconds(),
                            follow_redirects=False)
    except httpx.HTTPError as error:
        return 0, f"{type(error).__name__}: {error}"
    if 200 <= answer.status_code < 300:
        return answer.status_code, ""
    return answer.status_code, f"HTTP {answer.status_code}: {answer.text[:MAX_ERROR_LENGTH]}"


class Dispatcher:
    """Turns the audit log into deliveries and sends those that are due, one
    at a time, each claimed for `timeout` and a margin: a worker killed while
    sending holds that delivery back from the others no longer than that."""

    def __init__(self, webhooks: Webhooks, *, clock: Clock = wall_clock, send: Sender = post,
                 backoff: Backoff = Backoff(), timeout: timedelta = SEND_TIMEOUT) -> None:
        self._webhooks, self._clock, self._send = webhooks, clock, send
        self._backoff, self._timeout = backoff, timeout

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Collects every new change, then sends every delivery due now (until
        `stop` is set); how many were sent."""
        while self._webhooks.collect(self._clock()) == COLLECT_BATCH:
            pass
        sent = 0
        lease = self._timeout + CLAIM_MARGIN
        while not (stop and stop.is_set()) and (claimed := self._webhooks.claim(self._clock(), limit=1, lease=lease)):
            for delivery, url, secret in claimed:
                self._deliver(delivery, url, secret)
                sent += 1
        return sent

    def _deliver(self, delivery: Delivery, url: str, secret: str) -> None:
        body = delivery.payload.encode()
        timestamp = int(self._clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"slotcraft-webhooks/{sc.__version__}",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: delivery.id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, body),
        }
        status_code, error = self._send(url, body, headers, self._timeout)
        if error:
            log.info("webhook delivery %s to %s failed: %s", delivery.id, url, error)
        self._webhooks.record_attempt(delivery, self._clock(), status_code, error, self._backoff)

    def run(self, interval: timedelta, stop: threading.Event) -> None:
        """Runs until `stop` is set, a pass every `interval`; a pass that
        fails (the database is away) is logged and tried again."""
        while not stop.is_set():
            try:
                self.run_once(stop)
            except (ApiError, sc.Error) as error:
                log.warning("webhook pass failed: %s", error)
            stop.wait(interval.total_seconds())
