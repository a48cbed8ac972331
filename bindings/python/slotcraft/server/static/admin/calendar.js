// The calendar page: one FullCalendar time grid per resource, side by side,
// each in its resource's time zone (the luxon3 plugin) or all in the viewer's.
// Bookings, holds, time off and the free slots of a service come from the API;
// a free slot is booked for a client, a booking dragged to move it (a refused
// move snaps back and shows every reason), clicked to cancel it or mark
// attendance. Everything a drag does, the booking's dialog does from the keyboard.

import * as api from "./api.js";
import {
  announce, bdi, errorText, field, focusFirst, h, isolate, nameWithIdText, openDialog, problem, reasonsList, uniqueId,
} from "./dom.js";
import { formatPeriod, locale, t, viewerZone } from "./i18n.js";
import { session } from "./session.js";

// Globals of the classic scripts the page loads before its modules.
const { DateTime } = window.luxon;
const { Calendar } = window.FullCalendar;

const VIEWS = { week: "timeGridWeek", day: "timeGridDay" };
const DEFAULT_HOURS = [8 * 60, 18 * 60];
const DAY = 24 * 60;
const SEARCH_DELAY_MS = 250;

function minutes(hhmm) {
  const [hours, mins] = hhmm.split(":").map(Number);
  return hours * 60 + mins;
}

function clockTime(total) {
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:00:00`;
}

/**
 * The [from, to] minutes of every range of a resource's hours: weekly, every
 * week of a rotation (SPEC §9) and on dates. A range that ends at or before
 * its start runs overnight, so it covers the evening and the early morning.
 */
function hourRanges(resource) {
  const ranges = [];
  for (const schedule of resource.schedules) {
    const weeks = schedule.rotation ? schedule.rotation.weeks : [schedule.weekly ?? {}];
    const days = [...weeks.flatMap((week) => Object.values(week)), ...Object.values(schedule.overrides ?? {})];
    for (const day of days) {
      for (const [from, to] of day.map(([start, end]) => [minutes(start), minutes(end)])) {
        ranges.push(...(to > from ? [[from, to]] : [[from, DAY], [0, to]]));
      }
    }
  }
  return ranges;
}

/**
 * The hours the time grids show: from an hour before the earliest opening of
 * the resources to an hour after the latest closing, on the wall clock they
 * are shown in (the viewer's, shifted by the zones' offsets on the first and
 * last day shown). One span for all columns, so their rows line up.
 */
function visibleHours(resources, shownZone, firstDay, lastDay) {
  let earliest = Infinity;
  let latest = -Infinity;
  for (const resource of resources) {
    const shifts = [0];
    if (shownZone) {
      shifts.splice(0, 1, ...[firstDay, lastDay].map((day) => {
        const instant = DateTime.fromISO(day, { zone: resource.timezone }).plus({ hours: 12 });
        return instant.setZone(shownZone).offset - instant.offset;
      }));
    }
    for (const [from, to] of hourRanges(resource)) {
      for (const shift of shifts) {
        earliest = Math.min(earliest, from + shift);
        latest = Math.max(latest, to + shift);
      }
    }
  }
  if (earliest === Infinity) {
    [earliest, latest] = DEFAULT_HOURS;
  }
  if (earliest < 0 || latest > DAY) {
    return [0, DAY]; // the hours run over midnight on this wall clock
  }
  return [Math.max(0, Math.floor(earliest / 60) * 60 - 60), Math.min(DAY, Math.ceil(latest / 60) * 60 + 60)];
}

/** "Not moved: <the server's message>", or only "Not moved, because:" when the reasons follow in a list. */
function refusal(key, error) {
  if (error.status === 0) {
    return t("error.network");
  }
  return error.reasons.length ? t(`${key}Because`) : t(key, { message: error.message });
}

function debounce(action, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), ms);
  };
}

class CalendarPage {
  constructor(root, { resources, services, locations, state }) {
    this.root = root;
    this.resources = new Map(resources.map((r) => [r.id, r]));
    this.services = new Map(services.map((s) => [s.id, s]));
    this.locations = new Map(locations.map((l) => [l.id, l]));
    this.state = state;
    this.columns = []; // {resource, calendar, range: {from, to}}
    this.clientNames = new Map();
    this.isStaff = session.user.role === "staff";
  }

  // ---- the page's state, kept in the URL's fragment so a reload shows the same ----

  saveState() {
    const { date, view, zone, service, resources } = this.state;
    const query = new URLSearchParams({ date, view, zone, service, resources: resources.join(",") });
    history.replaceState(null, "", `#/calendar?${query}`);
  }

  chosenResources() {
    return this.state.resources.map((id) => this.resources.get(id)).filter(Boolean);
  }

  shownZone(resource) {
    return this.state.zone === "mine" ? viewerZone() : resource.timezone;
  }

  offeredServices() {
    const ids = new Set(this.chosenResources().flatMap((r) => r.services));
    return [...this.services.values()].filter((s) => ids.has(s.id));
  }

  /** The grid's hours for the days around the date shown (a week view may start up to 6 days before it). */
  hours() {
    const date = DateTime.fromISO(this.state.date);
    const week = this.state.view === "week";
    return visibleHours(this.chosenResources(), this.state.zone === "mine" ? viewerZone() : "",
      (week ? date.minus({ days: 6 }) : date).toISODate(), date.plus({ days: week ? 7 : 1 }).toISODate());
  }

  // ---- building the page ----

  render() {
    this.message = h("div", { class: "messages" });
    this.columnsBox = h("div", { class: "columns" });
    this.root.append(
      h("h1", { class: "visually-hidden" }, t("cal.title")),
      this.toolbar(), this.message, this.columnsBox, this.legend());
    this.buildCalendars();
  }

  toolbar() {
    this.previous = h("button", { type: "button", class: "secondary", onclick: () => this.step(-1) }, "‹");
    this.next = h("button", { type: "button", class: "secondary", onclick: () => this.step(1) }, "›");
    this.labelSteps();
    const today = h("button", { type: "button", class: "secondary", onclick: () => this.goTo(DateTime.now().toISODate()) },
      t("cal.today"));
    this.dateInput = h("input", { type: "date", value: this.state.date, required: true });
    this.dateInput.addEventListener("change", () => {
      if (this.dateInput.value) {
        this.goTo(this.dateInput.value);
      }
    });
    this.viewButtons = Object.keys(VIEWS).map((view) => h("button", {
      type: "button", class: "secondary", "data-view": view, "aria-pressed": String(this.state.view === view),
      onclick: () => this.changeView(view),
    }, t(`cal.${view}`)));
    this.rangeTitle = h("p", { class: "range", "aria-live": "polite" });
    const controls = [
      h("div", { class: "group" }, this.previous, today, this.next),
      this.rangeTitle,
      field(t("cal.goTo"), this.dateInput),
      h("div", { class: "group", role: "group", "aria-label": t("cal.view") }, this.viewButtons),
      this.serviceSelect(),
      this.zoneSelect(),
    ];
    if (!this.isStaff) {
      controls.push(this.resourcePicker());
    }
    return h("section", { class: "toolbar", "aria-label": t("cal.controls") }, controls);
  }

  labelSteps() {
    const week = this.state.view === "week";
    this.previous.setAttribute("aria-label", t(week ? "cal.previousWeek" : "cal.previousDay"));
    this.previous.title = this.previous.getAttribute("aria-label");
    this.next.setAttribute("aria-label", t(week ? "cal.nextWeek" : "cal.nextDay"));
    this.next.title = this.next.getAttribute("aria-label");
  }

  serviceSelect() {
    const offered = this.offeredServices();
    const select = h("select", { name: "service" },
      offered.length ? offered.map((s) => h("option", { value: s.id }, isolate(s.name || s.id)))
        : h("option", { value: "" }, t("cal.noService")));
    select.value = this.state.service;
    select.addEventListener("change", () => {
      this.state.service = select.value;
      this.saveState();
      this.refetch();
    });
    this.serviceField = field(t("cal.service"), select);
    return this.serviceField;
  }

  zoneSelect() {
    const select = h("select", { name: "zone" },
      h("option", { value: "own" }, t("cal.zoneOwn")),
      h("option", { value: "mine" }, t("cal.zoneMine", { zone: viewerZone() })));
    select.value = this.state.zone;
    select.addEventListener("change", () => {
      this.state.zone = select.value;
      this.saveState();
      this.buildCalendars();
    });
    return field(t("cal.zone"), select);
  }

  resourcePicker() {
    const boxes = [...this.resources.values()].map((resource) => {
      const box = h("input", { type: "checkbox", name: "resource", value: resource.id,
        checked: this.state.resources.includes(resource.id) });
      box.addEventListener("change", () => this.pickResources());
      return field(bdi(resource.name || resource.id), box);
    });
    return h("fieldset", { class: "resources" }, h("legend", {}, t("cal.resources")),
      boxes.length ? boxes : h("p", {}, t("cal.noResources")));
  }

  pickResources() {
    this.state.resources = [...this.root.querySelectorAll("input[name=resource]:checked")].map((box) => box.value);
    const offered = this.offeredServices().map((s) => s.id);
    if (!offered.includes(this.state.service)) {
      this.state.service = offered[0] ?? "";
    }
    this.serviceField.replaceWith(this.serviceSelect());
    this.saveState();
    this.buildCalendars();
  }

  legend() {
    const items = [["sc-free", t("cal.free")], ["sc-booking", t("booking.title")], ["sc-hold", t("cal.held")],
      ["sc-timeoff", t("cal.timeOff")]];
    return h("section", { class: "legend", "aria-label": t("cal.legend") }, h("ul", {},
      items.map(([kind, text]) => h("li", {}, h("span", { class: `swatch ${kind}`, "aria-hidden": "true" }), text))));
  }

  buildCalendars() {
    this.destroy();
    const chosen = this.chosenResources();
    if (!chosen.length) {
      this.columnsBox.replaceChildren(h("p", {}, this.resources.size ? t("cal.noneChosen") : t("cal.noResources")));
      return;
    }
    const [first, last] = this.hours();
    this.columnsBox.classList.toggle("day-view", this.state.view === "day");
    this.columnsBox.replaceChildren();
    for (const resource of chosen) {
      const host = h("div", { class: "calendar" });
      const headingId = uniqueId("column");
      const zone = this.shownZone(resource) === resource.timezone ? resource.timezone
        : t("cal.shownIn", { zone: resource.timezone, shown: this.shownZone(resource) });
      this.columnsBox.append(h("section", { class: "column", "data-resource": resource.id, "aria-labelledby": headingId },
        h("h2", { id: headingId }, bdi(resource.name || resource.id), " ", h("span", { class: "zone" }, zone)), host));
      const column = { resource, range: null };
      column.calendar = new Calendar(host, this.calendarOptions(column, clockTime(first), clockTime(last)));
      this.columns.push(column);
    }
    for (const column of this.columns) {
      column.calendar.render();
    }
  }

  calendarOptions(column, slotMinTime, slotMaxTime) {
    const { resource } = column;
    return {
      initialView: VIEWS[this.state.view],
      initialDate: this.state.date,
      timeZone: this.shownZone(resource),
      locale: locale(),
      firstDay: 1,
      headerToolbar: false,
      height: "auto",
      allDaySlot: false,
      nowIndicator: true,
      slotMinTime,
      slotMaxTime,
      editable: false,
      eventDurationEditable: false,
      eventInteractive: true,
      slotLabelFormat: { hour: "numeric", minute: "2-digit" },
      eventTimeFormat: { hour: "numeric", minute: "2-digit" },
      views: {
        timeGridWeek: { dayHeaderFormat: { weekday: "short", day: "numeric", month: "numeric" }, displayEventEnd: false },
        timeGridDay: { dayHeaderFormat: { weekday: "long", day: "numeric", month: "long" } },
      },
      events: (info, success) => {
        column.range = { from: info.startStr, to: info.endStr };
        this.events(column, info).then(success, (error) => {
          this.showProblem(t("cal.loadFailed", { resource: bdi(resource.name || resource.id),
            message: error.status === 0 ? t("error.network") : error.message }));
          success([]);
        });
      },
      eventClick: (info) => {
        info.jsEvent.preventDefault();
        this.clicked(column, info.event);
      },
      eventDrop: (info) => this.dropped(column, info),
      datesSet: (info) => {
        if (column === this.columns[0]) {
          this.rangeTitle.textContent = info.view.title;
        }
      },
    };
  }

  destroy() {
    for (const column of this.columns) {
      column.calendar.destroy();
    }
    this.columns = [];
  }

  // ---- moving through time ----

  step(direction) {
    const amount = this.state.view === "week" ? { weeks: direction } : { days: direction };
    this.goTo(DateTime.fromISO(this.state.date).plus(amount).toISODate());
  }

  goTo(date) {
    this.state.date = date;
    this.dateInput.value = date;
    this.saveState();
    this.applyHours();
    for (const column of this.columns) {
      column.calendar.gotoDate(date);
    }
  }

  changeView(view) {
    this.state.view = view;
    for (const button of this.viewButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.view === view));
    }
    this.labelSteps();
    this.columnsBox.classList.toggle("day-view", view === "day");
    this.saveState();
    this.applyHours();
    for (const column of this.columns) {
      column.calendar.changeView(VIEWS[view], this.state.date);
    }
  }

  applyHours() {
    const [first, last] = this.hours().map(clockTime);
    for (const { calendar } of this.columns) {
      if (calendar.getOption("slotMinTime") !== first || calendar.getOption("slotMaxTime") !== last) {
        calendar.setOption("slotMinTime", first);
        calendar.setOption("slotMaxTime", last);
      }
    }
  }

  refetch() {
    for (const { calendar } of this.columns) {
      calendar.refetchEvents();
    }
  }

  // ---- what a column shows ----

  async events(column, info) {
    const { id } = column.resource;
    const { service } = this.state;
    const [resource, bookings, slots] = await Promise.all([
      api.get(`resources/${encodeURIComponent(id)}`),
      api.getAll("bookings", { from: info.startStr, to: info.endStr, resource: id }, "bookings"),
      service && column.resource.services.includes(service)
        ? api.get("slots", { service, from: info.startStr, to: info.endStr, resources: id }).then((a) => a.slots)
        : [],
    ]);
    column.resource = resource;
    await this.learnClientNames(bookings);
    const now = Date.now();
    const live = bookings.filter((b) => b.status === "confirmed" ||
      (b.status === "held" && Date.parse(b.expires) > now));
    const from = Date.parse(info.startStr);
    const to = Date.parse(info.endStr);
    return [
      ...resource.time_off.filter((off) => Date.parse(off.start) < to && Date.parse(off.end) > from)
        .map((off) => ({ start: off.start, end: off.end, display: "background", title: t("cal.timeOff"),
          classNames: ["sc-timeoff"], extendedProps: { kind: "timeoff" } })),
      ...live.map((booking) => this.bookingEvent(booking)),
      ...slots.map((slot) => this.slotEvent(slot)),
    ];
  }

  bookingEvent(booking) {
    const held = booking.status === "held";
    const service = this.services.get(booking.service);
    const title = [held ? t("cal.held") : null, isolate(this.clientName(booking.client)),
      isolate(service?.name || booking.service)].filter(Boolean).join(" · ");
    return {
      id: booking.id, start: booking.start, end: booking.end, title,
      classNames: ["sc-booking", held ? "sc-hold" : "sc-confirmed"],
      startEditable: !held, durationEditable: false,
      extendedProps: { kind: "booking", booking },
    };
  }

  slotEvent(slot) {
    const capacity = this.services.get(this.state.service)?.capacity ?? 1;
    const parts = [t("cal.free")];
    if (this.locations.size > 1) {
      parts.push(isolate(this.locations.get(slot.location)?.name || slot.location));
    }
    if (capacity > 1) {
      parts.push(t("cal.seatsLeft", { count: slot.seats_left }));
    }
    return {
      id: `free ${slot.start} ${slot.location}`, start: slot.start, end: slot.end, title: parts.join(" · "),
      classNames: ["sc-free"], editable: false, extendedProps: { kind: "free", slot },
    };
  }

  clientName(id) {
    return id ? this.clientNames.get(id) || id : t("cal.noClient");
  }

  async learnClientNames(bookings) {
    const unknown = [...new Set(bookings.map((b) => b.client))].filter((id) => id && !this.clientNames.has(id));
    const found = await Promise.all(unknown.map((id) =>
      api.get(`clients/${encodeURIComponent(id)}`).catch(() => ({ id, name: id }))));
    for (const client of found) {
      this.clientNames.set(client.id, client.name || client.id);
    }
  }

  // ---- messages ----

  showProblem(text, error = null) {
    this.message.replaceChildren(problem(text, error));
  }

  clearProblem() {
    this.message.replaceChildren();
  }

  // ---- acting on events ----

  clicked(column, event) {
    const { kind } = event.extendedProps;
    if (kind === "free") {
      this.bookDialog(column, event.extendedProps.slot);
    } else if (kind === "booking") {
      this.bookingDialog(column, event.extendedProps.booking);
    }
  }

  focusBack(column) {
    return () => column.calendar.el.closest(".column")?.querySelector("h2") ?? document.getElementById("main");
  }

  async dropped(column, info) {
    const { booking } = info.event.extendedProps;
    this.clearProblem();
    try {
      const moved = await api.post(`bookings/${encodeURIComponent(booking.id)}/reschedule`, { start: info.event.startStr });
      announce(t("cal.moved", { when: formatPeriod(moved.start, moved.end, this.shownZone(column.resource)) }));
      this.refetch();
    } catch (error) {
      info.revert();
      this.showProblem(refusal("cal.moveRefused", error), error);
    }
  }

  bookDialog(column, slot) {
    const { resource } = column;
    const service = this.services.get(this.state.service);
    let key = api.idempotencyKey();
    openDialog(t("book.title"), (body, close) => {
      const search = h("input", { type: "search", name: "client-search", autocomplete: "off", "data-autofocus": true });
      const select = h("select", { name: "client", required: true });
      const note = h("p", { class: "hint", "aria-live": "polite" });
      const message = h("div", { class: "form-message", role: "alert" });
      const submit = h("button", { type: "submit", disabled: true }, t("book.submit"));
      const fill = async (name) => {
        try {
          const { clients } = await api.get("clients", { name, limit: 50 });
          select.replaceChildren(...clients.map((c) => h("option", { value: c.id }, nameWithIdText(c))));
          note.textContent = clients.length ? "" : t("book.noClients");
          submit.disabled = !clients.length;
        } catch (error) {
          message.replaceChildren(h("p", {}, errorText(error)));
        }
      };
      search.addEventListener("input", debounce(() => fill(search.value), SEARCH_DELAY_MS));
      const form = h("form", { class: "book" },
        this.details([
          [t("booking.resource"), bdi(resource.name || resource.id)],
          [t("booking.service"), bdi(service?.name || this.state.service)],
          [t("booking.when"), `${formatPeriod(slot.start, slot.end, this.shownZone(resource))} (${this.shownZone(resource)})`],
          this.locations.size > 1 ? [t("booking.location"), bdi(this.locations.get(slot.location)?.name || slot.location)]
            : null,
        ]),
        field(t("book.findClient"), search), field(t("book.client"), select), note, message,
        h("div", { class: "actions" }, submit, h("button", { type: "button", class: "secondary", onclick: close }, t("close"))));
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        submit.disabled = true;
        message.replaceChildren();
        try {
          const booked = await api.post("bookings", {
            resource: resource.id, service: this.state.service, start: slot.start, location: slot.location,
            client: select.value,
          }, { "Idempotency-Key": key });
          close();
          announce(t("cal.booked", { when: formatPeriod(booked.start, booked.end, this.shownZone(resource)),
            client: select.selectedOptions[0]?.textContent ?? select.value }));
          this.refetch();
        } catch (error) {
          if (error.status !== 0) {
            key = api.idempotencyKey(); // refused: the next try is another request
          }
          message.replaceChildren(h("p", {}, refusal("book.refused", error)), reasonsList(error));
          submit.disabled = false;
          if (error.status === 409) {
            this.refetch();
          }
        }
      });
      body.append(form);
      fill("");
    }, { fallbackFocus: this.focusBack(column) });
  }

  details(rows) {
    return h("dl", { class: "details" }, rows.filter(Boolean).map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
  }

  bookingDialog(column, booking) {
    const { resource } = column;
    openDialog(t("booking.title"), (body, close) => {
      const zone = this.shownZone(resource);
      const rows = [
        [t("booking.client"), bdi(this.clientName(booking.client))],
        [t("booking.service"), bdi(this.services.get(booking.service)?.name || booking.service)],
        [t("booking.resource"), bdi(resource.name || resource.id)],
        [t("booking.when"), `${formatPeriod(booking.start, booking.end, resource.timezone)} (${resource.timezone})`],
        viewerZone() !== resource.timezone
          ? [t("booking.yourTime"), `${formatPeriod(booking.start, booking.end, viewerZone())} (${viewerZone()})`] : null,
        this.locations.size > 1
          ? [t("booking.location"), bdi(this.locations.get(booking.location)?.name || booking.location)] : null,
        [t("booking.status"), t(`status.${booking.status}`)],
        [t("booking.attendance"), t(`attendance.${booking.attendance}`)],
      ];
      const message = h("div", { class: "form-message", role: "alert" });
      const parts = [this.details(rows), message];
      if (booking.status === "confirmed") {
        parts.push(this.moveForm(column, booking, message, close));
        if (Date.parse(booking.start) <= Date.now()) {
          parts.push(this.attendanceForm(booking, message, close));
        }
      }
      const actions = h("div", { class: "actions" });
      if (booking.status !== "cancelled") {
        actions.append(h("button", { type: "button", class: "danger", onclick: () =>
          this.confirmCancel(body, booking, zone, close) }, t("booking.cancel")));
      }
      actions.append(h("button", { type: "button", class: "secondary", onclick: close }, t("close")));
      body.append(...parts, actions);
    }, { fallbackFocus: this.focusBack(column) });
  }

  moveForm(column, booking, message, close) {
    const { resource } = column;
    const zone = this.shownZone(resource);
    const select = h("select", { name: "move-to", required: true });
    const submit = h("button", { type: "submit", class: "secondary", disabled: true }, t("booking.moveSubmit"));
    const form = h("form", { class: "move" }, field(t("booking.move"), select), submit);
    const range = column.range;
    if (range) {
      api.get("slots", { service: booking.service, from: range.from, to: range.to, resources: resource.id,
        location: booking.location, ignore_booking: booking.id })
        .then(({ slots }) => {
          const starts = slots.filter((s) => s.start !== booking.start);
          select.replaceChildren(...(starts.length ? starts.map((s) => h("option", { value: s.start },
            formatPeriod(s.start, s.end, zone))) : [h("option", { value: "" }, t("booking.noFreeStarts"))]));
          submit.disabled = !starts.length;
        })
        .catch((error) => message.replaceChildren(h("p", {}, errorText(error))));
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      try {
        const moved = await api.post(`bookings/${encodeURIComponent(booking.id)}/reschedule`, { start: select.value });
        close();
        announce(t("cal.moved", { when: formatPeriod(moved.start, moved.end, zone) }));
        this.refetch();
      } catch (error) {
        message.replaceChildren(h("p", {}, refusal("cal.moveRefused", error)), reasonsList(error));
        submit.disabled = false;
      }
    });
    return form;
  }

  attendanceForm(booking, message, close) {
    const select = h("select", { name: "attendance" }, ["unmarked", "attended", "no_show"].map((value) =>
      h("option", { value }, t(`attendance.${value}`))));
    select.value = booking.attendance;
    const form = h("form", { class: "attendance" }, field(t("booking.attendance"), select),
      h("button", { type: "submit", class: "secondary" }, t("booking.attendanceSubmit")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api.post(`bookings/${encodeURIComponent(booking.id)}/attendance`, { attendance: select.value });
        close();
        announce(t("cal.attendanceSaved"));
        this.refetch();
      } catch (error) {
        message.replaceChildren(h("p", {}, errorText(error)), reasonsList(error));
      }
    });
    return form;
  }

  confirmCancel(body, booking, zone, close) {
    const when = formatPeriod(booking.start, booking.end, zone);
    const reason = h("input", { name: "reason", autocomplete: "off" });
    const message = h("div", { class: "form-message", role: "alert" });
    const keep = h("button", { type: "button", class: "secondary", "data-autofocus": true, onclick: close }, t("booking.keep"));
    const yes = h("button", { type: "submit", class: "danger" }, t("booking.yesCancel"));
    const form = h("form", { class: "cancel" },
      h("p", {}, t("booking.confirmCancel", { client: bdi(this.clientName(booking.client)), when })),
      field(t("booking.reason"), reason), message, h("div", { class: "actions" }, yes, keep));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      yes.disabled = true;
      try {
        await api.post(`bookings/${encodeURIComponent(booking.id)}/cancel`, { reason: reason.value });
        close();
        announce(t("cal.cancelled", { when }));
        this.refetch();
      } catch (error) {
        message.replaceChildren(h("p", {}, errorText(error)), reasonsList(error));
        yes.disabled = false;
      }
    });
    body.replaceChildren(form);
    focusFirst(body);
  }
}

function initialState(params, resources, services) {
  const user = session.user;
  const known = new Set(resources.map((r) => r.id));
  let chosen = user.role === "staff" ? [user.resource]
    : (params.get("resources") ?? "").split(",").filter((id) => known.has(id));
  if (!chosen.length && resources.length) {
    chosen = [resources[0].id];
  }
  const date = /^\d{4}-\d{2}-\d{2}$/.test(params.get("date") ?? "") ? params.get("date") : DateTime.now().toISODate();
  const offered = new Set(resources.filter((r) => chosen.includes(r.id)).flatMap((r) => r.services));
  const usable = services.filter((s) => offered.has(s.id)).map((s) => s.id);
  const asked = params.get("service") ?? "";
  return {
    date,
    view: params.get("view") === "day" ? "day" : "week",
    zone: params.get("zone") === "mine" ? "mine" : "own",
    service: usable.includes(asked) ? asked : usable[0] ?? "",
    resources: chosen,
  };
}

/** The calendar page in `root`; answers the page, whose `destroy()` removes its calendars. */
export async function render(root, params) {
  const user = session.user;
  const [resources, services, locations] = await Promise.all([
    api.getAll("resources", {}, "resources"),
    api.getAll("services", {}, "services"),
    api.getAll("locations", {}, "locations"),
  ]);
  const mine = user.role === "staff" ? resources.filter((r) => r.id === user.resource) : resources;
  const page = new CalendarPage(root, { resources: mine, services, locations, state: initialState(params, mine, services) });
  page.render();
  return page;
}
