"""Webhooks (slotcraft.server.webhooks): the audit log as outbox, signed
deliveries to a real receiver on 127.0.0.1, retries, expired holds, and two
dispatchers at once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import slotcraft as sc
from conftest import utc
from slotcraft.server import webhooks as wh
from slotcraft.server.errors import ApiError

from .conftest import Clock
from .receiver import Receiver

TEN = utc("2027-03-01T09:00")  # Monday 10:00 in Berlin
TTL = timedelta(minutes=10)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def hooks(salon: sc.Scheduler, clock: Clock) -> Iterator[wh.Webhooks]:
    found = wh.Webhooks(salon, clock)
    yield found
    found.close()


def dispatcher(hooks: wh.Webhooks, clock: Clock, **options: Any) -> wh.Dispatcher:
    return wh.Dispatcher(hooks, clock=clock, **options)


def subscribe(hooks: wh.Webhooks, receiver: Receiver, events: tuple[str, ...] = wh.EVENTS) -> str:
    _, secret = hooks.create(receiver.url, events, description="the test's receiver")
    return secret


def test_a_booking_reaches_the_receiver_signed_with_the_subscriptions_secret(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    secret = subscribe(hooks, receiver)
    booking = salon.book("anna", "cut", TEN, client="c1", now=clock.now, actor="key:front")
    assert dispatcher(hooks, clock).run_once() == 1
    [got] = receiver.accepted()
    assert got.event["type"] == "booking.created"
    assert got.event["actor"] == "key:front"
    assert got.event["data"]["booking"]["id"] == booking.id
    assert got.event["data"]["booking"]["local_start"] == "2027-03-01T10:00:00+01:00"
    assert got.headers["slotcraft-event"] == "booking.created"
    assert got.headers["content-type"] == "application/json"
    sent_at = clock.now.timestamp()
    assert wh.verify(secret, got.headers, got.body, now=sent_at)
    assert not wh.verify(secret + "x", got.headers, got.body, now=sent_at)
    assert not wh.verify(secret, got.headers, got.body.replace(b"anna", b"boris"), now=sent_at)
    assert not wh.verify(secret, got.headers, got.body, now=sent_at + 301)  # a replay, later
    forged = got.headers | {"slotcraft-timestamp": str(int(sent_at) + 1)}
    assert not wh.verify(secret, forged, got.body, now=sent_at)


def test_a_hold_token_never_leaves_in_a_payload(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    subscribe(hooks, receiver)
    held = salon.hold("anna", "cut", TEN, TTL, client="c1", idempotency_key="client-key", now=clock.now)
    dispatcher(hooks, clock).run_once()
    [got] = receiver.accepted()
    assert got.event["data"]["booking"]["id"] == held.id
    assert held.hold_token.encode() not in got.body
    assert b"client-key" not in got.body


def test_changes_before_the_subscription_are_not_sent(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    salon.book("anna", "cut", TEN, client="c1", now=clock.now)
    subscribe(hooks, receiver)
    later = salon.book("boris", "cut", TEN, client="c1", now=clock.now)
    dispatcher(hooks, clock).run_once()
    assert [r.event["data"]["booking"]["id"] for r in receiver.accepted()] == [later.id]


def test_every_booking_change_becomes_its_event(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    subscribe(hooks, receiver)
    booked = salon.book("anna", "cut", TEN, client="c1", now=clock.now)
    moved = salon.reschedule(booked.id, TEN + timedelta(hours=1), now=clock.now)
    salon.cancel(booked.id, now=clock.now)
    held = salon.hold("boris", "cut", TEN, TTL, client="c1", now=clock.now)
    salon.confirm(held.hold_token, now=clock.now)
    released = salon.hold("anna", "cut", TEN, TTL, client="c1", now=clock.now)
    salon.cancel(released.id, now=clock.now)
    salon.mark_attendance(held.id, "attended", now=TEN + timedelta(minutes=5))  # no event for attendance
    dispatcher(hooks, clock).run_once()
    assert receiver.events() == ["booking.created", "booking.rescheduled", "booking.cancelled", "hold.created",
                                 "booking.confirmed", "hold.created", "hold.released"]
    rescheduled = receiver.accepted()[1].event["data"]
    assert rescheduled["previous"]["start"] == "2027-03-01T09:00:00Z"
    assert rescheduled["booking"]["start"] == sc.format_instant(moved.start) == "2027-03-01T10:00:00Z"
    assert len({r.event["id"] for r in receiver.accepted()}) == 7


def test_a_waiting_list_offer_is_told_as_its_hold_and_as_waitlist_offered(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    subscribe(hooks, receiver, ("hold.created", "waitlist.offered"))
    taken = salon.book("anna", "cut", TEN, client="c1", now=clock.now)
    salon.book("boris", "cut", TEN, now=clock.now)
    entry = salon.join_waitlist("c1", "cut", TEN, TEN + timedelta(minutes=1), now=clock.now)
    salon.cancel(taken.id, now=clock.now)
    [offer] = salon.process_waitlist(now=clock.now, actor="worker")
    dispatcher(hooks, clock).run_once()
    assert receiver.events() == ["hold.created", "waitlist.offered"]
    told = receiver.accepted()[1].event
    assert told["actor"] == "worker"
    assert (told["data"]["entry"]["id"], told["data"]["entry"]["offer"]) == (entry.id, offer.hold.id)
    assert told["data"]["entry"]["status"] == "offered"
    assert receiver.accepted()[0].event["data"]["booking"]["id"] == offer.hold.id


def test_a_subscription_gets_only_the_events_it_names(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    subscribe(hooks, receiver, ("booking.cancelled",))
    booked = salon.book("anna", "cut", TEN, client="c1", now=clock.now)
    salon.cancel(booked.id, now=clock.now)
    dispatcher(hooks, clock).run_once()
    assert receiver.events() == ["booking.cancelled"]


def test_a_hold_left_to_expire_is_told_once_and_a_confirmed_one_never(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    subscribe(hooks, receiver, ("hold.expired",))
    left = salon.hold("anna", "cut", TEN, TTL, client="c1", now=clock.now)
    kept = salon.hold("boris", "cut", TEN, TTL, client="c1", now=clock.now)
    send = dispatcher(hooks, clock)
    send.run_once()
    salon.confirm(kept.hold_token, now=clock.now + timedelta(minutes=5))
    clock.now += timedelta(minutes=9)
    send.run_once()
    assert receiver.events() == []  # not expired yet
    clock.now += timedelta(minutes=2)
    send.run_once()
    send.run_once()
    [expired] = receiver.accepted()
    assert expired.event["type"] == "hold.expired"
    assert expired.event["data"]["booking"]["id"] == left.id
    assert expired.event["occurred_at"] == "2027-02-28T12:10:00Z"


def test_a_receiver_failing_the_first_attempts_gets_each_event_once_after_retries(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    receiver.failures = 2
    subscription = hooks.create(receiver.url, ["booking.created"])[0]
    for hour in (9, 10, 11):
        salon.book("anna", "cut", utc(f"2027-03-01T{hour:02}:00"), client="c1", now=clock.now)
    send = dispatcher(hooks, clock)
    assert send.run_once() == 3  # first attempts: refused
    assert send.run_once() == 0  # nothing due before the backoff's 10 s
    clock.now += timedelta(seconds=10)
    assert send.run_once() == 3  # second: refused, next in 20 s
    clock.now += timedelta(seconds=19)
    assert send.run_once() == 0
    clock.now += timedelta(seconds=1)
    assert send.run_once() == 3
    assert len(receiver.received) == 9
    assert sorted(Counter(r.event["id"] for r in receiver.accepted()).values()) == [1, 1, 1]
    for delivery in hooks.deliveries(subscription.id):
        assert delivery.status == "delivered"
        attempts = hooks.delivery(subscription.id, delivery.id)[1]
        assert [a.status_code for a in attempts] == [500, 500, 204]
        assert "HTTP 500" in attempts[0].error
    clock.now += timedelta(hours=2)
    assert send.run_once() == 0


def test_after_the_last_attempt_a_delivery_fails_and_can_be_sent_again(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    receiver.failures = 3
    subscription = hooks.create(receiver.url, ["booking.created"])[0]
    salon.book("anna", "cut", TEN, client="c1", now=clock.now)
    send = dispatcher(hooks, clock, backoff=wh.Backoff(attempts=3))
    for _ in range(5):
        send.run_once()
        clock.now += timedelta(hours=1)
    [delivery] = hooks.deliveries(subscription.id)
    assert (delivery.status, delivery.attempts, receiver.accepted()) == ("failed", 3, [])
    assert hooks.deliveries(subscription.id, status="pending") == []
    hooks.redeliver(subscription.id, delivery.id)
    assert send.run_once() == 1
    assert receiver.events() == ["booking.created"]
    assert hooks.deliveries(subscription.id, status="delivered")[0].id == delivery.id


def test_an_unreachable_receiver_is_an_attempt_with_no_status(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock
) -> None:
    subscription = hooks.create("http://127.0.0.1:9/nobody-listens", ["booking.created"])[0]
    salon.book("anna", "cut", TEN, client="c1", now=clock.now)
    dispatcher(hooks, clock).run_once()
    [delivery] = hooks.deliveries(subscription.id)
    [attempt] = hooks.delivery(subscription.id, delivery.id)[1]
    assert (delivery.status, attempt.status_code) == ("pending", 0)
    assert "Connect" in attempt.error


def test_a_disabled_subscription_gets_nothing_more(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    subscription = hooks.create(receiver.url, ["booking.created"])[0]
    salon.book("anna", "cut", TEN, client="c1", now=clock.now)
    hooks.collect(clock.now)  # a delivery waits
    assert hooks.disable(subscription.id).disabled_at
    salon.book("boris", "cut", TEN, client="c1", now=clock.now)
    assert dispatcher(hooks, clock).run_once() == 0
    assert receiver.received == []
    assert [d.status for d in hooks.deliveries(subscription.id)] == ["pending"]


def test_two_dispatchers_at_once_send_each_delivery_once(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    subscribe(hooks, receiver, ("booking.created",))
    starts = [utc(f"2027-03-01T{hour:02}:00") for hour in (9, 10, 11, 13, 14, 15)]
    for start in starts:
        for resource in ("anna", "boris"):
            salon.book(resource, "cut", start, client="c1", now=clock.now)
    second = wh.Webhooks(salon, clock)  # its own connection, as another process has
    try:
        go = threading.Barrier(2)

        def run(hooks: wh.Webhooks) -> None:
            go.wait()
            dispatcher(hooks, clock).run_once()

        threads = [threading.Thread(target=run, args=(h,)) for h in (hooks, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        second.close()
    assert len(receiver.received) == 12
    assert len({r.event["id"] for r in receiver.received}) == 12


@pytest.mark.parametrize(
    ("url", "events", "description", "field"),
    [
        ("ftp://example.org/hook", ["booking.created"], "", "url"),
        ("example.org/hook", ["booking.created"], "", "url"),
        ("https://user:pw@example.org/hook", ["booking.created"], "", "url"),
        ("https://example.org/" + "x" * 2048, ["booking.created"], "", "url"),
        ("https://example.org/hook", [], "", "events"),
        ("https://example.org/hook", ["booking.created", "booking.exploded"], "", "events[1]"),
        ("https://example.org/hook", ["booking.created"], "x" * 501, "description"),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field_and_nothing_is_stored(
    hooks: wh.Webhooks, url: str, events: list[str], description: str, field: str
) -> None:
    with pytest.raises(ApiError) as refused:
        hooks.create(url, events, description=description)
    assert (refused.value.status_code, refused.value.field) == (400, field)
    assert hooks.all() == []


def test_the_backoff_doubles_up_to_an_hour() -> None:
    backoff = wh.Backoff()
    assert [backoff.after(n).total_seconds() for n in (1, 2, 3, 9, 10, 11, 200)] == [
        10, 20, 40, 2560, 3600, 3600, 3600]


def test_verify_refuses_missing_or_malformed_headers() -> None:
    body = b"{}"
    now = time.time()
    good = {wh.TIMESTAMP_HEADER: str(int(now)), wh.SIGNATURE_HEADER: wh.sign("s", int(now), body)}
    assert wh.verify("s", good, body, now=now)
    assert not wh.verify("s", {}, body, now=now)
    assert not wh.verify("s", good | {wh.TIMESTAMP_HEADER: "-5"}, body, now=now)
    assert not wh.verify("s", good | {wh.SIGNATURE_HEADER: "v0=00"}, body, now=now)


def test_the_receivers_check_in_docs_http_md_accepts_a_real_delivery_and_nothing_else(
    salon: sc.Scheduler, hooks: wh.Webhooks, clock: Clock, receiver: Receiver
) -> None:
    docs = (Path(__file__).parents[3] / "docs" / "http.md").read_text()
    section = docs[docs.index("## Webhooks"):]
    code = section[section.index("```python\n") + len("```python\n"):section.index("```\n\n(`slotcraft")]
    namespace: dict[str, Any] = {}
    exec(compile(code, "docs/http.md", "exec"), namespace)
    genuine = namespace["genuine"]
    secret = subscribe(hooks, receiver)
    salon.book("anna", "cut", TEN, client="c1", now=clock.now)
    clock.now = datetime.now(timezone.utc)  # the snippet checks against the time now
    dispatcher(hooks, clock).run_once()
    [got] = receiver.accepted()
    headers = {name.title(): value for name, value in got.headers.items()}
    assert genuine(secret, headers, got.body)
    assert not genuine(secret, headers, got.body + b" ")
    assert not genuine("whsec_other", headers, got.body)
