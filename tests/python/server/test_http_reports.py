"""GET /v1/reports/{bookings,attendance,load}.{csv,pdf}: the scheduler's CSV
reports as files, and PDFs drawn from them."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

import slotcraft as sc
from conftest import MONDAY, NOW

from .conftest import Api, error_of

WEEK = {"from": "2027-03-01T00:00:00Z", "to": "2027-03-08T00:00:00Z"}
BOM = b"\xef\xbb\xbf"
TRICKY_NAME = 'Smith, "Jo" Jr'  # a comma and quotes: quoted by RFC 4180 (a name holds no line break)
TRICKY_REASON = 'ill,\n"will call"'  # a line break, which a cancel reason may hold, quoted too
CYRILLIC_NAME = "Анна Иванова"
REPORTS = ("bookings", "attendance", "load")
ROUTES = [f"/v1/reports/{report}.{kind}" for report in REPORTS for kind in ("csv", "pdf")]
BOOKING_HEADERS = ("Start", "End", "Time zone", "Resource", "Service", "Location", "Client", "Seats", "Status",
                   "Attendance", "Booking")


def book_the_week(api: Api) -> list[dict[str, Any]]:
    """Monday: anna cuts the hair of Анна Иванова at 09:00, boris that of the
    tricky name at 10:00; Tuesday: c1 takes 2 seats of anna's yoga at 09:00 (Berlin)."""
    api.admin.put("/v1/clients/c2", {"id": "c2", "name": CYRILLIC_NAME})
    api.admin.put("/v1/clients/c3", {"id": "c3", "name": TRICKY_NAME})
    bodies = [
        {"resource": "anna", "service": "cut", "start": "2027-03-01T08:00:00Z", "client": "c2"},
        {"resource": "boris", "service": "cut", "start": "2027-03-01T09:00:00Z", "client": "c3"},
        {"resource": "anna", "service": "yoga", "start": "2027-03-02T08:00:00Z", "client": "c1", "seats": 2},
    ]
    booked = [api.admin.post("/v1/bookings", body) for body in bodies]
    assert [b.status_code for b in booked] == [201, 201, 201], [b.text for b in booked]
    return [b.json() for b in booked]


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM)
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def pdf_pages(response: httpx.Response) -> list[str]:
    """The text of each page of a PDF answer."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def filled_rectangles(response: httpx.Response) -> int:
    """How many filled rectangles the first page paints (the chart's bars, the table's row backgrounds)."""
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    return page.get_contents().get_data().count(b" re f*")


# ---- CSV ----


def test_the_bookings_csv_is_the_schedulers_with_a_bom_and_rfc_4180_quoting(api: Api) -> None:
    booked = book_the_week(api)
    yoga = booked[2]["id"]
    assert api.admin.post(f"/v1/bookings/{yoga}/cancel", {"reason": TRICKY_REASON}).status_code == 200
    response = api.admin.get("/v1/reports/bookings.csv", **WEEK)
    rows = csv_rows(response)
    assert response.headers["content-disposition"] == 'attachment; filename="bookings-2027-03-01-2027-03-08.csv"'
    assert [r["id"] for r in rows] == [b["id"] for b in booked]
    assert [r["client_name"] for r in rows] == [CYRILLIC_NAME, TRICKY_NAME, "Client One"]
    assert [(r["resource"], r["service"], r["seats"], r["start_local"]) for r in rows] == [
        ("anna", "cut", "1", "2027-03-01T09:00:00"),
        ("boris", "cut", "1", "2027-03-01T10:00:00"),
        ("anna", "yoga", "2", "2027-03-02T09:00:00"),
    ]
    assert [r["cancel_reason"] for r in rows] == ["", "", TRICKY_REASON]
    assert '"Smith, ""Jo"" Jr"' in response.content.decode("utf-8-sig")
    assert '"ill,\n""will call"""' in response.content.decode("utf-8-sig")
    assert CYRILLIC_NAME.encode() in response.content  # UTF-8, not an escape
    start, end = (sc.parse_instant(WEEK[k]) for k in ("from", "to"))
    assert response.content == api.scheduler.bookings_csv(start, end).encode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"resources": "boris"}, ["boris cut c3"]),
        ({"resources": ["boris", "anna"]}, ["anna cut c2", "boris cut c3", "anna yoga c1"]),
        ({"service": "yoga"}, ["anna yoga c1"]),
        ({"client": "c2"}, ["anna cut c2"]),
        ({"status": "cancelled"}, ["anna cut c2"]),
        ({"status": "confirmed"}, ["boris cut c3", "anna yoga c1"]),
        ({"from": "2027-03-02T00:00:00Z"}, ["anna yoga c1"]),
    ],
)
def test_filters_narrow_the_bookings_csv(memory_api: Api, params: dict[str, Any], expected: list[str]) -> None:
    first = book_the_week(memory_api)[0]
    assert memory_api.admin.post(f"/v1/bookings/{first['id']}/cancel").status_code == 200
    rows = csv_rows(memory_api.admin.get("/v1/reports/bookings.csv", **{**WEEK, **params}))
    assert [f"{r['resource']} {r['service']} {r['client']}" for r in rows] == expected


def mark_the_week(api: Api, booked: list[dict[str, Any]]) -> None:
    """A week later: Анна Иванова came, the tricky name did not, c1's yoga is unmarked."""
    api.clock.now = NOW + timedelta(days=7)
    for booking, mark in zip(booked, ("attended", "no_show")):
        marked = api.admin.post(f"/v1/bookings/{booking['id']}/attendance", {"attendance": mark})
        assert marked.status_code == 200, marked.text


def test_the_attendance_csv_counts_the_marks_per_resource(api: Api) -> None:
    mark_the_week(api, book_the_week(api))
    response = api.admin.get("/v1/reports/attendance.csv", **WEEK)
    counts = {r["resource"]: [r[k] for k in ("bookings", "attended", "no_show", "unmarked", "cancelled")]
              for r in csv_rows(response)}
    assert counts == {"anna": ["2", "1", "0", "1", "0"], "boris": ["1", "0", "1", "0", "0"]}
    assert response.headers["content-disposition"] == 'attachment; filename="attendance-2027-03-01-2027-03-08.csv"'
    narrowed = csv_rows(api.admin.get("/v1/reports/attendance.csv", service="yoga", **WEEK))
    assert [(r["resource"], r["bookings"], r["unmarked"]) for r in narrowed] == [
        ("anna", "1", "1"), ("boris", "0", "0")]


def test_the_load_csv_has_open_and_booked_hours_per_day_or_week(api: Api) -> None:
    book_the_week(api)
    days = csv_rows(api.admin.get("/v1/reports/load.csv", **WEEK))
    assert [(r["period"], r["open_hours"], r["booked_hours"]) for r in days if r["resource"] == "anna"][:3] == [
        ("2027-03-01", "8.00", "0.50"), ("2027-03-02", "8.00", "1.00"), ("2027-03-03", "8.00", "0.00")]
    weeks = csv_rows(api.admin.get("/v1/reports/load.csv", by="week", **WEEK))
    assert [(r["resource"], r["period"], r["booked_hours"]) for r in weeks] == [
        ("anna", "2027-W09", "1.50"), ("anna", "2027-W10", "0.00"),
        ("boris", "2027-W09", "0.50"), ("boris", "2027-W10", "0.00")]
    response = api.admin.get("/v1/reports/load.csv", resources="boris", **WEEK)
    assert {r["resource"] for r in csv_rows(response)} == {"boris"}
    assert response.headers["content-disposition"] == 'attachment; filename="load-2027-03-01-2027-03-08.csv"'


# ---- roles ----


def test_staff_get_their_own_resource_and_are_refused_another(memory_api: Api) -> None:
    book_the_week(memory_api)
    staff = memory_api.staff
    for report in REPORTS:
        path = f"/v1/reports/{report}.csv"
        assert {r["resource"] for r in csv_rows(staff.get(path, **WEEK))} == {"anna"}
        assert {r["resource"] for r in csv_rows(staff.get(path, resources="anna", **WEEK))} == {"anna"}
    for path in ROUTES:
        for named, field in (("boris", "resources[0]"), (["anna", "boris"], "resources[1]")):
            assert error_of(staff.get(path, resources=named, **WEEK), 403)["field"] == field
    (page,) = pdf_pages(staff.get("/v1/reports/bookings.pdf", **WEEK))
    assert "Resources: anna" in page and CYRILLIC_NAME in page
    assert "Boris" not in page and "Smith" not in page


def test_clients_get_no_report(memory_api: Api) -> None:
    book_the_week(memory_api)
    for path in ROUTES:
        error = error_of(memory_api.client.get(path, **WEEK), 403)
        assert error["field"] == ""  # refused by the route's role, before anything is read
        assert error_of(memory_api.anonymous.get(path, **WEEK), 401)["field"] == "Authorization"


# ---- PDF ----


def test_the_bookings_pdf_states_the_period_filters_names_and_totals(api: Api) -> None:
    booked = book_the_week(api)
    response = api.admin.get("/v1/reports/bookings.pdf", **WEEK)
    assert response.headers["content-disposition"] == 'attachment; filename="bookings-2027-03-01-2027-03-08.pdf"'
    (page,) = pdf_pages(response)
    assert "Period: 2027-03-01 00:00 UTC – 2027-03-08 00:00 UTC" in page
    assert "Filters: Resources: all · Service: all · Client: all · Status: any" in page
    assert "\n".join(BOOKING_HEADERS) in page
    assert CYRILLIC_NAME in page and TRICKY_NAME in page
    assert all(b["id"] in page for b in booked)
    assert "Total: 3 bookings (3 confirmed)\n4\n" in page  # 1 + 1 + 2 seats
    (narrowed,) = pdf_pages(api.admin.get("/v1/reports/bookings.pdf", service="cut", client="c2", **WEEK))
    assert "Service: cut · Client: c2" in narrowed
    assert "Total: 1 booking (1 confirmed)\n1\n" in narrowed and "Smith" not in narrowed


def test_a_wide_table_is_set_on_a_landscape_page(memory_api: Api) -> None:
    book_the_week(memory_api)
    for report, landscape in (("bookings", True), ("attendance", False)):
        page = PdfReader(io.BytesIO(memory_api.admin.get(f"/v1/reports/{report}.pdf", **WEEK).content)).pages[0]
        assert (page.mediabox.width > page.mediabox.height) == landscape, report


def test_the_attendance_pdf_totals_each_mark(memory_api: Api) -> None:
    mark_the_week(memory_api, book_the_week(memory_api))
    (page,) = pdf_pages(memory_api.admin.get("/v1/reports/attendance.pdf", **WEEK))
    assert "Attendance\nPeriod: 2027-03-01 00:00 UTC – 2027-03-08 00:00 UTC" in page
    assert "Resource\nBookings\nAttended\nNo-show\nUnmarked\nCancelled\n" in page
    assert "Anna\n2\n1\n0\n1\n0\nBoris\n1\n0\n1\n0\n0\n" in page
    assert "Total\n3\n1\n1\n1\n0" in page


def test_the_load_pdf_draws_a_bar_chart_above_its_table(api: Api) -> None:
    empty_week = filled_rectangles(api.admin.get("/v1/reports/load.pdf", **WEEK))
    book_the_week(api)
    response = api.admin.get("/v1/reports/load.pdf", **WEEK)
    (page,) = pdf_pages(response)
    lines = page.split("\n")
    assert "Open and booked hours per day, summed over the resources below" in lines
    # the chart's labels: days under the bars, hours beside them, the legend
    assert {"03-01", "03-02", "03-05", "0 h", "Open hours", "Booked hours"} <= set(lines)
    assert lines.index("03-01") < lines.index("Resource")  # the chart is above the table
    assert "Anna\nEurope/Berlin\n2027-03-01\n8.00\n0.50\n6.25 %\n" in page  # the utilisation, 0.0625
    assert "Total\n80.00\n2.00" in page  # 2 × 5 days × 8 open hours; 0.5 + 1 + 0.5 booked
    # a bar more for each day with bookings (Monday, Tuesday), the same table rows
    assert filled_rectangles(response) == empty_week + 2
    (weeks,) = pdf_pages(api.admin.get("/v1/reports/load.pdf", by="week", **WEEK))
    assert "Filters: Resources: all · By: week" in weeks
    assert {"2027-W09", "2027-W10"} <= set(weeks.split("\n"))
    assert "Total\n80.00\n2.00" in weeks


def test_a_long_bookings_pdf_repeats_its_header_on_every_page(memory_api: Api) -> None:
    """80 bookings: on the hour, 09:00 to 12:00 and 14:00 to 17:00 (Berlin), for anna and boris, Monday to Friday."""
    starts = [MONDAY + timedelta(days=day, hours=hour) for day in range(5) for hour in (8, 9, 10, 11, 13, 14, 15, 16)]
    booked = [memory_api.scheduler.book(resource, "cut", start, client="c1", now=NOW).id
              for start in starts for resource in ("anna", "boris")]
    assert len(booked) == 80
    pages = pdf_pages(memory_api.admin.get("/v1/reports/bookings.pdf", **WEEK))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "\n".join(BOOKING_HEADERS) in page, number
        assert f"Bookings · page {number}" in page
    assert "Period:" in pages[0] and "Period:" not in pages[1]
    text = "\n".join(pages)
    assert [id for id in booked if id not in text] == []
    assert "Total: 80 bookings (80 confirmed)\n80\n" in pages[-1]


# ---- bad input ----

PERIOD_ERRORS = [
    ({"from": None}, "from", 400),
    ({"to": None}, "to", 400),
    ({"from": "2027-03-01"}, "from", 400),
    ({"from": "2027-03-01T00:00:00"}, "from", 400),
    ({"to": "next week"}, "to", 400),
    ({"to": "2027-02-01T00:00:00Z"}, "to", 400),
    ({"to": WEEK["from"]}, "to", 400),
    ({"to": "2028-03-01T00:00:01Z"}, "to", 400),  # 366 days and a second
    ({"resources": "zed"}, "resources[0]", 404),
    ({"resources": ["anna", "zed"]}, "resources[1]", 404),
]
FILTER_ERRORS = [
    ({"status": "done"}, "status", 400),
    ({"service": "nope"}, "service", 404),
    ({"client": "nobody"}, "client", 404),
]
LOAD_ERRORS = [({"by": "month"}, "by", 400), ({"by": ""}, "by", 400)]


def _cases() -> list[Any]:
    cases = []
    for path in ROUTES:
        more = LOAD_ERRORS if "/load." in path else FILTER_ERRORS
        cases += [pytest.param(path, params, field, status, id=f"{path}-{field}-{params}")
                  for params, field, status in PERIOD_ERRORS + more]
    return cases


@pytest.mark.parametrize(("path", "params", "field", "status"), _cases())
def test_bad_input_names_the_field(memory_api: Api, path: str, params: dict[str, Any], field: str, status: int) -> None:
    query = {k: v for k, v in {**WEEK, **params}.items() if v is not None}
    assert error_of(memory_api.admin.get(path, **query), status)["field"] == field


@pytest.mark.parametrize("path", ROUTES)
def test_a_period_of_366_days_is_the_longest(memory_api: Api, path: str) -> None:
    response = memory_api.admin.get(path, **{"from": WEEK["from"], "to": "2028-03-01T00:00:00Z"})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith(f'-2027-03-01-2028-03-01.{path[-3:]}"')


def test_a_name_too_long_for_a_page_is_cut_short_in_the_pdf_and_whole_in_the_csv(memory_api: Api) -> None:
    """A client may name themselves at length; the report still fits its rows on pages."""
    long_name = "Анна " * 3000
    assert memory_api.client.put("/v1/clients/c1", {"id": "c1", "name": long_name}).status_code == 200
    assert memory_api.client.post("/v1/bookings", {"resource": "anna", "service": "cut",
                                                   "start": "2027-03-01T08:00:00Z"}).status_code == 201
    (row,) = csv_rows(memory_api.admin.get("/v1/reports/bookings.csv", **WEEK))
    assert row["client_name"] == long_name
    (page,) = pdf_pages(memory_api.admin.get("/v1/reports/bookings.pdf", **WEEK))
    assert "Анна Анна" in page and "…" in page
    assert page.count("Анна") < 100


# ---- JSON, for the admin panel ----

JSON_ROUTES = ("/v1/reports/attendance.json", "/v1/reports/load.json")


def json_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def test_the_load_json_is_the_load_csv_with_numbers_and_the_sums_per_period(api: Api) -> None:
    book_the_week(api)
    for by in ("day", "week"):
        query = {**WEEK, "by": by}
        report = json_of(api.admin.get("/v1/reports/load.json", **query))
        records = csv_rows(api.admin.get("/v1/reports/load.csv", **query))
        assert [r["period"] for r in report["rows"]] == [r["period"] for r in records]
        assert [r["booked_hours"] for r in report["rows"]] == [float(r["booked_hours"]) for r in records]
        assert (report["from"], report["to"], report["by"], report["resources"]) == (WEEK["from"], WEEK["to"], by, [])
    weeks = json_of(api.admin.get("/v1/reports/load.json", by="week", **WEEK))
    assert weeks["periods"] == [{"period": "2027-W09", "open_hours": 80.0, "booked_hours": 2.0},
                                {"period": "2027-W10", "open_hours": 0.0, "booked_hours": 0.0}]
    assert weeks["totals"] == {"open_hours": 80.0, "booked_hours": 2.0}
    assert weeks["rows"][1] == {"resource": "anna", "resource_name": "Anna", "time_zone": "Europe/Berlin",
                                "period": "2027-W10", "days": 1, "open_hours": 0.0, "booked_hours": 0.0,
                                "utilisation": None}
    days = json_of(api.admin.get("/v1/reports/load.json", resources="boris", **WEEK))
    assert days["periods"][0] == {"period": "2027-03-01", "open_hours": 8.0, "booked_hours": 0.5}
    assert {r["resource"] for r in days["rows"]} == {"boris"} and days["resources"] == ["boris"]


def test_the_attendance_json_counts_as_its_csv_with_totals(api: Api) -> None:
    mark_the_week(api, book_the_week(api))
    report = json_of(api.admin.get("/v1/reports/attendance.json", **WEEK))
    assert [(r["resource"], r["bookings"], r["attended"], r["no_show"], r["unmarked"]) for r in report["rows"]] == [
        ("anna", 2, 1, 0, 1), ("boris", 1, 0, 1, 0)]
    assert report["totals"] == {"bookings": 3, "attended": 1, "no_show": 1, "unmarked": 1, "cancelled": 0}
    narrowed = json_of(api.admin.get("/v1/reports/attendance.json", service="yoga", **WEEK))
    assert narrowed["totals"]["bookings"] == 1


def test_staff_get_their_own_resources_json_and_clients_none(memory_api: Api) -> None:
    book_the_week(memory_api)
    for path in JSON_ROUTES:
        assert {r["resource"] for r in json_of(memory_api.staff.get(path, **WEEK))["rows"]} == {"anna"}
        assert error_of(memory_api.staff.get(path, resources="boris", **WEEK), 403)["field"] == "resources[0]"
        assert error_of(memory_api.client.get(path, **WEEK), 403)["field"] == ""


@pytest.mark.parametrize(("path", "params", "field", "status"), [
    pytest.param(path, params, field, status, id=f"{path}-{field}-{params}")
    for path in JSON_ROUTES
    for params, field, status in PERIOD_ERRORS + (LOAD_ERRORS if "/load." in path else FILTER_ERRORS)])
def test_bad_input_to_a_json_report_names_the_field(memory_api: Api, path: str, params: dict[str, Any], field: str,
                                                    status: int) -> None:
    query = {k: v for k, v in {**WEEK, **params}.items() if v is not None}
    assert error_of(memory_api.admin.get(path, **query), status)["field"] == field
