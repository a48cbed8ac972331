"""Browser sessions: sign in with a login and password, a cookie and a CSRF
token for unsafe requests, sign out, disabled users, throttled failures, argon2
hashes; and the same through a real server with two worker processes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

import slotcraft as sc
import slotcraft.server as server
from conftest import NOW, build_salon
from slotcraft.server import passwords

from .browsers import PASSWORD, browser, make_user
from .conftest import Api, Clock, error_of
from .test_http_process import SERVER, free_port, next_monday_at_ten_berlin

NINE = "2027-03-01T08:00:00Z"  # Monday 09:00 in Berlin
WEEK = {"from": "2027-03-01T00:00:00Z", "to": "2027-03-08T00:00:00Z"}
CHEAP = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords are hashed at a low argon2 cost here (the process test uses the real one)."""
    monkeypatch.setattr(passwords, "ARGON2_COST", CHEAP)


def cut(start: str = NINE, **more: Any) -> dict[str, Any]:
    return {"resource": "anna", "service": "cut", "start": start, **more}


def session_row_count(api: Api) -> int:
    count: int = api.keys.db.run("SELECT COUNT(*) FROM server_sessions")[0][0]
    return count


def test_a_signed_in_browser_reads_with_its_cookie_alone(api: Api) -> None:
    make_user(api, "ada", "admin")
    with browser(api) as ada:
        signed_in = ada.sign_in("ADA")  # logins ignore case
        assert signed_in.status_code == 200, signed_in.text
        body = signed_in.json()
        assert set(body) == {"user", "csrf_token", "expires_at"}
        assert (body["user"]["login"], body["user"]["role"], body["user"]["status"]) == ("ada", "admin", "active")
        assert body["expires_at"] == sc.format_instant(NOW + timedelta(hours=12))
        assert re.fullmatch(r"[\w-]{43}", body["csrf_token"])
        assert ada.get("/v1/locations").json()["locations"][0]["id"] == "salon"
        assert ada.get("/v1/session").json() == body
    assert session_row_count(api) == 1


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_over_https(memory_api: Api) -> None:
    make_user(memory_api, "ada", "admin")
    with TestClient(memory_api.app) as http:
        plain = http.post("/v1/session", json={"login": "ada", "password": PASSWORD})
    cookie = plain.headers["set-cookie"]
    name, _, attributes = cookie.partition("; ")
    assert re.fullmatch(r"slotcraft_session=[\w-]{43}", name)
    assert attributes.split("; ") == ["HttpOnly", "Max-Age=43200", "Path=/", "SameSite=Lax"]
    assert name.split("=")[1] not in plain.text  # the token is only in the cookie
    with TestClient(memory_api.app, base_url="https://testserver") as http:
        secure = http.post("/v1/session", json={"login": "ada", "password": PASSWORD})
    assert secure.headers["set-cookie"].endswith("; SameSite=Lax; Secure")


@pytest.mark.parametrize("csrf", ["", "wrong-token"], ids=["no_token", "wrong_token"])
def test_an_unsafe_request_with_the_cookie_and_no_right_csrf_token_is_403_and_writes_nothing(
    api: Api, csrf: str
) -> None:
    make_user(api, "ada", "admin")
    with browser(api, "ada") as ada:
        for method, path, body in (("POST", "/v1/bookings", cut()), ("PUT", "/v1/locations/annex", {"name": "x"}),
                                   ("DELETE", "/v1/resources/anna/services/cut", None),
                                   ("POST", "/v1/users", {"login": "bob", "name": "Bob", "role": "admin"})):
            refused = error_of(ada.send(method, path, body, csrf=csrf), 403)
            assert refused["field"] == "X-CSRF-Token", (method, path)
        assert api.scheduler.bookings(sc.parse_instant(WEEK["from"]), sc.parse_instant(WEEK["to"])) == []
        assert api.scheduler.location("annex") is None
        assert "anna" in api.scheduler.providers("cut")
        assert [u["login"] for u in api.admin.get("/v1/users").json()["users"]] == ["ada"]
        assert ada.get("/v1/session").status_code == 200  # a refusal does not end the session

        booked = ada.send("POST", "/v1/bookings", cut(client="c1"))
        assert booked.status_code == 201, booked.text
        assert api.scheduler.booking(booked.json()["id"]) is not None
        assert api.scheduler.audit()[-1].actor == "user:ada"


def test_a_request_with_an_api_key_needs_no_csrf_token_and_is_the_keys(api: Api) -> None:
    make_user(api, "ada", "admin")
    with browser(api, "ada") as ada:
        with_key = ada.http.post("/v1/bookings", json=cut(),
                                 headers={"Authorization": f"Bearer {api.texts['client']}"})
        assert with_key.status_code == 201, with_key.text
        assert with_key.json()["client"] == "c1"  # the client key's, not the admin session's
        assert error_of(ada.http.get("/v1/session", headers={"Authorization": f"Bearer {api.texts['admin']}"}),
                        404)["field"] == "Authorization"


def test_signing_out_ends_the_session_everywhere_and_clears_the_cookie(api: Api) -> None:
    make_user(api, "ada", "admin")
    with browser(api, "ada") as ada:
        token = ada.http.cookies["slotcraft_session"]
        assert error_of(ada.send("DELETE", "/v1/session", csrf=""), 403)["field"] == "X-CSRF-Token"
        assert ada.get("/v1/session").status_code == 200
        signed_out = ada.send("DELETE", "/v1/session")
        assert signed_out.status_code == 204
        assert signed_out.headers["set-cookie"] == "slotcraft_session=; HttpOnly; Max-Age=0; Path=/; SameSite=Lax"
        assert "slotcraft_session" not in ada.http.cookies
        assert error_of(ada.get("/v1/locations"), 401)["field"] == "Authorization"
    assert session_row_count(api) == 0
    with TestClient(api.app, cookies={"slotcraft_session": token}) as replayed:
        refused = replayed.get("/v1/locations")
        assert error_of(refused, 401)["field"] == "slotcraft_session"
        assert refused.headers["set-cookie"].startswith("slotcraft_session=; HttpOnly; Max-Age=0")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
@pytest.mark.parametrize("path", ["/v1/session", "/v1/invites/accept"])
def test_a_sign_in_or_invite_a_form_on_another_site_could_send_is_refused(
    memory_api: Api, content_type: str, path: str
) -> None:
    """Only JSON is read, which another site's page cannot send without the server's consent (login CSRF)."""
    made = memory_api.admin.post("/v1/users", {"login": "ada", "name": "Ada", "role": "admin"})
    token = made.json()["invite"]["token"]
    body = {"login": "ada"} if path == "/v1/session" else {"token": token}
    refused = memory_api.http.post(path, content=json.dumps({**body, "password": PASSWORD}),
                                   headers={"Content-Type": content_type})
    assert error_of(refused, 400)["field"] == "body"
    assert "set-cookie" not in refused.headers
    assert memory_api.admin.get("/v1/users").json()["users"][0]["status"] == "invited"


def test_a_session_ends_twelve_hours_after_sign_in(api: Api) -> None:
    make_user(api, "ada", "admin")
    with browser(api, "ada") as ada:
        api.clock.now = NOW + timedelta(hours=12) - timedelta(seconds=1)
        assert ada.get("/v1/locations").status_code == 200
        api.clock.now = NOW + timedelta(hours=12)
        assert error_of(ada.get("/v1/locations"), 401)["field"] == "slotcraft_session"


def test_signing_in_again_ends_the_browsers_session_before(memory_api: Api) -> None:
    make_user(memory_api, "ada", "admin")
    with browser(memory_api, "ada") as ada:
        first = ada.http.cookies["slotcraft_session"]
        assert ada.sign_in("ada").status_code == 200
        assert ada.http.cookies["slotcraft_session"] != first
        assert session_row_count(memory_api) == 1
        with TestClient(memory_api.app, cookies={"slotcraft_session": first}) as old:
            assert error_of(old.get("/v1/locations"), 401)


def test_a_disabled_users_session_stops_at_once_and_they_cannot_sign_in(api: Api) -> None:
    user = make_user(api, "anna", "staff", resource="anna")
    with browser(api, "anna") as anna:
        assert anna.get("/v1/locations").status_code == 200
        disabled = api.admin.post(f"/v1/users/{user['id']}/disable")
        assert disabled.json()["status"] == "disabled"
        assert error_of(anna.get("/v1/locations"), 401)["field"] == "slotcraft_session"
        assert error_of(anna.sign_in("anna"), 403)["field"] == "login"  # the right password, told why
        assert error_of(anna.sign_in("anna", "a wrong password"), 401)["field"] == ""
        assert session_row_count(api) == 0

        assert api.admin.post(f"/v1/users/{user['id']}/enable").json()["status"] == "active"
        assert anna.sign_in("anna").status_code == 200
        assert anna.get("/v1/locations").status_code == 200


def test_a_wrong_password_an_unknown_login_and_an_invited_user_get_the_same_401(api: Api) -> None:
    make_user(api, "ada", "admin")
    assert api.admin.post("/v1/users", {"login": "bob", "name": "Bob", "role": "admin"}).status_code == 201
    answers = [api.anonymous.post("/v1/session", {"login": login, "password": password})
               for login, password in (("ada", "not her password"), ("nobody", PASSWORD), ("bob", PASSWORD),
                                       ("ada", PASSWORD.upper()))]
    bodies = {(a.status_code, a.text, a.headers.get("www-authenticate"), "set-cookie" in a.headers) for a in answers}
    assert bodies == {(401, '{"error":{"field":"","message":"wrong login or password","reasons":[]}}', "Bearer",
                       False)}
    assert session_row_count(api) == 0


def test_failed_sign_ins_are_throttled_per_login_with_retry_after(api: Api) -> None:
    make_user(api, "ada", "admin")
    make_user(api, "bob", "admin")
    for _ in range(5):
        assert error_of(api.anonymous.post("/v1/session", {"login": "Ada", "password": "guess guess"}), 401)
    api.clock.now = NOW + timedelta(minutes=5)
    held = api.anonymous.post("/v1/session", {"login": "ada", "password": PASSWORD})  # even the right one
    assert error_of(held, 429)["field"] == "login"
    assert held.headers["retry-after"] == "600"  # when the first failure is 15 minutes old
    assert api.anonymous.post("/v1/session", {"login": "bob", "password": PASSWORD}).status_code == 200
    api.clock.now = NOW + timedelta(minutes=15)
    assert api.anonymous.post("/v1/session", {"login": "ada", "password": PASSWORD}).status_code == 200


def test_an_unknown_login_is_throttled_as_a_known_one(memory_api: Api) -> None:
    for _ in range(5):
        error_of(memory_api.anonymous.post("/v1/session", {"login": "nobody", "password": "guess guess"}), 401)
    assert error_of(memory_api.anonymous.post("/v1/session", {"login": "nobody", "password": "x"}), 429)


def test_a_successful_sign_in_forgets_the_failures_before(memory_api: Api) -> None:
    make_user(memory_api, "ada", "admin")
    for _ in range(4):
        error_of(memory_api.anonymous.post("/v1/session", {"login": "ada", "password": "guess guess"}), 401)
    assert memory_api.anonymous.post("/v1/session", {"login": "ada", "password": PASSWORD}).status_code == 200
    for _ in range(4):
        error_of(memory_api.anonymous.post("/v1/session", {"login": "ada", "password": "guess guess"}), 401)
    assert memory_api.anonymous.post("/v1/session", {"login": "ada", "password": PASSWORD}).status_code == 200


def test_failures_and_disabling_hold_across_processes_sharing_the_database(tmp_path: Path) -> None:
    """Two apps on one SQLite file, as two worker processes: what one records, the other obeys."""
    db = str(tmp_path / "salon.sqlite")
    build_salon(db)
    schedulers = [sc.Scheduler(db) for _ in range(2)]
    keys = [server.ApiKeys(s) for s in schedulers]
    first, second = (TestClient(server.create_app(s, k, clock=Clock())) for s, k in zip(schedulers, keys))
    admin = {"Authorization": f"Bearer {keys[0].create('ops', 'admin')[1]}"}
    anna = {"login": "anna", "name": "Anna", "role": "staff", "resource": "anna"}
    invite = first.post("/v1/users", json=anna, headers=admin).json()
    assert second.post("/v1/invites/accept", json={"token": invite["invite"]["token"],
                                                   "password": PASSWORD}).status_code == 200
    assert first.post("/v1/session", json={"login": "anna", "password": PASSWORD}).status_code == 200
    second.cookies = first.cookies
    assert second.get("/v1/session").json()["user"]["login"] == "anna"
    assert first.post(f"/v1/users/{invite['user']['id']}/disable", headers=admin).status_code == 200
    assert error_of(second.get("/v1/session"), 401)

    for _ in range(5):
        error_of(first.post("/v1/session", json={"login": "nobody", "password": "guess guess"}), 401)
    assert error_of(second.post("/v1/session", json={"login": "nobody", "password": "guess guess"}), 429)
    for http, k in zip((first, second), keys):
        http.close()
        k.close()


NEW_PASSWORD = "battery staple horse"


def test_a_signed_in_user_changes_their_password_and_their_other_sessions_end(api: Api) -> None:
    make_user(api, "anna", "staff", resource="anna")
    with browser(api, "anna") as phone, browser(api, "anna") as laptop:
        old_cookie = laptop.http.cookies["slotcraft_session"]
        changed = laptop.send("POST", "/v1/session/password", {"password": PASSWORD, "new_password": NEW_PASSWORD})
        assert changed.status_code == 200, changed.text
        assert set(changed.json()) == {"user", "csrf_token", "expires_at"}
        assert laptop.http.cookies["slotcraft_session"] != old_cookie
        laptop.csrf = changed.json()["csrf_token"]
        assert laptop.get("/v1/session").json() == changed.json()
        assert laptop.send("POST", "/v1/bookings", cut()).status_code == 201
        assert error_of(phone.get("/v1/locations"), 401)["field"] == "slotcraft_session"
    assert session_row_count(api) == 1
    with browser(api) as other:
        assert error_of(other.sign_in("anna", PASSWORD), 401)
        assert other.sign_in("anna", NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"password": "wrong wrong wrong", "new_password": NEW_PASSWORD}, 403, "password"),
    ({"password": PASSWORD, "new_password": "short"}, 400, "new_password"),
    ({"password": PASSWORD, "new_password": PASSWORD}, 400, "new_password"),
    ({"password": PASSWORD}, 400, "new_password"),
    ({"password": PASSWORD, "new_password": 1234567890123}, 400, "new_password"),
    ({"password": PASSWORD, "new_password": NEW_PASSWORD, "login": "anna"}, 400, "login"),
], ids=["wrong_current", "too_short", "unchanged", "missing", "not_text", "unknown_field"])
def test_a_refused_password_change_names_the_field_and_changes_nothing(
    memory_api: Api, body: dict[str, Any], status: int, field: str
) -> None:
    make_user(memory_api, "anna", "staff", resource="anna")
    with browser(memory_api, "anna") as anna:
        cookie = anna.http.cookies["slotcraft_session"]
        assert error_of(anna.send("POST", "/v1/session/password", body), status)["field"] == field
        assert anna.http.cookies["slotcraft_session"] == cookie
        assert anna.get("/v1/session").status_code == 200
    with browser(memory_api) as again:
        assert again.sign_in("anna", PASSWORD).status_code == 200


def test_guessing_the_current_password_is_throttled_as_sign_ins_are(memory_api: Api) -> None:
    make_user(memory_api, "anna", "staff", resource="anna")
    with browser(memory_api, "anna") as stolen:
        for _ in range(5):
            error_of(stolen.send("POST", "/v1/session/password",
                                 {"password": "guess guess", "new_password": NEW_PASSWORD}), 403)
        held = stolen.send("POST", "/v1/session/password", {"password": PASSWORD, "new_password": NEW_PASSWORD})
        assert error_of(held, 429)["field"] == "password" and held.headers["retry-after"]
    with browser(memory_api) as owner:
        assert error_of(owner.sign_in("anna", PASSWORD), 429)


def test_a_password_change_needs_a_session_and_its_csrf_token(memory_api: Api) -> None:
    body = {"password": PASSWORD, "new_password": NEW_PASSWORD}
    assert error_of(memory_api.admin.post("/v1/session/password", body), 404)["field"] == "Authorization"
    make_user(memory_api, "anna", "staff", resource="anna")
    with browser(memory_api, "anna") as anna:
        assert error_of(anna.send("POST", "/v1/session/password", body, csrf=""), 403)["field"] == "X-CSRF-Token"
    with browser(memory_api) as anna:
        assert anna.sign_in("anna", PASSWORD).status_code == 200


def test_passwords_are_stored_as_argon2_hashes_and_never_answered(api: Api) -> None:
    user = make_user(api, "ada", "admin")
    (stored,) = api.keys.db.run("SELECT password_hash FROM server_users WHERE id = ?", (user["id"],))[0]
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert PASSWORD not in stored
    assert passwords.password_matches(PASSWORD, stored)
    with browser(api, "ada") as ada:
        answers = [ada.get("/v1/session").text, ada.get(f"/v1/users/{user['id']}").text, ada.get("/v1/users").text]
    assert all("argon2" not in a and "password" not in a for a in answers)


def test_a_hash_of_an_older_cost_is_made_again_at_sign_in(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(api, "ada", "admin")
    monkeypatch.setattr(passwords, "ARGON2_COST", {**CHEAP, "memory_cost": 16})
    assert api.anonymous.post("/v1/session", {"login": "ada", "password": PASSWORD}).status_code == 200
    (stored,) = api.keys.db.run("SELECT password_hash FROM server_users WHERE id = ?", (user["id"],))[0]
    assert stored.startswith("$argon2id$v=19$m=16,t=1,p=1$")
    assert api.anonymous.post("/v1/session", {"login": "ada", "password": PASSWORD}).status_code == 200


def _two_bookings(api: Api) -> tuple[str, str]:
    """anna's for c1 and boris's for c2."""
    assert api.admin.put("/v1/clients/c2", {"name": "Client Two"}).status_code == 201
    annas = api.admin.post("/v1/bookings", cut(client="c1")).json()["id"]
    boris = api.admin.post("/v1/bookings", cut(resource="boris", client="c2")).json()["id"]
    return annas, boris


def test_a_staff_user_acts_only_on_their_resource(api: Api) -> None:
    annas, boris = _two_bookings(api)
    make_user(api, "anna", "staff", resource="anna")
    with browser(api, "anna") as anna:
        assert [b["id"] for b in anna.get("/v1/bookings", **WEEK).json()["bookings"]] == [annas]
        assert anna.get(f"/v1/bookings/{annas}").status_code == 200
        assert error_of(anna.get(f"/v1/bookings/{boris}"), 403)["field"] == "id"
        assert error_of(anna.send("POST", f"/v1/bookings/{boris}/cancel"), 403)["field"] == "id"
        assert api.scheduler.booking(boris).status == sc.BookingStatus.confirmed
        assert error_of(anna.get("/v1/users"), 403)["field"] == ""  # admins' routes


def test_a_client_user_sees_only_their_bookings(api: Api) -> None:
    annas, boris = _two_bookings(api)
    make_user(api, "one", "client", client="c1")
    with browser(api, "one") as one:
        assert [b["id"] for b in one.get("/v1/bookings").json()["bookings"]] == [annas]
        assert error_of(one.get(f"/v1/bookings/{boris}"), 403)["field"] == "id"
        booked = one.send("POST", "/v1/bookings", cut("2027-03-01T10:00:00Z"))
        assert booked.status_code == 201 and booked.json()["client"] == "c1"
        assert error_of(one.get("/v1/bookings", client="c2"), 403)["field"] == "client"


def test_a_changed_role_applies_to_a_live_session_at_once(api: Api) -> None:
    user = make_user(api, "anna", "staff", resource="anna")
    with browser(api, "anna") as anna:
        assert error_of(anna.get("/v1/users"), 403)
        assert api.admin.http.patch(f"/v1/users/{user['id']}", json={"role": "admin"},
                                    headers={"Authorization": f"Bearer {api.texts['admin']}"}).status_code == 200
        assert anna.get("/v1/users").status_code == 200
        assert anna.get("/v1/session").json()["user"]["role"] == "admin"


# A real server, as test_http_process.py starts it: two worker processes, the real argon2 cost.


def users(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SERVER, "users", *args], capture_output=True, text=True, timeout=60,
                          input=None if password is None else password + "\n")


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "salon.sqlite"
    build_salon(str(db))
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen([*SERVER, "--db", str(db), "--port", str(port), "--workers", "2"],
                               stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, (tmp_path / "server.log").read_text()
        try:
            if httpx.get(f"{base}/v1/openapi.json", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.1)
    yield base, db
    process.send_signal(signal.SIGINT)
    try:
        assert process.wait(timeout=30) == 0, (tmp_path / "server.log").read_text()
    finally:
        process.kill()
        log.close()
    assert PASSWORD not in (tmp_path / "server.log").read_text()


def test_a_browser_signs_in_and_books_through_a_running_server(two_workers: tuple[str, Path]) -> None:
    base, db = two_workers
    made = users("create", "--db", str(db), "--login", "ada", "--role", "admin", "--name", "Ada",
                 "--password-stdin", password=PASSWORD)
    assert made.returncode == 0, made.stderr
    assert made.stdout == "" and PASSWORD not in made.stderr
    start = next_monday_at_ten_berlin()
    with httpx.Client(base_url=base, timeout=10) as http:
        signed_in = http.post("/v1/session", json={"login": "ada", "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}
        assert http.post("/v1/bookings", json=cut(start)).status_code == 403
        booked = http.post("/v1/bookings", json=cut(start, client="c1"), headers=csrf)
        assert booked.status_code == 201, booked.text
        for _ in range(4):  # whichever worker answers
            assert http.get(f"/v1/bookings/{booked.json()['id']}").status_code == 200

        assert users("disable", "--db", str(db), "ada").returncode == 2  # the last admin
        made = users("create", "--db", str(db), "--login", "bob", "--role", "admin", "--name", "Bob")
        assert made.returncode == 0, made.stderr
        assert users("disable", "--db", str(db), "ADA").returncode == 0
        for _ in range(4):
            assert http.get(f"/v1/bookings/{booked.json()['id']}").status_code == 401
    assert sc.Scheduler(str(db)).booking(booked.json()["id"]).client == "c1"


def test_a_browser_without_a_session_is_told_to_sign_in(memory_api: Api) -> None:
    with browser(memory_api) as nobody:
        refused = error_of(nobody.get("/v1/session"), 401)
        assert refused["field"] == "Authorization" and "POST /v1/session" in refused["message"]
