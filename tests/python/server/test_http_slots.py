"""GET /v1/slots and GET /v1/slots/explain."""

from __future__ import annotations

from datetime import timedelta

import pytest

import slotcraft as sc
from conftest import MONDAY

from .conftest import Api, error_of

DAY = {"from": "2027-03-01T00:00:00Z", "to": "2027-03-02T00:00:00Z"}
NINE_BERLIN = "2027-03-01T08:00:00Z"


def test_slots_are_utc_instants_with_the_local_wall_time(api: Api) -> None:
    slots = api.client.get("/v1/slots", service="cut", **DAY).json()["slots"]
    assert len(slots) == 16  # 09:00-13:00 and 14:00-18:00 Berlin, every 30 minutes
    assert slots[0] == {
        "start": "2027-03-01T08:00:00Z",
        "end": "2027-03-01T08:30:00Z",
        "local_start": "2027-03-01T09:00:00+01:00",
        "local_end": "2027-03-01T09:30:00+01:00",
        "time_zone": "Europe/Berlin",
        "location": "salon",
        "resources": ["anna", "boris"],
        "seats_left": 1,
    }


def test_slots_are_the_schedulers_with_the_same_arguments(api: Api) -> None:
    now = api.clock.now
    api.scheduler.book("anna", "cut", sc.parse_instant(NINE_BERLIN), now=now)
    day = (MONDAY, MONDAY + timedelta(days=1))
    expected = api.scheduler.slots("cut", *day, resources=["anna"], now=now)
    got = api.admin.get("/v1/slots", service="cut", resources=["anna"], **DAY).json()["slots"]
    assert [s["start"] for s in got] == [sc.format_instant(s.start) for s in expected]
    assert got[0]["start"] == "2027-03-01T09:00:00Z"  # 08:30 is in the buffer of anna's booking
    assert {tuple(s["resources"]) for s in got} == {("anna",)}


def test_limit_seats_mode_and_location(memory_api: Api) -> None:
    admin = memory_api.admin
    assert len(admin.get("/v1/slots", service="cut", limit=3, **DAY).json()["slots"]) == 3
    yoga = admin.get("/v1/slots", service="yoga", seats=3, location="salon", **DAY).json()["slots"]
    assert yoga[0]["seats_left"] == 3 and yoga[0]["resources"] == ["anna"]
    assert admin.get("/v1/slots", service="yoga", seats=4, **DAY).json()["slots"] == []
    both = admin.get("/v1/slots", service="cut", mode="all", resources=["anna", "boris"], **DAY).json()["slots"]
    assert both[0]["resources"] == ["anna", "boris"]


@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"from": DAY["from"], "to": DAY["to"]}, "service", 400),
        ({"service": "cut", "to": DAY["to"]}, "from", 400),
        ({"service": "cut", "from": "2027-03-01", "to": DAY["to"]}, "from", 400),
        ({"service": "cut", "from": "2027-03-01T00:00:00", "to": DAY["to"]}, "from", 400),
        ({"service": "cut", "from": DAY["from"], "to": "tomorrow"}, "to", 400),
        ({"service": "cut", "from": DAY["to"], "to": DAY["from"]}, "to", 400),
        ({"service": "cut", "from": DAY["from"], "to": "2047-03-01T00:00:00Z"}, "to", 400),
        ({"service": "cut", "seats": "two", **DAY}, "seats", 400),
        ({"service": "cut", "seats": 0, **DAY}, "seats", 400),
        ({"service": "cut", "limit": 0, **DAY}, "limit", 400),
        ({"service": "cut", "mode": "some", **DAY}, "mode", 400),
        ({"service": "nope", **DAY}, "service", 404),
        ({"service": "cut", "location": "nowhere", **DAY}, "location", 404),
        ({"service": "cut", "resources": ["anna", "zed"], **DAY}, "resources[1]", 404),
    ],
)
def test_bad_input_names_the_parameter(memory_api: Api, params: dict, field: str, status: int) -> None:
    assert error_of(memory_api.admin.get("/v1/slots", **params), status)["field"] == field


def test_a_twenty_year_range_is_refused_with_the_schedulers_limit(memory_api: Api) -> None:
    error = error_of(memory_api.admin.get("/v1/slots", service="cut", **{**DAY, "to": "2047-03-01T00:00:00Z"}), 400)
    assert "366 days" in error["message"]


def test_staff_see_only_their_own_resource(memory_api: Api) -> None:
    slots = memory_api.staff.get("/v1/slots", service="cut", **DAY).json()["slots"]
    assert slots and {tuple(s["resources"]) for s in slots} == {("anna",)}
    error = error_of(memory_api.staff.get("/v1/slots", service="cut", resources=["anna", "boris"], **DAY), 403)
    assert error["field"] == "resources[1]"


def test_explain_lists_every_reason_per_resource(memory_api: Api) -> None:
    booked = memory_api.scheduler.book("anna", "cut", sc.parse_instant(NINE_BERLIN), now=memory_api.clock.now)
    answer = memory_api.admin.get("/v1/slots/explain", service="cut", start=NINE_BERLIN).json()
    assert answer["start"] == NINE_BERLIN
    anna, boris = answer["resources"]
    assert (anna["id"], anna["bookable"]) == ("anna", False)
    assert [(r["code"], r["booking"]) for r in anna["reasons"]] == [("busy", booked.id)]
    assert boris == {"id": "boris", "bookable": True, "reasons": []}

    night = memory_api.admin.get("/v1/slots/explain", service="cut", start="2027-03-01T02:00:00Z", resource="boris")
    assert [(r["id"], [x["code"] for x in r["reasons"]]) for r in night.json()["resources"]] == [
        ("boris", ["outside_hours"])
    ]


def test_explain_for_staff_is_their_own_resource_and_clients_may_not(memory_api: Api) -> None:
    own = memory_api.staff.get("/v1/slots/explain", service="cut", start=NINE_BERLIN).json()
    assert [r["id"] for r in own["resources"]] == ["anna"]
    assert error_of(memory_api.staff.get("/v1/slots/explain", service="cut", start=NINE_BERLIN, resource="boris"), 403)
    assert error_of(memory_api.client.get("/v1/slots/explain", service="cut", start=NINE_BERLIN), 403)


@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"start": NINE_BERLIN}, "service", 400),
        ({"service": "cut"}, "start", 400),
        ({"service": "cut", "start": "09:00"}, "start", 400),
        ({"service": "nope", "start": NINE_BERLIN}, "service", 404),
        ({"service": "cut", "start": NINE_BERLIN, "resource": "zed"}, "resource", 404),
        ({"service": "yoga", "start": NINE_BERLIN, "resource": "boris"}, "service", 400),
        ({"service": "cut", "start": NINE_BERLIN, "seats": 2}, "seats", 400),
    ],
)
def test_explain_bad_input_names_the_parameter(memory_api: Api, params: dict, field: str, status: int) -> None:
    assert error_of(memory_api.admin.get("/v1/slots/explain", **params), status)["field"] == field


def test_slots_for_a_move_leave_that_booking_out_only_for_who_may_see_it(memory_api: Api) -> None:
    booking = memory_api.client.post("/v1/bookings", {"resource": "anna", "service": "cut",
                                                      "start": "2027-03-01T08:00:00Z"}).json()
    day = {"from": "2027-03-01T00:00:00Z", "to": "2027-03-02T00:00:00Z"}
    starts = lambda **q: [s["start"] for s in memory_api.client.get(  # noqa: E731
        "/v1/slots", service="cut", resources="anna", **day, **q).json()["slots"]]
    assert "2027-03-01T08:00:00Z" not in starts()
    assert "2027-03-01T08:00:00Z" in starts(ignore_booking=booking["id"])
    other = memory_api.admin.post("/v1/bookings", {"resource": "boris", "service": "cut",
                                                   "start": "2027-03-01T08:00:00Z"}).json()
    refused = memory_api.client.get("/v1/slots", service="cut", ignore_booking=other["id"], **day)
    assert error_of(refused, 403)["field"] == "ignore_booking"
    assert error_of(memory_api.admin.get("/v1/slots", service="cut", ignore_booking="bk_none", **day), 404)[
        "field"] == "ignore_booking"


def test_a_clients_slots_follow_their_limits_and_name_no_other_client(memory_api: Api) -> None:
    # SPEC §11: one cut a day per client. A client key asks as its own client (c1).
    scheduler = memory_api.scheduler
    scheduler.put_service(sc.ServiceRecord(sc.Service("cut", timedelta(minutes=30), max_per_client_per_day=1),
                                           name="Haircut"))
    memory_api.client.post("/v1/bookings", {"resource": "anna", "service": "cut", "start": "2027-03-01T08:00:00Z"})
    starts = lambda caller, **q: [s["start"] for s in caller.get(  # noqa: E731
        "/v1/slots", service="cut", **DAY, **q).json()["slots"]]
    assert starts(memory_api.client) == []
    assert starts(memory_api.client, client="c1") == []
    assert starts(memory_api.admin, client="c1") == []
    assert len(starts(memory_api.admin)) > 10
    assert error_of(memory_api.client.get("/v1/slots", service="cut", client="c2", **DAY), 403)["field"] == "client"
    assert error_of(memory_api.admin.get("/v1/slots", service="cut", client="nobody", **DAY), 404)["field"] == "client"
