"""PDF reports drawn with reportlab (Debian's python3-reportlab) from the
scheduler's own CSV reports: nothing is counted here that the CSV does not
hold. A report has a title, its period and filters, a table whose header row
repeats on every page and whose last row holds the totals and, for the load
report, a bar chart of open and booked hours per day or week.

Text is set in DejaVu Sans (Debian's fonts-dejavu-core), so that Cyrillic and
other non-Latin names render."""

from __future__ import annotations

import csv
import importlib
import io
import math
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from functools import cache
from xml.sax.saxutils import escape

with warnings.catch_warnings():
    # reportlab 3.6 (Debian 12) looks for ~/.reportlab_mods with a loader method Python 3.11 deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    importlib.import_module("reportlab")
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
SIZE = 8  # of the table's text, in points
PADDING = 4  # left and right of a cell's text, in points
MARGIN = 15 * mm
MAX_CELL_CHARS = 200  # and lines: a cell shows that much of a long text, so that its row fits on a page
MAX_CELL_LINES = 6

OPEN_COLOUR = colors.HexColor("#b4c6e7")
BOOKED_COLOUR = colors.HexColor("#2f5597")
HEADER_COLOUR = colors.HexColor("#d9e1f2")
STRIPE_COLOUR = colors.HexColor("#f2f2f2")

Row = Mapping[str, str]


@dataclass(frozen=True)
class Heading:
    """What a report says above its table: `filters` are (label, value) pairs."""

    title: str
    start: datetime
    end: datetime
    filters: Sequence[tuple[str, str]]
    made: datetime


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Row], str]
    numeric: bool = False


@cache
def _fonts() -> None:
    """Registers DejaVu Sans once, as a family so that <b> in a paragraph is its bold face."""
    pdfmetrics.registerFont(TTFont(FONT, f"{FONT_DIR}/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, f"{FONT_DIR}/DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _style(name: str, size: float, font: str = FONT, **more: object) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, **more)


def parse_csv(text: str) -> list[dict[str, str]]:
    """The records of one of the scheduler's CSV reports (RFC 4180, perhaps after a BOM), by header."""
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _name(row: Row, field: str) -> str:
    """A record's name in the report, or its id when it has none."""
    return row[f"{field}_name"] or row[field]


def _local(text: str) -> str:
    """`2027-03-01T09:00:00` → `2027-03-01 09:00`."""
    return text[:16].replace("T", " ")


def _instant(t: datetime) -> str:
    return f"{t.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"


def _hours(value: Decimal) -> str:
    return f"{value:.2f}"


# ---- the table ----


def _clipped(text: str) -> str:
    """A cell's text cut short enough that its row fits on a page (the CSV has it whole)."""
    clipped = "\n".join(text.split("\n")[:MAX_CELL_LINES])[:MAX_CELL_CHARS]
    return clipped if clipped == text else clipped + "…"


def _text_width(text: str, font: str) -> float:
    return max(pdfmetrics.stringWidth(line, font, SIZE) for line in text.split("\n")) + 2 * PADDING


def _fit(natural: Sequence[float], room: float) -> list[float]:
    """Column widths within `room`: the narrow columns keep their natural
    width, the widest are cut to one width (their text then wraps)."""
    kept = 0.0
    for count, width in enumerate(sorted(natural)):
        cap = (room - kept) / (len(natural) - count)
        if width > cap:
            return [min(w, cap) for w in natural]
        kept += width
    return list(natural)


@dataclass(frozen=True)
class Layout:
    page: tuple[float, float]
    widths: list[float]

    @property
    def room(self) -> float:
        return self.page[0] - 2 * MARGIN


def _layout(cells: Sequence[Sequence[str]], totals: Sequence[str], label_spans: bool) -> Layout:
    """Portrait A4 when the table's natural width fits it, else landscape A4."""
    natural = [_text_width(text, BOLD) for text in cells[0]]
    for row in cells[1:]:
        natural = [max(w, _text_width(text, FONT)) for w, text in zip(natural, row)]
    for i, text in enumerate(totals):
        if i > 0 or not label_spans:  # a label spanning empty cells has room enough
            natural[i] = max(natural[i], _text_width(text, BOLD))
    portrait_room = A4[0] - 2 * MARGIN
    page = A4 if sum(natural) <= portrait_room else landscape(A4)
    return Layout(page, _fit(natural, page[0] - 2 * MARGIN))


def _label_span(totals: Sequence[str]) -> int:
    """The last column the totals' label spans: the empty cells after it."""
    last = 0
    while last + 1 < len(totals) and not totals[last + 1]:
        last += 1
    return last


def _cell(text: str, width: float, font: str, numeric: bool) -> str | Paragraph:
    """The text as it is, or as a paragraph that wraps when it is wider than its column."""
    if _text_width(text, font) <= width:
        return text
    style = _style("cell", SIZE, font, alignment=2 if numeric else 0)
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _table(columns: Sequence[Column], cells: list[list[str]], totals: list[str], layout: Layout) -> LongTable:
    span = _label_span(totals)
    body = [
        [_cell(text, width, FONT, c.numeric) for text, width, c in zip(row, layout.widths, columns)]
        for row in cells[1:]
    ]
    last = len(body) + 1
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, SIZE),
        ("FONT", (0, 0), (-1, 0), BOLD, SIZE),
        ("FONT", (0, last), (-1, last), BOLD, SIZE),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_COLOUR),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEABOVE", (0, last), (-1, last), 0.8, colors.black),
        ("SPAN", (0, last), (span, last)),
    ]
    if body:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, last - 1), [colors.white, STRIPE_COLOUR]))
    style += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i, c in enumerate(columns) if c.numeric]
    table = LongTable([cells[0], *body, totals], colWidths=layout.widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    return table


# ---- the page ----


def _heading(heading: Heading) -> list[Flowable]:
    small = _style("small", 9, spaceAfter=2)
    filters = " · ".join(f"{label}: {escape(value)}" for label, value in heading.filters)
    return [
        Paragraph(escape(heading.title), _style("title", 16, BOLD, spaceAfter=6)),
        Paragraph(f"<b>Period:</b> {_instant(heading.start)} – {_instant(heading.end)} (the end excluded)", small),
        Paragraph(f"<b>Filters:</b> {filters}", small),
        Paragraph(f"Made {_instant(heading.made)} by slotcraft", small),
        Spacer(0, 4 * mm),
    ]


def _footer(title: str) -> Callable[[Canvas, SimpleDocTemplate], None]:
    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawRightString(doc.pagesize[0] - MARGIN, MARGIN / 2, f"{title} · page {doc.page}")
        canvas.restoreState()

    return draw


def _render(
    heading: Heading,
    columns: Sequence[Column],
    rows: Sequence[Row],
    totals: list[str],
    chart: Callable[[float], list[Flowable]] = lambda room: [],
) -> bytes:
    _fonts()
    cells = [[c.header for c in columns], *([_clipped(c.cell(row)) for c in columns] for row in rows)]
    layout = _layout(cells, totals, _label_span(totals) > 0)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=layout.page, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=heading.title, author="slotcraft")
    footer = _footer(heading.title)
    doc.build([*_heading(heading), *chart(layout.room), _table(columns, cells, totals, layout)],
              onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _totals(columns: Sequence[Column], cells: Mapping[str, str]) -> list[str]:
    """The totals row: `cells` by column header, the others empty."""
    return [cells.get(c.header, "") for c in columns]


# ---- the three reports ----


BOOKING_COLUMNS = (
    Column("Start", lambda r: _local(r["start_local"])),
    Column("End", lambda r: _local(r["end_local"])),
    Column("Time zone", lambda r: r["time_zone"]),
    Column("Resource", lambda r: _name(r, "resource")),
    Column("Service", lambda r: _name(r, "service")),
    Column("Location", lambda r: _name(r, "location")),
    Column("Client", lambda r: _name(r, "client")),
    Column("Seats", lambda r: r["seats"], numeric=True),
    Column("Status", lambda r: r["status"]),
    Column("Attendance", lambda r: r["attendance"]),
    Column("Booking", lambda r: r["id"]),
)


def bookings_pdf(report: str, heading: Heading) -> bytes:
    """The bookings of `Scheduler.bookings_csv`, one a row; totals: bookings by status and seats."""
    rows = parse_csv(report)
    by_status = Counter(r["status"] for r in rows)
    label = f"Total: {_count(len(rows), 'booking', 'bookings')}"
    if by_status:
        label += " (" + ", ".join(f"{n} {status}" for status, n in sorted(by_status.items())) + ")"
    seats = sum(int(r["seats"]) for r in rows)
    return _render(heading, BOOKING_COLUMNS, rows, _totals(BOOKING_COLUMNS, {"Start": label, "Seats": str(seats)}))


ATTENDANCE_COUNTS = ("bookings", "attended", "no_show", "unmarked", "cancelled")
ATTENDANCE_COLUMNS = (
    Column("Resource", lambda r: _name(r, "resource")),
    *(Column(field.replace("_", "-").capitalize(), lambda r, f=field: r[f], numeric=True)
      for field in ATTENDANCE_COUNTS),
)


def attendance_pdf(report: str, heading: Heading) -> bytes:
    """A row per resource of `Scheduler.attendance_csv`; totals: each count over the resources."""
    rows = parse_csv(report)
    totals = ["Total", *(str(sum(int(r[field]) for r in rows)) for field in ATTENDANCE_COUNTS)]
    return _render(heading, ATTENDANCE_COLUMNS, rows, totals)


def _utilisation(text: str) -> str:
    return f"{Decimal(text) * 100:.2f} %" if text else ""


def _load_columns(by: str) -> list[Column]:
    columns = [
        Column("Resource", lambda r: _name(r, "resource")),
        Column("Time zone", lambda r: r["time_zone"]),
        Column(by.capitalize(), lambda r: r["period"]),
        Column("Open hours", lambda r: r["open_hours"], numeric=True),
        Column("Booked hours", lambda r: r["booked_hours"], numeric=True),
        Column("Utilisation", lambda r: _utilisation(r["utilisation"]), numeric=True),
    ]
    if by == "week":  # a week at the period's ends has fewer days
        columns.insert(3, Column("Days", lambda r: r["days"], numeric=True))
    return columns


def hours_by_period(rows: Sequence[Row], field: str) -> dict[str, Decimal]:
    """The hours of `field` per period (day or week), summed over the rows' resources."""
    sums: dict[str, Decimal] = {}
    for row in rows:
        sums[row["period"]] = sums.get(row["period"], Decimal(0)) + Decimal(row[field])
    return sums


def _category_labels(periods: Sequence[str], by: str, room: float) -> list[str]:
    """The periods' names under their bars: days without their year when all
    are in one year, and only every n-th one when they would not fit."""
    labels = list(periods)
    if by == "day" and len({p[:4] for p in periods}) == 1:
        labels = [p[5:] for p in periods]
    step = math.ceil(len(labels) / max(1, int(room // 30)))
    return [label if i % step == 0 else "" for i, label in enumerate(labels)]


def _load_chart(rows: Sequence[Row], by: str, room: float) -> list[Flowable]:
    """Bars of open and booked hours per day or week, summed over the resources in the table."""
    opened, booked = hours_by_period(rows, "open_hours"), hours_by_period(rows, "booked_hours")
    periods = sorted(opened)
    if not periods:
        return []
    slanted = len(periods) > 12  # their labels, so that they do not overlap
    bottom = 52 if slanted else 30  # room for the labels under the bars
    height = 70 * mm
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 44, bottom, room - 54, height - bottom - 22
    chart.data = [[float(opened[p]) for p in periods], [float(booked[p]) for p in periods]]
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = OPEN_COLOUR
    chart.bars[1].fillColor = BOOKED_COLOUR
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(1.0, *chart.data[0], *chart.data[1]) * 1.1
    chart.valueAxis.labelTextFormat = "%g h"
    chart.categoryAxis.categoryNames = _category_labels(periods, by, chart.width)
    if "" in chart.categoryAxis.categoryNames:  # thinned: a tick under every bar would be a black band
        chart.categoryAxis.tickDown = 0
    for labels in (chart.valueAxis.labels, chart.categoryAxis.labels):
        labels.fontName, labels.fontSize = FONT, 7
    if slanted:
        chart.categoryAxis.labels.angle = 45
        chart.categoryAxis.labels.boxAnchor = "ne"
    legend = Legend()
    legend.x, legend.y = room - 10, height - 4
    legend.alignment, legend.boxAnchor, legend.columnMaximum = "right", "ne", 1
    legend.fontName, legend.fontSize = FONT, 8
    legend.colorNamePairs = [(OPEN_COLOUR, "Open hours"), (BOOKED_COLOUR, "Booked hours")]
    drawing = Drawing(room, height)
    drawing.add(chart)
    drawing.add(legend)
    caption = f"Open and booked hours per {by}, summed over the resources below"
    return [Paragraph(caption, _style("caption", 9, BOLD, spaceAfter=2)), drawing, Spacer(0, 4 * mm)]


def load_pdf(report: str, heading: Heading, by: str) -> bytes:
    """The rows of `Scheduler.load_csv` (per resource and day or week) under a
    bar chart of them; totals: the open and booked hours."""
    rows = parse_csv(report)
    columns = _load_columns(by)
    totals = _totals(columns, {
        "Resource": "Total",
        "Open hours": _hours(sum((Decimal(r["open_hours"]) for r in rows), Decimal(0))),
        "Booked hours": _hours(sum((Decimal(r["booked_hours"]) for r in rows), Decimal(0))),
    })
    return _render(heading, columns, rows, totals, lambda room: _load_chart(rows, by, room))
