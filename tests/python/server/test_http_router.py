"""router() mounted into a developer's own FastAPI app, beside their routes, with their own authenticator."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

import slotcraft as sc
import slotcraft.server as server

from .conftest import error_of


class HeaderUsers:
    """The developer's own users: `X-User: anna` is anna's staff account, anything else a client."""

    def principal(self, request: Request) -> server.Principal:
        user = request.headers.get("x-user")
        if user is None:
            raise server.ApiError(401, "who are you?", field="X-User")
        if user == "anna":
            return server.Principal("staff", f"user:{user}", resource="anna")
        return server.Principal("client", f"user:{user}", client=user)


def developer_app(scheduler: sc.Scheduler) -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    def hello(name: str) -> dict[str, str]:
        return {"hello": name}

    app.include_router(server.router(scheduler, auth=HeaderUsers()), prefix="/api/v1")
    return app


def test_the_router_lives_beside_the_developers_routes(memory_salon: sc.Scheduler) -> None:
    http = TestClient(developer_app(memory_salon))
    assert http.get("/hello", params={"name": "x"}).json() == {"hello": "x"}
    assert http.get("/hello").status_code == 422  # the developer's route keeps FastAPI's own errors

    assert error_of(http.get("/api/v1/locations"), 401)["field"] == "X-User"
    assert http.get("/api/v1/locations", headers={"X-User": "c1"}).json()["locations"][0]["id"] == "salon"
    booked = http.post("/api/v1/bookings", headers={"X-User": "c1"},
                       json={"resource": "anna", "service": "cut", "start": "2099-03-02T08:00:00Z"})
    assert booked.status_code == 201, booked.text
    assert booked.json()["client"] == "c1"
    assert memory_salon.audit()[-1].actor == "user:c1"
    assert error_of(http.get("/api/v1/slots/explain", headers={"X-User": "c1"}), 403)["field"] == ""
    assert error_of(http.get("/api/v1/slots", headers={"X-User": "anna"}), 400)["field"] == "service"
