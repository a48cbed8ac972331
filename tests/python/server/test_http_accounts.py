"""What admins manage over HTTP: users (invites, roles, disabling) and API keys
(made, shown once, revoked); bad input per field; the `users` command."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import slotcraft as sc
import slotcraft.server as server
from conftest import NOW, build_salon
from slotcraft.server import passwords

from .browsers import PASSWORD, browser, make_user
from .conftest import Api, error_of
from .test_http_process import SERVER
from .test_http_router import developer_app


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords are hashed at a low argon2 cost here (the CLI's subprocesses use the real one)."""
    monkeypatch.setattr(passwords, "ARGON2_COST", {"time_cost": 1, "memory_cost": 8, "parallelism": 1})


def patch(api: Api, path: str, body: Any) -> Any:
    return api.http.patch(path, json=body, headers={"Authorization": f"Bearer {api.texts['admin']}"})


def new_user(api: Api, login: str = "anna", role: str = "staff", **scope: str) -> dict[str, Any]:
    """A user just made, not yet accepted: `user` and `invite`."""
    scope = scope or ({"resource": "anna"} if role == "staff" else {"client": "c1"} if role == "client" else {})
    created = api.admin.post("/v1/users", {"login": login, "name": login.title(), "role": role, **scope})
    assert created.status_code == 201, created.text
    made: dict[str, Any] = created.json()
    return made


def accept(api: Api, token: str, password: str = PASSWORD) -> Any:
    return api.anonymous.post("/v1/invites/accept", {"token": token, "password": password})


def test_an_admin_invites_a_user_who_sets_their_password_once(api: Api) -> None:
    made = new_user(api)
    user, invite = made["user"], made["invite"]
    assert {k: user[k] for k in ("login", "name", "role", "resource", "client", "status", "disabled_at")} == {
        "login": "anna", "name": "Anna", "role": "staff", "resource": "anna", "client": "", "status": "invited",
        "disabled_at": ""}
    assert re.fullmatch(r"[\w-]{43}", invite["token"])  # 256 bits
    assert invite["expires_at"] == sc.format_instant(NOW + timedelta(days=7))
    stored = api.keys.db.run("SELECT token_hash, user_id FROM server_invites")
    assert stored == [(hashlib.sha256(invite["token"].encode()).hexdigest(), user["id"])]
    assert error_of(api.anonymous.post("/v1/session", {"login": "anna", "password": PASSWORD}), 401)

    accepted = accept(api, invite["token"])
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {**user, "status": "active"}
    assert error_of(accept(api, invite["token"], "another good password"), 404)["field"] == "token"
    assert api.keys.db.run("SELECT COUNT(*) FROM server_invites")[0][0] == 0
    assert api.anonymous.post("/v1/session", {"login": "anna", "password": PASSWORD}).status_code == 200
    assert error_of(api.anonymous.post("/v1/session", {"login": "anna", "password": "another good password"}), 401)


def test_an_invite_expires_after_seven_days(api: Api) -> None:
    early, late = new_user(api, "anna")["invite"], new_user(api, "boris", resource="boris")["invite"]
    api.clock.now = NOW + timedelta(days=7) - timedelta(seconds=1)
    assert accept(api, early["token"]).status_code == 200
    api.clock.now = NOW + timedelta(days=7)
    assert error_of(accept(api, late["token"]), 404)["field"] == "token"
    assert api.admin.get("/v1/users", status="invited").json()["users"][0]["login"] == "boris"


@pytest.mark.parametrize("password", ["123456789", "", "anna", "ANNA", "x" * 1025], ids=repr)
def test_a_password_too_short_or_the_login_is_refused_and_the_invite_still_works(
    memory_api: Api, password: str
) -> None:
    invite = new_user(memory_api)["invite"]
    assert error_of(accept(memory_api, invite["token"], password), 400)["field"] == "password"
    assert memory_api.admin.get("/v1/users").json()["users"][0]["status"] == "invited"
    assert accept(memory_api, invite["token"], "0123456789").status_code == 200


def test_a_new_invite_replaces_the_one_before_and_lets_a_user_choose_a_new_password(api: Api) -> None:
    user = make_user(api, "anna", "staff", resource="anna")
    with browser(api, "anna") as anna:
        first = api.admin.post(f"/v1/users/{user['id']}/invite")
        second = api.admin.post(f"/v1/users/{user['id']}/invite")
        assert first.status_code == second.status_code == 201
        assert error_of(accept(api, first.json()["token"], "a new password"), 404)
        assert anna.get("/v1/locations").status_code == 200  # an invite alone changes nothing
        assert accept(api, second.json()["token"], "a new password").status_code == 200
        assert error_of(anna.get("/v1/locations"), 401)  # a new password ends the sessions
    assert error_of(api.anonymous.post("/v1/session", {"login": "anna", "password": PASSWORD}), 401)
    assert api.anonymous.post("/v1/session", {"login": "anna", "password": "a new password"}).status_code == 200


def test_a_login_is_unique_in_any_case(api: Api) -> None:
    new_user(api, "Anna")
    again = api.admin.post("/v1/users", {"login": "aNNA", "name": "x", "role": "admin"})
    assert error_of(again, 409)["field"] == "login"
    assert [u["login"] for u in api.admin.get("/v1/users").json()["users"]] == ["Anna"]


def test_users_are_listed_by_login_filtered_and_paged(api: Api) -> None:
    make_user(api, "Zoe", "admin")
    new_user(api, "anna")
    new_user(api, "one", "client")
    everyone = api.admin.get("/v1/users").json()
    assert [u["login"] for u in everyone["users"]] == ["anna", "one", "Zoe"] and everyone["next"] is None
    assert [u["login"] for u in api.admin.get("/v1/users", role="client").json()["users"]] == ["one"]
    assert [u["login"] for u in api.admin.get("/v1/users", status="active").json()["users"]] == ["Zoe"]
    first = api.admin.get("/v1/users", limit=2).json()
    rest = api.admin.get("/v1/users", limit=2, cursor=first["next"]).json()
    assert [u["login"] for u in first["users"] + rest["users"]] == ["anna", "one", "Zoe"] and rest["next"] is None
    assert api.admin.get(f"/v1/users/{everyone['users'][1]['id']}").json() == everyone["users"][1]


def test_an_admin_changes_a_users_name_role_and_scope(api: Api) -> None:
    user = new_user(api)["user"]
    renamed = patch(api, f"/v1/users/{user['id']}", {"name": "Anna S."})
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["role"], renamed.json()["resource"]) == ("Anna S.", "staff", "anna")
    moved = patch(api, f"/v1/users/{user['id']}", {"resource": "boris"}).json()
    assert (moved["role"], moved["resource"]) == ("staff", "boris")
    client = patch(api, f"/v1/users/{user['id']}", {"role": "client", "client": "c1"}).json()
    assert (client["role"], client["resource"], client["client"]) == ("client", "", "c1")
    admin = patch(api, f"/v1/users/{user['id']}", {"role": "admin"}).json()
    assert (admin["role"], admin["resource"], admin["client"], admin["name"]) == ("admin", "", "", "Anna S.")


def test_the_last_admin_is_neither_disabled_nor_demoted(api: Api) -> None:
    ada = make_user(api, "ada", "admin")
    assert error_of(api.admin.post(f"/v1/users/{ada['id']}/disable"), 409)["field"] == "id"
    assert error_of(patch(api, f"/v1/users/{ada['id']}", {"role": "staff", "resource": "anna"}), 409)["field"] == "role"
    assert api.admin.get(f"/v1/users/{ada['id']}").json() == ada
    make_user(api, "bob", "admin")
    assert patch(api, f"/v1/users/{ada['id']}", {"role": "staff", "resource": "anna"}).status_code == 200
    bob = api.admin.get("/v1/users", role="admin").json()["users"][0]
    assert error_of(api.admin.post(f"/v1/users/{bob['id']}/disable"), 409)


def test_disabling_and_enabling_twice_is_the_same_answer(api: Api) -> None:
    user = make_user(api, "anna", "staff", resource="anna")
    disabled = [api.admin.post(f"/v1/users/{user['id']}/disable").json() for _ in range(2)]
    assert disabled[0] == disabled[1] and disabled[0]["status"] == "disabled"
    assert disabled[0]["disabled_at"] == sc.format_instant(NOW)
    assert error_of(api.admin.post(f"/v1/users/{user['id']}/invite"), 409)["field"] == "id"
    enabled = [api.admin.post(f"/v1/users/{user['id']}/enable").json() for _ in range(2)]
    assert enabled[0] == enabled[1] == {**disabled[0], "status": "active", "disabled_at": ""}


def test_an_invited_user_disabled_cannot_accept_their_invite(api: Api) -> None:
    made = new_user(api)
    api.admin.post(f"/v1/users/{made['user']['id']}/disable")
    api.admin.post(f"/v1/users/{made['user']['id']}/enable")
    assert error_of(accept(api, made["invite"]["token"]), 404)["field"] == "token"


def test_keys_are_listed_without_secrets_made_once_and_revoked(api: Api) -> None:
    listed = api.admin.get("/v1/keys").json()
    assert sorted(k["role"] for k in listed["keys"]) == ["admin", "client", "staff", "worker"]
    order = [(k["created_at"], k["id"]) for k in listed["keys"]]
    assert order == sorted(order)
    assert set(listed["keys"][0]) == {"id", "name", "role", "resource", "client", "created_at", "revoked_at"}
    assert not any(text.split("_", 2)[2] in str(listed) for text in api.texts.values())

    made = api.admin.post("/v1/keys", {"name": "front desk", "role": "staff", "resource": "boris"})
    assert made.status_code == 201, made.text
    key = made.json()
    assert key["key"].startswith(f"sck_{key['id']}_")
    with TestClient(api.app, headers={"Authorization": f"Bearer {key['key']}"}) as front_desk:
        assert front_desk.get("/v1/bookings", params={"from": "2027-03-01T00:00:00Z", "to": "2027-03-02T00:00:00Z"}
                              ).status_code == 200
        assert key["key"] not in api.admin.get("/v1/keys").text

        revoked = api.admin.delete(f"/v1/keys/{key['id']}")
        assert revoked.status_code == 204
        assert error_of(front_desk.get("/v1/locations"), 401)
    assert error_of(api.admin.delete(f"/v1/keys/{key['id']}"), 404)["field"] == "id"
    everything = api.admin.get("/v1/keys").json()["keys"]
    assert {k["id"]: k["revoked_at"] != "" for k in everything} == {
        **{k["id"]: False for k in listed["keys"]}, key["id"]: True}
    paged = api.admin.get("/v1/keys", limit=3).json()
    rest = api.admin.get("/v1/keys", cursor=paged["next"]).json()
    assert paged["keys"] + rest["keys"] == everything and rest["next"] is None


def test_a_signed_in_admin_manages_keys_with_the_csrf_token(api: Api) -> None:
    make_user(api, "ada", "admin")
    with browser(api, "ada") as ada:
        made = ada.send("POST", "/v1/keys", {"name": "reminders", "role": "worker"})
        assert made.status_code == 201, made.text
        assert error_of(ada.send("DELETE", f"/v1/keys/{made.json()['id']}", csrf=""), 403)
        assert ada.send("DELETE", f"/v1/keys/{made.json()['id']}").status_code == 204


def users_and_keys(api: Api) -> tuple[Any, Any, Any]:
    return (api.keys.db.run("SELECT * FROM server_users ORDER BY id"), api.keys.db.run("SELECT * FROM server_invites"),
            api.admin.get("/v1/keys").json())


STAFF = {"login": "anna", "name": "Anna", "role": "staff", "resource": "anna"}
KEY = {"name": "bot", "role": "client", "client": "c1"}


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "status"),
    [
        ("POST", "/v1/session", {"password": PASSWORD}, "login", 400),
        ("POST", "/v1/session", {"login": "anna"}, "password", 400),
        ("POST", "/v1/session", {"login": 7, "password": PASSWORD}, "login", 400),
        ("POST", "/v1/session", {"login": "anna", "password": ["x"]}, "password", 400),
        ("POST", "/v1/session", {"login": "x" * 65, "password": PASSWORD}, "login", 400),
        ("POST", "/v1/session", {"login": "anna", "password": "x" * 1025}, "password", 400),
        ("POST", "/v1/session", {"login": "anna", "password": PASSWORD, "remember": True}, "remember", 400),
        ("POST", "/v1/invites/accept", {"password": PASSWORD}, "token", 400),
        ("POST", "/v1/invites/accept", {"token": "t"}, "password", 400),
        ("POST", "/v1/invites/accept", {"token": "t" * 129, "password": PASSWORD}, "token", 400),
        ("POST", "/v1/invites/accept", {"token": "unknown", "password": PASSWORD}, "token", 404),
        ("POST", "/v1/invites/accept", {"token": "t", "password": PASSWORD, "login": "x"}, "login", 400),
        ("POST", "/v1/users", {**STAFF, "login": ""}, "login", 400),
        ("POST", "/v1/users", {**STAFF, "login": "anna schmidt"}, "login", 400),
        ("POST", "/v1/users", {**STAFF, "login": "a" * 65}, "login", 400),
        ("POST", "/v1/users", {**STAFF, "login": 1}, "login", 400),
        ("POST", "/v1/users", {**STAFF, "name": ""}, "name", 400),
        ("POST", "/v1/users", {**STAFF, "name": "  "}, "name", 400),
        ("POST", "/v1/users", {**STAFF, "name": "n" * 201}, "name", 400),
        ("POST", "/v1/users", {**STAFF, "name": "Anna\u0000"}, "name", 400),
        ("POST", "/v1/users", {**STAFF, "name": "Anna\nadmin"}, "name", 400),
        ("POST", "/v1/users", {**STAFF, "role": "owner"}, "role", 400),
        ("POST", "/v1/users", {**STAFF, "role": "worker"}, "role", 400),
        ("POST", "/v1/users", {**STAFF, "resource": ""}, "resource", 400),
        ("POST", "/v1/users", {**STAFF, "resource": "zed"}, "resource", 404),
        ("POST", "/v1/users", {**STAFF, "client": "c1"}, "client", 400),
        ("POST", "/v1/users", {**STAFF, "role": "client", "resource": ""}, "client", 400),
        ("POST", "/v1/users", {**STAFF, "role": "client", "resource": "", "client": "nobody"}, "client", 404),
        ("POST", "/v1/users", {**STAFF, "role": "admin"}, "resource", 400),
        ("POST", "/v1/users", {**STAFF, "password": PASSWORD}, "password", 400),
        ("PATCH", "/v1/users/{id}", {"name": ""}, "name", 400),
        ("PATCH", "/v1/users/{id}", {"name": 3}, "name", 400),
        ("PATCH", "/v1/users/{id}", {"name": "Anna\u001b[2J"}, "name", 400),
        ("PATCH", "/v1/users/{id}", {"role": "owner"}, "role", 400),
        ("PATCH", "/v1/users/{id}", {"role": "client"}, "client", 400),
        ("PATCH", "/v1/users/{id}", {"role": "client", "client": "nobody"}, "client", 404),
        ("PATCH", "/v1/users/{id}", {"resource": ""}, "resource", 400),
        ("PATCH", "/v1/users/{id}", {"resource": "zed"}, "resource", 404),
        ("PATCH", "/v1/users/{id}", {"client": "c1"}, "client", 400),
        ("PATCH", "/v1/users/{id}", {"login": "bob"}, "login", 400),
        ("PATCH", "/v1/users/nobody", {"name": "x"}, "id", 404),
        ("GET", "/v1/users/nobody", None, "id", 404),
        ("POST", "/v1/users/nobody/disable", None, "id", 404),
        ("POST", "/v1/users/nobody/enable", None, "id", 404),
        ("POST", "/v1/users/nobody/invite", None, "id", 404),
        ("GET", "/v1/users?role=owner", None, "role", 400),
        ("GET", "/v1/users?status=gone", None, "status", 400),
        ("GET", "/v1/users?limit=0", None, "limit", 400),
        ("GET", "/v1/users?cursor=not-a-cursor", None, "cursor", 400),
        ("GET", "/v1/keys?limit=1001", None, "limit", 400),
        ("GET", "/v1/keys?cursor=not-a-cursor", None, "cursor", 400),
        ("POST", "/v1/keys", {**KEY, "name": ""}, "name", 400),
        ("POST", "/v1/keys", {**KEY, "name": "n" * 201}, "name", 400),
        ("POST", "/v1/keys", {**KEY, "name": "bot\nrevoked"}, "name", 400),
        ("POST", "/v1/keys", {**KEY, "role": "owner"}, "role", 400),
        ("POST", "/v1/keys", {**KEY, "client": ""}, "client", 400),
        ("POST", "/v1/keys", {**KEY, "client": "nobody"}, "client", 404),
        ("POST", "/v1/keys", {**KEY, "resource": "anna"}, "resource", 400),
        ("POST", "/v1/keys", {**KEY, "role": "staff", "client": "", "resource": "zed"}, "resource", 404),
        ("POST", "/v1/keys", {**KEY, "secret": "mine"}, "secret", 400),
        ("DELETE", "/v1/keys/nobody", None, "id", 404),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    memory_api: Api, method: str, path: str, body: Any, field: str, status: int
) -> None:
    user = new_user(memory_api)["user"]
    before = users_and_keys(memory_api)
    answer = memory_api.http.request(method, path.replace("{id}", user["id"]), json=body,
                                     headers={"Authorization": f"Bearer {memory_api.texts['admin']}"})
    assert error_of(answer, status)["field"] == field
    assert users_and_keys(memory_api) == before


def test_the_account_routes_are_absent_beside_a_developers_own_authenticator(memory_salon: sc.Scheduler) -> None:
    with TestClient(developer_app(memory_salon)) as http:
        assert http.get("/api/v1/locations", headers={"X-User": "c1"}).status_code == 200
        for method, path in (("GET", "/api/v1/users"), ("POST", "/api/v1/session"), ("GET", "/api/v1/keys")):
            assert http.request(method, path, headers={"X-User": "c1"}).status_code == 404


# The `users` command, as test_http_process.py runs `keys`.


def users(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SERVER, "users", *args], capture_output=True, text=True, timeout=60, input=stdin)


def test_the_users_command_makes_the_first_admin_lists_and_disables(tmp_path: Path) -> None:
    db = str(tmp_path / "salon.sqlite")
    build_salon(db)
    short = users("create", "--db", db, "--login", "ada", "--role", "admin", "--name", "Ada", "--password-stdin",
                  stdin="too short\n")
    assert short.returncode == 2 and "password" in short.stderr
    made = users("create", "--db", db, "--login", "ada", "--role", "admin", "--name", "Ada Lovelace",
                 "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert made.stdout == "" and PASSWORD not in made.stderr

    invited = users("create", "--db", db, "--login", "anna", "--role", "staff", "--resource", "anna",
                    "--name", "Anna")
    assert invited.returncode == 0, invited.stderr
    token = invited.stdout.strip()
    assert re.fullmatch(r"[\w-]{43}", token) and "invite" in invited.stderr
    no_resource = users("create", "--db", db, "--login", "bob", "--role", "staff", "--name", "Bob")
    assert no_resource.returncode == 2 and "resource" in no_resource.stderr

    listed = users("list", "--db", db)
    assert listed.returncode == 0
    rows = [line.split() for line in listed.stdout.splitlines()[1:]]
    assert [row[:4] for row in rows] == [["ada", "admin", "-", "active"], ["anna", "staff", "anna", "invited"]]
    assert "argon2" not in listed.stdout

    assert users("disable", "--db", db, "ada").returncode == 2  # the last admin
    assert users("disable", "--db", db, "Anna").returncode == 0
    assert users("disable", "--db", db, "nobody").returncode == 1
    assert users("list", "--db", db).stdout.splitlines()[2].split()[3] == "disabled"
    assert users("enable", "--db", db, "anna").returncode == 0

    keys = server.ApiKeys(sc.Scheduler(db))
    with TestClient(server.create_app(sc.Scheduler(db), keys)) as http:
        assert http.post("/v1/session", json={"login": "ada", "password": PASSWORD}).status_code == 200
        # disabling anna voided her invite; enabling her did not bring it back
        assert http.post("/v1/invites/accept", json={"token": token, "password": PASSWORD}).status_code == 404
    keys.close()
