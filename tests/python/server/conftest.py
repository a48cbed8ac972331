"""An HTTP API over the salon of ../conftest.py: a test client per role, a clock to move."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import slotcraft as sc
import slotcraft.server as server
from conftest import NOW
from slotcraft.server import keys as api_keys

from .receiver import Receiver, running_receiver

ROLES = ("admin", "staff", "client", "worker")


@pytest.fixture(autouse=True)
def cheap_key_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys are hashed at a low scrypt cost here (the process test uses the real one)."""
    monkeypatch.setattr(api_keys, "SCRYPT_COST", {"n": 16, "r": 1, "p": 1})


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Caller:
    """A test client sending one API key (or none)."""

    http: TestClient
    key: str | None

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        return {**auth, **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params, headers=self._headers(headers))

    def post(self, path: str, json: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.post(path, json=json, headers=self._headers(headers))

    def put(self, path: str, json: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.put(path, json=json, headers=self._headers(headers))

    def delete(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.delete(path, headers=self._headers(headers))


@dataclass
class Api:
    """The app over a salon, with an admin key, a staff key of anna and a client key of c1."""

    scheduler: sc.Scheduler
    keys: server.ApiKeys
    app: FastAPI
    clock: Clock
    http: TestClient
    texts: dict[str, str] = field(default_factory=dict)

    def as_role(self, role: str | None) -> Caller:
        return Caller(self.http, self.texts[role] if role else None)

    @property
    def admin(self) -> Caller:
        return self.as_role("admin")

    @property
    def staff(self) -> Caller:
        return self.as_role("staff")

    @property
    def client(self) -> Caller:
        return self.as_role("client")

    @property
    def anonymous(self) -> Caller:
        return self.as_role(None)


def _api(scheduler: sc.Scheduler) -> Iterator[Api]:
    keys = server.ApiKeys(scheduler)
    clock = Clock()
    app = server.create_app(scheduler, keys, clock=clock)
    api = Api(scheduler, keys, app, clock, TestClient(app))
    api.texts["admin"] = keys.create("ops", "admin")[1]
    api.texts["staff"] = keys.create("anna's phone", "staff", resource="anna")[1]
    api.texts["client"] = keys.create("client one's bot", "client", client="c1")[1]
    api.texts["worker"] = keys.create("reminder sender", "worker")[1]
    yield api
    api.http.close()
    keys.close()


@pytest.fixture
def api(salon: sc.Scheduler) -> Iterator[Api]:
    """On every store of ../conftest.py (in memory, SQLite, PostgreSQL when there is one)."""
    yield from _api(salon)


@pytest.fixture
def memory_api(memory_salon: sc.Scheduler) -> Iterator[Api]:
    yield from _api(memory_salon)


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The error object of an answer, checked to have `status` and the one shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"field", "message", "reasons"}
    assert body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 (receiver.py)."""
    with running_receiver() as found:
        yield found
