"""/v1/webhooks: subscribing, the delivery log, redelivery, and an app that
delivers its own webhooks while it runs (a `memory:` store's too)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

import slotcraft as sc
import slotcraft.server as server
from slotcraft.server import webhooks as wh
from slotcraft.server.paging import encode_cursor

from .conftest import Clock, error_of
from .receiver import Receiver

BOOKING = {"resource": "anna", "service": "cut", "start": "2027-03-01T09:00:00Z", "client": "c1"}


class Admin:
    """An app delivering its webhooks every 20 ms, and an admin key's client."""

    def __init__(self, http: TestClient, keys: server.ApiKeys, clock: Clock) -> None:
        self.http, self.keys, self.clock = http, keys, clock
        self.headers = self.new_key("ops")

    def new_key(self, name: str) -> dict[str, str]:
        """The headers of a new admin key."""
        return {"Authorization": f"Bearer {self.keys.create(name, 'admin')[1]}"}

    def subscribe(self, receiver: Receiver, events: list[str], **headers: str) -> dict[str, object]:
        answer = self.http.post("/v1/webhooks", json={"url": receiver.url, "events": events},
                                headers=self.headers | headers)
        assert answer.status_code == 201, answer.text
        body: dict[str, object] = answer.json()
        return body

    def deliveries_once(self, webhook_id: str, settled: Callable[[list[dict[str, Any]]], bool],
                        **params: str) -> list[dict[str, Any]]:
        """The webhook's delivery log once `settled` holds of it. The receiver
        has a request before the sender has written down its answer."""
        deadline = time.monotonic() + 10
        while True:
            log: list[dict[str, Any]] = self.http.get(f"/v1/webhooks/{webhook_id}/deliveries", headers=self.headers,
                                                      params=params).json()["deliveries"]
            if settled(log) or time.monotonic() > deadline:
                return log
            time.sleep(0.02)


def each_tried(log: list[dict[str, Any]]) -> bool:
    """Whether every delivery in a (non-empty) log was tried at least once."""
    return bool(log) and all(d["attempts"] for d in log)


@pytest.fixture
def admin(salon: sc.Scheduler) -> Iterator[Admin]:
    keys, clock = server.ApiKeys(salon), Clock()
    app = server.create_app(salon, keys, clock=clock, webhook_interval=timedelta(milliseconds=20))
    with TestClient(app) as http:  # runs the app's start and shutdown
        yield Admin(http, keys, clock)
    keys.close()


def test_a_subscription_made_over_http_gets_a_booking_made_over_http(admin: Admin, receiver: Receiver) -> None:
    made = admin.subscribe(receiver, ["booking.created"])
    webhook, secret = made["webhook"], str(made["secret"])
    assert isinstance(webhook, dict) and webhook["events"] == ["booking.created"] and "secret" not in webhook
    booked = admin.http.post("/v1/bookings", json=BOOKING, headers=admin.headers).json()
    [got] = receiver.wait_for(1)
    assert got.event["data"]["booking"]["id"] == booked["id"]
    assert wh.verify(secret, got.headers, got.body, now=admin.clock.now.timestamp())
    [delivery] = admin.deliveries_once(webhook["id"], each_tried)
    assert (delivery["status"], delivery["attempts"], delivery["event"]) == ("delivered", 1, "booking.created")
    assert delivery["id"] == got.headers["slotcraft-delivery"]
    one = admin.http.get(f"/v1/webhooks/{webhook['id']}/deliveries/{delivery['id']}", headers=admin.headers)
    assert [(a["attempt"], a["status_code"]) for a in one.json()["attempt_log"]] == [(1, 204)]


def test_the_same_idempotency_key_answers_the_first_subscription_again(admin: Admin, receiver: Receiver) -> None:
    body = {"url": receiver.url, "events": ["booking.created"]}
    first = admin.http.post("/v1/webhooks", json=body, headers=admin.headers | {"Idempotency-Key": "k1"})
    again = admin.http.post("/v1/webhooks", json=body, headers=admin.headers | {"Idempotency-Key": "k1"})
    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    assert (first.headers.get("Idempotent-Replayed"), again.headers["Idempotent-Replayed"]) == (None, "true")
    other = admin.http.post("/v1/webhooks", json=body | {"events": ["hold.expired"]},
                            headers=admin.headers | {"Idempotency-Key": "k1"})
    assert error_of(other, 409)["field"] == "Idempotency-Key"
    assert len(admin.http.get("/v1/webhooks", headers=admin.headers).json()["webhooks"]) == 1


def test_an_idempotency_key_is_its_callers_own(admin: Admin, receiver: Receiver) -> None:
    other_admin = admin.new_key("second ops")
    body = {"url": receiver.url, "events": ["booking.created"]}
    first = admin.http.post("/v1/webhooks", json=body, headers=admin.headers | {"Idempotency-Key": "k1"})
    theirs = admin.http.post("/v1/webhooks", json=body, headers=other_admin | {"Idempotency-Key": "k1"})
    assert (first.status_code, theirs.status_code) == (201, 201)
    assert theirs.json()["webhook"]["id"] != first.json()["webhook"]["id"]
    assert theirs.json()["secret"] != first.json()["secret"]


def test_a_failed_delivery_is_in_the_log_and_can_be_sent_again(admin: Admin, receiver: Receiver) -> None:
    receiver.failures = 1
    webhook = admin.subscribe(receiver, ["booking.created"])["webhook"]
    assert isinstance(webhook, dict)
    admin.http.post("/v1/bookings", json=BOOKING, headers=admin.headers)
    deliveries = f"/v1/webhooks/{webhook['id']}/deliveries"
    receiver.wait_for(1, refused_too=True)
    pending = admin.deliveries_once(webhook["id"], each_tried, status="pending")
    [delivery] = pending  # the clock stands still, so its retry is not due
    assert delivery["next_attempt_at"] == "2027-02-28T12:00:10Z"
    again = admin.http.post(f"{deliveries}/{delivery['id']}/redeliver", headers=admin.headers)
    assert again.json()["status"] == "pending"
    receiver.wait_for(1)


def test_the_delivery_log_pages_newest_first(admin: Admin, receiver: Receiver) -> None:
    webhook = admin.subscribe(receiver, ["booking.created"])["webhook"]
    assert isinstance(webhook, dict)
    for start in ("09:00", "10:00", "11:00"):
        admin.http.post("/v1/bookings", json=BOOKING | {"start": f"2027-03-01T{start}:00Z"}, headers=admin.headers)
    receiver.wait_for(3)
    deliveries = f"/v1/webhooks/{webhook['id']}/deliveries"
    first = admin.http.get(deliveries, headers=admin.headers, params={"limit": 2}).json()
    rest = admin.http.get(deliveries, headers=admin.headers, params={"limit": 2, "cursor": first["next"]}).json()
    assert rest["next"] is None
    starts = [d["payload"]["data"]["booking"]["start"] for d in first["deliveries"] + rest["deliveries"]]
    assert sorted(starts, reverse=True) == starts and len(starts) == 3


def test_a_disabled_webhook_is_listed_as_disabled_and_gets_nothing(admin: Admin, receiver: Receiver) -> None:
    webhook = admin.subscribe(receiver, ["booking.created"])["webhook"]
    assert isinstance(webhook, dict)
    disabled = admin.http.delete(f"/v1/webhooks/{webhook['id']}", headers=admin.headers).json()
    assert disabled["disabled_at"] == "2027-02-28T12:00:00Z"
    assert admin.http.post("/v1/bookings", json=BOOKING, headers=admin.headers).status_code == 201
    [listed] = admin.http.get("/v1/webhooks", headers=admin.headers).json()["webhooks"]
    assert listed == disabled
    assert admin.http.get(f"/v1/webhooks/{webhook['id']}/deliveries", headers=admin.headers).json()["deliveries"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "mailto:ops@example.org", "events": ["booking.created"]}, "url"),
        ({"url": "https://example.org/h", "events": ["booking.created", "booking.lost"]}, "events[1]"),
        ({"url": "https://example.org/h", "events": []}, "events"),
        ({"url": "https://example.org/h"}, "events"),
        ({"events": ["booking.created"]}, "url"),
        ({"url": "https://example.org/h", "events": ["booking.created"], "secret": "mine"}, "secret"),
        ({"url": 5, "events": ["booking.created"]}, "url"),
        ({"url": "https://[::1/h", "events": ["booking.created"]}, "url"),
        ({"url": "https://example.org:99999/h", "events": ["booking.created"]}, "url"),
        ({"url": "https://example.org:https/h", "events": ["booking.created"]}, "url"),
        ({"url": "https://exa mple.org/h", "events": ["booking.created"]}, "url"),
        ({"url": "https://example.org/h\u0000", "events": ["booking.created"]}, "url"),
        ({"url": "https://example.org/h", "events": ["booking.created"], "description": "bot\nforged line"},
         "description"),
    ],
)
def test_a_bad_subscription_is_a_400_naming_the_field_and_nothing_is_stored(
    admin: Admin, body: dict[str, object], field: str
) -> None:
    answer = admin.http.post("/v1/webhooks", json=body, headers=admin.headers)
    assert error_of(answer, 400)["field"] == field
    assert admin.http.get("/v1/webhooks", headers=admin.headers).json()["webhooks"] == []


def test_unknown_webhooks_deliveries_states_and_cursors_are_named(admin: Admin, receiver: Receiver) -> None:
    webhook = admin.subscribe(receiver, ["booking.created"])["webhook"]
    assert isinstance(webhook, dict)
    base = f"/v1/webhooks/{webhook['id']}"
    assert error_of(admin.http.get("/v1/webhooks/wh_nope", headers=admin.headers), 404)["field"] == "id"
    assert error_of(admin.http.delete("/v1/webhooks/wh_nope", headers=admin.headers), 404)["field"] == "id"
    assert error_of(admin.http.get(f"{base}/deliveries/whd_nope", headers=admin.headers), 404)["field"] == "delivery"
    redeliver = admin.http.post(f"{base}/deliveries/whd_nope/redeliver", headers=admin.headers)
    assert error_of(redeliver, 404)["field"] == "delivery"
    listing = f"{base}/deliveries"
    assert error_of(admin.http.get(listing, headers=admin.headers, params={"status": "lost"}), 400)["field"] == "status"
    assert error_of(admin.http.get(listing, headers=admin.headers, params={"cursor": "%%"}), 400)["field"] == "cursor"
    stale = admin.http.get(listing, headers=admin.headers, params={"cursor": "WyJ3aGRfbm9wZSJd"})  # ["whd_nope"]
    assert error_of(stale, 400)["field"] == "cursor"


def test_a_delivery_cursor_of_another_shape_is_400(admin: Admin, receiver: Receiver) -> None:
    webhook = admin.subscribe(receiver, ["booking.created"])["webhook"]
    assert isinstance(webhook, dict)
    for cursor in (encode_cursor([]), encode_cursor(["a", "b"])):
        answer = admin.http.get(f"/v1/webhooks/{webhook['id']}/deliveries", headers=admin.headers,
                                params={"cursor": cursor})
        assert error_of(answer, 400)["field"] == "cursor"
