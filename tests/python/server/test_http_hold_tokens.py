"""POST /v1/holds/confirm: a hold confirmed by its token, as `Scheduler.confirm` takes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import slotcraft as sc

from .conftest import Api, error_of

NINE = "2027-03-01T08:00:00Z"  # Monday 09:00 in Berlin
CUT = {"resource": "anna", "service": "cut", "start": NINE}


def held(api: Api, **more: Any) -> dict[str, Any]:
    created = api.admin.post("/v1/holds", {**CUT, "ttl_minutes": 10, **more})
    assert created.status_code == 201, created.text
    hold: dict[str, Any] = created.json()
    return hold


def test_a_hold_is_confirmed_by_its_token(api: Api) -> None:
    hold = held(api, client="c1")
    api.clock.now += timedelta(minutes=5)
    confirmed = api.admin.post("/v1/holds/confirm", {"token": hold["hold_token"]})
    assert confirmed.status_code == 200, confirmed.text
    answer = confirmed.json()
    assert (answer["id"], answer["status"], answer["client"]) == (hold["id"], "confirmed", "c1")
    assert answer["local_start"] == "2027-03-01T09:00:00+01:00"
    assert api.scheduler.booking(hold["id"]).status == sc.BookingStatus.confirmed
    audit = api.scheduler.audit()[-1]
    assert (audit.action, audit.subject, audit.actor.startswith("key:")) == ("confirm", hold["id"], True)
    again = api.admin.post("/v1/holds/confirm", {"token": hold["hold_token"]})
    assert (again.status_code, again.json()["status"]) == (200, "confirmed")


def test_an_unknown_token_is_404_naming_the_token(memory_api: Api) -> None:
    error = error_of(memory_api.admin.post("/v1/holds/confirm", {"token": "0" * 32}), 404)
    assert (error["field"], "no hold" in error["message"]) == ("token", True)


def test_an_expired_or_released_hold_is_409_and_stays_unconfirmed(api: Api) -> None:
    hold = held(api, ttl_minutes=1)
    api.clock.now += timedelta(minutes=2)
    error = error_of(api.admin.post("/v1/holds/confirm", {"token": hold["hold_token"]}), 409)
    assert (error["field"], "expired" in error["message"]) == ("token", True)
    assert api.scheduler.booking(hold["id"]).status == sc.BookingStatus.held

    released = held(api, start="2027-03-01T10:00:00Z")
    assert api.admin.post(f"/v1/holds/{released['id']}/release").status_code == 200
    error = error_of(api.admin.post("/v1/holds/confirm", {"token": released["hold_token"]}), 409)
    assert (error["field"], "cancelled" in error["message"]) == ("token", True)
    assert api.scheduler.booking(released["id"]).status == sc.BookingStatus.cancelled


def test_a_hold_the_catalog_no_longer_allows_is_409_naming_why(memory_api: Api) -> None:
    hold = held(memory_api)
    memory_api.scheduler.unlink("anna", "cut")
    error = error_of(memory_api.admin.post("/v1/holds/confirm", {"token": hold["hold_token"]}), 409)
    assert error["field"] == "service"
    assert memory_api.scheduler.booking(hold["id"]).status == sc.BookingStatus.held


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "token"),
        ({"token": ""}, "token"),
        ({"token": 17}, "token"),
        ({"token": "x" * 256}, "token"),
        ({"token": "abc", "id": "bk_1"}, "id"),
        (None, "body"),
    ],
)
def test_bad_input_is_400_naming_the_field(memory_api: Api, body: Any, field: str) -> None:
    hold = held(memory_api)
    assert error_of(memory_api.admin.post("/v1/holds/confirm", body), 400)["field"] == field
    assert memory_api.scheduler.booking(hold["id"]).status == sc.BookingStatus.held


@pytest.mark.parametrize("role", ["staff", "client"])
def test_staff_and_clients_confirm_by_id_not_by_token(memory_api: Api, role: str) -> None:
    """Even their own hold: the token route cannot check whose hold it is before confirming it."""
    created = memory_api.as_role(role).post("/v1/holds", {**CUT, "ttl_minutes": 10})
    assert created.status_code == 201, created.text
    hold = created.json()
    refused = error_of(memory_api.as_role(role).post("/v1/holds/confirm", {"token": hold["hold_token"]}), 403)
    assert refused["field"] == ""
    assert memory_api.scheduler.booking(hold["id"]).status == sc.BookingStatus.held
    assert memory_api.as_role(role).post(f"/v1/holds/{hold['id']}/confirm").json()["status"] == "confirmed"


def test_no_key_is_401(memory_api: Api) -> None:
    hold = held(memory_api)
    assert error_of(memory_api.anonymous.post("/v1/holds/confirm", {"token": hold["hold_token"]}), 401)
    assert memory_api.scheduler.booking(hold["id"]).status == sc.BookingStatus.held
