"""Clients over HTTP: list with filters, read, create or replace, find by messenger account."""

from __future__ import annotations

import pytest

from .conftest import Api, error_of


def test_a_client_is_created_replaced_and_read_by_admins_and_themselves(api: Api) -> None:
    created = api.admin.put("/v1/clients/c2", {"name": "Анна Иванова",
                                               "identities": [{"network": "vk", "external_id": "id77"}]})
    assert created.status_code == 201, created.text
    assert created.json() == {"id": "c2", "name": "Анна Иванова", "identities": [{"network": "vk", "external_id": "id77"}]}
    assert api.admin.put("/v1/clients/c2", {"name": "Анна"}).status_code == 200
    assert api.scheduler.client("c2").identities == []
    own = api.client.get("/v1/clients/c1").json()
    assert own["identities"] == [{"network": "telegram", "external_id": "tg-1"}]
    assert error_of(api.client.get("/v1/clients/c2"), 403)["field"] == "id"


def test_a_client_renames_themselves_but_cannot_create_or_touch_another(memory_api: Api) -> None:
    assert memory_api.client.put("/v1/clients/c1", {"name": "C. One", "identities": [
        {"network": "telegram", "external_id": "tg-1"}]}).json()["name"] == "C. One"
    assert error_of(memory_api.client.put("/v1/clients/c9", {"name": "Sneaky"}), 403)["field"] == "id"
    assert memory_api.scheduler.client("c9") is None
    # A name alone keeps the accounts; claiming another messenger account (someone else's, perhaps) is refused.
    assert memory_api.client.put("/v1/clients/c1", {"name": "C1"}).json()["identities"] == [
        {"network": "telegram", "external_id": "tg-1"}]
    claimed = {"name": "C1", "identities": [{"network": "telegram", "external_id": "tg-1"},
                                            {"network": "whatsapp", "external_id": "+4917000000"}]}
    assert error_of(memory_api.client.put("/v1/clients/c1", claimed), 403)["field"] == "identities"
    assert len(memory_api.scheduler.client("c1").identities) == 1


def test_staff_read_clients_but_create_and_replace_none(memory_api: Api) -> None:
    before = memory_api.scheduler.client("c1").to_dict()
    assert error_of(memory_api.staff.put("/v1/clients/c9", {"name": "New"}), 403)["field"] == ""
    assert error_of(memory_api.staff.put("/v1/clients/c1", {"name": "Renamed"}), 403)["field"] == ""
    assert memory_api.scheduler.client("c9") is None
    assert memory_api.scheduler.client("c1").to_dict() == before
    assert memory_api.staff.get("/v1/clients/c1").json()["name"] == before["name"]


def test_an_identity_another_client_has_is_409_naming_it_and_nothing_is_written(memory_api: Api) -> None:
    refused = memory_api.admin.put("/v1/clients/c2", {"name": "Two", "identities": [
        {"network": "vk", "external_id": "v"}, {"network": "telegram", "external_id": "tg-1"}]})
    error = error_of(refused, 409)
    assert error["field"] == "identities[1]" and "c1" in error["message"]
    assert memory_api.scheduler.client("c2") is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "identities": [{"network": "icq", "external_id": "1"}]}, "identities[0].network"),
        ({"name": "x", "identities": [{"network": "vk"}]}, "identities[0].external_id"),
        ({"name": "x", "phone": "+49"}, "phone"),
        ({"name": 7}, "name"),
        ({"id": "c3", "name": "x"}, "id"),
        ("c2", "body"),
    ],
)
def test_a_bad_client_is_400_naming_the_field(memory_api: Api, body: object, field: str) -> None:
    assert error_of(memory_api.admin.put("/v1/clients/c2", body), 400)["field"] == field
    assert memory_api.scheduler.client("c2") is None


def test_a_bot_finds_or_makes_the_client_of_a_messenger_account(memory_api: Api) -> None:
    known = memory_api.admin.post("/v1/clients/by-identity", {"network": "telegram", "external_id": "tg-1", "name": "x"})
    assert known.json()["id"] == "c1"
    made = memory_api.admin.post("/v1/clients/by-identity", {"network": "whatsapp", "external_id": "+7 900", "name": "Оля"})
    again = memory_api.admin.post("/v1/clients/by-identity", {"network": "whatsapp", "external_id": "+7 900"})
    assert made.json() == again.json() and made.json()["name"] == "Оля"
    assert error_of(memory_api.admin.post("/v1/clients/by-identity", {"network": "fax", "external_id": "1"}), 400)[
        "field"] == "network"
    assert error_of(memory_api.admin.post("/v1/clients/by-identity", {"network": "vk"}), 400)["field"] == "external_id"
    assert error_of(memory_api.staff.post("/v1/clients/by-identity", {"network": "vk", "external_id": "1"}), 403)


def test_the_client_list_filters_by_name_and_account_and_pages(memory_api: Api) -> None:
    for n, name in enumerate(("Анна Петрова", "Boris", "анна ким")):
        memory_api.admin.put(f"/v1/clients/k{n}", {"name": name, "identities": [{"network": "vk", "external_id": f"v{n}"}]})
    ids = lambda **q: [c["id"] for c in memory_api.staff.get("/v1/clients", **q).json()["clients"]]  # noqa: E731
    assert ids() == ["c1", "k0", "k1", "k2"]
    assert ids(name="АННА") == ["k0", "k2"]
    assert ids(network="vk", external_id="v1") == ["k1"]
    assert ids(network="telegram", external_id="v1") == []
    page = memory_api.admin.get("/v1/clients", limit="3").json()
    assert len(page["clients"]) == 3
    assert [c["id"] for c in memory_api.admin.get("/v1/clients", cursor=page["next"]).json()["clients"]] == ["k2"]
    assert error_of(memory_api.admin.get("/v1/clients", network="vk"), 400)["field"] == "external_id"
    assert error_of(memory_api.admin.get("/v1/clients", network="icq", external_id="1"), 400)["field"] == "network"
    assert error_of(memory_api.client.get("/v1/clients"), 403)
