"""POST /v1/series (RRULE, all or nothing or what is free) and cancel-series."""

from __future__ import annotations

from typing import Any

import pytest

import slotcraft as sc

from .conftest import Api, error_of

TUESDAY = "2027-03-02T08:00:00Z"  # 09:00 in Berlin


def weekly(count: int = 4, **more: Any) -> dict[str, Any]:
    return {"resource": "anna", "service": "cut", "start": TUESDAY, "rrule": f"FREQ=WEEKLY;COUNT={count}", **more}


def test_a_series_keeps_its_wall_time_across_the_change_to_summer_time(api: Api) -> None:
    answer = api.client.post("/v1/series", weekly())
    assert answer.status_code == 201, answer.text
    series = answer.json()
    assert series["refused"] == [] and series["series"]
    assert [b["local_start"] for b in series["booked"]] == [
        "2027-03-02T09:00:00+01:00", "2027-03-09T09:00:00+01:00", "2027-03-16T09:00:00+01:00",
        "2027-03-23T09:00:00+01:00"]
    summer = api.client.post("/v1/series", weekly(2, start="2027-03-23T09:00:00Z")).json()  # 10:00 CET
    assert [b["start"] for b in summer["booked"]] == ["2027-03-23T09:00:00Z", "2027-03-30T08:00:00Z"]  # 10:00 CEST
    assert {b["client"] for b in series["booked"]} == {"c1"}


def test_all_or_nothing_is_409_with_the_reasons_and_what_is_free_lists_each_refusal(memory_api: Api) -> None:
    taken = memory_api.admin.post("/v1/bookings", {"resource": "anna", "service": "cut",
                                                   "start": "2027-03-09T08:00:00Z"}).json()
    refused = error_of(memory_api.admin.post("/v1/series", weekly()), 409)
    assert [r["booking"] for r in refused["reasons"]] == [taken["id"]]
    assert len(memory_api.scheduler.client_bookings("c1", now=memory_api.clock.now)) == 0
    free = memory_api.admin.post("/v1/series", weekly(what_is_free=True)).json()
    assert len(free["booked"]) == 3
    assert free["refused"] == [{"start": "2027-03-09T08:00:00Z", "reasons": [
        {"code": "busy", "booking": taken["id"], "message": refused["reasons"][0]["message"]}]}]


def test_a_retried_series_with_its_idempotency_key_books_nothing_twice(memory_api: Api) -> None:
    key = {"Idempotency-Key": "series-1"}
    first = memory_api.admin.post("/v1/series", weekly(), headers=key).json()
    again = memory_api.admin.post("/v1/series", weekly(), headers=key).json()
    assert [b["id"] for b in again["booked"]] == [b["id"] for b in first["booked"]]
    # The key with another rule is a 409 on the key, and books nothing more.
    assert error_of(memory_api.admin.post("/v1/series", weekly(5), headers=key), 409)["field"] == "Idempotency-Key"
    booked = memory_api.scheduler.upcoming("anna", sc.parse_instant(TUESDAY), 60)
    assert sorted(b.id for b in booked) == sorted(b["id"] for b in first["booked"])


def test_one_idempotency_key_is_a_series_or_a_booking_never_both(api: Api) -> None:
    key = {"Idempotency-Key": "tap-9"}
    series = api.admin.post("/v1/series", weekly(2), headers=key)
    assert series.status_code == 201, series.text
    single = {"resource": "anna", "service": "cut", "start": "2027-03-03T08:00:00Z"}
    assert error_of(api.admin.post("/v1/bookings", single, headers=key), 409)["field"] == "Idempotency-Key"
    other = {"Idempotency-Key": "tap-10"}
    assert api.admin.post("/v1/bookings", single, headers=other).status_code == 201
    assert error_of(api.admin.post("/v1/series", weekly(2, start="2027-03-04T08:00:00Z"), headers=other),
                    409)["field"] == "Idempotency-Key"
    booked = api.scheduler.upcoming("anna", sc.parse_instant(TUESDAY), 60)
    assert len(booked) == 3


def test_cancel_this_following_or_all(api: Api) -> None:
    booked = [b["id"] for b in api.client.post("/v1/series", weekly(5)).json()["booked"]]
    one = api.client.post(f"/v1/bookings/{booked[1]}/cancel-series", {"scope": "this"}).json()["cancelled"]
    assert [b["id"] for b in one] == [booked[1]]
    following = api.client.post(f"/v1/bookings/{booked[3]}/cancel-series", {"scope": "following", "reason": "moved"})
    assert [(b["id"], b["cancel_reason"]) for b in following.json()["cancelled"]] == [
        (booked[3], "moved"), (booked[4], "moved")]
    rest = api.client.post(f"/v1/bookings/{booked[0]}/cancel-series", {"scope": "all"}).json()["cancelled"]
    assert [b["id"] for b in rest] == [booked[0], booked[2]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (weekly(rrule="FREQ=HOURLY"), "rrule"),
        (weekly(rrule="FREQ=WEEKLY;COUNT=x"), "rrule"),
        (weekly(except_dates=["2027-13-01"]), "except_dates[0]"),
        (weekly(except_dates=["20270316"]), "except_dates[0]"),  # pydantic read it as Unix seconds: 1970-08-23
        (weekly(except_dates=[1]), "except_dates[0]"),
        (weekly(except_dates=["2027-03-16", True]), "except_dates[1]"),
        (weekly(except_dates=["2027-3-16"]), "except_dates[0]"),
        (weekly(what_is_free="yes"), "what_is_free"),
        (weekly(start="2027-03-02T09:00"), "start"),
        ({"resource": "anna", "service": "cut", "start": TUESDAY}, "rrule"),
    ],
)
def test_a_bad_series_is_400_naming_the_field_and_books_nothing(memory_api: Api, body: dict, field: str) -> None:
    assert error_of(memory_api.admin.post("/v1/series", body), 400)["field"] == field
    assert memory_api.scheduler.upcoming("anna", memory_api.clock.now, 60) == []


def test_staff_and_clients_book_and_cancel_series_only_of_their_own(memory_api: Api) -> None:
    assert error_of(memory_api.staff.post("/v1/series", weekly(resource="boris")), 403)["field"] == "resource"
    assert error_of(memory_api.client.post("/v1/series", weekly(client="c2")), 403)["field"] == "client"
    booked = memory_api.admin.post("/v1/series", weekly(2, resource="boris")).json()["booked"]
    assert error_of(memory_api.client.post(f"/v1/bookings/{booked[0]['id']}/cancel-series", {"scope": "all"}), 403)
    bad_scope = memory_api.admin.post(f"/v1/bookings/{booked[0]['id']}/cancel-series", {"scope": "some"})
    assert error_of(bad_scope, 400)["field"] == "scope"
