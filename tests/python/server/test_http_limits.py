"""Requests per minute per key and per address: 429 with Retry-After, buckets refill."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

import slotcraft as sc
import slotcraft.server as server
from slotcraft.server.errors import ApiError
from slotcraft.server.limits import RateLimiter

from .conftest import Clock, error_of


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_passes_a_burst_up_to_the_limit_then_refills_at_the_limits_rate() -> None:
    ticks = Ticks()
    limiter = RateLimiter(3, "per key", clock=ticks)
    for _ in range(3):
        limiter.take("a")
    with pytest.raises(ApiError) as refused:
        limiter.take("a")
    assert refused.value.status_code == 429 and refused.value.headers == {"Retry-After": "20"}
    limiter.take("b")  # another caller has their own bucket
    ticks.now += 19.0
    with pytest.raises(ApiError) as still:
        limiter.take("a")
    assert still.value.headers == {"Retry-After": "1"}
    ticks.now += 1.0
    limiter.take("a")
    ticks.now += 3600.0  # an idle hour fills the bucket, never over the limit
    for _ in range(3):
        limiter.take("a")
    with pytest.raises(ApiError):
        limiter.take("a")


def test_no_limit_when_it_is_zero() -> None:
    limiter = RateLimiter(0, "per key")
    for _ in range(10_000):
        limiter.take("a")


def _app(salon: sc.Scheduler, limits: server.Limits) -> tuple[TestClient, dict[str, str]]:
    keys = server.ApiKeys(salon)
    app = server.create_app(salon, keys, clock=Clock(), limits=limits)
    texts = {role: keys.create(role, role, **({"resource": "anna"} if role == "staff" else {}))[1]
             for role in ("admin", "staff")}
    return TestClient(app), {role: f"Bearer {text}" for role, text in texts.items()}


def test_a_key_over_its_limit_gets_429_with_retry_after_and_others_go_on(memory_salon: sc.Scheduler) -> None:
    http, bearer = _app(memory_salon, server.Limits(per_key=5, per_address=0))
    answers = [http.get("/v1/locations", headers={"Authorization": bearer["admin"]}).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    refused = http.get("/v1/locations", headers={"Authorization": bearer["admin"]})
    assert error_of(refused, 429)["message"].startswith("over 5 requests a minute per key")
    assert int(refused.headers["Retry-After"]) in range(1, 13)
    assert http.get("/v1/locations", headers={"Authorization": bearer["staff"]}).status_code == 200


def test_an_address_over_its_limit_is_refused_before_its_keys_are_checked(memory_salon: sc.Scheduler) -> None:
    http, bearer = _app(memory_salon, server.Limits(per_key=0, per_address=4))
    guesses = [http.get("/v1/locations", headers={"Authorization": f"Bearer sck_{n:012x}_guess"}).status_code
               for n in range(4)]
    assert guesses == [401] * 4
    assert error_of(http.get("/v1/locations", headers={"Authorization": bearer["admin"]}), 429)
