"""The admin panel's page (/admin) over HTTP: its files all come from the
server, no script is inline, and it is not part of the API. What the panel
does in a browser: test_browser_admin.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import Api

STATIC = Path(__file__).resolve().parents[3] / "bindings/python/slotcraft/server/static/admin"


def test_the_admin_page_loads_every_file_from_the_server_itself(memory_api: Api) -> None:
    page = memory_api.anonymous.get("/admin")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src" not in policy  # scripts: this server's files only
    assert re.findall(r"<script(?![^>]*\bsrc=)", page.text) == []  # no inline script
    linked = [url for url in re.findall(r'(?:src|href)="([^"]+)"', page.text) if not url.startswith("data:")]
    assert len(linked) == 7  # the stylesheet, FullCalendar with luxon and its Russian, Chart.js, main.js
    for url in linked:
        assert not re.match(r"^(\w+:)?//|^/", url), url  # relative to /admin: nothing from another host
        asset = memory_api.anonymous.get(f"/{url}")
        assert asset.status_code == 200, url
        assert asset.headers["content-type"].startswith("text/css" if url.endswith(".css") else "text/javascript")


def test_every_module_the_panel_imports_is_served() -> None:
    modules = {path.name for path in STATIC.glob("*.js")}
    for path in STATIC.glob("*.js"):
        for imported in re.findall(r'^import .* from "\./([\w.]+)";$', path.read_text(), re.M):
            assert imported in modules, f"{path.name} imports {imported}"


def test_without_its_built_libraries_the_admin_page_says_so(memory_api: Api, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    monkeypatch.setenv("SLOTCRAFT_WEB_ASSETS", str(tmp_path))
    refused = memory_api.anonymous.get("/admin")
    assert refused.status_code == 503
    assert "fullcalendar/index.global.min.js" in refused.json()["error"]["message"]
    assert "npm ci" in refused.json()["error"]["message"]


@pytest.mark.parametrize("path", ["/static/%00", "/static/admin/main%00.js", "/assets/%00",
                                  "/static/" + "x" * 300 + ".js", "/static/" + "a/" * 3000 + "main.js"],
                         ids=["NUL", "NUL in a name", "NUL in a library's", "a name over 255 bytes",
                              "a path over 4096 bytes"])
def test_a_file_path_no_disk_can_hold_is_a_404_naming_path(memory_api: Api, path: str) -> None:
    answer = memory_api.anonymous.get(path)
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["field"] == "path"


def test_the_admin_page_is_not_part_of_the_api(memory_api: Api) -> None:
    document = memory_api.anonymous.get("/v1/openapi.json").json()
    assert "/admin" in {route.path for route in memory_api.app.routes}
    assert not [path for path in document["paths"] if path.startswith(("/admin", "/static"))]
