"""What workers read over HTTP: the audit log, paged by sequence number, and
due reminders, each claimed by exactly one worker."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest

import slotcraft as sc
from conftest import utc

from .conftest import Api, error_of

TEN = "2027-03-01T09:00:00Z"  # Monday 10:00 in Berlin
FRIDAY = "2027-03-05T09:00:00Z"


def book(api: Api, start: str, **more: Any) -> dict[str, Any]:
    """Booked ten days before the clock's now, so that its reminders (up to a week ahead)
    are due (a reminder whose moment had passed at booking is never due)."""
    now = api.clock.now
    api.clock.now = now - timedelta(days=10)
    try:
        response = api.admin.post("/v1/bookings", {"resource": "anna", "service": "cut", "start": start, **more})
    finally:
        api.clock.now = now
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


def with_reminders(api: Api, *offsets: int) -> None:
    api.scheduler.save_settings(sc.Settings(reminder_offsets=[timedelta(minutes=m) for m in offsets]))


def due(api: Api, **params: Any) -> list[dict[str, Any]]:
    response = api.admin.get("/v1/reminders/due", **params)
    assert response.status_code == 200, response.text
    reminders: list[dict[str, Any]] = response.json()["reminders"]
    return reminders


def mark(api: Api, booking: str, offset_minutes: int, role: str = "admin") -> httpx.Response:
    return api.as_role(role).post("/v1/reminders/sent", {"booking": booking, "offset_minutes": offset_minutes})


# ---- the audit log ----


def test_the_audit_log_is_read_in_pages_after_a_sequence_number(api: Api) -> None:
    booking = book(api, TEN, client="c1")
    everything = api.scheduler.audit()
    assert len(everything) > 5
    read: list[dict[str, Any]] = []
    after: int | None = 0
    pages = 0
    while after is not None:
        page = api.admin.get("/v1/audit", after=after, limit=3).json()
        assert len(page["entries"]) <= 3
        read += page["entries"]
        after = page["next"]
        pages += 1
        if after is not None:
            assert after == page["entries"][-1]["sequence"]
    assert pages == (len(everything) + 2) // 3
    assert [e["sequence"] for e in read] == [e.sequence for e in everything]
    last = read[-1]
    assert (last["action"], last["subject"], last["before"]) == ("book", booking["id"], None)
    assert last["actor"].startswith("key:")
    assert last["after"] == api.scheduler.booking(booking["id"]).to_dict()
    assert last["at"] == sc.format_instant(everything[-1].at)
    assert set(last) == {"sequence", "at", "actor", "action", "subject", "before", "after"}


def test_an_audit_page_that_ends_the_log_has_no_next(memory_api: Api) -> None:
    total = len(memory_api.scheduler.audit())
    exact = memory_api.admin.get("/v1/audit", limit=total).json()
    assert (len(exact["entries"]), exact["next"]) == (total, None)
    short = memory_api.admin.get("/v1/audit", limit=total - 1).json()
    assert short["next"] == total - 1
    assert memory_api.admin.get("/v1/audit", after=short["next"]).json() == {
        "entries": exact["entries"][-1:], "next": None}
    assert memory_api.admin.get("/v1/audit", after=total).json() == {"entries": [], "next": None}


def test_the_audit_log_shows_a_change_before_and_after(memory_api: Api) -> None:
    booking = book(memory_api, TEN)
    memory_api.admin.post(f"/v1/bookings/{booking['id']}/cancel", {"reason": "ill"})
    cancel = memory_api.admin.get("/v1/audit", after=len(memory_api.scheduler.audit()) - 1).json()["entries"][0]
    assert cancel["action"] == "cancel"
    assert (cancel["before"]["status"], cancel["after"]["status"]) == ("confirmed", "cancelled")


def test_the_audit_log_is_narrowed_by_action_actor_subject_and_period(memory_api: Api) -> None:
    booking = book(memory_api, TEN)
    memory_api.admin.post(f"/v1/bookings/{booking['id']}/cancel", {})
    everything = memory_api.admin.get("/v1/audit", limit=1000).json()["entries"]

    def entries(**params: Any) -> list[dict[str, Any]]:
        answer = memory_api.admin.get("/v1/audit", **params).json()
        assert answer["next"] is None
        found: list[dict[str, Any]] = answer["entries"]
        return found

    assert [e["subject"] for e in entries(action="cancel")] == [booking["id"]]
    assert [e["action"] for e in entries(subject=booking["id"])] == ["book", "cancel"]
    actor = everything[-1]["actor"]
    assert entries(actor=actor) == [e for e in everything if e["actor"] == actor]
    assert entries(actor="key:nobody") == []
    at = everything[-1]["at"]
    assert entries(**{"from": at}) == [e for e in everything if e["at"] >= at]
    assert entries(to=at) == [e for e in everything if e["at"] < at]


def test_a_filtered_audit_page_reads_a_bounded_part_of_the_log_and_says_where_to_go_on(
        memory_api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from slotcraft.server.routes import workers

    booking = book(memory_api, TEN)
    memory_api.admin.post(f"/v1/bookings/{booking['id']}/cancel", {})
    total = len(memory_api.scheduler.audit())
    monkeypatch.setattr(workers, "AUDIT_BATCH", 2)
    monkeypatch.setattr(workers, "MAX_AUDIT_SCAN", 2)
    found: list[str] = []
    after: int | None = 0
    pages = 0
    while after is not None:
        page = memory_api.admin.get("/v1/audit", action="cancel", after=after).json()
        found += [e["subject"] for e in page["entries"]]
        assert after is None or page["next"] is None or page["next"] > after
        after = page["next"]
        pages += 1
    assert found == [booking["id"]]
    assert pages >= total // 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2027-03-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"after": -1}, "after"),
        ({"after": "first"}, "after"),
        ({"after": 1 << 63}, "after"),
    ],
)
def test_a_bad_audit_query_names_the_field(memory_api: Api, params: dict[str, Any], field: str) -> None:
    assert error_of(memory_api.admin.get("/v1/audit", **params), 400)["field"] == field


@pytest.mark.parametrize("role", ["staff", "client"])
def test_only_admins_read_the_audit_log_and_reminders(memory_api: Api, role: str) -> None:
    with_reminders(memory_api, 1440)
    booking = book(memory_api, TEN)
    for response in (
        memory_api.as_role(role).get("/v1/audit"),
        memory_api.as_role(role).get("/v1/reminders/due"),
        mark(memory_api, booking["id"], 1440, role),
    ):
        assert error_of(response, 403)["field"] == ""
    assert [r["offset_minutes"] for r in due(memory_api)] == [1440]  # still to be sent


# ---- reminders ----


def test_due_reminders_carry_the_booking_and_the_offset(api: Api) -> None:
    with_reminders(api, 1440, 60)
    booking = book(api, TEN, client="c1")
    book(api, FRIDAY)
    assert due(api) == [{"booking": booking, "offset_minutes": 1440}]  # Sunday noon: a day before
    api.clock.now = utc("2027-03-01T08:15")
    assert due(api) == [{"booking": booking, "offset_minutes": 60}]
    assert due(api)[0]["booking"]["local_start"] == "2027-03-01T10:00:00+01:00"


def test_no_reminder_is_due_whose_moment_had_passed_when_the_booking_was_made(api: Api) -> None:
    with_reminders(api, 1440, 60)
    response = api.admin.post("/v1/bookings", {"resource": "anna", "service": "cut", "start": TEN})
    assert response.status_code == 201, response.text  # Sunday noon, 22 hours ahead
    assert due(api) == []
    api.clock.now = utc("2027-03-01T08:15")
    assert [r["offset_minutes"] for r in due(api)] == [60]


def test_two_workers_marking_one_reminder_one_wins(api: Api) -> None:
    with_reminders(api, 1440)
    booking = book(api, TEN)["id"]
    second_worker = api.keys.create("worker 2", "admin")[1]
    assert mark(api, booking, 1440).json() == {"marked": True}
    again = api.http.post("/v1/reminders/sent", json={"booking": booking, "offset_minutes": 1440},
                          headers={"Authorization": f"Bearer {second_worker}"})
    assert (again.status_code, again.json()) == (200, {"marked": False})
    assert due(api) == []


def test_a_reminder_not_due_is_not_marked(memory_api: Api) -> None:
    with_reminders(memory_api, 1440, 60)
    booking = book(memory_api, TEN)["id"]
    assert mark(memory_api, booking, 60, "worker").json() == {"marked": False}  # due only in the last hour
    assert mark(memory_api, booking, 7, "worker").json() == {"marked": False}  # no such offset
    memory_api.clock.now = utc("2027-03-01T08:15")
    assert [r["offset_minutes"] for r in due(memory_api)] == [60]  # the early claims silenced nothing
    assert mark(memory_api, booking, 60, "worker").json() == {"marked": True}


def test_workers_racing_for_a_reminder_mark_it_once(memory_api: Api) -> None:
    with_reminders(memory_api, 1440)
    booking = book(memory_api, TEN)["id"]
    answers: list[bool] = []
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        answers.append(mark(memory_api, booking, 1440).json()["marked"])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 7 + [True]


def test_due_reminders_are_paged(memory_api: Api) -> None:
    with_reminders(memory_api, 1440 * 7)
    ids = [book(memory_api, start)["id"] for start in (FRIDAY, TEN, "2027-03-02T09:00:00Z")]
    first = memory_api.admin.get("/v1/reminders/due", limit=2).json()
    assert [r["booking"]["id"] for r in first["reminders"]] == [ids[1], ids[2]]
    assert mark(memory_api, ids[1], 1440 * 7).json() == {"marked": True}  # a page does not shift when one is sent
    rest = memory_api.admin.get("/v1/reminders/due", limit=2, cursor=first["next"]).json()
    assert ([r["booking"]["id"] for r in rest["reminders"]], rest["next"]) == ([ids[0]], None)
    assert error_of(memory_api.admin.get("/v1/reminders/due", cursor="nope"), 400)["field"] == "cursor"
    assert error_of(memory_api.admin.get("/v1/reminders/due", limit=0), 400)["field"] == "limit"


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"booking": "bk_nope", "offset_minutes": 1440}, "booking", 404),
        ({"offset_minutes": 1440}, "booking", 400),
        ({"booking": 7, "offset_minutes": 1440}, "booking", 400),
        ({"booking": "{id}"}, "offset_minutes", 400),
        ({"booking": "{id}", "offset_minutes": "1440"}, "offset_minutes", 400),
        ({"booking": "{id}", "offset_minutes": 14.5}, "offset_minutes", 400),
        ({"booking": "{id}", "offset_minutes": 0}, "offset_minutes", 400),
        ({"booking": "{id}", "offset_minutes": -60}, "offset_minutes", 400),
        ({"booking": "{id}", "offset_minutes": 10**15}, "offset_minutes", 400),
        ({"booking": "{id}", "offset_minutes": 10**30}, "offset_minutes", 400),
        ({"booking": "{id}", "offset_minutes": 1440, "sent": True}, "sent", 400),
        (["{id}", 1440], "body", 400),
    ],
)
def test_a_bad_reminder_mark_names_the_field_and_marks_nothing(
    memory_api: Api, body: Any, field: str, status: int
) -> None:
    with_reminders(memory_api, 1440)
    booking = book(memory_api, TEN)["id"]
    if isinstance(body, dict):
        body = {k: booking if v == "{id}" else v for k, v in body.items()}
    else:
        body = [booking if v == "{id}" else v for v in body]
    assert error_of(memory_api.admin.post("/v1/reminders/sent", body), status)["field"] == field
    assert [r["booking"]["id"] for r in due(memory_api)] == [booking]


def test_no_body_for_a_reminder_mark_is_400(memory_api: Api) -> None:
    assert error_of(memory_api.admin.post("/v1/reminders/sent"), 400)["field"] == "body"


def test_a_worker_key_reads_reminders_and_the_audit_log_and_nothing_else(memory_api: Api) -> None:
    """A leaked reminder sender's key cannot book, cancel or change the catalog."""
    worker = memory_api.as_role("worker")
    assert worker.get("/v1/reminders/due").status_code == 200
    assert worker.get("/v1/audit").status_code == 200
    for refused in (worker.get("/v1/locations"),
                    worker.post("/v1/bookings", {"resource": "anna", "service": "cut", "start": "2027-03-01T08:00:00Z"}),
                    worker.put("/v1/settings", {}),
                    worker.get("/v1/slots", service="cut", **{"from": "2027-03-01T00:00:00Z", "to": "2027-03-02T00:00:00Z"})):
        assert error_of(refused, 403)["field"] == ""
    assert memory_api.scheduler.upcoming("anna", memory_api.clock.now, 30) == []
