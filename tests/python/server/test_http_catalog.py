"""GET /v1/locations, /v1/resources, /v1/services and each item by id."""

from __future__ import annotations

import pytest

from .conftest import Api, error_of


def test_lists_are_the_catalog_in_its_json_form(api: Api) -> None:
    assert api.client.get("/v1/locations").json() == {
        "locations": [{"id": "salon", "name": "Salon", "archived": False}]
    }
    resources = api.client.get("/v1/resources").json()["resources"]
    assert [r["id"] for r in resources] == ["anna", "boris"]
    assert resources[0] == api.scheduler.resource("anna").to_dict()
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
