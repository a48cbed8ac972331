"""The admin panel's bookings and reports pages in headless Chromium, against
the server as a process on a SQLite file (see browser.py): the bookings table
filtered, paged and cancelled from, its CSV export, the load chart against
the load report's JSON, the PDF's text, and staff confined to their own
resource."""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest

from .browser import PASSWORD, Page, Session, create_user, missing_browser, page, utc_instant
from .test_http_process import SERVER, serving

pytestmark = pytest.mark.skipif(bool(missing_browser()), reason=missing_browser() or "browser tests can run")

VIEWER_ZONE = "Europe/Berlin"
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date.today() + timedelta(days=14 - date.today().weekday())  # two weeks ahead at least
SUNDAY = MONDAY + timedelta(days=6)
WEEK = f"from={MONDAY.isoformat()}&to={SUNDAY.isoformat()}"


instant = utc_instant


@dataclass
class Site:
    base: str
    admin: Session
    key: str  # an admin API key, as a script that downloads the files would hold


def api_key(db: Path) -> str:
    made = subprocess.run([*SERVER, "keys", "create", "--db", str(db), "--role", "admin", "--name", "export"],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    return made.stdout.split()[0]


# (resource, day offset from MONDAY, local start, service, client); the last of anna's is cancelled.
BOOKINGS = [
    ("anna", 0, "10:00", "piano", "ivan"),
    ("anna", 0, "11:00", "theory", "mary"),
    ("anna", 1, "10:00", "piano", "mary"),
    ("anna", 2, "09:00", "piano", "ivan"),
    ("anna", 3, "10:00", "piano", "mary"),
    ("boris", 0, "10:00", "piano", "mary"),
    ("boris", 4, "15:00", "theory", "ivan"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """anna teaches in Berlin, boris in New York, 09:00-17:00 every day; piano
    (60 min) and theory (30 min); the week's BOOKINGS, one of anna's cancelled;
    tess is anna's staff user."""
    folder = tmp_path_factory.mktemp("bookings")
    db = folder / "club.sqlite"
    create_user(db, "ada", "admin")
    key = api_key(db)
    with serving(db, folder / "server.log") as base:
        admin = Session(base, "ada")
        every_day = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        admin.send("PUT", "/v1/locations/studio", {"name": "Studio"}, 201)
        for resource, name, zone in (("anna", "Anna Berlin", "Europe/Berlin"), ("boris", "Boris York", "America/New_York")):
            admin.send("PUT", f"/v1/resources/{resource}", {
                "name": name, "timezone": zone, "schedules": [{"location": "studio", "weekly": every_day}]}, 201)
        admin.send("PUT", "/v1/services/piano", {"name": "Piano", "duration": 60}, 201)
        admin.send("PUT", "/v1/services/theory", {"name": "Theory", "duration": 30}, 201)
        for resource in ("anna", "boris"):
            for service in ("piano", "theory"):
                admin.send("PUT", f"/v1/resources/{resource}/services/{service}")
        admin.send("PUT", "/v1/clients/ivan", {"name": "Иван Петров"}, 201)
        admin.send("PUT", "/v1/clients/mary", {"name": "Mary Major"}, 201)
        booked = [admin.send("POST", "/v1/bookings", {
            "resource": resource, "service": service, "client": client,
            "start": instant(MONDAY + timedelta(days=offset), hhmm, BERLIN if resource == "anna" else NEW_YORK)}, 201)
            for resource, offset, hhmm, service, client in BOOKINGS]
        admin.send("POST", f"/v1/bookings/{booked[4]['id']}/cancel", {"reason": "moved away"})
        create_user(db, "tess", "staff", resource="anna")
        yield Site(base, admin, key)
        admin.close()


@pytest.fixture
def browser(site: Site, request: pytest.FixtureRequest) -> Iterator[Page]:
    with page(site.base, request.node.name.removeprefix("test_"), time_zone=VIEWER_ZONE) as opened:
        yield opened


def sign_in(browser: Page, login: str, path: str) -> None:
    """Signs in on `path`'s page and waits for its table or chart."""
    browser.expect_refusal("/v1/session", 401)  # the panel asks whether this browser is signed in
    browser.open(path)
    browser.find("input[name=login]").send_keys(login)
    browser.find("input[name=password]").send_keys(PASSWORD)
    browser.find("form.sign-in button[type=submit]").click()
    browser.find(".page h1")


def week_of(resource: str = "", **filters: str) -> dict[str, str]:
    """The API's query of the week shown (days in anna's zone, Berlin, as the viewer's)."""
    query = {"from": instant(MONDAY, "00:00", BERLIN), "to": instant(SUNDAY + timedelta(days=1), "00:00", BERLIN),
             **filters}
    return {**query, "resources": resource} if resource else query


def listed(site: Site, **query: str) -> list[str]:
    return [b["id"] for b in site.admin.get("/v1/bookings", **query)["bookings"]]


def table_ids(browser: Page) -> list[str]:
    found: list[str] = browser.script(
        "return [...document.querySelectorAll('table.bookings tbody tr')].map((row) => row.dataset.id)")
    return found


def wait_for_rows(browser: Page, expected: list[str]) -> None:
    browser.wait(lambda d: table_ids(browser) == expected, f"the table shows {expected}")


def test_the_table_filters_by_resource_and_status_pages_and_cancels_after_confirming(site: Site,
                                                                                      browser: Page) -> None:
    from selenium.webdriver.support.ui import Select

    sign_in(browser, "ada", f"/admin#/bookings?{WEEK}")
    every = listed(site, **week_of())
    assert len(every) == len(BOOKINGS)
    wait_for_rows(browser, every[:20])
    first = browser.find("table.bookings tbody tr")
    assert "Europe/Berlin" in first.text and "Piano" in first.text and "Иван Петров" in first.text
    assert "10:00" in first.text  # anna's local time, in her zone and named
    browser.shot("all")

    Select(browser.find("select[name=resource]")).select_by_value("anna")
    anna = listed(site, **week_of("anna"))
    wait_for_rows(browser, anna)
    Select(browser.find("select[name=status]")).select_by_value("confirmed")
    confirmed = listed(site, **week_of("anna", status="confirmed"))
    assert len(confirmed) == 4 and len(anna) == 5
    wait_for_rows(browser, confirmed)
    assert "resource=anna" in browser.script("return location.hash")
    assert "status=confirmed" in browser.script("return location.hash")

    browser.shot("anna-confirmed")

    target = confirmed[1]
    browser.find(f'tr[data-id="{target}"] button.cancel').click()
    dialog = browser.find("dialog[open]")
    assert "Cancel the booking of Mary Major with Anna Berlin" in dialog.text
    assert browser.script("return document.activeElement.textContent") == "Keep it"
    browser.shot("confirm")
    browser.find("dialog[open] button.secondary").click()  # Keep it
    browser.gone("dialog[open]")
    assert listed(site, **week_of("anna", status="confirmed")) == confirmed  # declining cancelled nothing

    browser.find(f'tr[data-id="{target}"] button.cancel').click()
    browser.find("dialog input[name=reason]").send_keys("ill")
    browser.find("dialog[open] button.danger").click()  # Yes, cancel it
    browser.gone("dialog[open]")
    browser.wait(lambda d: browser.find(f'tr[data-id="{target}"]').get_attribute("data-status") == "cancelled")
    assert "cancelled" in browser.find(f'tr[data-id="{target}"] td.status').text
    assert listed(site, **week_of("anna", status="confirmed")) == [b for b in confirmed if b != target]
    assert site.admin.get(f"/v1/bookings/{target}")["cancel_reason"] == "ill"
    browser.shot("cancelled")


def test_pages_follow_the_apis_cursor(site: Site, browser: Page) -> None:
    first = site.admin.get("/v1/bookings", limit=5, **week_of())
    second = site.admin.get("/v1/bookings", limit=5, cursor=first["next"], **week_of())
    assert second["next"] is None
    pages = [[b["id"] for b in answer["bookings"]] for answer in (first, second)]
    sign_in(browser, "ada", f"/admin#/bookings?{WEEK}&limit=5")
    wait_for_rows(browser, pages[0])
    assert browser.find("nav.pager button.previous").get_attribute("disabled") is not None
    browser.find("nav.pager button.next").click()
    wait_for_rows(browser, pages[1])
    assert browser.find("nav.pager .page-number").text == "Page 2"
    assert browser.find("nav.pager button.next").get_attribute("disabled") is not None
    browser.shot("page-2")
    browser.find("nav.pager button.previous").click()
    wait_for_rows(browser, pages[0])


def csv_ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["id"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))]


def test_the_csv_link_downloads_exactly_the_filtered_rows(site: Site, browser: Page) -> None:
    sign_in(browser, "ada", f"/admin#/bookings?{WEEK}&resource=anna&service=piano")
    expected = listed(site, **week_of("anna", service="piano"))
    wait_for_rows(browser, expected)
    href = browser.find("a.csv").get_attribute("href")
    query = parse_qs(urlsplit(href).query)
    assert query["resources"] == ["anna"] and query["service"] == ["piano"]
    downloaded = httpx.get(href, headers={"Authorization": f"Bearer {site.key}"})
    assert csv_ids(downloaded) == expected == table_ids(browser)
    unfiltered = httpx.get(href.split("?")[0], params={k: v[0] for k, v in query.items() if k in ("from", "to")},
                           headers={"Authorization": f"Bearer {site.key}"})
    assert len(csv_ids(unfiltered)) > len(expected)  # the link is narrowed, not the whole week


def chart_data(browser: Page) -> dict[str, Any]:
    browser.find("section.load canvas")
    data: dict[str, Any] = browser.script("""
        const chart = Chart.getChart(document.querySelector('section.load canvas'));
        return {labels: chart.data.labels, datasets: chart.data.datasets.map((d) => d.data)};""")
    return data


def report_query(browser: Page, report: str, kind: str) -> tuple[str, dict[str, list[str]]]:
    href: str = browser.find(f'p.exports[data-report="{report}"] a.{kind}').get_attribute("href")
    return href, parse_qs(urlsplit(href).query)


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True,
                          timeout=60).stdout.decode()


def test_the_load_chart_is_the_load_json_and_the_pdf_states_the_period_and_totals(site: Site,
                                                                                   browser: Page) -> None:
    sign_in(browser, "ada", f"/admin#/reports?{WEEK}&by=day&resources=anna,boris")
    data = chart_data(browser)
    _, query = report_query(browser, "load", "csv")
    assert query["from"] == [instant(MONDAY, "00:00", BERLIN)] and query["resources"] == ["anna", "boris"]
    load = site.admin.get("/v1/reports/load.json", **{k: v[0] if len(v) == 1 else v for k, v in query.items()})
    assert data["labels"] == [p["period"] for p in load["periods"]]
    assert data["datasets"] == [[p["open_hours"] for p in load["periods"]], [p["booked_hours"] for p in load["periods"]]]
    assert MONDAY.isoformat() in data["labels"] and max(data["datasets"][1]) > 0
    browser.shot("load-by-day")

    browser.script("location.hash = arguments[0]", f"#/reports?{WEEK}&by=week&resources=anna,boris")
    browser.wait(lambda d: chart_data(browser)["labels"][0].count("-W") == 1, "the chart by week")
    href, query = report_query(browser, "load", "pdf")
    assert query["by"] == ["week"]
    weekly = site.admin.get("/v1/reports/load.json", **{k: v[0] if len(v) == 1 else v for k, v in query.items()})
    assert chart_data(browser)["datasets"][1] == [p["booked_hours"] for p in weekly["periods"]]
    text = pdf_text(site.admin.http.get(href).content)
    assert f"Period: {MONDAY - timedelta(days=1):%Y-%m-%d} 23:00 UTC" in text or \
        f"Period: {MONDAY - timedelta(days=1):%Y-%m-%d} 22:00 UTC" in text
    totals = next(line for line in text.splitlines() if line.strip().startswith("Total"))
    assert f"{weekly['totals']['open_hours']:.2f}" in totals and f"{weekly['totals']['booked_hours']:.2f}" in totals
    footer = browser.find("section.load tfoot").text
    assert f"{weekly['totals']['booked_hours']:.2f}" in footer

    attendance = site.admin.get("/v1/reports/attendance.json",
                                **{k: v[0] if len(v) == 1 else v for k, v in query.items() if k != "by"})
    cells = browser.find("section.attendance tfoot").text.split()
    assert cells[1:] == [str(attendance["totals"][c]) for c in ("bookings", "attended", "no_show", "unmarked",
                                                                   "cancelled")]
    outcomes = browser.script("""
        const chart = Chart.getChart(document.querySelector('section.attendance canvas'));
        return {labels: chart.data.labels, datasets: chart.data.datasets.map((d) => d.data)};""")
    rows = attendance["rows"]
    assert outcomes["labels"] == [r["resource_name"] or r["resource"] for r in rows]
    assert outcomes["datasets"] == [[r[c] for r in rows] for c in ("attended", "no_show", "unmarked", "cancelled")]
    assert sum(map(sum, outcomes["datasets"])) == attendance["totals"]["bookings"] > 0
    table_link = browser.find("section.bookings a[href^='#/bookings']").get_attribute("href")
    assert urlsplit(table_link).fragment == f"/bookings?{WEEK}"  # two resources chosen: the table is not narrowed
    browser.shot("load-by-week")


def test_staff_see_only_their_own_resources_bookings_and_reports(site: Site, browser: Page) -> None:
    sign_in(browser, "tess", f"/admin#/bookings?{WEEK}&resource=boris")
    wait_for_rows(browser, listed(site, **week_of("anna")))
    assert browser.driver.find_elements("css selector", "select[name=resource]") == []
    assert {row.text.split("\n")[0] for row in browser.driver.find_elements("css selector", "table.bookings td:nth-child(2)")} \
        == {"Anna Berlin"}
    browser.shot("staff-bookings")
    browser.driver.set_window_size(390, 900)
    browser.shot("staff-bookings-narrow")

    browser.script("location.hash = arguments[0]", f"#/reports?{WEEK}&resources=boris")
    data = chart_data(browser)
    _, query = report_query(browser, "load", "csv")
    assert query["resources"] == ["anna"]
    staff = Session(site.base, "tess")
    try:
        load = staff.get("/v1/reports/load.json", **{k: v[0] for k, v in query.items()})
    finally:
        staff.close()
    assert {r["resource"] for r in load["rows"]} == {"anna"}
    assert data["datasets"][1] == [p["booked_hours"] for p in load["periods"]]
    assert "Boris" not in browser.find("main").text
    browser.shot("staff-reports-narrow")
