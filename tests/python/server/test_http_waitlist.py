"""The waiting list over HTTP: join, a worker's pass offering a freed start as a
hold, list, leave, and who may do what."""

from __future__ import annotations

from .conftest import Api, error_of

NINE = "2027-03-01T08:00:00Z"  # Monday 09:00 in Berlin
NINE_ONE = "2027-03-01T08:01:00Z"


def test_a_waiter_gets_the_freed_start_as_a_hold_from_a_workers_pass_and_leaves(api: Api) -> None:
    taken = api.admin.post("/v1/bookings", {"resource": "anna", "service": "cut", "start": NINE}).json()
    api.admin.post("/v1/bookings", {"resource": "boris", "service": "cut", "start": NINE})
    joined = api.client.post("/v1/waitlist", {"service": "cut", "start": NINE, "end": NINE_ONE,
                                              "offer_ttl_minutes": 20})
    assert joined.status_code == 201, joined.text
    entry = joined.json()
    assert (entry["client"], entry["status"], entry["offer_ttl"]) == ("c1", "waiting", 20)
    assert api.admin.post("/v1/waitlist/process").json() == {"offers": []}

    api.admin.post(f"/v1/bookings/{taken['id']}/cancel")
    offers = api.admin.post("/v1/waitlist/process").json()["offers"]
    assert [(o["entry"]["id"], o["hold"]["client"], o["hold"]["status"]) for o in offers] == [
        (entry["id"], "c1", "held")]
    assert offers[0]["hold"]["local_start"] == "2027-03-01T09:00:00+01:00"
    assert api.admin.post("/v1/waitlist/process").json() == {"offers": []}  # offered once
    mine = api.client.get("/v1/waitlist").json()["entries"]
    assert [(e["id"], e["status"], e["offer"]) for e in mine] == [(entry["id"], "offered", offers[0]["hold"]["id"])]
    assert api.client.get(f"/v1/waitlist/{entry['id']}").json()["status"] == "offered"

    left = api.client.post(f"/v1/waitlist/{entry['id']}/leave")
    assert left.status_code == 200, left.text
    assert left.json()["status"] == "left"
    assert api.admin.get(f"/v1/bookings/{offers[0]['hold']['id']}").json()["status"] == "cancelled"


def test_waitlist_bad_input_names_the_field_and_roles_are_kept(memory_api: Api) -> None:
    def join(body: dict[str, object], status: int) -> str:
        field: str = error_of(memory_api.admin.post("/v1/waitlist", body), status)["field"]
        return field

    base = {"client": "c1", "service": "cut", "start": NINE, "end": NINE_ONE}
    assert join({**base, "end": NINE}, 400) == "end"
    assert join({**base, "offer_ttl_minutes": 0}, 400) == "offer_ttl_minutes"
    assert join({**base, "offer_ttl_minutes": 10**15}, 400) == "offer_ttl_minutes"  # beyond any duration
    assert join({**base, "seats": 0}, 400) == "seats"
    assert join({**base, "client": "nobody"}, 404) == "client"
    assert join({**base, "service": "nope"}, 404) == "service"
    assert join({**base, "colour": "red"}, 400) == "colour"
    assert join({k: v for k, v in base.items() if k != "start"}, 400) == "start"
    assert error_of(memory_api.client.post("/v1/waitlist", {**base, "client": "c2"}), 403)["field"] == "client"
    error_of(memory_api.client.post("/v1/waitlist/process"), 403)
    assert error_of(memory_api.admin.get("/v1/waitlist/wl_nope"), 404)["field"] == "id"
    assert error_of(memory_api.admin.get("/v1/waitlist"), 400)["field"] == "client"
    assert memory_api.admin.get("/v1/waitlist", client="c1").json() == {"entries": []}
