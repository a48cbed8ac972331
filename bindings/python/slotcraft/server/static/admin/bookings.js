// The bookings page: the bookings and holds of a period (GET /v1/bookings,
// a page at a time with its `limit` and `cursor`), filtered by resource,
// service, client and status, kept in the fragment; each can be cancelled
// after a confirmation, and the filtered set downloads as the API's CSV.
// Staff see their own resource's only, as the API answers them.

import * as api from "./api.js";
import { announce, bdi, errorText, field, focusFirst, h, isolate, openDialog, reasonsList } from "./dom.js";
import {
  apiFileUrl, clearFieldErrors, dateParam, keepInFragment, periodQuery, periodZone, showFieldError, today,
} from "./filters.js";
import { addMessages, formatPeriod, t } from "./i18n.js";
import { session } from "./session.js";

addMessages({
  en: {
    "bookings.title": "Bookings",
    "bookings.filters": "Filters",
    "bookings.from": "From",
    "bookings.to": "To (included)",
    "bookings.daysIn": "Days in {zone}.",
    "bookings.resource": "Resource",
    "bookings.service": "Service",
    "bookings.client": "Client",
    "bookings.clientSearch": "Find a client by name",
    "bookings.status": "Status",
    "bookings.any": "any",
    "bookings.all": "all",
    "bookings.perPage": "Rows per page",
    "bookings.show": "Show",
    "bookings.csv": "Download these bookings as CSV",
    "bookings.pdf": "as PDF",
    "bookings.when": "When",
    "bookings.seats": "Seats",
    "bookings.actions": "Actions",
    "bookings.none": "No bookings match these filters.",
    "bookings.noClient": "no client",
    "bookings.status.confirmed": "confirmed",
    "bookings.status.held": "held",
    "bookings.status.cancelled": "cancelled",
    "bookings.cancel": "Cancel…",
    "bookings.cancelOf": "Cancel the booking of {client}, {when}",
    "bookings.confirmTitle": "Cancel this booking?",
    "bookings.confirmCancel": "Cancel the booking of {client} with {resource}, {when}?",
    "bookings.reason": "Reason (optional)",
    "bookings.keep": "Keep it",
    "bookings.yesCancel": "Yes, cancel it",
    "bookings.cancelled": "The booking of {client}, {when}, is cancelled.",
    "bookings.previous": "Previous page",
    "bookings.next": "Next page",
    "bookings.pageNumber": "Page {number}",
    "bookings.loadFailed": "The bookings could not be loaded: {message}",
  },
  ru: {
    "bookings.title": "Записи",
    "bookings.filters": "Фильтры",
    "bookings.from": "С",
    "bookings.to": "По (включительно)",
    "bookings.daysIn": "Дни по поясу {zone}.",
    "bookings.resource": "Ресурс",
    "bookings.service": "Услуга",
    "bookings.client": "Клиент",
    "bookings.clientSearch": "Найти клиента по имени",
    "bookings.status": "Статус",
    "bookings.any": "любой",
    "bookings.all": "все",
    "bookings.perPage": "Строк на странице",
    "bookings.show": "Показать",
    "bookings.csv": "Скачать эти записи в CSV",
    "bookings.pdf": "в PDF",
    "bookings.when": "Когда",
    "bookings.seats": "Мест",
    "bookings.actions": "Действия",
    "bookings.none": "Нет записей по этим фильтрам.",
    "bookings.noClient": "без клиента",
    "bookings.status.confirmed": "подтверждена",
    "bookings.status.held": "удерживается",
    "bookings.status.cancelled": "отменена",
    "bookings.cancel": "Отменить…",
    "bookings.cancelOf": "Отменить запись: {client}, {when}",
    "bookings.confirmTitle": "Отменить эту запись?",
    "bookings.confirmCancel": "Отменить запись {client} к {resource}, {when}?",
    "bookings.reason": "Причина (необязательно)",
    "bookings.keep": "Оставить",
    "bookings.yesCancel": "Да, отменить",
    "bookings.cancelled": "Запись {client}, {when}, отменена.",
    "bookings.previous": "Предыдущая страница",
    "bookings.next": "Следующая страница",
    "bookings.pageNumber": "Страница {number}",
    "bookings.loadFailed": "Не удалось загрузить записи: {message}",
  },
});

const STATUSES = ["confirmed", "held", "cancelled"];
const PAGE_SIZES = ["5", "10", "25", "50", "100"];
const SEARCH_DELAY_MS = 250;

/** The filters the fragment holds, each checked against what exists. */
function filtersOf(params, resources, services) {
  const known = (value, ids) => (ids.includes(value) ? value : "");
  const staff = session.user.role === "staff";
  return {
    from: dateParam(params, "from", today()),
    to: dateParam(params, "to", today({ days: 6 })),
    resource: staff ? session.user.resource : known(params.get("resource") ?? "", resources.map((r) => r.id)),
    service: known(params.get("service") ?? "", services.map((s) => s.id)),
    client: params.get("client") ?? "",
    status: known(params.get("status") ?? "", STATUSES),
    limit: known(params.get("limit") ?? "", PAGE_SIZES) || "25",
    cursor: "",
  };
}

function select(name, options, value) {
  const control = h("select", { name, "data-field": name },
    options.map(([id, text]) => h("option", { value: id }, text)));
  control.value = value;
  return control;
}

class BookingsPage {
  constructor(root, { resources, services, filters }) {
    this.root = root;
    this.resources = new Map(resources.map((r) => [r.id, r]));
    this.services = new Map(services.map((s) => [s.id, s]));
    this.filters = filters;
    this.clientNames = new Map();
    this.previousCursors = []; // the cursors of the pages before this one, to go back
    this.searchTimer = 0;
  }

  /** The API's query of the filters (without paging). */
  query() {
    const { from, to, resource, service, client, status } = this.filters;
    const zone = periodZone([...this.resources.values()], resource ? [resource] : []);
    return { ...periodQuery(from, to, zone), resources: resource ? [resource] : [], service, client, status };
  }

  zoneOfDays() {
    return periodZone([...this.resources.values()], this.filters.resource ? [this.filters.resource] : []);
  }

  render() {
    const staff = session.user.role === "staff";
    const from = h("input", { type: "date", name: "from", "data-field": "from", value: this.filters.from, required: true });
    const to = h("input", { type: "date", name: "to", "data-field": "to", value: this.filters.to, required: true });
    this.controls = {
      from, to,
      resource: staff ? null : select("resource", [["", t("bookings.all")],
        ...[...this.resources.values()].map((r) => [r.id, isolate(r.name || r.id)])], this.filters.resource),
      service: select("service", [["", t("bookings.all")],
        ...[...this.services.values()].map((s) => [s.id, isolate(s.name || s.id)])], this.filters.service),
      status: select("status", [["", t("bookings.any")], ...STATUSES.map((s) => [s, t(`bookings.status.${s}`)])],
        this.filters.status),
      limit: select("limit", PAGE_SIZES.map((n) => [n, n]), this.filters.limit),
    };
    this.controls.resource?.setAttribute("data-field", "resources");
    const form = h("form", { class: "toolbar bookings-filters", "aria-label": t("bookings.filters"), novalidate: true },
      field(t("bookings.from"), from), field(t("bookings.to"), to),
      this.controls.resource ? field(t("bookings.resource"), this.controls.resource) : null,
      field(t("bookings.service"), this.controls.service),
      this.clientFilter(),
      field(t("bookings.status"), this.controls.status),
      field(t("bookings.perPage"), this.controls.limit),
      h("button", { type: "submit" }, t("bookings.show")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.applyFilters();
    });
    for (const control of [this.controls.resource, this.controls.service, this.controls.status, this.controls.limit]) {
      control?.addEventListener("change", () => this.applyFilters());
    }
    this.form = form;
    this.daysIn = h("p", { class: "hint" });
    this.exports = h("p", { class: "exports" });
    this.table = h("div", { class: "table-wrap" });
    this.pager = h("nav", { class: "pager", "aria-label": t("bookings.title") });
    this.message = h("div", { class: "form-message", role: "alert" });
    this.root.append(h("h1", {}, t("bookings.title")), form, this.daysIn, this.message, this.exports, this.table,
      this.pager);
    return this.load();
  }

  clientFilter() {
    const search = h("input", { type: "search", name: "client-search", autocomplete: "off" });
    const choice = h("select", { name: "client", "data-field": "client" });
    this.controls.client = choice;
    const fill = (clients) => {
      const chosen = this.filters.client;
      const options = clients.map((c) => [c.id, isolate(c.name || c.id)]);
      if (chosen && !options.some(([id]) => id === chosen)) {
        options.unshift([chosen, isolate(this.clientNames.get(chosen) ?? chosen)]);
      }
      choice.replaceChildren(...[["", t("bookings.all")], ...options].map(([id, text]) => h("option", { value: id }, text)));
      choice.value = chosen;
    };
    fill([]);
    this.fillClients = fill;
    search.addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(async () => {
        const name = search.value.trim();
        try {
          fill(name ? (await api.get("clients", { name, limit: 50 })).clients : []);
        } catch (error) {
          this.showError(error);
        }
      }, SEARCH_DELAY_MS);
    });
    choice.addEventListener("change", () => this.applyFilters());
    return h("div", { class: "client-filter" }, field(t("bookings.clientSearch"), search),
      field(t("bookings.client"), choice));
  }

  applyFilters() {
    const value = (name) => this.controls[name]?.value ?? this.filters[name];
    this.filters = {
      ...this.filters,
      from: value("from"), to: value("to"), resource: value("resource"), service: value("service"),
      client: value("client"), status: value("status"), limit: value("limit"), cursor: "",
    };
    this.previousCursors = [];
    return this.load();
  }

  async load() {
    clearFieldErrors(this.form);
    this.message.replaceChildren();
    const { cursor, ...kept } = this.filters; // a cursor is the page's place in memory, not in the address
    keepInFragment("bookings", session.user.role === "staff" ? { ...kept, resource: "" } : kept);
    this.daysIn.textContent = t("bookings.daysIn", { zone: this.zoneOfDays() });
    const query = this.query();
    this.exports.replaceChildren(
      h("a", { href: apiFileUrl("reports/bookings.csv", query), download: "", class: "csv" }, t("bookings.csv")),
      " · ", h("a", { href: apiFileUrl("reports/bookings.pdf", query), download: "", class: "pdf" }, t("bookings.pdf")));
    let page;
    try {
      page = await api.get("bookings", { ...query, limit: this.filters.limit, cursor: this.filters.cursor });
      await this.learnClientNames(page.bookings);
    } catch (error) {
      this.table.replaceChildren();
      this.pager.replaceChildren();
      this.showError(error);
      return;
    }
    this.fillClients?.([]);
    this.next = page.next;
    this.renderTable(page.bookings);
    this.renderPager();
  }

  showError(error) {
    if (error.status === 401 || (error.status >= 400 && error.status < 500 && showFieldError(this.form, error))) {
      return;
    }
    this.message.replaceChildren(h("p", {}, t("bookings.loadFailed", { message: errorText(error) })), reasonsList(error));
  }

  /** Every client's name the rows need, each asked once. */
  async learnClientNames(bookings) {
    const missing = [...new Set(bookings.map((b) => b.client).filter((id) => id && !this.clientNames.has(id)))];
    if (this.filters.client && !this.clientNames.has(this.filters.client)) {
      missing.push(this.filters.client);
    }
    const clients = await Promise.all(missing.map((id) =>
      api.get(`clients/${encodeURIComponent(id)}`).catch((error) => (error.status === 404 ? { id, name: id } : Promise.reject(error)))));
    clients.forEach((c) => this.clientNames.set(c.id, c.name || c.id));
  }

  clientName(booking) {
    return booking.client ? this.clientNames.get(booking.client) ?? booking.client : t("bookings.noClient");
  }

  when(booking) {
    return `${formatPeriod(booking.start, booking.end, booking.time_zone)} (${booking.time_zone})`;
  }

  renderTable(bookings) {
    if (!bookings.length) {
      this.table.replaceChildren(h("p", { class: "empty" }, t("bookings.none")));
      return;
    }
    const headers = [t("bookings.when"), t("bookings.resource"), t("bookings.service"), t("bookings.client"),
      t("bookings.seats"), t("bookings.status"), t("bookings.actions")];
    this.table.replaceChildren(h("table", { class: "data bookings" },
      h("caption", { class: "visually-hidden" }, t("bookings.title")),
      h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, bookings.map((b) => this.row(b)))));
  }

  row(booking) {
    const resource = this.resources.get(booking.resource);
    const service = this.services.get(booking.service);
    const cancellable = booking.status !== "cancelled";
    const row = h("tr", { "data-id": booking.id, "data-status": booking.status },
      h("th", { scope: "row" }, this.when(booking)),
      h("td", {}, bdi(resource?.name || booking.resource)),
      h("td", {}, bdi(service?.name || booking.service)),
      h("td", {}, bdi(this.clientName(booking))),
      h("td", { class: "number" }, String(booking.seats)),
      h("td", { class: "status" }, t(`bookings.status.${booking.status}`)),
      h("td", {}, cancellable ? h("button", {
        type: "button", class: "danger cancel",
        "aria-label": t("bookings.cancelOf", { client: isolate(this.clientName(booking)), when: this.when(booking) }),
        onclick: () => this.confirmCancel(booking, row),
      }, t("bookings.cancel")) : null));
    return row;
  }

  confirmCancel(booking, row) {
    const when = this.when(booking);
    const client = this.clientName(booking);
    const resource = this.resources.get(booking.resource)?.name || booking.resource;
    openDialog(t("bookings.confirmTitle"), (body, close) => {
      const reason = h("input", { name: "reason", autocomplete: "off" });
      const message = h("div", { class: "form-message", role: "alert" });
      const keep = h("button", { type: "button", class: "secondary", "data-autofocus": true, onclick: close },
        t("bookings.keep"));
      const yes = h("button", { type: "submit", class: "danger" }, t("bookings.yesCancel"));
      const form = h("form", { class: "cancel" },
        h("p", {}, t("bookings.confirmCancel", { client: bdi(client), resource: bdi(resource), when })),
        field(t("bookings.reason"), reason), message, h("div", { class: "actions" }, yes, keep));
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        yes.disabled = true;
        try {
          const cancelled = await api.post(`bookings/${encodeURIComponent(booking.id)}/cancel`, { reason: reason.value });
          const updated = this.row(cancelled);
          row.replaceWith(updated);
          close();
          updated.querySelector("th").setAttribute("tabindex", "-1");
          updated.querySelector("th").focus();
          announce(t("bookings.cancelled", { client: isolate(client), when }));
        } catch (error) {
          message.replaceChildren(h("p", {}, errorText(error)), reasonsList(error));
          yes.disabled = false;
        }
      });
      body.append(form);
      focusFirst(body);
    }, { fallbackFocus: () => this.table.querySelector(`tr[data-id="${CSS.escape(booking.id)}"] th`) });
  }

  renderPager() {
    const number = this.previousCursors.length + 1;
    const previous = h("button", { type: "button", class: "secondary previous", disabled: number === 1,
      onclick: () => this.turn(this.previousCursors.pop() ?? "", false) }, t("bookings.previous"));
    const next = h("button", { type: "button", class: "secondary next", disabled: !this.next,
      onclick: () => this.turn(this.next, true) }, t("bookings.next"));
    this.pager.replaceChildren(previous, h("span", { class: "page-number" }, t("bookings.pageNumber", { number })), next);
  }

  async turn(cursor, forward) {
    if (forward) {
      this.previousCursors.push(this.filters.cursor);
    }
    this.filters = { ...this.filters, cursor };
    await this.load();
    this.pager.querySelector(forward ? ".next" : ".previous")?.focus();
  }
}

/** The bookings page in `root`. */
export async function render(root, params) {
  const [resources, services] = await Promise.all([
    api.getAll("resources", {}, "resources"),
    api.getAll("services", {}, "services"),
  ]);
  const user = session.user;
  const mine = user.role === "staff" ? resources.filter((r) => r.id === user.resource) : resources;
  const page = new BookingsPage(root, { resources: mine, services, filters: filtersOf(params, mine, services) });
  await page.render();
  return { destroy() { clearTimeout(page.searchTimer); } };
}
