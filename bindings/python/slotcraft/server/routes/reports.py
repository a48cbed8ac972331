"""Reports as files: bookings, attendance and load over a period, as the
scheduler's own CSV (RFC 4180, UTF-8 with a BOM so that spreadsheets read
Cyrillic) or as a PDF drawn from that same CSV (../pdf.py); attendance and
load also as JSON read from that same CSV, for the admin panel's tables and
chart. Staff get their own resource's; clients none."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

import slotcraft as sc

from .. import pdf
from ..auth import STAFF, Principal, Rules
from ..context import Context
from ..errors import ApiError, fields_named
from ..params import known_client, known_service, period_from, period_to, resources_query, service_filter, status_filter
from ..routing import ApiRoute
from ..views import Instant
from .bookings import MAX_PERIOD

ROLES: Rules = {
    "bookings_report_csv": STAFF,
    "bookings_report_pdf": STAFF,
    "attendance_report_csv": STAFF,
    "attendance_report_pdf": STAFF,
    "load_report_csv": STAFF,
    "load_report_pdf": STAFF,
    "attendance_report_json": STAFF,
    "load_report_json": STAFF,
}

CSV_TYPE = "text/csv"  # Starlette adds "; charset=utf-8"
PDF_TYPE = "application/pdf"

BY = Query("day", description="`day` (the default): a row per resource and local day; `week`: per ISO week",
           example="week")


# The CSV's columns that hold counts, and those that hold decimals (empty: none, as a utilisation of no open hours).
COUNT_FIELDS = frozenset({"days", "bookings", "attended", "no_show", "unmarked", "cancelled"})
DECIMAL_FIELDS = frozenset({"open_hours", "booked_hours", "utilisation"})


def _value(name: str, text: str) -> str | int | float | None:
    if name in COUNT_FIELDS:
        return int(text)
    if name in DECIMAL_FIELDS:
        return float(text) if text else None
    return text


def _typed(row: pdf.Row) -> dict[str, Any]:
    """A CSV record with its counts as integers and its decimals as numbers (or null)."""
    return {name: _value(name, text) for name, text in row.items()}


def _total(records: list[dict[str, str]], name: str) -> int | float:
    if name in COUNT_FIELDS:
        return sum(int(r[name]) for r in records)
    return float(sum((Decimal(r[name]) for r in records), Decimal(0)))


def _report_json(q: ReportQuery, records: list[dict[str, str]], totals: Iterable[str], **more: Any) -> dict[str, Any]:
    """A report's CSV records, typed, with the period, the resources and each of `totals` summed over them."""
    return {"from": sc.format_instant(q.start), "to": sc.format_instant(q.end), "resources": q.resources, **more,
            "rows": [_typed(r) for r in records], "totals": {name: _total(records, name) for name in totals}}


def _file_response(media_type: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a route answering a file of `media_type`."""
    return {200: {"content": {media_type: {}}, "description": "The report, as an attachment"}}


@dataclass(frozen=True)
class ReportQuery:
    """What a report covers, as the scheduler takes it: `resources` is already
    a staff member's own when they named none."""

    start: datetime
    end: datetime
    resources: list[str]
    service: str = ""
    client: str = ""
    status: str | None = None

    def filename(self, report: str, extension: str) -> str:
        return f"{report}-{self.start:%Y-%m-%d}-{self.end:%Y-%m-%d}.{extension}"

    def filters(self) -> list[tuple[str, str]]:
        """The filters as the PDF states them under the period."""
        return [
            ("Resources", ", ".join(self.resources) or "all"),
            ("Service", self.service or "all"),
            ("Client", self.client or "all"),
            ("Status", self.status or "any"),
        ]


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _within_limit(start: datetime, end: datetime) -> None:
    """Refuses a period longer than a listing covers (the scheduler refuses one that ends before it starts)."""
    if end - start > MAX_PERIOD:
        raise ApiError(400, f"the period is over {MAX_PERIOD.days} days", field="to")


def routes(ctx: Context) -> APIRouter:
    api = APIRouter(route_class=ApiRoute, tags=["reports"])
    scheduler = ctx.scheduler

    def booking_query(
        start: Instant = period_from(),
        end: Instant = period_to(),
        resources: list[str] = resources_query(),
        service: str = service_filter(),
        client: str = Query("", description="a client's id: only their bookings; none: everyone's",
                            example="c1"),
        status: str | None = status_filter(),
        who: Principal = Depends(ctx.caller),
    ) -> ReportQuery:
        """The period [from, to) and the filters of the bookings and attendance reports."""
        _within_limit(start, end)
        return ReportQuery(start, end, who.own_resources(resources), known_service(scheduler, service),
                           known_client(scheduler, client), status)

    def load_query(
        start: Instant = period_from(),
        end: Instant = period_to(),
        resources: list[str] = resources_query(),
        who: Principal = Depends(ctx.caller),
    ) -> ReportQuery:
        """The period [from, to) and the resources of the load report."""
        _within_limit(start, end)
        return ReportQuery(start, end, who.own_resources(resources))

    def bookings_csv(q: ReportQuery) -> str:
        with fields_named(start="from", end="to", period="to"):
            return scheduler.bookings_csv(q.start, q.end, resources=q.resources, service=q.service,
                                          client=q.client, status=q.status)

    def attendance_csv(q: ReportQuery) -> str:
        with fields_named(start="from", end="to", period="to"):
            return scheduler.attendance_csv(q.start, q.end, resources=q.resources, service=q.service,
                                            client=q.client, status=q.status)

    def load_csv(q: ReportQuery, by: str) -> str:
        with fields_named(start="from", end="to", period="to"):
            return scheduler.load_csv(q.start, q.end, resources=q.resources, by=by, now=ctx.clock())

    def heading(title: str, q: ReportQuery, filters: list[tuple[str, str]]) -> pdf.Heading:
        return pdf.Heading(title, q.start, q.end, filters, ctx.clock())

    @api.get("/reports/bookings.csv", name="bookings_report_csv", response_class=Response,
             responses=_file_response(CSV_TYPE))
    def bookings_report_csv(q: ReportQuery = Depends(booking_query)) -> Response:
        """The bookings and holds starting in [from, to), one a row, by start; narrowed
        by `resources`, `service`, `client` and `status`; at most 366 days."""
        return _attachment(bookings_csv(q).encode(), CSV_TYPE, q.filename("bookings", "csv"))

    @api.get("/reports/bookings.pdf", name="bookings_report_pdf", response_class=Response,
             responses=_file_response(PDF_TYPE))
    def bookings_report_pdf(q: ReportQuery = Depends(booking_query)) -> Response:
        """The bookings report as a table, with the bookings by status and the seats in all."""
        report = pdf.bookings_pdf(bookings_csv(q), heading("Bookings", q, q.filters()))
        return _attachment(report, PDF_TYPE, q.filename("bookings", "pdf"))

    @api.get("/reports/attendance.csv", name="attendance_report_csv", response_class=Response,
             responses=_file_response(CSV_TYPE))
    def attendance_report_csv(q: ReportQuery = Depends(booking_query)) -> Response:
        """Per resource, the bookings starting in [from, to) that pass the filters:
        attended, no-show, unmarked and cancelled (holds are not counted)."""
        return _attachment(attendance_csv(q).encode(), CSV_TYPE, q.filename("attendance", "csv"))

    @api.get("/reports/attendance.pdf", name="attendance_report_pdf", response_class=Response,
             responses=_file_response(PDF_TYPE))
    def attendance_report_pdf(q: ReportQuery = Depends(booking_query)) -> Response:
        """The attendance report as a table, with each count over the resources."""
        report = pdf.attendance_pdf(attendance_csv(q), heading("Attendance", q, q.filters()))
        return _attachment(report, PDF_TYPE, q.filename("attendance", "pdf"))

    @api.get("/reports/load.csv", name="load_report_csv", response_class=Response,
             responses=_file_response(CSV_TYPE))
    def load_report_csv(q: ReportQuery = Depends(load_query), by: str = BY) -> Response:
        """Open and booked hours per resource and local day (`by=day`) or ISO week (`by=week`) in [from, to)."""
        return _attachment(load_csv(q, by).encode(), CSV_TYPE, q.filename("load", "csv"))

    @api.get("/reports/load.pdf", name="load_report_pdf", response_class=Response,
             responses=_file_response(PDF_TYPE))
    def load_report_pdf(q: ReportQuery = Depends(load_query), by: str = BY) -> Response:
        """The load report as a table under a bar chart of open and booked hours per day or week."""
        filters = [*q.filters()[:1], ("By", by)]
        report = pdf.load_pdf(load_csv(q, by), heading("Load", q, filters), by)
        return _attachment(report, PDF_TYPE, q.filename("load", "pdf"))

    @api.get("/reports/attendance.json", name="attendance_report_json")
    def attendance_report_json(q: ReportQuery = Depends(booking_query)) -> dict[str, Any]:
        """The attendance report's rows (those of its CSV, counts as numbers) and
        each count summed over the resources in `totals`."""
        return _report_json(q, pdf.parse_csv(attendance_csv(q)), pdf.ATTENDANCE_COUNTS)

    @api.get("/reports/load.json", name="load_report_json")
    def load_report_json(q: ReportQuery = Depends(load_query), by: str = BY) -> dict[str, Any]:
        """The load report's rows (those of its CSV, hours as numbers; `utilisation`
        null without open hours), `periods`: the open and booked hours per day or
        week summed over the resources (the bars of its PDF's chart), and `totals`."""
        records = pdf.parse_csv(load_csv(q, by))
        opened, booked = (pdf.hours_by_period(records, name) for name in ("open_hours", "booked_hours"))
        periods = [{"period": p, "open_hours": float(opened[p]), "booked_hours": float(booked[p])}
                   for p in sorted(opened)]
        return _report_json(q, records, ("open_hours", "booked_hours"), by=by, periods=periods)

    return api
