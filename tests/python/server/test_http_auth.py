"""API keys and roles: every route has a rule, every route against every role, keys stored hashed."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

import slotcraft as sc
import slotcraft.server as server
from conftest import build_salon
from slotcraft.server import reference
from slotcraft.server.routes import all_public, all_rules

from .conftest import ROLES, Api, error_of


def api_routes(api: Api) -> list[APIRoute]:
    """Every route of the API: under /v1, but the reference page's (public
    files: test_http_openapi.py); the pages and their files are outside /v1."""
    page = {"/v1" + r.path for r in reference.routes().routes}
    found = [r for r in api.app.routes if isinstance(r, APIRoute) and r.path.startswith("/v1/") and r.path not in page]
    assert len(found) == len([r for r in api.app.routes if isinstance(r, APIRoute) and r.path.startswith("/v1/")]) - len(page)
    return found


def test_every_route_has_a_rule_and_every_rule_a_route(memory_api: Api) -> None:
    rules, public = all_rules(), all_public()
    names = [r.name for r in api_routes(memory_api)]
    assert len(names) == len(set(names))
    assert [n for n in names if n not in rules and n not in public] == []
    assert sorted([*rules, *public]) == sorted(names)


def test_every_route_against_every_role(memory_api: Api) -> None:
    """Refused roles get the route's 403 (no field) before anything is read; allowed
    ones never get 401 nor that 403 (their requests here are empty, so they get
    200, 400, 404, or a 403 naming what they may not touch: another client's
    record); no key is 401."""
    rules, public = all_rules(), all_public()
    checked = 0
    for route in api_routes(memory_api):
        path = re.sub(r"\{\w+\}", "nope", route.path)
        for method in route.methods:
            for role in (*ROLES, None):
                response = memory_api.http.request(method, path, headers=_bearer(memory_api, role))
                refused_by_route = response.status_code == 403 and response.json()["error"]["field"] == ""
                if route.name in public:
                    expected = {400, 401, 403, 404}  # its own credentials are missing, whatever the key
                elif role is None:
                    expected = {401}
                elif role in rules[route.name]:
                    expected = {200, 400, 403, 404}
                    assert not refused_by_route, (method, path, role, response.text)
                else:
                    expected = {403}
                    assert refused_by_route, (method, path, role, response.text)
                assert response.status_code in expected, (method, path, role, response.text)
                checked += 1
    assert checked == len(api_routes(memory_api)) * (len(ROLES) + 1)


def _bearer(api: Api, role: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.texts[role]}"} if role else {}


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwdw==", "Bearer sck_000000000000_wrong", "Bearer not-a-key",
     "Bearer sck_"],
)
def test_a_missing_or_unknown_key_is_401(memory_api: Api, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = memory_api.http.get("/v1/locations", headers=headers)
    assert error_of(response, 401)["field"] == "Authorization"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_key_with_a_wrong_secret_is_401(memory_api: Api) -> None:
    admin = memory_api.texts["admin"]
    forged = admin[:-4] + ("AAAA" if not admin.endswith("AAAA") else "BBBB")
    assert error_of(memory_api.http.get("/v1/locations", headers={"Authorization": f"Bearer {forged}"}), 401)


def test_a_revoked_key_is_refused_at_once(memory_api: Api) -> None:
    assert memory_api.staff.get("/v1/locations").status_code == 200
    staff_id = next(k.id for k in memory_api.keys.all() if k.role == "staff")
    assert memory_api.keys.revoke(staff_id)
    assert not memory_api.keys.revoke(staff_id)
    assert error_of(memory_api.staff.get("/v1/locations"), 401)
    assert memory_api.admin.get("/v1/locations").status_code == 200
    assert {k.role: k.revoked_at != "" for k in memory_api.keys.all()} == {
        "admin": False, "staff": True, "client": False, "worker": False}


def test_keys_are_stored_hashed_beside_slotcraft_tables(tmp_path: Path) -> None:
    db = tmp_path / "salon.sqlite"
    keys = server.ApiKeys(build_salon(str(db)))
    key, text = keys.create("front desk", "staff", resource="boris")
    keys.close()
    assert re.fullmatch(r"sck_[0-9a-f]{12}_[\w-]{43}", text)
    assert text.split("_")[1] == key.id
    with sqlite3.connect(db) as raw:
        (stored,) = raw.execute("SELECT secret_hash FROM server_api_keys WHERE id = ?", (key.id,)).fetchone()
    assert stored.startswith("scrypt$") and text.split("_", 2)[2] not in stored
    # slotcraft still opens the file with the foreign table in it, and the key still works
    reopened = server.ApiKeys(sc.Scheduler(str(db)))
    assert reopened.verify(text) == key
    assert reopened.verify(text).principal == server.Principal("staff", f"key:{key.id}", resource="boris")
    reopened.close()


@pytest.mark.parametrize(
    ("name", "role", "resource", "client", "field", "status"),
    [
        ("", "admin", "", "", "name", 400),
        ("x", "owner", "", "", "role", 400),
        ("x", "staff", "", "", "resource", 400),
        ("x", "admin", "anna", "", "resource", 400),
        ("x", "client", "", "", "client", 400),
        ("x", "staff", "anna", "c1", "client", 400),
        ("x", "staff", "zed", "", "resource", 404),
        ("x", "client", "", "nobody", "client", 404),
    ],
)
def test_a_key_is_created_only_for_a_role_and_what_it_acts_on(
    memory_api: Api, name: str, role: str, resource: str, client: str, field: str, status: int
) -> None:
    with pytest.raises(server.ApiError) as refused:
        memory_api.keys.create(name, role, resource=resource, client=client)
    assert (refused.value.field, refused.value.status_code) == (field, status)
