"""`Idempotency-Key` on the POSTs whose answer shows a secret once (an API key,
an invite, a feed token) and on an .ics import: a retry after a lost answer
gets the first answer, secret included, and nothing is made twice; the secret
is not kept readable in the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from cryptography.exceptions import InvalidTag

from slotcraft.server import passwords
from slotcraft.server.errors import ApiError
from slotcraft.server.idempotency import KEPT_FOR, IdempotentAnswers, _opened

from .conftest import Api, error_of

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//slotcraft tests//EN\r
BEGIN:VEVENT\r
UID:dentist@example.org\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270302T100000Z\r
DTEND:20270302T110000Z\r
SUMMARY:Dentist\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "ARGON2_COST", {"time_cost": 1, "memory_cost": 8, "parallelism": 1})


def with_key(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def stored_answers(api: Api) -> list[tuple[Any, ...]]:
    """The table's rows, read through another connection to the database."""
    if api.scheduler.store.target == "memory:":
        pytest.skip("a memory store's server tables live in the app's own connection only")
    return api.keys.db.run("SELECT * FROM server_idempotent_answers")


def test_a_key_made_again_with_the_same_idempotency_key_is_the_first_key_and_works(api: Api) -> None:
    body = {"name": "front desk", "role": "staff", "resource": "anna"}
    first = api.admin.post("/v1/keys", body, headers=with_key("desk-1"))
    again = api.admin.post("/v1/keys", body, headers=with_key("desk-1"))
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    names = [k["name"] for k in api.admin.get("/v1/keys").json()["keys"]]
    assert names.count("front desk") == 1
    assert api.as_role(None).http.get("/v1/bookings", params={"from": "2027-03-01T00:00:00Z", "to": "2027-03-02T00:00:00Z"},
                                      headers={"Authorization": f"Bearer {again.json()['key']}"}).status_code == 200
    # The table keeps neither the key's text, nor the Idempotency-Key.
    assert stored_answers(api) and not any(again.json()["key"].split("_", 2)[2] in str(row) or "desk-1" in str(row)
                                           for row in stored_answers(api))


def test_the_same_idempotency_key_with_another_body_is_a_409_and_makes_nothing(api: Api) -> None:
    assert api.admin.post("/v1/keys", {"name": "a", "role": "worker"}, headers=with_key("k")).status_code == 201
    before = api.admin.get("/v1/keys").json()
    refused = error_of(api.admin.post("/v1/keys", {"name": "b", "role": "worker"}, headers=with_key("k")), 409)
    assert refused["field"] == "Idempotency-Key"
    assert api.admin.get("/v1/keys").json() == before


def test_without_an_idempotency_key_each_request_makes_anew(api: Api) -> None:
    made = [api.admin.post("/v1/keys", {"name": "bot", "role": "worker"}).json()["id"] for _ in range(2)]
    assert made[0] != made[1]
    assert stored_answers(api) == []


def test_a_refused_request_leaves_its_idempotency_key_free(api: Api) -> None:
    bad = error_of(api.admin.post("/v1/keys", {"name": "desk", "role": "staff", "resource": "nobody"},
                                  headers=with_key("desk")), 404)
    assert bad["field"] == "resource"
    assert stored_answers(api) == []
    fixed = api.admin.post("/v1/keys", {"name": "desk", "role": "staff", "resource": "anna"}, headers=with_key("desk"))
    assert fixed.status_code == 201, fixed.text


def test_two_callers_with_the_same_idempotency_key_each_make_their_own(api: Api) -> None:
    second_admin = api.admin.post("/v1/keys", {"name": "second admin", "role": "admin"}).json()["key"]
    body = {"name": "bot", "role": "worker"}
    mine = api.admin.post("/v1/keys", body, headers=with_key("same"))
    theirs = api.admin.http.post("/v1/keys", json=body,
                                 headers={"Authorization": f"Bearer {second_admin}", **with_key("same")})
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"] and "Idempotent-Replayed" not in theirs.headers


def test_an_invited_user_made_again_is_the_same_user_and_the_same_invite(api: Api) -> None:
    body = {"login": "anna", "name": "Anna", "role": "staff", "resource": "anna"}
    first = api.admin.post("/v1/users", body, headers=with_key("invite-anna"))
    again = api.admin.post("/v1/users", body, headers=with_key("invite-anna"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert [u["login"] for u in api.admin.get("/v1/users").json()["users"]] == ["anna"]
    accepted = api.anonymous.post("/v1/invites/accept",
                                  {"token": again.json()["invite"]["token"], "password": "correct horse battery"})
    assert accepted.status_code == 200, accepted.text


def test_a_new_invite_sent_again_is_the_same_invite_and_the_one_before_stays_void(api: Api) -> None:
    user = api.admin.post("/v1/users", {"login": "boris", "name": "Boris", "role": "admin"}).json()
    first = api.admin.post(f"/v1/users/{user['user']['id']}/invite", headers=with_key("lost-1"))
    again = api.admin.post(f"/v1/users/{user['user']['id']}/invite", headers=with_key("lost-1"))
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    old = api.anonymous.post("/v1/invites/accept", {"token": user["invite"]["token"], "password": "x" * 12})
    assert error_of(old, 404)["field"] == "token"
    new = api.anonymous.post("/v1/invites/accept", {"token": again.json()["token"], "password": "x" * 12})
    assert new.status_code == 200, new.text


def test_a_feed_made_again_answers_the_same_working_url(api: Api) -> None:
    first = api.admin.post("/v1/resources/anna/feed", headers=with_key("feed-1"))
    again = api.admin.post("/v1/resources/anna/feed", headers=with_key("feed-1"))
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert api.anonymous.get(again.json()["url"]).status_code == 200
    refused = error_of(api.admin.post("/v1/resources/boris/feed", headers=with_key("feed-1")), 409)
    assert refused["field"] == "Idempotency-Key"


def test_an_import_sent_again_answers_what_the_first_import_added(api: Api) -> None:
    def send(ics: str) -> Any:
        return api.admin.http.post("/v1/resources/anna/import", content=ics.encode(),
                                   params={"from": "2027-03-01T00:00:00Z", "to": "2027-04-01T00:00:00Z"},
                                   headers={"Authorization": f"Bearer {api.texts['admin']}",
                                            "Content-Type": "text/calendar", **with_key("import-1")})
    first, again = send(ICS), send(ICS)
    assert first.status_code == again.status_code == 200
    assert first.json()["added"] == 1 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert error_of(send(ICS.replace("Dentist", "Doctor")), 409)["field"] == "Idempotency-Key"


def test_an_import_without_a_period_sent_again_later_is_the_same_request(api: Api) -> None:
    def send() -> Any:  # `from` left to the server's clock, `to` to the default window
        return api.admin.http.post("/v1/resources/anna/import", content=ICS.encode(),
                                   headers={"Authorization": f"Bearer {api.texts['admin']}",
                                            "Content-Type": "text/calendar", **with_key("import-2")})
    first = send()
    api.clock.now += timedelta(seconds=5)
    again = send()
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"


def test_a_key_is_remembered_for_a_day_then_makes_anew(api: Api) -> None:
    body = {"name": "bot", "role": "worker"}
    first = api.admin.post("/v1/keys", body, headers=with_key("daily")).json()
    api.clock.now += KEPT_FOR + timedelta(seconds=1)
    later = api.admin.post("/v1/keys", body, headers=with_key("daily"))
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert later.json()["id"] != first["id"]


def test_a_key_whose_first_request_has_not_answered_is_refused_not_made_twice(api: Api) -> None:
    answers = IdempotentAnswers(api.scheduler, api.clock)
    made: list[str] = []

    def make() -> dict[str, str]:
        made.append("first")
        with pytest.raises(ApiError) as inner:
            answers.answer("key:ops", "slow", ["same"], lambda: made.append("second"))
        assert inner.value.status_code == 409 and inner.value.field == "Idempotency-Key"
        return {"made": "once"}

    try:
        assert answers.answer("key:ops", "slow", ["same"], make) == ({"made": "once"}, False)
        assert answers.answer("key:ops", "slow", ["same"], make) == ({"made": "once"}, True)
    finally:
        answers.close()
    assert made == ["first"]


def test_a_stored_answer_opens_only_with_its_idempotency_key(api: Api) -> None:
    made = api.admin.post("/v1/keys", {"name": "bot", "role": "worker"}, headers=with_key("secret-key-1")).json()
    caller, key_hash, _, answer, _ = stored_answers(api)[0]
    assert made["key"] not in answer and key_hash != "secret-key-1"
    assert _opened(answer, "secret-key-1", caller, key_hash)["key"] == made["key"]
    with pytest.raises(InvalidTag):
        _opened(answer, "secret-key-2", caller, key_hash)
    with pytest.raises(InvalidTag):
        _opened(answer, "secret-key-1", "key:someone-else", key_hash)
