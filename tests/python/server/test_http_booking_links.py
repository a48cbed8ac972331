"""Booking links (the admin routes) and the public booking page's routes under
/v1/public: the link's offer, its slots, hold, confirm, release, the manage
token's view, cancel, move and .ics, and the Telegram Mini App's initData."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

import slotcraft as sc
import slotcraft.server as server
from conftest import NOW, build_salon
from slotcraft.server.telegram import BOT_TOKEN_VARIABLE

from .conftest import Api, error_of

NINE = "2027-03-01T08:00:00Z"  # Monday 09:00 in Berlin
TEN = "2027-03-01T09:00:00Z"
MONDAY = {"from": "2027-03-01T00:00:00Z", "to": "2027-03-02T00:00:00Z"}
ANN = {"name": "Ann Smith", "contact": "ann@example.org"}
BOT_TOKEN = "123456:test-bot-token"


def make_link(api: Api, id: str = "anna", **body: Any) -> dict[str, Any]:
    answer = api.admin.put(f"/v1/booking-links/{id}", {"title": "Anna's chair", "resource": "anna", **body})
    assert answer.status_code == 201, answer.text
    link: dict[str, Any] = answer.json()
    return link


def hold(api: Api, link: str = "anna", start: str = NINE, **body: Any) -> Any:
    return api.anonymous.post(f"/v1/public/book/{link}/holds", {"service": "cut", "start": start, **ANN, **body})


def booked(api: Api, link: str = "anna", start: str = NINE) -> dict[str, Any]:
    """A booking made through the page: the confirmation's answer."""
    held = hold(api, link, start)
    assert held.status_code == 201, held.text
    confirmed = api.anonymous.post(f"/v1/public/book/{link}/confirm", {"hold_token": held.json()["hold_token"]})
    assert confirmed.status_code == 200, confirmed.text
    answer: dict[str, Any] = confirmed.json()
    return answer


def everything(scheduler: sc.Scheduler) -> tuple[list[str], list[str]]:
    """The clients and the bookings of Monday, to show that a refusal wrote nothing."""
    monday = sc.parse_instant(MONDAY["from"])
    return ([c.id for c in scheduler.clients()],
            [b.id for b in scheduler.bookings(monday, monday + timedelta(days=7))])


def signed_init_data(bot_token: str = BOT_TOKEN, *, tamper: dict[str, str] | None = None, **fields: Any) -> str:
    """initData as Telegram signs it (its documented HMAC, computed here independently of the server),
    then with the fields of `tamper` changed after signing."""
    values = {"auth_date": str(int(NOW.timestamp()) - 60), "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
              "user": json.dumps({"id": 279058397, "first_name": "Иван", "last_name": "Petrov",
                                  "language_code": "ru"}, ensure_ascii=False, separators=(",", ":")),
              **{key: str(value) for key, value in fields.items()}}
    check = "\n".join(f"{key}={values[key]}" for key in sorted(values))
    secret = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    values["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    values.update(tamper or {})
    return urlencode(values)


@pytest.fixture
def bot_token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(BOT_TOKEN_VARIABLE, BOT_TOKEN)
    return BOT_TOKEN


# ---- the admin routes


def test_an_admin_makes_a_link_reads_it_and_replaces_it(memory_api: Api) -> None:
    link = make_link(memory_api, "anna-cuts", services=["cut"], hold_minutes=15)
    assert link == {"id": "anna-cuts", "title": "Anna's chair", "resource": "anna", "services": ["cut"],
                    "hold_minutes": 15, "page": "/book/anna-cuts", "created_at": "2027-02-28T12:00:00Z",
                    "updated_at": "2027-02-28T12:00:00Z", "disabled_at": None}
    assert memory_api.admin.get("/v1/booking-links/anna-cuts").json() == link
    memory_api.clock.now += timedelta(minutes=1)
    replaced = memory_api.admin.put("/v1/booking-links/anna-cuts", {"title": "Yoga", "service": "yoga"})
    assert replaced.status_code == 200, replaced.text
    assert {k: replaced.json()[k] for k in ("resource", "services", "hold_minutes", "updated_at")} == {
        "resource": "", "services": ["yoga"], "hold_minutes": 10, "updated_at": "2027-02-28T12:01:00Z"}
    make_link(memory_api, "a-first")
    listed = memory_api.admin.get("/v1/booking-links", limit=1)
    assert [link["id"] for link in listed.json()["booking_links"]] == ["a-first"]
    following = memory_api.admin.get("/v1/booking-links", cursor=listed.json()["next"]).json()
    assert ([link["id"] for link in following["booking_links"]], following["next"]) == (["anna-cuts"], None)


@pytest.mark.parametrize(
    ("id", "body", "field", "status"),
    [
        ("anna", {"resource": "anna"}, "title", 400),
        ("anna", {"title": "  ", "resource": "anna"}, "title", 400),
        ("anna", {"title": "x" * 201, "resource": "anna"}, "title", 400),
        ("anna", {"title": 7, "resource": "anna"}, "title", 400),
        ("anna", {"title": "Cuts\u0000", "resource": "anna"}, "title", 400),
        ("anna", {"title": "Cuts\nwith Anna", "resource": "anna"}, "title", 400),
        ("anna", {"title": "x"}, "service", 400),
        ("anna", {"title": "x", "resource": "zed"}, "resource", 404),
        ("anna", {"title": "x", "service": "nails"}, "service", 404),
        ("anna", {"title": "x", "services": ["cut", "nails"]}, "services[1]", 404),
        ("anna", {"title": "x", "services": ["cut", "cut"]}, "services", 400),
        ("anna", {"title": "x", "service": "cut", "services": ["cut"]}, "services", 400),
        ("boris", {"title": "x", "resource": "boris", "services": ["yoga"]}, "services[0]", 400),
        ("anna", {"title": "x", "resource": "anna", "hold_minutes": 0}, "hold_minutes", 400),
        ("anna", {"title": "x", "resource": "anna", "hold_minutes": 61}, "hold_minutes", 400),
        ("anna", {"title": "x", "resource": "anna", "hold_minutes": "10"}, "hold_minutes", 400),
        ("anna", {"title": "x", "resource": "anna", "slug": "anna"}, "slug", 400),
        ("-anna", {"title": "x", "resource": "anna"}, "id", 400),
        ("anna.cuts", {"title": "x", "resource": "anna"}, "id", 400),
        ("a" * 65, {"title": "x", "resource": "anna"}, "id", 400),
    ],
)
def test_a_link_is_refused_naming_the_field_and_nothing_is_stored(
    memory_api: Api, id: str, body: dict[str, Any], field: str, status: int
) -> None:
    assert error_of(memory_api.admin.put(f"/v1/booking-links/{id}", body), status)["field"] == field
    assert memory_api.admin.get("/v1/booking-links").json()["booking_links"] == []


def test_staff_manage_only_the_links_of_their_own_resource(memory_api: Api) -> None:
    make_link(memory_api, "boris", resource="boris")
    assert memory_api.staff.put("/v1/booking-links/anna", {"title": "Mine", "resource": "anna"}).status_code == 201
    for body in ({"title": "x", "resource": "boris"}, {"title": "x", "service": "cut"}):
        assert error_of(memory_api.staff.put("/v1/booking-links/other", body), 403)["field"] == "resource"
    assert error_of(memory_api.staff.put("/v1/booking-links/boris", {"title": "x", "resource": "anna"}), 403)["field"] == "id"
    assert [link["id"] for link in memory_api.staff.get("/v1/booking-links").json()["booking_links"]] == ["anna"]
    assert error_of(memory_api.staff.get("/v1/booking-links/boris"), 403)["field"] == "id"
    assert error_of(memory_api.staff.delete("/v1/booking-links/boris"), 403)["field"] == "id"
    assert memory_api.admin.get("/v1/booking-links/boris").json()["title"] == "Anna's chair"
    assert error_of(memory_api.client.get("/v1/booking-links"), 403)["field"] == ""


def test_a_disabled_link_books_nothing_but_its_bookings_can_still_be_managed(memory_api: Api) -> None:
    make_link(memory_api)
    token = booked(memory_api)["manage_token"]
    assert memory_api.admin.delete("/v1/booking-links/anna").status_code == 204
    assert memory_api.admin.get("/v1/booking-links/anna").json()["disabled_at"] == "2027-02-28T12:00:00Z"
    assert error_of(memory_api.anonymous.get("/v1/public/book/anna"), 404)["field"] == "id"
    assert error_of(memory_api.anonymous.get("/v1/public/book/anna/slots", service="cut", **MONDAY), 404)["field"] == "id"
    assert error_of(hold(memory_api, start=TEN), 404)["field"] == "id"
    assert memory_api.anonymous.get("/v1/public/book/anna/booking", token=token).json()["changeable"] is True
    moving = memory_api.anonymous.get("/v1/public/book/anna/slots", service="cut", token=token, **MONDAY)
    assert moving.status_code == 200 and moving.json()["slots"]
    assert error_of(memory_api.admin.delete("/v1/booking-links/nope"), 404)["field"] == "id"
    memory_api.admin.put("/v1/booking-links/anna", {"title": "Back", "resource": "anna"})
    assert memory_api.anonymous.get("/v1/public/book/anna").json()["title"] == "Back"


# ---- what the page shows


def test_the_page_shows_the_services_with_their_length_and_the_master_with_the_zone(memory_api: Api) -> None:
    make_link(memory_api)
    offer = memory_api.anonymous.get("/v1/public/book/anna").json()
    anna = {"id": "anna", "name": "Anna", "time_zone": "Europe/Berlin"}
    assert offer == {"id": "anna", "title": "Anna's chair", "hold_minutes": 10, "resource": anna, "services": [
        {"id": "cut", "name": "Haircut", "duration_minutes": 30, "providers": [anna]},
        {"id": "yoga", "name": "yoga", "duration_minutes": 60, "providers": [anna]}]}
    make_link(memory_api, "cuts", resource="", service="cut")
    offer = memory_api.anonymous.get("/v1/public/book/cuts").json()
    assert offer["resource"] is None
    assert [p["name"] for p in offer["services"][0]["providers"]] == ["Anna", "Boris"]
    memory_api.scheduler.archive_service("yoga")
    assert [s["id"] for s in memory_api.anonymous.get("/v1/public/book/anna").json()["services"]] == ["cut"]


def test_the_pages_slots_are_the_schedulers_own(memory_api: Api) -> None:
    make_link(memory_api)
    make_link(memory_api, "cuts", resource="", service="cut")
    monday = sc.parse_instant(MONDAY["from"])
    for link, resources in (("anna", ["anna"]), ("cuts", [])):
        answer = memory_api.anonymous.get(f"/v1/public/book/{link}/slots", service="cut", **MONDAY)
        assert answer.status_code == 200, answer.text
        assert answer.json() == json.loads(memory_api.scheduler.slots_json(
            "cut", monday, monday + timedelta(days=1), resources=resources, now=NOW))
    assert {tuple(s["resources"]) for s in memory_api.anonymous.get(
        "/v1/public/book/cuts/slots", service="cut", **MONDAY).json()["slots"]} == {("anna", "boris")}


@pytest.mark.parametrize(
    ("query", "field", "status"),
    [
        ({"service": "cut", "from": "2027-03-01T00:00:00Z", "to": "2027-05-02T00:00:01Z"}, "to", 400),
        ({"service": "cut", "from": "2027-03-02T00:00:00Z", "to": "2027-03-01T00:00:00Z"}, "to", 400),
        ({"service": "cut", "from": "2027-03-01", "to": "2027-03-02T00:00:00Z"}, "from", 400),
        ({"service": "cut", "to": "2027-03-02T00:00:00Z"}, "from", 400),
        ({"service": "nails", **MONDAY}, "service", 404),
        ({"service": "yoga", **MONDAY}, "service", 404),
        ({"service": "cut", "token": "forged", **MONDAY}, "token", 404),
    ],
)
def test_slots_are_refused_naming_the_field(memory_api: Api, query: dict[str, str], field: str, status: int) -> None:
    make_link(memory_api, services=["cut"])
    assert error_of(memory_api.anonymous.get("/v1/public/book/anna/slots", **query), status)["field"] == field


def test_the_page_route_serves_its_shell_with_only_the_servers_files(memory_api: Api) -> None:
    make_link(memory_api)
    page = memory_api.anonymous.get("/book/anna")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors https://web.telegram.org" in policy
    assert 'src="../static/book/main.js"' in page.text and "telegram.org" not in page.text
    for name in ("main.js", "api.js", "days.js", "dom.js", "i18n.js", "telegram.js", "book.css"):
        assert memory_api.anonymous.get(f"/static/book/{name}").status_code == 200, name
    assert "/book/{slug}" not in memory_api.anonymous.get("/v1/openapi.json").json()["paths"]


I18N_JS = Path(server.__file__).parent / "static" / "book" / "i18n.js"


@pytest.mark.parametrize(
    ("accept_language", "language", "message"),
    [
        ("", "en", "This booking page does not exist or is closed."),
        ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru", "Такой страницы записи нет, или она закрыта."),
        ("en-GB;q=0.5, RU;q=0.8", "ru", "Такой страницы записи нет, или она закрыта."),
        ("de-DE,de;q=0.9,ru;q=0.8", "en", "This booking page does not exist or is closed."),  # i18n.js: ru, else en
    ],
)
def test_an_unknown_links_page_is_a_404_page_saying_so_in_the_browsers_language(
        memory_api: Api, accept_language: str, language: str, message: str) -> None:
    make_link(memory_api)
    make_link(memory_api, "closed")
    assert memory_api.admin.delete("/v1/booking-links/closed").status_code == 204
    headers = {"Accept-Language": accept_language} if accept_language else {}
    missing = memory_api.anonymous.get("/book/no-such-link", headers=headers)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert missing.headers["content-language"] == language and f'<html lang="{language}">' in missing.text
    assert f'<p class="alert" role="alert">{message}</p>' in missing.text
    assert f'"page.missing": "{message}"' in I18N_JS.read_text()  # the page's own words for it
    assert 'href="../static/book/book.css"' in missing.text and "<script" not in missing.text
    assert "default-src 'self'" in missing.headers["content-security-policy"]
    # A link made, enabled or disabled (its bookings' manage links open its page), still has its page.
    for link in ("anna", "closed"):
        page = memory_api.anonymous.get(f"/book/{link}", headers=headers)
        assert page.status_code == 200 and 'src="../static/book/main.js"' in page.text, link


# ---- hold, confirm, manage


def test_a_client_holds_confirms_and_manages_a_booking_through_the_page(api: Api) -> None:
    make_link(api)
    held = hold(api)
    assert held.status_code == 201, held.text
    hold_answer = held.json()
    assert {k: hold_answer[k] for k in ("status", "start", "local_start", "time_zone", "expires")} == {
        "status": "held", "start": NINE, "local_start": "2027-03-01T09:00:00+01:00", "time_zone": "Europe/Berlin",
        "expires": "2027-02-28T12:10:00Z"}
    assert (hold_answer["client"], hold_answer["resource"]["name"]) == ({"name": "Ann Smith"}, "Anna")
    record = api.scheduler.booking(hold_answer["id"])
    client = api.scheduler.client(record.client)
    assert (record.status, client.name) == (sc.BookingStatus.held, "Ann Smith")
    assert client.identities == [sc.Identity("other", "email:ann@example.org")]

    confirmed = api.anonymous.post("/v1/public/book/anna/confirm", {"hold_token": hold_answer["hold_token"]})
    assert confirmed.status_code == 200, confirmed.text
    answer = confirmed.json()
    token = answer["manage_token"]
    assert len(token) == 43 and answer["booking"]["status"] == "confirmed"
    assert "hold_token" not in answer["booking"]
    assert answer["ics_url"] == f"/v1/public/book/anna/booking.ics?token={token}"

    ics = api.anonymous.http.get(answer["ics_url"])
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert f"UID:{hold_answer['id']}@slotcraft" in ics.text and "DTSTART:20270301T080000Z" in ics.text
    assert ics.headers["content-disposition"] == f'attachment; filename="{hold_answer["id"]}.ics"'

    view = api.anonymous.get("/v1/public/book/anna/booking", token=token).json()
    assert (view["booking"]["id"], view["changeable"]) == (hold_answer["id"], True)
    targets = api.anonymous.get("/v1/public/book/anna/slots", service="cut", token=token, **MONDAY).json()["slots"]
    assert NINE in [s["start"] for s in targets]  # as if the booking were not there
    moved = api.anonymous.post("/v1/public/book/anna/booking/move", {"token": token, "start": TEN})
    assert moved.status_code == 200, moved.text
    assert moved.json()["booking"]["start"] == TEN
    assert api.scheduler.booking(hold_answer["id"]).start == sc.parse_instant(TEN)

    cancelled = api.anonymous.post("/v1/public/book/anna/booking/cancel", {"token": token})
    assert cancelled.json() == {**cancelled.json(), "changeable": False}
    assert cancelled.json()["booking"]["status"] == "cancelled"
    again = api.anonymous.post("/v1/public/book/anna/booking/cancel", {"token": token})
    assert again.status_code == 200 and again.json() == cancelled.json()
    assert error_of(api.anonymous.post("/v1/public/book/anna/booking/move", {"token": token, "start": NINE}),
                    409)["field"] == "token"


def test_a_service_link_holds_with_the_first_provider_free_then(memory_api: Api) -> None:
    make_link(memory_api, "cuts", resource="", service="cut")
    first = hold(memory_api, "cuts")
    second = hold(memory_api, "cuts", name="Bob", contact="+49 151 2345-678")
    assert (first.status_code, second.status_code) == (201, 201)
    assert [first.json()["resource"]["id"], second.json()["resource"]["id"]] == ["anna", "boris"]
    assert error_of(hold(memory_api, "cuts", name="Cy", contact="cy@example.org"), 409)["reasons"]


def test_the_same_contact_is_the_same_client(memory_api: Api) -> None:
    make_link(memory_api)
    contacts = ("Ann@Example.ORG", " ann@example.org ", "+49 (151) 2345-678", "+491512345678")
    starts = (NINE, TEN, "2027-03-01T10:00:00Z", "2027-03-01T11:00:00Z")
    held = [hold(memory_api, start=start, contact=contact) for start, contact in zip(starts, contacts)]
    assert [answer.status_code for answer in held] == [201] * 4
    clients = [memory_api.scheduler.booking(answer.json()["id"]).client for answer in held]
    assert clients[0] == clients[1] != clients[2] == clients[3]
    assert [memory_api.scheduler.client(id).identities for id in (clients[0], clients[2])] == [
        [sc.Identity("other", "email:ann@example.org")], [sc.Identity("other", "phone:+491512345678")]]


def test_the_pages_answers_are_not_kept_by_browsers(memory_api: Api) -> None:
    # Back to the manage page must ask again: a kept answer showed a moved booking at its old time.
    make_link(memory_api)
    token = booked(memory_api)["manage_token"]
    answers = [memory_api.anonymous.get("/v1/public/book/anna"),
               memory_api.anonymous.get("/v1/public/book/anna/slots", service="cut", **MONDAY),
               memory_api.anonymous.get("/v1/public/book/anna/booking", token=token),
               memory_api.anonymous.get("/v1/public/book/anna/booking", token="wrong"),
               memory_api.as_role("admin").get("/v1/locations")]
    assert [a.status_code for a in answers] == [200, 200, 200, 404, 200]
    assert [a.headers.get("cache-control") for a in answers] == ["no-store"] * 5


def test_a_client_found_by_contact_is_never_named_to_the_page_by_the_stored_name(memory_api: Api) -> None:
    # Anyone may type someone's address: the answers name only the name typed with the hold.
    make_link(memory_api)
    first = hold(memory_api, name="Victoria Secretname", contact="vic@example.org").json()
    memory_api.anonymous.post("/v1/public/book/anna/holds/release", {"hold_token": first["hold_token"]})
    held = hold(memory_api, start=TEN, name="Mallory", contact="VIC@example.org")
    assert held.status_code == 201, held.text
    assert held.json()["client"] == {"name": "Mallory"}
    assert memory_api.scheduler.booking(held.json()["id"]).client == memory_api.scheduler.booking(first["id"]).client
    confirmed = memory_api.anonymous.post("/v1/public/book/anna/confirm", {"hold_token": held.json()["hold_token"]})
    assert confirmed.json()["booking"]["client"] == {"name": ""}
    view = memory_api.anonymous.get("/v1/public/book/anna/booking", token=confirmed.json()["manage_token"]).json()
    assert "Victoria" not in json.dumps(view) and view["booking"]["client"] == {"name": ""}


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"name": ""}, "name", 400),
        ({"name": "   "}, "name", 400),
        ({"name": "x" * 201}, "name", 400),
        ({"name": "\u0000"}, "name", 400),
        ({"name": "Ann\nSmith"}, "name", 400),
        ({"contact": ""}, "contact", 400),
        ({"contact": "ann@"}, "contact", 400),
        ({"contact": "call me"}, "contact", 400),
        ({"contact": "12345"}, "contact", 400),
        ({"contact": "ann\u0000@example.org"}, "contact", 400),
        ({"start": "2027-03-01"}, "start", 400),
        ({"start": "2027-03-01T09:00:00"}, "start", 400),
        ({"service": "nails"}, "service", 404),
        ({"resource": "boris"}, "resource", 400),
        ({"location": "nowhere"}, "location", 404),
        ({"init_data": "user=1&hash=00"}, "init_data", 400),
        ({"seats": 2}, "seats", 400),
    ],
)
def test_a_hold_is_refused_naming_the_field_and_writes_nothing(
    memory_api: Api, body: dict[str, Any], field: str, status: int
) -> None:
    make_link(memory_api)
    before = everything(memory_api.scheduler)
    assert error_of(hold(memory_api, **body), status)["field"] == field
    assert everything(memory_api.scheduler) == before


def test_a_hold_on_an_unknown_page_is_404(memory_api: Api) -> None:
    assert error_of(hold(memory_api, "nope"), 404)["field"] == "id"


def test_two_holds_for_one_start_one_wins_and_the_other_gets_the_reasons(api: Api) -> None:
    make_link(api)
    assert hold(api, contact="someone@example.org").status_code == 201
    clients_before = everything(api.scheduler)[0]
    refused = error_of(hold(api), 409)
    held = api.scheduler.bookings(sc.parse_instant(NINE), sc.parse_instant(TEN))
    assert refused["field"] == "start"
    assert [(r["code"], r["booking"]) for r in refused["reasons"]] == [("busy", held[0].id)]
    assert everything(api.scheduler)[0] == clients_before  # the loser's client was not made


def test_a_hold_sent_again_with_its_idempotency_key_holds_nothing_twice(api: Api) -> None:
    make_link(api)
    url = "/v1/public/book/anna/holds"
    body = {"service": "cut", "start": NINE, **ANN}
    first = api.anonymous.post(url, body, headers={"Idempotency-Key": "page-7f3c"})
    again = api.anonymous.post(url, body, headers={"Idempotency-Key": "page-7f3c"})
    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(everything(api.scheduler)[1]) == 1  # one hold, whose token both answers carry
    other = error_of(api.anonymous.post(url, {**body, "start": TEN}, headers={"Idempotency-Key": "page-7f3c"}), 409)
    assert other["field"] == "Idempotency-Key"
    # A refused start leaves its key free: the same key then holds another start.
    busy = error_of(api.anonymous.post(url, body, headers={"Idempotency-Key": "page-8a1d"}), 409)
    assert busy["field"] == "start"
    assert api.anonymous.post(url, {**body, "start": TEN}, headers={"Idempotency-Key": "page-8a1d"}).status_code == 201


def test_two_holds_sent_at_once_for_one_start_one_wins(api: Api) -> None:
    make_link(api)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def race(contact: str) -> None:
        barrier.wait()
        statuses.append(hold(api, contact=contact).status_code)

    racers = [threading.Thread(target=race, args=(f"racer{i}@example.org",)) for i in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(statuses) == [201, 409]
    start = sc.parse_instant(NINE)
    assert len(api.scheduler.bookings(start, start + timedelta(minutes=1))) == 1


def test_an_expired_hold_is_not_confirmed_and_gets_no_manage_token(memory_api: Api) -> None:
    make_link(memory_api, hold_minutes=5)
    token = hold(memory_api).json()["hold_token"]
    memory_api.clock.now += timedelta(minutes=6)
    error = error_of(memory_api.anonymous.post("/v1/public/book/anna/confirm", {"hold_token": token}), 409)
    assert (error["field"], "expired" in error["message"]) == ("hold_token", True)
    assert hold(memory_api, contact="bob@example.org").status_code == 201  # the start is free again


def test_only_a_hold_made_through_the_page_is_confirmed_there(memory_api: Api) -> None:
    make_link(memory_api)
    make_link(memory_api, "boris", resource="boris")
    api_hold = memory_api.admin.post("/v1/holds", {"resource": "anna", "service": "cut", "start": NINE,
                                                   "ttl_minutes": 10}).json()
    page_hold = hold(memory_api, "boris").json()
    for link, token in (("anna", api_hold["hold_token"]), ("anna", page_hold["hold_token"]), ("anna", "x")):
        assert error_of(memory_api.anonymous.post(f"/v1/public/book/{link}/confirm", {"hold_token": token}),
                        404)["field"] == "hold_token"
    assert memory_api.scheduler.booking(page_hold["id"]).status == sc.BookingStatus.held


def test_a_released_hold_frees_the_start_and_a_confirmed_one_is_not_released(memory_api: Api) -> None:
    make_link(memory_api)
    held = hold(memory_api).json()
    released = memory_api.anonymous.post("/v1/public/book/anna/holds/release", {"hold_token": held["hold_token"]})
    assert released.json()["status"] == "cancelled"
    confirmation = booked(memory_api)
    assert confirmation["booking"]["start"] == NINE
    second = hold(memory_api, start=TEN).json()
    memory_api.anonymous.post("/v1/public/book/anna/confirm", {"hold_token": second["hold_token"]})
    refused = memory_api.anonymous.post("/v1/public/book/anna/holds/release", {"hold_token": second["hold_token"]})
    assert error_of(refused, 409)["field"] == "hold_token"


def test_a_wrong_manage_token_is_404_everywhere(memory_api: Api) -> None:
    make_link(memory_api)
    make_link(memory_api, "boris", resource="boris")
    token = booked(memory_api)["manage_token"]
    for link, wrong in (("anna", token[:-1] + ("A" if token[-1] != "A" else "B")), ("boris", token)):
        base = f"/v1/public/book/{link}"
        for answer in (memory_api.anonymous.get(f"{base}/booking", token=wrong),
                       memory_api.anonymous.get(f"{base}/booking.ics", token=wrong),
                       memory_api.anonymous.post(f"{base}/booking/cancel", {"token": wrong}),
                       memory_api.anonymous.post(f"{base}/booking/move", {"token": wrong, "start": TEN})):
            assert error_of(answer, 404)["field"] == "token"
    assert error_of(memory_api.anonymous.get("/v1/public/book/anna/booking"), 400)["field"] == "token"
    assert memory_api.anonymous.get("/v1/public/book/anna/booking", token=token).json()["booking"]["status"] == "confirmed"


def test_confirming_again_answers_the_booking_with_a_new_manage_token(memory_api: Api) -> None:
    make_link(memory_api)
    token = hold(memory_api).json()["hold_token"]
    first = memory_api.anonymous.post("/v1/public/book/anna/confirm", {"hold_token": token}).json()
    second = memory_api.anonymous.post("/v1/public/book/anna/confirm", {"hold_token": token}).json()
    assert first["booking"] == second["booking"] and first["manage_token"] != second["manage_token"]
    assert error_of(memory_api.anonymous.get("/v1/public/book/anna/booking", token=first["manage_token"]), 404)
    assert memory_api.anonymous.get("/v1/public/book/anna/booking", token=second["manage_token"]).status_code == 200


def test_a_move_to_a_busy_time_is_refused_with_the_reasons_and_changes_nothing(memory_api: Api) -> None:
    make_link(memory_api)
    token = booked(memory_api)["manage_token"]
    other = memory_api.admin.post("/v1/bookings", {"resource": "anna", "service": "cut", "start": TEN}).json()
    refused = error_of(memory_api.anonymous.post("/v1/public/book/anna/booking/move", {"token": token, "start": TEN}),
                       409)
    assert [(r["code"], r["booking"]) for r in refused["reasons"]] == [("busy", other["id"])]
    view = memory_api.anonymous.get("/v1/public/book/anna/booking", token=token).json()
    assert view["booking"]["start"] == NINE
    assert error_of(memory_api.anonymous.post("/v1/public/book/anna/booking/move", {"token": token, "start": "soon"}),
                    400)["field"] == "start"


def test_a_started_booking_can_no_longer_be_changed_through_the_page(memory_api: Api) -> None:
    make_link(memory_api)
    token = booked(memory_api)["manage_token"]
    memory_api.clock.now = sc.parse_instant(NINE) + timedelta(minutes=1)
    assert memory_api.anonymous.get("/v1/public/book/anna/booking", token=token).json()["changeable"] is False
    for action, body in (("cancel", {"token": token}), ("move", {"token": token, "start": "2027-03-02T08:00:00Z"})):
        assert error_of(memory_api.anonymous.post(f"/v1/public/book/anna/booking/{action}", body), 409)["field"] == "token"
    assert memory_api.anonymous.get("/v1/public/book/anna/booking.ics", token=token).status_code == 200


def test_the_public_routes_are_held_to_the_per_address_limit(memory_salon: sc.Scheduler) -> None:
    keys = server.ApiKeys(memory_salon)
    http = TestClient(server.create_app(memory_salon, keys, clock=lambda: NOW,
                                        limits=server.Limits(per_key=0, per_address=3)))
    statuses = [http.get("/v1/public/book/anna").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    refused = http.post("/v1/public/telegram/session", json={"init_data": signed_init_data()})
    assert (refused.status_code, refused.headers["Retry-After"].isdigit()) == (429, True)
    keys.close()


def test_manage_tokens_are_stored_only_as_their_sha256(tmp_path: Path) -> None:
    db = tmp_path / "salon.sqlite"
    scheduler = build_salon(str(db))
    keys = server.ApiKeys(scheduler)
    http = TestClient(server.create_app(scheduler, keys, clock=lambda: NOW))
    admin = {"Authorization": f"Bearer {keys.create('ops', 'admin')[1]}"}
    assert http.put("/v1/booking-links/anna", json={"title": "x", "resource": "anna"}, headers=admin).status_code == 201
    held = http.post("/v1/public/book/anna/holds", json={"service": "cut", "start": NINE, **ANN}).json()
    token = http.post("/v1/public/book/anna/confirm", json={"hold_token": held["hold_token"]}).json()["manage_token"]
    with sqlite3.connect(db) as raw:
        rows = raw.execute("SELECT booking, hold_token_hash, manage_token_hash FROM server_link_bookings").fetchall()
    assert rows == [(held["id"], hashlib.sha256(held["hold_token"].encode()).hexdigest(),
                     hashlib.sha256(token.encode()).hexdigest())]
    keys.close()


# ---- Telegram Mini App


def test_telegram_init_data_signed_for_the_bot_books_as_that_telegram_user(memory_api: Api, bot_token: str) -> None:
    make_link(memory_api)
    init_data = signed_init_data()
    session = memory_api.anonymous.post("/v1/public/telegram/session", {"init_data": init_data})
    assert session.status_code == 200, session.text
    assert session.json() == {"user": {"id": "279058397", "name": "Иван Petrov", "language_code": "ru"}}
    body = {"service": "cut", "init_data": init_data}
    first = memory_api.anonymous.post("/v1/public/book/anna/holds", {**body, "start": NINE})
    second = memory_api.anonymous.post("/v1/public/book/anna/holds", {**body, "start": TEN})
    assert (first.status_code, second.status_code) == (201, 201), first.text
    (client,) = [c for c in memory_api.scheduler.clients() if c.id != "c1"]
    assert (client.name, client.identities) == ("Иван Petrov", [sc.Identity("telegram", "279058397")])
    assert {memory_api.scheduler.booking(h.json()["id"]).client for h in (first, second)} == {client.id}


def test_a_telegram_profile_name_with_control_characters_books_under_the_name_without_them(
    memory_api: Api, bot_token: str
) -> None:
    make_link(memory_api)
    user = json.dumps({"id": 279058397, "first_name": "Ива\u0007н", "last_name": "Pet\u0085rov"}, ensure_ascii=False)
    init_data = signed_init_data(user=user)
    held = memory_api.anonymous.post("/v1/public/book/anna/holds", {"service": "cut", "init_data": init_data, "start": NINE})
    assert held.status_code == 201, held.text
    (client,) = [c for c in memory_api.scheduler.clients() if c.id != "c1"]
    assert client.name == "Иван Petrov"


@pytest.mark.parametrize(
    "init_data",
    [
        pytest.param(signed_init_data(tamper={"user": '{"id":1,"first_name":"Mallory"}'}), id="tampered_user"),
        pytest.param(signed_init_data(tamper={"auth_date": str(int(NOW.timestamp()))}), id="tampered_auth_date"),
        pytest.param(signed_init_data("654321:another-bot"), id="another_bots_token"),
        pytest.param(signed_init_data(auth_date=int((NOW - timedelta(hours=25)).timestamp())), id="stale"),
        pytest.param(signed_init_data(tamper={"hash": ""}), id="empty_hash"),
        pytest.param(signed_init_data().replace("&hash=", "&nohash="), id="missing_hash"),
        pytest.param(signed_init_data(tamper={"hash": "é" * 64}), id="non_ascii_hash"),
        pytest.param("%%%", id="not_a_query_string"),
        pytest.param(signed_init_data() + "&auth_date=1", id="a_field_twice"),
    ],
)
def test_forged_or_stale_telegram_init_data_is_refused_and_nothing_is_booked(
    memory_api: Api, bot_token: str, init_data: str
) -> None:
    make_link(memory_api)
    before = everything(memory_api.scheduler)
    error = error_of(memory_api.anonymous.post("/v1/public/telegram/session", {"init_data": init_data}), 401)
    assert error["field"] == "init_data"
    refused = memory_api.anonymous.post("/v1/public/book/anna/holds",
                                        {"service": "cut", "start": NINE, "init_data": init_data})
    assert error_of(refused, 401)["field"] == "init_data"
    assert everything(memory_api.scheduler) == before


@pytest.mark.parametrize("init_data", [signed_init_data(), "user=%7B%22id%22%3A1%7D&auth_date=1",
                                       signed_init_data(auth_date="1")], ids=["signed", "unsigned", "stale"])
def test_without_a_bot_token_telegram_sign_in_is_503(
    memory_api: Api, monkeypatch: pytest.MonkeyPatch, init_data: str
) -> None:
    monkeypatch.delenv(BOT_TOKEN_VARIABLE, raising=False)
    make_link(memory_api)
    before = everything(memory_api.scheduler)
    answer = memory_api.anonymous.post("/v1/public/telegram/session", {"init_data": init_data})
    assert BOT_TOKEN_VARIABLE in error_of(answer, 503)["message"]
    held = memory_api.anonymous.post("/v1/public/book/anna/holds",
                                     {"service": "cut", "start": NINE, "init_data": init_data})
    assert error_of(held, 503)
    assert everything(memory_api.scheduler) == before
    assert memory_api.scheduler.clients() == [memory_api.scheduler.client("c1")]


def test_telegram_init_data_without_a_user_is_400(memory_api: Api, bot_token: str) -> None:
    answer = memory_api.anonymous.post("/v1/public/telegram/session", {"init_data": signed_init_data(user="")})
    assert error_of(answer, 400)["field"] == "init_data"


def test_a_public_hold_at_the_end_of_time_is_400_naming_the_start(memory_api: Api) -> None:
    make_link(memory_api)
    assert error_of(hold(memory_api, start="9999-12-31T23:59:30Z"), 400)["field"] == "start"
