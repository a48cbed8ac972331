"""Calendar feeds (a subscription URL with its own token, polled with ETags)
and .ics import into a resource's time off."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest

import slotcraft as sc
from conftest import build_salon, utc
from slotcraft.server.feeds import FeedTokens
from slotcraft.server.routing import MAX_BODY_BYTES

from .conftest import Api, error_of

NINE = "2027-03-01T08:00:00Z"  # Monday 09:00 in Berlin
TEN = "2027-03-01T09:00:00Z"
ELEVEN = "2027-03-01T10:00:00Z"
WEEK = {"from": "2027-03-01T00:00:00Z", "to": "2027-03-08T00:00:00Z"}

# A meeting on Monday 11:00-12:00 in Berlin, and on line 4 a line that is not a content line.
MEETING = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//test//test//EN\r\n"
    "this line is not a content line\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:meeting-1@example.org\r\n"
    "DTSTAMP:20270201T000000Z\r\n"
    "DTSTART;TZID=Europe/Berlin:20270301T110000\r\n"
    "DTEND;TZID=Europe/Berlin:20270301T120000\r\n"
    "SUMMARY:Team meeting\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def cut(start: str, resource: str = "anna") -> dict[str, Any]:
    return {"resource": resource, "service": "cut", "start": start}


def book(api: Api, start: str, resource: str = "anna") -> str:
    response = api.admin.post("/v1/bookings", cut(start, resource))
    assert response.status_code == 201, response.text
    booking: str = response.json()["id"]
    return booking


def new_feed(api: Api, resource: str = "anna", role: str = "admin") -> dict[str, str]:
    response = api.as_role(role).post(f"/v1/resources/{resource}/feed")
    assert response.status_code == 201, response.text
    feed: dict[str, str] = response.json()
    return feed


def poll(api: Api, url: str, **headers: str) -> httpx.Response:
    """A calendar app's request: no API key."""
    return api.http.get(url, headers=headers)


def events_of(ics: str) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(ics)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


# ---- feeds ----


def test_a_feed_url_serves_the_resources_bookings_as_icalendar(api: Api) -> None:
    annas = [book(api, NINE), book(api, TEN)]
    book(api, NINE, "boris")
    feed = new_feed(api)
    token = feed["token"]
    assert feed["url"] == f"/v1/calendars/anna.ics?token={token}"
    assert len(token) == 43  # 256 bits, URL-safe base64

    response = poll(api, feed["url"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-cache"
    assert response.headers["etag"].startswith('W/"')
    events = events_of(response.text)
    assert sorted(events) == sorted(f"{id}@slotcraft" for id in annas)
    first = events[f"{annas[0]}@slotcraft"]
    assert first.decoded("DTSTART") == utc("2027-03-01T08:00")
    assert first.decoded("DTEND") == utc("2027-03-01T08:30")
    assert str(first["SUMMARY"]) == "Haircut"
    assert response.text == api.scheduler.export_ics(resource="anna", now=api.clock.now)


def test_a_feed_polled_with_its_etag_is_304_until_a_booking_changes_it(api: Api) -> None:
    book(api, NINE)
    url = new_feed(api)["url"]
    first = poll(api, url)
    etag = first.headers["etag"]

    unchanged = poll(api, url, **{"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    # the next poll exports at another time (its DTSTAMP), with the same events
    api.clock.now += timedelta(minutes=15)
    assert poll(api, url).text != first.text
    assert poll(api, url, **{"If-None-Match": etag}).status_code == 304
    assert poll(api, url, **{"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert poll(api, url, **{"If-None-Match": etag.removeprefix("W/")}).status_code == 304

    added = book(api, ELEVEN)
    changed = poll(api, url, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert f"{added}@slotcraft" in events_of(changed.text)
    assert poll(api, url, **{"If-None-Match": changed.headers["etag"]}).status_code == 304


def test_a_cancelled_booking_changes_the_feed_and_stays_in_it_cancelled(memory_api: Api) -> None:
    booking = book(memory_api, NINE)
    url = new_feed(memory_api)["url"]
    etag = poll(memory_api, url).headers["etag"]
    memory_api.admin.post(f"/v1/bookings/{booking}/cancel")
    changed = poll(memory_api, url, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert str(events_of(changed.text)[f"{booking}@slotcraft"]["STATUS"]) == "CANCELLED"


def test_a_feed_token_once_revoked_is_refused(api: Api) -> None:
    url = new_feed(api)["url"]
    assert poll(api, url).status_code == 200
    revoked = api.admin.delete("/v1/resources/anna/feed")
    assert revoked.status_code == 204
    assert revoked.content == b""
    assert error_of(poll(api, url), 404)["field"] == "token"
    assert error_of(api.admin.delete("/v1/resources/anna/feed"), 404)["field"] == "id"
    assert poll(api, new_feed(api)["url"]).status_code == 200


def test_a_new_feed_token_replaces_the_old_one(api: Api) -> None:
    old, new = new_feed(api), new_feed(api, role="staff")
    assert old["token"] != new["token"]
    assert error_of(poll(api, old["url"]), 404)["field"] == "token"
    assert poll(api, new["url"]).status_code == 200


def test_a_feed_token_opens_only_its_own_resource_and_says_nothing_of_others(memory_api: Api) -> None:
    token = new_feed(memory_api)["token"]
    boris = new_feed(memory_api, "boris")["token"]
    refused = [
        poll(memory_api, f"/v1/calendars/boris.ics?token={token}"),
        poll(memory_api, f"/v1/calendars/zed.ics?token={token}"),
        poll(memory_api, f"/v1/calendars/zed.ics?token={boris}"),
        poll(memory_api, f"/v1/calendars/anna.ics?token={token[:-1]}"),
        poll(memory_api, "/v1/calendars/anna.ics?token="),
        poll(memory_api, "/v1/calendars/anna.ics"),
        poll(memory_api, "/v1/calendars/anna?token=" + token),
    ]
    assert all(r.status_code == 404 for r in refused), [r.text for r in refused]
    assert len({r.text for r in refused[:-1]}) == 1  # an unknown resource reads as a wrong token
    assert poll(memory_api, f"/v1/calendars/anna.ics?token={token}").status_code == 200


def test_a_feed_needs_no_api_key_and_any_key_changes_nothing(memory_api: Api) -> None:
    url = new_feed(memory_api)["url"]
    assert memory_api.client.get(url).status_code == 200
    assert memory_api.client.get("/v1/calendars/anna.ics?token=nope").status_code == 404


def test_a_resource_named_with_url_characters_gets_a_working_feed(memory_api: Api) -> None:
    memory_api.scheduler.put_resource(sc.ResourceRecord("anna b?", "Europe/Berlin"))
    feed = new_feed(memory_api, "anna%20b%3F")
    assert feed["url"].startswith("/v1/calendars/anna%20b%3F.ics?token=")
    assert poll(memory_api, feed["url"]).status_code == 200


@pytest.mark.parametrize(
    ("role", "resource", "status", "field"),
    [
        ("admin", "anna", 201, None),
        ("admin", "boris", 201, None),
        ("staff", "anna", 201, None),
        ("staff", "boris", 403, "id"),
        ("client", "anna", 403, ""),
        ("admin", "zed", 404, "id"),
        ("staff", "zed", 403, "id"),
    ],
)
def test_feeds_are_made_and_revoked_by_admins_and_the_resources_staff(
    memory_api: Api, role: str, resource: str, status: int, field: str | None
) -> None:
    caller = memory_api.as_role(role)
    made = caller.post(f"/v1/resources/{resource}/feed")
    if field is not None:
        assert error_of(made, status)["field"] == field
        # nothing was made: there is no token to revoke, even once the resource exists
        if resource == "zed":
            memory_api.scheduler.put_resource(sc.ResourceRecord("zed", "UTC"))
        assert error_of(memory_api.admin.delete(f"/v1/resources/{resource}/feed"), 404)["field"] == "id"
        return
    assert made.status_code == status
    url = made.json()["url"]
    if role != "admin":  # staff cannot revoke another's feed, clients none
        assert error_of(memory_api.client.delete(f"/v1/resources/{resource}/feed"), 403)["field"] == ""
        assert error_of(memory_api.staff.delete("/v1/resources/boris/feed"), 403)["field"] == "id"
        assert poll(memory_api, url).status_code == 200
    assert caller.delete(f"/v1/resources/{resource}/feed").status_code == 204
    assert poll(memory_api, url).status_code == 404


def test_feed_tokens_are_stored_hashed_and_shared_by_processes(tmp_path: Path) -> None:
    db = tmp_path / "salon.sqlite"
    tokens = FeedTokens(build_salon(str(db)))
    token = tokens.create("anna")
    with sqlite3.connect(db) as raw:
        rows = raw.execute("SELECT resource, token_hash, revoked_at FROM server_feed_tokens").fetchall()
    assert rows == [("anna", hashlib.sha256(token.encode()).hexdigest(), "")]
    other_process = FeedTokens(build_salon(str(db)))
    assert other_process.resource_of(token) == "anna"
    assert other_process.resource_of(token + "x") is None
    assert tokens.revoke("anna") and not tokens.revoke("anna")
    assert other_process.resource_of(token) is None
    replaced = other_process.create("anna")
    assert tokens.resource_of(replaced) == "anna"
    assert tokens.create("anna") != replaced and tokens.resource_of(replaced) is None
    tokens.close()
    other_process.close()


# ---- .ics import ----


def import_ics(api: Api, body: bytes | str, role: str = "admin", resource: str = "anna",
               **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {api.texts[role]}", "Content-Type": "text/calendar"}
    content = body.encode() if isinstance(body, str) else body
    return api.http.post(f"/v1/resources/{resource}/import", content=content, params=params, headers=headers)


def test_an_imported_ics_blocks_its_busy_time_and_lists_its_bad_line(api: Api) -> None:
    imported = import_ics(api, MEETING, **WEEK)
    assert imported.status_code == 200, imported.text
    answer = imported.json()
    assert answer["added"] == 1
    assert answer["time_off"] == [{"start": ELEVEN, "end": "2027-03-01T11:00:00Z"}]
    assert [line["line"] for line in answer["skipped"]] == [4]
    assert "content line" in answer["skipped"][0]["reason"]

    refused = error_of(api.admin.post("/v1/bookings", cut(ELEVEN)), 409)
    assert [r["code"] for r in refused["reasons"]] == ["time_off"]
    assert api.admin.post("/v1/bookings", cut(ELEVEN, "boris")).status_code == 201
    assert api.admin.post("/v1/bookings", cut(TEN)).status_code == 201

    [audit] = [e for e in api.scheduler.audit() if e.action == "import_ics"]
    assert audit.subject == "anna"
    assert audit.actor.startswith("key:")
    again = import_ics(api, MEETING, **WEEK).json()
    assert (again["added"], again["time_off"]) == (0, [])


def test_an_import_takes_only_the_busy_time_in_its_window(memory_api: Api) -> None:
    later = import_ics(memory_api, MEETING, **{"from": "2027-03-02T00:00:00Z", "to": "2027-03-09T00:00:00Z"})
    assert later.json()["added"] == 0
    assert memory_api.admin.post("/v1/bookings", cut(ELEVEN)).status_code == 201


def test_an_import_without_a_window_takes_a_year_from_now(memory_api: Api) -> None:
    assert import_ics(memory_api, MEETING).json()["added"] == 1
    memory_api.clock.now = utc("2027-03-01T12:00")  # after the meeting: a window from now leaves it out
    next_year = MEETING.replace("20270301T1", "20280301T1")
    assert import_ics(memory_api, next_year).json()["added"] == 0
    assert import_ics(memory_api, next_year, **{"to": "2028-03-02T00:00:00Z"}).json()["added"] == 1


@pytest.mark.parametrize(
    ("body", "params", "field"),
    [
        (b"\xff\xfeB\x00E\x00", WEEK, "body"),
        (MEETING.encode("utf-16"), WEEK, "body"),
        (b"", WEEK, "body"),
        (b"hello, this is not a calendar", WEEK, "body"),
        (b'{"ics": "BEGIN:VCALENDAR"}', WEEK, "body"),
        (MEETING.replace("T120000", "T100000"), WEEK, "body"),  # DTEND before DTSTART
        (MEETING, {**WEEK, "from": "2027-03-01"}, "from"),
        (MEETING, {**WEEK, "from": "2027-03-01T00:00:00"}, "from"),
        (MEETING, {**WEEK, "to": "soon"}, "to"),
        (MEETING, {"from": WEEK["to"], "to": WEEK["from"]}, "to"),
        (MEETING, {"from": "9999-12-31T00:00:00Z"}, "to"),  # the default window would pass the year 9999
    ],
)
def test_a_bad_import_names_the_field_and_adds_nothing(
    memory_api: Api, body: bytes | str, params: dict[str, str], field: str
) -> None:
    before = memory_api.scheduler.resource("anna").to_dict()
    assert error_of(import_ics(memory_api, body, **params), 400)["field"] == field
    assert memory_api.scheduler.resource("anna").to_dict() == before
    assert memory_api.admin.post("/v1/bookings", cut(ELEVEN)).status_code == 201


def test_an_import_over_a_mebibyte_is_413(memory_api: Api) -> None:
    padding = "X-PADDING:" + "x" * 70 + "\r\n"
    huge = MEETING.replace("END:VCALENDAR", padding * (MAX_BODY_BYTES // len(padding) + 1) + "END:VCALENDAR")
    assert error_of(import_ics(memory_api, huge, **WEEK), 413)["field"] == "body"
    assert memory_api.admin.post("/v1/bookings", cut(ELEVEN)).status_code == 201


@pytest.mark.parametrize(
    ("role", "resource", "status", "field"),
    [
        ("admin", "boris", 200, None),
        ("staff", "anna", 200, None),
        ("staff", "boris", 403, "id"),
        ("client", "anna", 403, ""),
        ("admin", "zed", 404, "id"),
    ],
)
def test_admins_and_the_resources_staff_import(
    memory_api: Api, role: str, resource: str, status: int, field: str | None
) -> None:
    response = import_ics(memory_api, MEETING, role=role, resource=resource, **WEEK)
    if field is None:
        assert response.status_code == status, response.text
        assert response.json()["added"] == 1
        assert error_of(memory_api.admin.post("/v1/bookings", cut(ELEVEN, resource)), 409)
    else:
        assert error_of(response, status)["field"] == field
        assert memory_api.admin.post("/v1/bookings", cut(ELEVEN)).status_code == 201
        assert memory_api.admin.post("/v1/bookings", cut(ELEVEN, "boris")).status_code == 201
