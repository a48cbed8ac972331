"""The one error shape outside the routes' own checks: limits, unknown paths, failures, bugs."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.requests import Request

import slotcraft as sc
import slotcraft.server as server
from conftest import _postgres_uri, _psql, build_salon
from slotcraft.server.routing import MAX_BODY_BYTES

from .conftest import Api, error_of


def test_a_body_over_the_limit_is_413(memory_api: Api) -> None:
    padded = {"resource": "anna", "service": "cut", "start": "2027-03-01T08:00:00Z", "client": "x" * MAX_BODY_BYTES}
    assert error_of(memory_api.admin.post("/v1/bookings", padded), 413)["field"] == "body"


def test_a_streamed_body_over_the_limit_is_413_without_a_length(memory_api: Api) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 4096 + 2):
            yield b" " * 4096

    response = memory_api.http.post(
        "/v1/bookings", content=chunks(), headers={"Authorization": f"Bearer {memory_api.texts['admin']}"}
    )
    assert "content-length" not in response.request.headers
    assert error_of(response, 413)["field"] == "body"


def test_a_body_that_is_not_json_is_400(memory_api: Api) -> None:
    response = memory_api.http.post(
        "/v1/bookings", content=b'{"resource": ', headers={"Authorization": f"Bearer {memory_api.texts['admin']}",
                                                           "Content-Type": "application/json"})
    assert error_of(response, 400)["field"] == "body"


@pytest.mark.parametrize("body", [b"[" * 200_000 + b"]" * 200_000, b'{"resource": "\xff\xfe"}',
                                  b'{"resource": "anna", "seats": ' + b"1" * 5000 + b"}"],
                         ids=["nested 200,000 deep", "not UTF-8", "an integer of 5,000 digits"])
def test_a_body_json_cannot_read_is_400_naming_body(memory_api: Api, body: bytes) -> None:
    response = memory_api.http.post(
        "/v1/bookings", content=body, headers={"Authorization": f"Bearer {memory_api.texts['admin']}",
                                               "Content-Type": "application/json"})
    assert error_of(response, 400)["field"] == "body"


def test_a_member_given_twice_is_400_naming_it_and_nothing_is_booked(memory_api: Api) -> None:
    # Python's json keeps the last of the two silently: the client meant one of them, and cannot say which.
    body = b'{"resource": "anna", "service": "cut", "start": "2027-03-01T08:00:00Z", "start": "2027-03-01T09:00:00Z"}'
    before = len(memory_api.scheduler.audit())
    response = memory_api.http.post(
        "/v1/bookings", content=body, headers={"Authorization": f"Bearer {memory_api.texts['admin']}",
                                               "Content-Type": "application/json"})
    assert error_of(response, 400)["field"] == "start"
    assert len(memory_api.scheduler.audit()) == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("service=cut&service=nosuch", "service"),  # the last would win
        ("resource=nosuch", "resource"),  # misspelt `resources`: every resource's slots
        ("stauts=held", "stauts"),
    ],
)
def test_a_query_parameter_the_route_does_not_take_or_one_given_twice_is_400_naming_it(
        memory_api: Api, query: str, field: str) -> None:
    period = "from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z"
    url = f"/v1/slots?service=cut&{period}&{query}" if "service" not in query else f"/v1/slots?{period}&{query}"
    response = memory_api.http.get(url, headers={"Authorization": f"Bearer {memory_api.texts['admin']}"})
    assert error_of(response, 400)["field"] == field
    # A list may be repeated, as the docs say: resources=anna&resources=boris.
    listed = memory_api.http.get(f"/v1/slots?service=cut&{period}&resources=anna&resources=boris",
                                 headers={"Authorization": f"Bearer {memory_api.texts['admin']}"})
    assert listed.status_code == 200, listed.text


@pytest.mark.parametrize("twice", ["Idempotency-Key", "Authorization"])
def test_a_header_read_once_given_twice_is_400_naming_it_and_nothing_is_booked(memory_api: Api, twice: str) -> None:
    # One of the two keys was used and the other dropped: a retry with the other made a second booking.
    body = {"resource": "anna", "service": "cut", "start": "2027-03-01T08:00:00Z"}
    bearer = f"Bearer {memory_api.texts['admin']}"
    headers = [("Authorization", bearer), ("Idempotency-Key", "k1")]
    headers.append(("Idempotency-Key", "k2") if twice == "Idempotency-Key" else ("Authorization", bearer))

    async def post(sent: list[tuple[str, str]]) -> httpx.Response:
        # Each header line as sent, as uvicorn hands them on (the test client would join the two with a comma).
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=memory_api.http.app),
                                     base_url="http://testserver") as client:
            return await client.post("/v1/bookings", json=body, headers=sent)

    before = len(memory_api.scheduler.audit())
    assert error_of(asyncio.run(post(headers)), 400)["field"] == twice
    assert len(memory_api.scheduler.audit()) == before
    once = asyncio.run(post(headers[:2]))
    assert once.status_code == 201, once.text


def test_unknown_paths_and_methods_answer_in_the_shape(memory_api: Api) -> None:
    error_of(memory_api.admin.get("/v1/nothing"), 404)
    error_of(memory_api.admin.get("/elsewhere"), 404)
    error_of(memory_api.http.delete("/v1/locations"), 405)


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("PUT", "/v1/locations/", "id"),
        ("GET", "/v1/locations/", "id"),
        ("PUT", "/v1/resources/", "id"),
        ("GET", "/v1/services/", "id"),
        ("PUT", "/v1/clients/", "id"),
        ("GET", "/v1/bookings/", "id"),
        ("DELETE", "/v1/booking-links/", "id"),
        ("DELETE", "/v1/webhooks/", "id"),
        ("POST", "/v1/resources//archive", "id"),
        ("PUT", "/v1/resources/anna/services/", "service"),
        ("GET", "/v1/webhooks/wh_1/deliveries/", "delivery"),
    ],
)
def test_an_empty_id_in_the_path_is_400_naming_it_and_nothing_is_written(
        memory_api: Api, method: str, path: str, field: str) -> None:
    # Not a redirect to the collection (Starlette's trailing-slash redirect): the client asked for one record.
    body = {"name": "Somewhere", "time_zone": "Europe/Berlin"} if method == "PUT" else None
    before = len(memory_api.scheduler.audit())
    response = memory_api.http.request(method, path, json=body, follow_redirects=False,
                                       headers={"Authorization": f"Bearer {memory_api.texts['admin']}"})
    assert error_of(response, 400)["field"] == field
    assert len(memory_api.scheduler.audit()) == before


@pytest.mark.parametrize("path", ["/v1/locations/%FF", "/v1/locations/room%C3", "/v1/locations/%ED%A0%80"],
                         ids=["not UTF-8", "a cut UTF-8 character", "an encoded surrogate"])
def test_an_id_in_the_path_that_is_not_utf8_is_400_naming_it_and_nothing_is_written(memory_api: Api, path: str) -> None:
    # Decoded with replacement, %FF and %FE would both be the id U+FFFD: another record than the one sent.
    before = len(memory_api.scheduler.audit())
    response = memory_api.http.put(path, json={"name": "Somewhere"},
                                   headers={"Authorization": f"Bearer {memory_api.texts['admin']}"})
    assert error_of(response, 400)["field"] == "id"
    assert len(memory_api.scheduler.audit()) == before
    assert memory_api.scheduler.locations() == [memory_api.scheduler.location("salon")]


def test_the_key_store_failing_is_503(memory_api: Api) -> None:
    memory_api.keys.close()
    error_of(memory_api.admin.get("/v1/locations"), 503)


def test_the_store_failing_is_503_without_its_sql(tmp_path: Path) -> None:
    db = tmp_path / "salon.sqlite"
    scheduler = build_salon(str(db))
    keys = server.ApiKeys(scheduler)
    http = TestClient(server.create_app(scheduler, keys))
    admin = {"Authorization": f"Bearer {keys.create('ops', 'admin')[1]}"}
    with sqlite3.connect(db) as raw:
        raw.execute("ALTER TABLE bookings RENAME TO lost")
    response = http.get("/v1/bookings/bk_1", headers=admin)
    assert error_of(response, 503)["message"] == "the database is not available"
    assert "SELECT" not in response.text
    keys.close()


@pytest.mark.skipif(_postgres_uri() is None, reason="needs the PostgreSQL test server")
def test_the_server_tables_connect_again_after_postgresql_dropped_their_connection(
    store_target: str, request: pytest.FixtureRequest
) -> None:
    """A restart or failover of PostgreSQL, or pg_terminate_backend, ends the connection of the
    server's own tables (API keys, ...): the call that meets it is a 503, the next ones work again,
    as the store's own calls do, rather than every later call being a 503 until a restart."""
    if not store_target.startswith("postgresql://"):
        pytest.skip("PostgreSQL only: the other databases keep their connections")
    uri = _postgres_uri()
    assert uri is not None
    scheduler = build_salon(store_target)
    keys = server.ApiKeys(scheduler)
    request.addfinalizer(keys.close)
    http = TestClient(server.create_app(scheduler, keys))
    admin = {"Authorization": f"Bearer {keys.create('ops', 'admin')[1]}"}
    assert http.get("/v1/locations", headers=admin).status_code == 200
    ((pid,),) = keys.db.run("SELECT pg_backend_pid()")
    _psql(uri, f"SELECT pg_terminate_backend({pid})")
    deadline = time.monotonic() + 10
    while _backend_alive(uri, pid):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first = http.get("/v1/locations", headers=admin)
    assert first.status_code in (200, 503), first.text
    assert [http.get("/v1/locations", headers=admin).status_code for _ in range(3)] == [200, 200, 200]


def _backend_alive(uri: str, pid: int) -> bool:
    found = subprocess.run(["psql", "-qtA", uri, "-c", f"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}"],
                           check=True, capture_output=True, text=True)
    return found.stdout.strip() != "0"


class Broken:
    """An authenticator with a bug in it."""

    def principal(self, request: Request) -> server.Principal:
        raise RuntimeError("a secret detail")


def test_a_bug_is_a_500_that_tells_nothing(memory_salon: sc.Scheduler) -> None:
    http = TestClient(server.create_app(memory_salon, Broken()), raise_server_exceptions=False)
    response = http.get("/v1/locations")
    assert error_of(response, 500)["message"] == "internal error"
    assert "secret" not in response.text and "Traceback" not in response.text


def test_the_openapi_document_lists_every_route_and_no_422(memory_api: Api) -> None:
    document = memory_api.anonymous.get("/v1/openapi.json").json()
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) == len([r for r in memory_api.app.routes if isinstance(r, APIRoute) and r.include_in_schema])
    assert all("422" not in op["responses"] for op in operations)
    assert all(op["responses"]["4XX"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
               for op in operations)
    assert "/v1/bookings/{id}/reschedule" in document["paths"]


@pytest.mark.parametrize("path", ["/v1/docs", "/docs", "/redoc"])
def test_no_reference_page_loads_assets_from_a_cdn(memory_api: Api, path: str) -> None:
    assert memory_api.anonymous.get(path).status_code == 404
