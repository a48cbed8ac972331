"""POST /v1/bookings (idempotent), GET one and a list, cancel, reschedule."""

from __future__ import annotations

from typing import Any

import pytest

import slotcraft as sc

from .conftest import Api, Caller, error_of

NINE = "2027-03-01T08:00:00Z"  # Monday 09:00 in Berlin
TEN = "2027-03-01T09:00:00Z"
WEEK = {"from": "2027-03-01T00:00:00Z", "to": "2027-03-08T00:00:00Z"}


def cut(start: str = NINE, **more: Any) -> dict[str, Any]:
    return {"resource": "anna", "service": "cut", "start": start, **more}


def test_a_booking_is_created_and_read_back(api: Api) -> None:
    created = api.admin.post("/v1/bookings", cut(client="c1"))
    assert created.status_code == 201, created.text
    booking = created.json()
    assert (booking["resource"], booking["service"], booking["client"], booking["status"]) == (
        "anna", "cut", "c1", "confirmed")
    assert (booking["start"], booking["end"]) == (NINE, "2027-03-01T08:30:00Z")
    assert (booking["time_zone"], booking["local_start"], booking["local_end"]) == (
        "Europe/Berlin", "2027-03-01T09:00:00+01:00", "2027-03-01T09:30:00+01:00")
    assert booking == {**api.scheduler.booking(booking["id"]).to_dict(), **{
        k: booking[k] for k in ("time_zone", "local_start", "local_end")}}
    assert api.admin.get(f"/v1/bookings/{booking['id']}").json() == booking
    audit = api.scheduler.audit()[-1]
    assert (audit.action, audit.subject) == ("book", booking["id"])
    assert audit.actor.startswith("key:")


def test_a_double_booking_is_409_with_every_reason(api: Api) -> None:
    first = api.admin.post("/v1/bookings", cut()).json()
    error = error_of(api.admin.post("/v1/bookings", cut()), 409)
    assert error["field"] == "start"
    assert [(r["code"], r["booking"]) for r in error["reasons"]] == [("busy", first["id"])]
    assert "09:00" in error["reasons"][0]["message"]  # said in Berlin time
    buffer = error_of(api.admin.post("/v1/bookings", cut("2027-03-01T08:30:00Z")), 409)
    assert [r["code"] for r in buffer["reasons"]] == ["buffer"]


def test_the_same_idempotency_key_and_body_answer_the_first_booking(api: Api) -> None:
    key = {"Idempotency-Key": "order-17"}
    first = api.client.post("/v1/bookings", cut(), headers=key)
    again = api.client.post("/v1/bookings", cut(), headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(api.scheduler.client_bookings("c1", now=api.clock.now)) == 1


def test_idempotency_keys_are_per_caller_for_bookings_holds_and_series(api: Api) -> None:
    # Another caller's key of the same text neither blocks nor answers ours, nor tells us it was used.
    api.scheduler.put_client(sc.Client("c2", name="Client Two"))
    other = Caller(api.http, api.keys.create("client two's bot", "client", client="c2")[1])
    key = {"Idempotency-Key": "order-1"}
    mine = api.client.post("/v1/bookings", cut(), headers=key)
    theirs = other.post("/v1/bookings", cut(TEN), headers=key)
    assert mine.status_code == theirs.status_code == 201, theirs.text
    assert mine.json()["id"] != theirs.json()["id"]
    assert mine.json()["idempotency_key"] == theirs.json()["idempotency_key"] == "order-1"
    assert api.client.post("/v1/bookings", cut(), headers=key).json() == mine.json()
    held = {"Idempotency-Key": "hold-1"}
    assert api.client.post("/v1/holds", {**cut("2027-03-01T10:00:00Z"), "ttl_minutes": 10}, headers=held).status_code == 201
    assert other.post("/v1/holds", {**cut("2027-03-01T11:00:00Z"), "ttl_minutes": 10}, headers=held).status_code == 201
    weekly = {**cut("2027-03-02T08:00:00Z"), "rrule": "FREQ=WEEKLY;COUNT=2"}
    series = {"Idempotency-Key": "series-1"}
    assert api.client.post("/v1/series", weekly, headers=series).status_code == 201
    assert other.post("/v1/series", {**weekly, "start": "2027-03-02T09:00:00Z"}, headers=series).status_code == 201


@pytest.mark.parametrize("other", [cut(TEN), cut(resource="boris"), cut(seats=1, client="")])
def test_the_same_idempotency_key_with_another_body_is_409(memory_api: Api, other: dict[str, Any]) -> None:
    key = {"Idempotency-Key": "order-17"}
    assert memory_api.admin.post("/v1/bookings", cut(client="c1"), headers=key).status_code == 201
    error = error_of(memory_api.admin.post("/v1/bookings", other, headers=key), 409)
    assert error["field"] == "Idempotency-Key"
    assert error["reasons"] == []


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"service": "cut", "start": NINE}, "resource", 400),
        (cut(resource=7), "resource", 400),
        ({"resource": "anna", "start": NINE}, "service", 400),
        (cut(start=None), "start", 400),
        (cut(start="2027-03-01T08:00:00"), "start", 400),
        (cut(start=1772352000), "start", 400),
        (cut(seats=0), "seats", 400),
        (cut(seats="1"), "seats", 400),
        (cut(seats=2), "seats", 400),
        (cut(colour="red"), "colour", 400),
        (cut(resource="zed"), "resource", 404),
        (cut(service="nope"), "service", 404),
        (cut(location="nowhere"), "location", 404),
        (cut(client="nobody"), "client", 404),
        (cut(service="yoga", resource="boris"), "service", 400),
        (["anna"], "body", 400),
    ],
)
def test_bad_input_names_the_field(memory_api: Api, body: Any, field: str, status: int) -> None:
    assert error_of(memory_api.admin.post("/v1/bookings", body), status)["field"] == field


def test_no_body_and_a_long_idempotency_key_are_400(memory_api: Api) -> None:
    assert error_of(memory_api.admin.post("/v1/bookings"), 400)["field"] == "body"
    long_key = {"Idempotency-Key": "k" * 256}
    assert error_of(memory_api.admin.post("/v1/bookings", cut(), headers=long_key), 400)["field"] == "Idempotency-Key"


def test_an_unknown_booking_is_404(memory_api: Api) -> None:
    for response in (
        memory_api.admin.get("/v1/bookings/bk_nope"),
        memory_api.admin.post("/v1/bookings/bk_nope/cancel"),
        memory_api.admin.post("/v1/bookings/bk_nope/reschedule", {"start": TEN}),
    ):
        assert error_of(response, 404)["field"] == "id"


def test_clients_book_and_see_only_their_own(memory_api: Api) -> None:
    mine = memory_api.client.post("/v1/bookings", cut()).json()
    assert mine["client"] == "c1"
    memory_api.scheduler.put_client(sc.Client("c2"))
    theirs = memory_api.admin.post("/v1/bookings", cut(TEN, client="c2")).json()
    assert error_of(memory_api.client.post("/v1/bookings", cut(TEN, client="c2")), 403)["field"] == "client"
    for response in (
        memory_api.client.get(f"/v1/bookings/{theirs['id']}"),
        memory_api.client.post(f"/v1/bookings/{theirs['id']}/cancel"),
        memory_api.client.post(f"/v1/bookings/{theirs['id']}/reschedule", {"start": NINE}),
    ):
        assert error_of(response, 403)["field"] == "id"
    assert [b["id"] for b in memory_api.client.get("/v1/bookings").json()["bookings"]] == [mine["id"]]
    assert error_of(memory_api.client.get("/v1/bookings", client="c2"), 403)["field"] == "client"


def test_staff_book_and_see_only_their_own_resource(memory_api: Api) -> None:
    assert memory_api.staff.post("/v1/bookings", cut()).status_code == 201
    boris = memory_api.admin.post("/v1/bookings", cut(resource="boris")).json()
    assert error_of(memory_api.staff.post("/v1/bookings", cut(TEN, resource="boris")), 403)["field"] == "resource"
    assert error_of(memory_api.staff.get(f"/v1/bookings/{boris['id']}"), 403)["field"] == "id"
    listed = memory_api.staff.get("/v1/bookings", **WEEK).json()["bookings"]
    assert [b["resource"] for b in listed] == ["anna"]
    assert error_of(memory_api.staff.get("/v1/bookings", resource="boris", **WEEK), 403)["field"] == "resource"


def test_a_resources_bookings_in_a_range(api: Api) -> None:
    ids = [api.admin.post("/v1/bookings", cut(start, client=client)).json()["id"]
           for start, client in ((NINE, "c1"), (TEN, ""), ("2027-03-08T08:00:00Z", "c1"))]
    listed = api.admin.get("/v1/bookings", resource="anna", **WEEK).json()["bookings"]
    assert [b["id"] for b in listed] == ids[:2]
    assert listed[0]["local_start"] == "2027-03-01T09:00:00+01:00"
    of_c1 = api.admin.get("/v1/bookings", resource="anna", client="c1", **WEEK).json()["bookings"]
    assert [b["id"] for b in of_c1] == ids[:1]
    first_hour = {"from": NINE, "to": "2027-03-01T08:30:00Z"}
    assert [b["id"] for b in api.admin.get("/v1/bookings", resource="anna", **first_hour).json()["bookings"]] == ids[:1]


def test_a_clients_bookings_active_or_past_and_cancelled(memory_api: Api) -> None:
    booking = memory_api.admin.post("/v1/bookings", cut(client="c1")).json()
    assert [b["id"] for b in memory_api.admin.get("/v1/bookings", client="c1").json()["bookings"]] == [booking["id"]]
    memory_api.admin.post(f"/v1/bookings/{booking['id']}/cancel")
    assert memory_api.admin.get("/v1/bookings", client="c1").json()["bookings"] == []
    gone = memory_api.admin.get("/v1/bookings", client="c1", active="false").json()["bookings"]
    assert [(b["id"], b["status"]) for b in gone] == [(booking["id"], "cancelled")]


def test_a_clients_bookings_keep_the_lists_other_filters(memory_api: Api) -> None:
    admin = memory_api.admin
    anna = admin.post("/v1/bookings", cut(client="c1")).json()
    boris = admin.post("/v1/bookings", cut(resource="boris", client="c1")).json()
    ids = lambda **q: [b["id"] for b in admin.get("/v1/bookings", client="c1", **q).json()["bookings"]]  # noqa: E731
    assert sorted(ids()) == sorted([anna["id"], boris["id"]])
    assert ids(resource="boris") == [boris["id"]]
    assert ids(resources="anna") == [anna["id"]]
    assert ids(service="yoga") == []
    assert ids(status="held") == []
    assert sorted(ids(status="confirmed")) == sorted([anna["id"], boris["id"]])
    assert error_of(admin.get("/v1/bookings", client="c1", status="gone"), 400)["field"] == "status"
    # A client or service nobody has is a 404 naming it, with a period or without.
    for period in ({}, WEEK):
        assert error_of(admin.get("/v1/bookings", client="nobody", **period), 404)["field"] == "client"
        assert error_of(admin.get("/v1/bookings", client="c1", service="massage", **period), 404)["field"] == "service"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "from"),
        ({"resource": "anna", "from": WEEK["from"], "to": WEEK["to"], "status": "gone"}, "status"),
        ({"from": WEEK["from"], "to": WEEK["to"], "cursor": "not-a-cursor"}, "cursor"),
        ({"from": WEEK["from"], "to": WEEK["to"], "limit": "0"}, "limit"),
        ({"resource": "anna", "to": WEEK["to"]}, "from"),
        ({"resource": "anna", "from": WEEK["from"]}, "to"),
        ({"resource": "anna", "from": WEEK["to"], "to": WEEK["from"]}, "to"),
        ({"resource": "anna", "from": WEEK["from"], "to": "2047-03-01T00:00:00Z"}, "to"),
        ({"resource": "anna", "from": "monday", "to": WEEK["to"]}, "from"),
        ({"client": "c1", "active": "often"}, "active"),
    ],
)
def test_a_list_with_bad_input_names_the_parameter(memory_api: Api, params: dict, field: str) -> None:
    assert error_of(memory_api.admin.get("/v1/bookings", **params), 400)["field"] == field


def test_cancel_keeps_the_reason_and_twice_is_the_same(api: Api) -> None:
    booking = api.client.post("/v1/bookings", cut()).json()
    cancelled = api.client.post(f"/v1/bookings/{booking['id']}/cancel", {"reason": "ill"})
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == ("cancelled", "ill")
    assert api.client.post(f"/v1/bookings/{booking['id']}/cancel").json()["status"] == "cancelled"
    assert api.client.post("/v1/bookings", cut()).status_code == 201  # the time is free again
    assert error_of(api.client.post(f"/v1/bookings/{booking['id']}/cancel", {"reason": 3}), 400)["field"] == "reason"


def test_reschedule_moves_or_answers_409_with_the_reasons(api: Api) -> None:
    booking = api.staff.post("/v1/bookings", cut()).json()
    moved = api.staff.post(f"/v1/bookings/{booking['id']}/reschedule", {"start": TEN})
    assert moved.status_code == 200
    assert (moved.json()["id"], moved.json()["start"], moved.json()["local_start"]) == (
        booking["id"], TEN, "2027-03-01T10:00:00+01:00")
    lunch = error_of(api.staff.post(f"/v1/bookings/{booking['id']}/reschedule", {"start": "2027-03-01T12:00:00Z"}), 409)
    assert [r["code"] for r in lunch["reasons"]] == ["break"]
    assert api.scheduler.booking(booking["id"]).start.hour == 9  # still at 10:00 Berlin


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [({}, "start", 400), ({"start": "10:00"}, "start", 400), ({"start": TEN, "location": "nowhere"}, "location", 404),
     ({"start": TEN, "when": "now"}, "when", 400)],
)
def test_reschedule_bad_input_names_the_field(memory_api: Api, body: dict, field: str, status: int) -> None:
    booking = memory_api.admin.post("/v1/bookings", cut()).json()
    assert error_of(memory_api.admin.post(f"/v1/bookings/{booking['id']}/reschedule", body), status)["field"] == field


def test_the_booking_list_filters_by_status_service_client_and_pages_by_start(memory_api: Api) -> None:
    admin = memory_api.admin
    ids = [admin.post("/v1/bookings", cut(f"2027-03-0{day}T08:00:00Z", client="c1" if day % 2 else "")).json()["id"]
           for day in (5, 1, 3, 2, 4)]
    by_start = [ids[1], ids[3], ids[2], ids[4], ids[0]]
    yoga = admin.post("/v1/bookings", {"resource": "anna", "service": "yoga", "start": "2027-03-01T10:00:00Z"}).json()
    admin.post(f"/v1/bookings/{ids[3]}/cancel")
    listed = lambda **q: [b["id"] for b in admin.get("/v1/bookings", **WEEK, **q).json()["bookings"]]  # noqa: E731
    assert listed() == [by_start[0], yoga["id"], *by_start[1:]]
    assert listed(status="cancelled") == [ids[3]]
    assert listed(service="yoga") == [yoga["id"]]
    assert listed(client="c1") == [ids[1], ids[2], ids[0]]
    assert listed(resources=["boris"]) == []
    pages, cursor = [], ""
    while True:
        answer = admin.get("/v1/bookings", **WEEK, limit="2", **({"cursor": cursor} if cursor else {})).json()
        pages.append([b["id"] for b in answer["bookings"]])
        if not (cursor := answer["next"]):
            break
    assert pages == [[by_start[0], yoga["id"]], by_start[1:3], by_start[3:5]]
    assert error_of(admin.get("/v1/bookings", resources=["anna", "zed"], **WEEK), 404)["field"] == "resources[1]"


def test_a_client_lists_only_their_own_bookings_in_a_period(memory_api: Api) -> None:
    own = memory_api.admin.post("/v1/bookings", cut(client="c1")).json()
    memory_api.admin.post("/v1/bookings", cut(TEN))
    assert [b["id"] for b in memory_api.client.get("/v1/bookings", **WEEK).json()["bookings"]] == [own["id"]]
    assert error_of(memory_api.client.get("/v1/bookings", client="c2", **WEEK), 403)["field"] == "client"


def test_attendance_is_marked_by_staff_once_the_start_has_passed(memory_api: Api) -> None:
    booking = memory_api.client.post("/v1/bookings", cut()).json()
    early = error_of(memory_api.staff.post(f"/v1/bookings/{booking['id']}/attendance", {"attendance": "attended"}), 409)
    assert early["field"]
    memory_api.clock.now = memory_api.clock.now.replace(day=1, month=3, hour=9)
    marked = memory_api.staff.post(f"/v1/bookings/{booking['id']}/attendance", {"attendance": "no_show"})
    assert (marked.status_code, marked.json()["attendance"]) == (200, "no_show")
    assert error_of(memory_api.staff.post(f"/v1/bookings/{booking['id']}/attendance", {"attendance": "late"}), 400)[
        "field"] == "attendance"
    assert error_of(memory_api.client.post(f"/v1/bookings/{booking['id']}/attendance", {"attendance": "attended"}), 403)
    assert memory_api.scheduler.booking(booking["id"]).attendance == sc.Attendance.no_show


def test_a_service_with_a_room_pool_lists_the_rooms_and_books_the_one_named(api: Api) -> None:
    """SPEC §10 over HTTP: the service's pools are put with it, slots list the free
    rooms, a booking names its room (or gets the preferred one), a busy room is 409."""
    room = {"timezone": "Europe/Berlin", "schedules": [{"location": "salon", "weekly": {"mon": [["09:00", "12:00"]]}}]}
    for rid in ("room-1", "room-2"):
        assert api.admin.put(f"/v1/resources/{rid}", room).status_code == 201
    put = api.admin.put("/v1/services/color", {"name": "Colour", "duration": 60,
                                               "pools": [{"id": "room", "resources": ["room-1", "room-2"]}]})
    assert put.status_code == 201, put.text
    assert put.json()["pools"] == [{"id": "room", "resources": ["room-1", "room-2"]}]
    for master in ("anna", "boris"):
        api.scheduler.link(master, "color")
    slots = api.client.get("/v1/slots", service="color", **{"from": NINE, "to": TEN}).json()["slots"]
    assert [(s["start"], s["pools"]) for s in slots] == [(NINE, {"room": ["room-1", "room-2"]})]

    named = api.admin.post("/v1/bookings", {"resource": "anna", "service": "color", "start": NINE,
                                            "pool_members": {"room": "room-2"}})
    assert named.status_code == 201, named.text
    rooms = api.scheduler.upcoming("room-2", sc.parse_instant(NINE), 1)
    assert [(b.group, b.pool) for b in rooms] == [(named.json()["id"], "room")]
    busy = error_of(api.admin.post("/v1/bookings", {"resource": "boris", "service": "color", "start": NINE,
                                                    "pool_members": {"room": "room-2"}}), 409)
    assert [r["code"] for r in busy["reasons"]] == ["pool_busy"]
    other = api.admin.post("/v1/bookings", {"resource": "boris", "service": "color", "start": NINE})
    assert other.status_code == 201, other.text
    assert [b.group for b in api.scheduler.upcoming("room-1", sc.parse_instant(NINE), 1)] == [other.json()["id"]]
    assert error_of(api.admin.post("/v1/bookings", cut(TEN, pool_members={"room": "room-1"})), 400)["field"] == (
        "pool_members.room")
    assert error_of(api.admin.post("/v1/bookings", cut(TEN, pool_members=["room-1"])), 400)["field"] == "pool_members"
