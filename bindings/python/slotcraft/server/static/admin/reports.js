// The reports page: load (open and booked hours per day or week, as a bar
// chart and a table) and attendance for a period and resources, read from
// GET /v1/reports/{load,attendance}.json, with links to the same reports as
// CSV and PDF (and the bookings report). The page counts nothing itself: the
// bars are the JSON's `periods`, the totals its `totals`. Staff get their own
// resource's reports, as the API answers them.

import * as api from "./api.js";
import { bdi, errorText, field, h, reasonsList, uniqueId } from "./dom.js";
import {
  apiFileUrl, clearFieldErrors, dateParam, keepInFragment, periodQuery, periodZone, showFieldError, today,
} from "./filters.js";
import { addMessages, locale, t } from "./i18n.js";
import { session } from "./session.js";

addMessages({
  en: {
    "reports.title": "Reports",
    "reports.filters": "Report period",
    "reports.from": "From",
    "reports.to": "To (included)",
    "reports.by": "Load by",
    "reports.byDay": "day",
    "reports.byWeek": "week",
    "reports.resources": "Resources",
    "reports.allResources": "No resource ticked: all of them.",
    "reports.show": "Show",
    "reports.daysIn": "Days in {zone}.",
    "reports.load": "Load",
    "reports.attendance": "Attendance",
    "reports.bookings": "Bookings",
    "reports.downloads": "Download",
    "reports.csv": "{report} as CSV",
    "reports.pdf": "{report} as PDF",
    "reports.chartLabel.day": "Open and booked hours per day, summed over the resources",
    "reports.chartLabel.week": "Open and booked hours per week, summed over the resources",
    "reports.hours": "hours",
    "reports.openHours": "Open hours",
    "reports.bookedHours": "Booked hours",
    "reports.utilisation": "Utilisation",
    "reports.resource": "Resource",
    "reports.zone": "Time zone",
    "reports.day": "Day",
    "reports.week": "Week",
    "reports.days": "Days",
    "reports.total": "Total",
    "reports.count.bookings": "Bookings",
    "reports.count.attended": "Attended",
    "reports.count.no_show": "Did not come",
    "reports.count.unmarked": "Not marked",
    "reports.count.cancelled": "Cancelled",
    "reports.empty": "Nothing in this period.",
    "reports.attendanceChart": "Bookings per resource by what became of them: attended, did not come, not marked, cancelled",
    "reports.inTable": "See them one by one in the Bookings table",
    "reports.loadFailed": "The reports could not be loaded: {message}",
  },
  ru: {
    "reports.title": "Отчёты",
    "reports.filters": "Период отчёта",
    "reports.from": "С",
    "reports.to": "По (включительно)",
    "reports.by": "Загрузка по",
    "reports.byDay": "дням",
    "reports.byWeek": "неделям",
    "reports.resources": "Ресурсы",
    "reports.allResources": "Ни один ресурс не отмечен: все.",
    "reports.show": "Показать",
    "reports.daysIn": "Дни по поясу {zone}.",
    "reports.load": "Загрузка",
    "reports.attendance": "Посещаемость",
    "reports.bookings": "Записи",
    "reports.downloads": "Скачать",
    "reports.csv": "{report} в CSV",
    "reports.pdf": "{report} в PDF",
    "reports.chartLabel.day": "Часы работы и занятые часы по дням, в сумме по ресурсам",
    "reports.chartLabel.week": "Часы работы и занятые часы по неделям, в сумме по ресурсам",
    "reports.hours": "часы",
    "reports.openHours": "Часы работы",
    "reports.bookedHours": "Занятые часы",
    "reports.utilisation": "Загрузка",
    "reports.resource": "Ресурс",
    "reports.zone": "Часовой пояс",
    "reports.day": "День",
    "reports.week": "Неделя",
    "reports.days": "Дней",
    "reports.total": "Итого",
    "reports.count.bookings": "Записей",
    "reports.count.attended": "Пришли",
    "reports.count.no_show": "Не пришли",
    "reports.count.unmarked": "Не отмечено",
    "reports.count.cancelled": "Отменено",
    "reports.empty": "За этот период ничего нет.",
    "reports.attendanceChart": "Записи по ресурсам и чем они кончились: пришли, не пришли, не отмечено, отменено",
    "reports.inTable": "Посмотреть их по одной в таблице записей",
    "reports.loadFailed": "Не удалось загрузить отчёты: {message}",
  },
});

const BY = ["day", "week"];
const COUNTS = ["bookings", "attended", "no_show", "unmarked", "cancelled"];
const OPEN_COLOUR = "#b4c6e7"; // as in the PDF's chart
const BOOKED_COLOUR = "#2f5597";
const OUTCOME_COLOURS = { attended: "#2e7d32", no_show: "#c62828", unmarked: "#9e9e9e", cancelled: "#f9a825" };

function periodOf(params, resources) {
  const known = new Set(resources.map((r) => r.id));
  const staff = session.user.role === "staff";
  const monthStart = today().slice(0, 8) + "01";
  return {
    from: dateParam(params, "from", monthStart),
    to: dateParam(params, "to", window.luxon.DateTime.fromISO(monthStart).endOf("month").toISODate()),
    by: BY.includes(params.get("by")) ? params.get("by") : "day",
    resources: staff ? [session.user.resource] : (params.get("resources") ?? "").split(",").filter((id) => known.has(id)),
  };
}

const hours = (value) => new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
const percent = (value) => (value === null ? "—"
  : new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(value));

function table(caption, headers, rows, totals) {
  return h("table", { class: "data" },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, headers.map(([text, numeric]) => h("th", { scope: "col", class: numeric ? "number" : null }, text)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) => i === 0
      ? h("th", { scope: "row" }, cell) : h("td", { class: headers[i][1] ? "number" : null }, cell))))),
    h("tfoot", {}, h("tr", {}, totals.map((cell, i) => i === 0
      ? h("th", { scope: "row" }, cell) : h("td", { class: headers[i][1] ? "number" : null }, cell)))));
}

class ReportsPage {
  constructor(root, { resources, period }) {
    this.root = root;
    this.resources = resources;
    this.period = period;
    this.charts = [];
  }

  query() {
    const { from, to, resources } = this.period;
    return { ...periodQuery(from, to, periodZone(this.resources, resources)), resources };
  }

  render() {
    const from = h("input", { type: "date", name: "from", "data-field": "from", value: this.period.from, required: true });
    const to = h("input", { type: "date", name: "to", "data-field": "to", value: this.period.to, required: true });
    const by = h("select", { name: "by", "data-field": "by" },
      BY.map((b) => h("option", { value: b }, t(b === "day" ? "reports.byDay" : "reports.byWeek"))));
    by.value = this.period.by;
    this.controls = { from, to, by };
    const form = h("form", { class: "toolbar reports-filters", "aria-label": t("reports.filters"), novalidate: true },
      field(t("reports.from"), from), field(t("reports.to"), to), field(t("reports.by"), by),
      session.user.role === "staff" ? null : this.resourceChoice(),
      h("button", { type: "submit" }, t("reports.show")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.period = {
        from: from.value, to: to.value, by: by.value,
        resources: this.boxes ? this.boxes.filter((box) => box.checked).map((box) => box.value) : this.period.resources,
      };
      this.load();
    });
    by.addEventListener("change", () => form.requestSubmit());
    this.form = form;
    this.daysIn = h("p", { class: "hint" });
    this.message = h("div", { class: "form-message", role: "alert" });
    this.body = h("div", { class: "reports" });
    this.root.append(h("h1", {}, t("reports.title")), form, this.daysIn, this.message, this.body);
    return this.load();
  }

  resourceChoice() {
    this.boxes = this.resources.map((r) => h("input", { type: "checkbox", name: "resources", value: r.id,
      checked: this.period.resources.includes(r.id) }));
    const set = h("fieldset", { "data-field": "resources", tabindex: "-1", id: uniqueId("resources") },
      h("legend", {}, t("reports.resources")),
      this.boxes.map((box, i) => field(bdi(this.resources[i].name || this.resources[i].id), box)),
      h("p", { class: "hint" }, t("reports.allResources")));
    return set;
  }

  async load() {
    clearFieldErrors(this.form);
    this.message.replaceChildren();
    const { from, to, by, resources } = this.period;
    keepInFragment("reports", session.user.role === "staff" ? { from, to, by }
      : { from, to, by, resources: resources.join(",") });
    this.daysIn.textContent = t("reports.daysIn", { zone: periodZone(this.resources, resources) });
    const query = this.query();
    let load;
    let attendance;
    try {
      [load, attendance] = await Promise.all([
        api.get("reports/load.json", { ...query, by }),
        api.get("reports/attendance.json", query),
      ]);
    } catch (error) {
      this.destroyChart();
      this.body.replaceChildren();
      if (error.status !== 401 && !(error.status < 500 && showFieldError(this.form, error))) {
        this.message.replaceChildren(h("p", {}, t("reports.loadFailed", { message: errorText(error) })),
          reasonsList(error));
      }
      return;
    }
    this.show(load, attendance, query);
  }

  downloads(report, query) {
    const name = t(`reports.${report}`);
    return h("p", { class: "exports", "data-report": report }, `${t("reports.downloads")}: `,
      h("a", { href: apiFileUrl(`reports/${report}.csv`, query), download: "", class: "csv" }, t("reports.csv", { report: name })),
      " · ",
      h("a", { href: apiFileUrl(`reports/${report}.pdf`, query), download: "", class: "pdf" }, t("reports.pdf", { report: name })));
  }

  show(load, attendance, query) {
    this.destroyChart();
    const by = load.by;
    const canvas = h("canvas", { role: "img", "aria-label": t(`reports.chartLabel.${by}`) });
    const loadSection = h("section", { class: "report load", "aria-labelledby": "report-load" },
      h("h2", { id: "report-load" }, t("reports.load")),
      this.downloads("load", { ...query, by }),
      load.periods.length ? h("div", { class: "chart" }, canvas) : h("p", { class: "empty" }, t("reports.empty")),
      h("div", { class: "table-wrap" }, this.loadTable(load)));
    const outcomes = h("canvas", { role: "img", "aria-label": t("reports.attendanceChart") });
    const attendanceSection = h("section", { class: "report attendance", "aria-labelledby": "report-attendance" },
      h("h2", { id: "report-attendance" }, t("reports.attendance")),
      this.downloads("attendance", query),
      attendance.rows.length ? h("div", { class: "chart" }, outcomes) : null,
      h("div", { class: "table-wrap" }, this.attendanceTable(attendance)));
    const bookingsSection = h("section", { class: "report bookings", "aria-labelledby": "report-bookings" },
      h("h2", { id: "report-bookings" }, t("reports.bookings")), this.downloads("bookings", query),
      h("p", {}, h("a", { href: this.bookingsTableLink() }, t("reports.inTable"))));
    this.body.replaceChildren(loadSection, attendanceSection, bookingsSection);
    if (load.periods.length) {
      this.drawChart(canvas, load.periods);
    }
    if (attendance.rows.length) {
      this.drawOutcomes(outcomes, attendance.rows);
    }
  }

  /** The bookings page for this period (and the resource, when one is chosen). */
  bookingsTableLink() {
    const params = new URLSearchParams({ from: this.period.from, to: this.period.to });
    if (this.period.resources.length === 1) {
      params.set("resource", this.period.resources[0]);
    }
    return `#/bookings?${params}`;
  }

  drawOutcomes(canvas, rows) {
    const outcomes = COUNTS.filter((c) => c !== "bookings");
    this.charts.push(new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map((r) => r.resource_name || r.resource), // each drawn on its own on the canvas
        datasets: outcomes.map((c) => ({ label: t(`reports.count.${c}`), data: rows.map((r) => r[c]),
                                         backgroundColor: OUTCOME_COLOURS[c] })),
      },
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        locale: locale(),
        scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
      },
    }));
  }

  drawChart(canvas, periods) {
    this.charts.push(new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: periods.map((p) => p.period),
        datasets: [
          { label: t("reports.openHours"), data: periods.map((p) => p.open_hours), backgroundColor: OPEN_COLOUR },
          { label: t("reports.bookedHours"), data: periods.map((p) => p.booked_hours), backgroundColor: BOOKED_COLOUR },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        locale: locale(),
        scales: { y: { beginAtZero: true, title: { display: true, text: t("reports.hours") } } },
      },
    }));
  }

  loadTable(load) {
    const week = load.by === "week";
    const headers = [[t("reports.resource")], [t("reports.zone")], [t(week ? "reports.week" : "reports.day")],
      ...(week ? [[t("reports.days"), true]] : []), [t("reports.openHours"), true], [t("reports.bookedHours"), true],
      [t("reports.utilisation"), true]];
    const rows = load.rows.map((r) => [bdi(r.resource_name || r.resource), r.time_zone, r.period,
      ...(week ? [String(r.days)] : []), hours(r.open_hours), hours(r.booked_hours), percent(r.utilisation)]);
    const totals = [t("reports.total"), "", "", ...(week ? [""] : []), hours(load.totals.open_hours),
      hours(load.totals.booked_hours), ""];
    return table(t("reports.load"), headers, rows, totals);
  }

  attendanceTable(attendance) {
    const headers = [[t("reports.resource")], ...COUNTS.map((c) => [t(`reports.count.${c}`), true])];
    const rows = attendance.rows.map((r) => [bdi(r.resource_name || r.resource), ...COUNTS.map((c) => String(r[c]))]);
    const totals = [t("reports.total"), ...COUNTS.map((c) => String(attendance.totals[c]))];
    return table(t("reports.attendance"), headers, rows, totals);
  }

  destroyChart() {
    this.charts.forEach((chart) => chart.destroy());
    this.charts = [];
  }
}

/** The reports page in `root`. */
export async function render(root, params) {
  const resources = await api.getAll("resources", {}, "resources");
  const user = session.user;
  const mine = user.role === "staff" ? resources.filter((r) => r.id === user.resource) : resources;
  const page = new ReportsPage(root, { resources: mine, period: periodOf(params, mine) });
  await page.render();
  return { destroy: () => page.destroyChart() };
}
