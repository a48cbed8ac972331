"""GET /v1/locations, /v1/resources, /v1/services and each item by id."""

from __future__ import annotations

import pytest

from .conftest import Api, error_of


def test_lists_are_the_catalog_in_its_json_form(api: Api) -> None:
    assert api.client.get("/v1/locations").json() == {
        "locations": [{"id": "salon", "name": "Salon", "archived": False}], "next": None
    }
    resources = api.client.get("/v1/resources").json()["resources"]
    assert [r["id"] for r in resources] == ["anna", "boris"]
    assert resources[0] == {**api.scheduler.resource("anna").to_dict(), "services": ["cut", "yoga"]}
    assert resources[0]["timezone"] == "Europe/Berlin"
    services = api.client.get("/v1/services").json()["services"]
    assert [(s["id"], s["duration"], s["capacity"]) for s in services] == [("cut", 30, 1), ("yoga", 60, 3)]


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/v1/locations/salon", "Salon"), ("/v1/resources/boris", "Boris"), ("/v1/services/cut", "Haircut")],
)
def test_an_item_by_id(memory_api: Api, path: str, expected: str) -> None:
    assert memory_api.staff.get(path).json()["name"] == expected


@pytest.mark.parametrize("kind", ["locations", "resources", "services"])
def test_an_unknown_id_is_404_naming_the_id(memory_api: Api, kind: str) -> None:
    error = error_of(memory_api.admin.get(f"/v1/{kind}/nope"), 404)
    assert error["field"] == "id"
    assert '"nope"' in error["message"]


def test_archived_records_are_listed_only_when_asked(memory_api: Api) -> None:
    memory_api.scheduler.archive_service("yoga", now=memory_api.clock.now)
    assert [s["id"] for s in memory_api.admin.get("/v1/services").json()["services"]] == ["cut"]
    listed = memory_api.admin.get("/v1/services", archived="true").json()["services"]
    assert [(s["id"], s["archived"]) for s in listed] == [("cut", False), ("yoga", True)]
    assert memory_api.admin.get("/v1/services/yoga").json()["archived"] is True


def test_a_bad_archived_flag_is_400_naming_it(memory_api: Api) -> None:
    assert error_of(memory_api.admin.get("/v1/locations", archived="maybe"), 400)["field"] == "archived"


# ---- writes ----

CARL = {"name": "Carl", "timezone": "Europe/Vienna",
        "schedules": [{"location": "salon", "weekly": {"sat": [["10:00", "14:00"]]}, "breaks": [["12:00", "12:30"]]}]}


def test_put_creates_a_resource_then_replaces_it_and_both_are_audited(api: Api) -> None:
    created = api.admin.put("/v1/resources/carl", CARL)
    assert created.status_code == 201, created.text
    assert created.json() == {**api.scheduler.resource("carl").to_dict(), "services": []}
    assert created.json()["schedules"][0]["weekly"]["sat"] == [["10:00", "14:00"]]
    replaced = api.admin.put("/v1/resources/carl", {**CARL, "name": "Carl M.", "id": "carl"})
    assert (replaced.status_code, replaced.json()["name"]) == (200, "Carl M.")
    assert [(e.action, e.subject) for e in api.scheduler.audit()[-2:]] == [("put_resource", "carl")] * 2


def test_a_new_resource_with_hours_and_a_link_is_bookable_at_once(memory_api: Api) -> None:
    memory_api.admin.put("/v1/resources/carl", CARL)
    linked = memory_api.admin.put("/v1/resources/carl/services/cut")
    assert linked.json()["services"] == ["cut"]
    assert memory_api.admin.get("/v1/services/cut").json()["providers"] == ["anna", "boris", "carl"]
    slots = memory_api.admin.get("/v1/slots", service="cut", resources="carl",
                                 **{"from": "2027-03-06T00:00:00Z", "to": "2027-03-07T00:00:00Z"}).json()["slots"]
    # every 30 minutes in Vienna but over the 12:00-12:30 break; buffers may pass the closing time (SPEC §4)
    assert [s["local_start"][11:16] for s in slots] == ["10:00", "10:30", "11:00", "11:30", "12:30", "13:00", "13:30"]
    unlinked = memory_api.admin.delete("/v1/resources/carl/services/cut")
    assert unlinked.json()["services"] == []
    refused = memory_api.admin.get("/v1/slots", service="cut", resources="carl",
                                   **{"from": "2027-03-06T00:00:00Z", "to": "2027-03-07T00:00:00Z"})
    assert error_of(refused, 400)["field"] == "resources[0]"


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/v1/resources/carl", {**CARL, "time_zone": "Europe/Vienna"}, 400, "time_zone"),  # the field is `timezone`
        ("/v1/resources/carl", {**CARL, "timezone": "Mars/Base"}, 400, "timezone"),
        ("/v1/resources/carl", {**CARL, "schedules": [{"location": "nowhere"}]}, 404, "schedules[0].location"),
        ("/v1/resources/carl", {**CARL, "schedules": [{"location": "salon", "weekly": {"sat": [["9:00", "14:00"]]}}]},
         400, "schedules[0].weekly.sat[0][0]"),
        ("/v1/resources/carl", {**CARL, "id": "karl"}, 400, "id"),
        ("/v1/resources/carl", {**CARL, "archived": True}, 400, "archived"),
        ("/v1/resources/carl", [CARL], 400, "body"),
        ("/v1/services/nails", {"duration": 0}, 400, "duration"),
        ("/v1/services/nails", {"duration": 45, "buffer": 10}, 400, "buffer"),
        ("/v1/services/nails", {"duration": 45, "locations": ["mars"]}, 404, "locations[0]"),
        ("/v1/services/nails", {"name": "Nails"}, 400, "duration"),
        ("/v1/locations/annex", {"name": 5}, 400, "name"),
        ("/v1/locations/annex", {"name": "Annex\u0000"}, 400, "name"),
        ("/v1/resources/carl", {**CARL, "name": "Carl\u001b[2J"}, 400, "name"),
        ("/v1/settings", {"reminder_offsets": [-5]}, 400, "reminder_offsets[0]"),
        ("/v1/settings", {"reminder_offsets": [60, 1440, 60]}, 400, "reminder_offsets[2]"),
        ("/v1/settings", {"slot_length": 30}, 400, "slot_length"),
        ("/v1/settings", {"global_breaks": [["13:00"]]}, 400, "global_breaks[0]"),
    ],
)
def test_a_bad_record_is_refused_naming_its_field_and_nothing_is_written(
    memory_api: Api, path: str, body: object, status: int, field: str
) -> None:
    before = (memory_api.scheduler.resources(include_archived=True), memory_api.scheduler.services(include_archived=True),
              memory_api.scheduler.locations(include_archived=True), memory_api.scheduler.settings(),
              len(memory_api.scheduler.audit()))
    assert error_of(memory_api.admin.put(path, body), status)["field"] == field
    after = (memory_api.scheduler.resources(include_archived=True), memory_api.scheduler.services(include_archived=True),
             memory_api.scheduler.locations(include_archived=True), memory_api.scheduler.settings(),
             len(memory_api.scheduler.audit()))
    assert after == before


def test_staff_change_their_own_resource_only_and_clients_nothing(memory_api: Api) -> None:
    anna = memory_api.staff.get("/v1/resources/anna").json()
    del anna["services"]
    anna["time_off"] = [{"start": "2027-03-01T08:00:00Z", "end": "2027-03-01T12:00:00Z"}]
    assert memory_api.staff.put("/v1/resources/anna", anna).status_code == 200
    assert memory_api.scheduler.resource("anna").time_off[0].end.hour == 12
    for field, value in (("name", "Queen Anna"), ("timezone", "Asia/Tokyo")):  # the admins' to change
        assert error_of(memory_api.staff.put("/v1/resources/anna", {**anna, field: value}), 403)["field"] == field
    assert (memory_api.scheduler.resource("anna").name, memory_api.scheduler.resource("anna").time_zone) == (
        "Anna", "Europe/Berlin")
    assert error_of(memory_api.staff.put("/v1/resources/boris", {**anna, "id": "boris"}), 403)["field"] == "id"
    assert error_of(memory_api.staff.put("/v1/resources/nova", {"timezone": "UTC"}), 403)["field"] == "id"
    assert memory_api.scheduler.resource("nova") is None
    for forbidden in (memory_api.staff.put("/v1/services/cut", {"duration": 5}),
                      memory_api.client.put("/v1/resources/anna", anna),
                      memory_api.staff.post("/v1/resources/anna/archive"),
                      memory_api.staff.put("/v1/resources/anna/services/cut"),
                      memory_api.client.put("/v1/settings", {})):
        assert error_of(forbidden, 403)["field"] == ""
    assert memory_api.scheduler.service("cut").rules.duration.seconds == 30 * 60


def test_archive_is_refused_while_bookings_are_to_come_then_archives_and_restores(api: Api) -> None:
    booking = api.admin.post("/v1/bookings", {"resource": "boris", "service": "cut", "start": "2027-03-01T08:00:00Z"}).json()
    refused = error_of(api.admin.post("/v1/resources/boris/archive"), 409)
    assert booking["id"] in refused["message"]
    assert api.admin.get("/v1/resources/boris").json()["archived"] is False
    api.admin.post(f"/v1/bookings/{booking['id']}/cancel")
    assert api.admin.post("/v1/resources/boris/archive").json()["archived"] is True
    assert [r["id"] for r in api.admin.get("/v1/resources").json()["resources"]] == ["anna"]
    assert api.admin.post("/v1/resources/boris/restore").json()["archived"] is False
    assert api.admin.put("/v1/locations/annex", {"name": "Annex"}).status_code == 201
    assert api.admin.post("/v1/locations/annex/archive").json() == {"id": "annex", "name": "Annex", "archived": True}
    assert error_of(api.admin.post("/v1/services/ghost/archive"), 404)["field"] == "id"


def test_settings_are_read_by_everyone_and_replaced_by_admins(memory_api: Api) -> None:
    assert memory_api.client.get("/v1/settings").json() == {"global_breaks": [], "reminder_offsets": []}
    saved = memory_api.admin.put("/v1/settings", {"reminder_offsets": [1440, 60], "global_breaks": [["12:00", "12:30"]],
                                                  "default_step": 60})
    assert saved.json() == {"default_step": 60, "global_breaks": [["12:00", "12:30"]], "reminder_offsets": [1440, 60]}
    assert memory_api.scheduler.settings().default_step.seconds == 3600


def test_lists_filter_by_what_they_relate_to(memory_api: Api) -> None:
    memory_api.admin.put("/v1/resources/carl", CARL)
    memory_api.admin.put("/v1/locations/annex", {"name": "Annex"})
    memory_api.admin.put("/v1/services/nails", {"duration": 45, "locations": ["annex"]})
    ids = lambda kind, **q: [r["id"] for r in memory_api.admin.get(f"/v1/{kind}", **q).json()[kind]]  # noqa: E731
    assert ids("resources", service="yoga") == ["anna"]
    assert ids("resources", location="salon") == ["anna", "boris", "carl"]
    assert ids("resources", location="annex") == []
    assert ids("services", resource="boris") == ["cut"]
    assert ids("services", location="annex") == ["cut", "nails", "yoga"]  # cut and yoga are offered everywhere
    assert ids("services", location="salon") == ["cut", "yoga"]
    assert error_of(memory_api.admin.get("/v1/resources", service="ghost"), 404)["field"] == "service"
    assert error_of(memory_api.admin.get("/v1/services", resource="ghost"), 404)["field"] == "resource"


def test_cursor_paging_walks_a_list_once_even_when_it_changes_between_pages(memory_api: Api) -> None:
    for n in range(7):
        memory_api.admin.put(f"/v1/locations/room-{n}", {"name": f"Room {n}"})
    first = memory_api.admin.get("/v1/locations", limit="3").json()
    assert [r["id"] for r in first["locations"]] == ["room-0", "room-1", "room-2"]
    memory_api.admin.put("/v1/locations/room-00", {})  # sorts before the cursor: not seen, nothing shifts
    second = memory_api.admin.get("/v1/locations", limit="3", cursor=first["next"]).json()
    assert [r["id"] for r in second["locations"]] == ["room-3", "room-4", "room-5"]
    third = memory_api.admin.get("/v1/locations", limit="3", cursor=second["next"]).json()
    assert [r["id"] for r in third["locations"]] == ["room-6", "salon"]
    assert third["next"] is None


@pytest.mark.parametrize(("params", "field"), [({"limit": "0"}, "limit"), ({"limit": "1001"}, "limit"),
                                               ({"cursor": "%%%"}, "cursor"), ({"cursor": "WzFd"}, "cursor")])
def test_bad_paging_is_400_naming_the_parameter(memory_api: Api, params: dict, field: str) -> None:
    assert error_of(memory_api.admin.get("/v1/resources", **params), 400)["field"] == field


@pytest.mark.parametrize("kind", ["locations", "resources", "services", "clients", "booking-links"])
@pytest.mark.parametrize("dots", ["%2E", "%2E%2E"])
def test_a_record_is_not_made_under_an_id_a_browser_reads_as_a_step_in_the_path(
        memory_api: Api, kind: str, dots: str) -> None:
    # A page could never reach it again: browsers turn `.` and `..` (and %2E) into path steps.
    bodies = {"locations": {"name": "Dot"}, "resources": {"name": "Dot", "timezone": "UTC"},
              "services": {"name": "Dot", "duration": 30}, "clients": {"name": "Dot"},
              "booking-links": {"title": "Dot", "resource": "anna"}}
    before = len(memory_api.scheduler.audit())
    assert error_of(memory_api.admin.put(f"/v1/{kind}/{dots}", bodies[kind]), 400)["field"] == "id"
    assert len(memory_api.scheduler.audit()) == before
