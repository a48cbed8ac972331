"""Users made through the admin routes, and browsers signed in as them: a test
client of its own each, keeping the session cookie as a browser does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient

from .conftest import Api

PASSWORD = "correct horse battery"


def make_user(api: Api, login: str, role: str, *, password: str = PASSWORD, **scope: str) -> dict[str, Any]:
    """A user created by the admin key, who accepted their invite with `password`."""
    created = api.admin.post("/v1/users", {"login": login, "name": login.title(), "role": role, **scope})
    assert created.status_code == 201, created.text
    accepted = api.anonymous.post("/v1/invites/accept",
                                  {"token": created.json()["invite"]["token"], "password": password})
    assert accepted.status_code == 200, accepted.text
    user: dict[str, Any] = accepted.json()
    return user


@dataclass
class Browser:
    """One browser: its cookies, and the CSRF token of its session once signed in."""

    http: TestClient
    csrf: str = ""

    def sign_in(self, login: str, password: str = PASSWORD) -> httpx.Response:
        answer = self.http.post("/v1/session", json={"login": login, "password": password})
        if answer.status_code == 200:
            self.csrf = answer.json()["csrf_token"]
        return answer

    def _headers(self, csrf: str | None) -> dict[str, str]:
        token = self.csrf if csrf is None else csrf
        return {"X-CSRF-Token": token} if token else {}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params)

    def send(self, method: str, path: str, json: Any = None, *, csrf: str | None = None) -> httpx.Response:
        """An unsafe request with the session's CSRF token, or `csrf` instead ('' for none)."""
        return self.http.request(method, path, json=json, headers=self._headers(csrf))


@contextmanager
def browser(api: Api, login: str | None = None, password: str = PASSWORD) -> Iterator[Browser]:
    """A browser on the app, signed in as `login` when given."""
    with TestClient(api.app) as http:
        opened = Browser(http)
        if login is not None:
            signed_in = opened.sign_in(login, password)
            assert signed_in.status_code == 200, signed_in.text
        yield opened
