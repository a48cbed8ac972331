"""POST /v1/holds, then confirm or release."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .conftest import Api, error_of

NINE = "2027-03-01T08:00:00Z"  # Monday 09:00 in Berlin
CUT = {"resource": "anna", "service": "cut", "start": NINE}


def hold(ttl_minutes: Any = 10, **more: Any) -> dict[str, Any]:
    return {**CUT, "ttl_minutes": ttl_minutes, **more}


def test_a_hold_keeps_the_start_until_it_is_confirmed(api: Api) -> None:
    created = api.client.post("/v1/holds", hold())
    assert created.status_code == 201, created.text
    held = created.json()
    assert (held["status"], held["client"], held["expires"]) == ("held", "c1", "2027-02-28T12:10:00Z")
    assert held["local_start"] == "2027-03-01T09:00:00+01:00"
    refused = error_of(api.admin.post("/v1/bookings", CUT), 409)
    assert [(r["code"], r["booking"]) for r in refused["reasons"]] == [("busy", held["id"])]

    api.clock.now += timedelta(minutes=5)
    confirmed = api.client.post(f"/v1/holds/{held['id']}/confirm")
    assert confirmed.status_code == 200
    assert (confirmed.json()["id"], confirmed.json()["status"]) == (held["id"], "confirmed")
    assert api.client.post(f"/v1/holds/{held['id']}/confirm").json()["status"] == "confirmed"
    assert error_of(api.client.post(f"/v1/holds/{held['id']}/release"), 409)["field"] == "id"


def test_an_expired_hold_is_not_confirmed(api: Api) -> None:
    held = api.staff.post("/v1/holds", hold(ttl_minutes=1)).json()
    api.clock.now += timedelta(minutes=2)
    error = error_of(api.staff.post(f"/v1/holds/{held['id']}/confirm"), 409)
    assert error["field"] == "id"
    assert "expired" in error["message"]
    assert api.admin.post("/v1/bookings", CUT).status_code == 201  # the start is free again


def test_a_released_hold_frees_the_start(api: Api) -> None:
    held = api.client.post("/v1/holds", hold()).json()
    released = api.client.post(f"/v1/holds/{held['id']}/release")
    assert released.status_code == 200
    assert released.json()["status"] == "cancelled"
    assert error_of(api.client.post(f"/v1/holds/{held['id']}/confirm"), 409)["field"] == "id"
    assert api.client.post("/v1/bookings", CUT).status_code == 201


def test_a_booking_is_not_a_hold(memory_api: Api) -> None:
    booking = memory_api.admin.post("/v1/bookings", CUT).json()
    for action in ("confirm", "release"):
        error = error_of(memory_api.admin.post(f"/v1/holds/{booking['id']}/{action}"), 404)
        assert (error["field"], "not a hold" in error["message"]) == ("id", True)
    assert error_of(memory_api.admin.post("/v1/holds/bk_nope/confirm"), 404)["field"] == "id"


def test_holds_are_idempotent_too(memory_api: Api) -> None:
    key = {"Idempotency-Key": "hold-1"}
    first = memory_api.client.post("/v1/holds", hold(), headers=key).json()
    assert memory_api.client.post("/v1/holds", hold(), headers=key).json()["id"] == first["id"]
    assert error_of(memory_api.client.post("/v1/holds", hold(start="2027-03-01T09:00:00Z"), headers=key), 409)[
        "field"] == "Idempotency-Key"


def test_holds_are_scoped_like_bookings(memory_api: Api) -> None:
    assert error_of(memory_api.staff.post("/v1/holds", hold(resource="boris")), 403)["field"] == "resource"
    assert error_of(memory_api.client.post("/v1/holds", hold(client="c2")), 403)["field"] == "client"
    boris = memory_api.admin.post("/v1/holds", hold(resource="boris")).json()
    for action in ("confirm", "release"):
        assert error_of(memory_api.staff.post(f"/v1/holds/{boris['id']}/{action}"), 403)["field"] == "id"
        assert error_of(memory_api.client.post(f"/v1/holds/{boris['id']}/{action}"), 403)["field"] == "id"


@pytest.mark.parametrize(
    ("body", "field"),
    [(CUT, "ttl_minutes"), (hold(ttl_minutes="10"), "ttl_minutes"), (hold(ttl_minutes=0), "ttl_minutes"),
     (hold(ttl_minutes=60 * 24 * 400), "ttl_minutes"), (hold(ttl_minutes=10**15), "ttl_minutes"),
     (hold(start="soon"), "start"), (hold(seats=-1), "seats")],
)
def test_bad_input_names_the_field(memory_api: Api, body: dict, field: str) -> None:
    assert error_of(memory_api.admin.post("/v1/holds", body), 400)["field"] == field
