// The booking page /book/<id>: choose a service, give a name and a contact (or
// come from Telegram), pick a day and a time, which is held while the client
// confirms; then a confirmation with an .ics file and a manage link
// (#manage=<token>: cancel or move). The page lists the slots the API answers,
// grouped by the client's local day; it never works out free time itself.

import { get, href, linkPath, post, postOnce } from "./api.js";
import { addMonths, byDay, dayKey, monthGrid, startOfMonth, weekdays } from "./days.js";
import { bdi, bdiList, field, focus, h, isolate, setFieldError } from "./dom.js";
import {
  initialLanguage, language, longDate, monthName, ownZone, setLanguage, shortDateTime, t, time, weekdayShort,
} from "./i18n.js";
import * as telegram from "./telegram.js";

const LINK = decodeURIComponent(location.pathname.split("/").pop());
const MONTHS_AHEAD = 12;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;
const PHONE = /^\+?[0-9]{6,15}$/;

const state = {
  view: "loading", // loading | book | done | manage | refused | missing
  link: null, // what GET book/<id> answers
  service: "",
  draft: { name: "", contact: "" },
  editingDetails: true,
  who: null, // {name, contact}, or {init_data} from Telegram
  telegramUser: null,
  refusal: null,
  month: startOfMonth(new Date()),
  slots: null, // the month's free slots; null while they load
  day: "",
  timeNotice: "", // why the times were listed again (a time was taken meanwhile)
  hold: null,
  done: null,
  manage: null, // {token, booking, changeable, moving, asking, error}
  busy: false,
};

// ---- helpers

function notice(text, kind = "info") {
  const box = document.getElementById("notice");
  box.className = `notice ${kind}`;
  box.textContent = text;
}

function errorText(error) {
  return error.status === 0 ? t("error.network") : t("error.generic", { message: error.message });
}

/** Replaces the children of `box`, keeping the keyboard focus on the element of the same id. */
function refresh(box, children) {
  const focused = box.contains(document.activeElement) ? document.activeElement.id : "";
  box.replaceChildren(...children.filter(Boolean));
  if (focused) {
    document.getElementById(focused)?.focus();
  }
}

function section(id) {
  return h("section", { id, class: "step" });
}

function heading(id, text, level = "h2") {
  return h(level, { id, tabindex: "-1" }, text);
}

function whenText(booking) {
  const start = new Date(booking.start);
  const own = t("when", { date: longDate(start), time: time(start) });
  return `${own} (${t("when.master", { time: shortDateTime(start, booking.time_zone), zone: booking.time_zone })})`;
}

/** Service, master, time in both zones, place and name of a booking or hold (each value isolated: most were typed). */
function summary(booking) {
  const rows = [
    [t("summary.service"), booking.service.name],
    [t("summary.master"), booking.resource.name],
    [t("summary.when"), whenText(booking)],
    [t("summary.where"), booking.location.name],
    [t("summary.who"), booking.client.name],
  ];
  return h("dl", { class: "summary" }, rows.filter(([, value]) => value).map(([name, value]) => [
    h("dt", {}, name), h("dd", {}, bdi(value))]));
}

function capitalized(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function currentService() {
  return state.link?.services.find((s) => s.id === state.service) ?? null;
}

// ---- the header and the views

function renderHeader() {
  // The link's title as the admin typed it, else the page's own words.
  const typed = state.view === "manage" ? null : state.link?.title;
  const words = t(state.view === "manage" ? "manage.title" : "page.title");
  document.getElementById("title").replaceChildren(typed ? bdi(typed) : words);
  document.title = typed ? isolate(typed) : words;
  const resource = state.link?.resource;
  document.getElementById("subtitle").replaceChildren(
    ...(resource && state.view !== "manage" ? [bdi(resource.name), ` · ${resource.time_zone}`] : []));
  const other = language() === "en" ? "ru" : "en";
  const switcher = document.getElementById("language");
  switcher.textContent = t("language.other");
  switcher.lang = other;
  switcher.title = t("language.other.label");
}

function render() {
  renderHeader();
  const main = document.getElementById("main");
  if (state.view === "book") {
    main.replaceChildren(section("s-service"), section("s-details"), section("s-time"), section("s-confirm"));
    renderBooking();
  } else if (state.view === "done") {
    main.replaceChildren(doneView());
  } else if (state.view === "manage") {
    main.replaceChildren(...manageView(), section("s-time"));
    renderTime();
  } else if (state.view === "refused") {
    main.replaceChildren(refusedView());
  } else if (state.view === "missing") {
    main.replaceChildren(h("p", { class: "alert", role: "alert" }, t("page.missing")));
  }
}

function renderBooking() {
  renderService();
  renderDetails();
  renderTime();
  renderConfirm();
}

function renderService() {
  const box = document.getElementById("s-service");
  const services = state.link.services;
  if (!services.length) {
    refresh(box, [h("p", { class: "alert" }, t("page.empty"))]);
    return;
  }
  const options = services.map((service, i) => {
    const id = `service-${i}`;
    const names = bdiList(service.providers.map((p) => p.name));
    return h("div", { class: "option" },
      h("input", { type: "radio", name: "service", id, value: service.id, checked: state.service === service.id,
                   onchange: () => chooseService(service.id) }),
      h("label", { for: id },
        h("span", { class: "option-name" }, bdi(service.name)),
        h("span", { class: "option-detail" }, t("service.minutes", { minutes: service.duration_minutes }),
          state.link.resource ? "" : [" · ", t("service.with", { names })])));
  });
  refresh(box, [heading("step-service", t("step.service")),
    h("fieldset", { class: "services", disabled: Boolean(state.hold) },
      h("legend", { class: "visually-hidden" }, t("step.service")), options)]);
}

function renderDetails() {
  const box = document.getElementById("s-details");
  if (!state.service) {
    refresh(box, []);
    return;
  }
  const title = heading("step-details", t("step.details"));
  if (state.telegramUser) {
    refresh(box, [title, h("p", { class: "who" }, t("telegram.as", { name: bdi(state.telegramUser.name) }))]);
    return;
  }
  if (!state.editingDetails) {
    const change = h("button", { type: "button", id: "details-change", class: "link-button",
                                 onclick: editDetails }, t("details.change"));
    const who = [bdi(state.who.name), " (", bdi(state.who.contact), ")"];
    refresh(box, [title, h("p", { class: "who" }, t("details.as", { name: who })),
      state.hold ? null : change]);
    return;
  }
  const name = h("input", { type: "text", id: "name", name: "name", autocomplete: "name", maxlength: 200,
                            value: state.draft.name, oninput: (e) => { state.draft.name = e.target.value; } });
  const contact = h("input", { type: "text", id: "contact", name: "contact", autocomplete: "email", inputmode: "email",
                               maxlength: 254, value: state.draft.contact,
                               oninput: (e) => { state.draft.contact = e.target.value; } });
  refresh(box, [title, h("form", { id: "details", novalidate: true, onsubmit: submitDetails },
    field(t("field.name"), name),
    field(t("field.contact"), contact, t("field.contact.hint")),
    h("button", { type: "submit", id: "details-continue", class: "primary" }, t("details.continue")))]);
}

function zoneNote() {
  let providers;
  if (state.view === "manage") {
    providers = [state.manage.booking.resource];
  } else {
    providers = state.link.resource ? [state.link.resource] : currentService()?.providers ?? [];
  }
  const zones = new Map();
  for (const provider of providers) {
    zones.set(provider.time_zone, [...(zones.get(provider.time_zone) ?? []), provider.name]);
  }
  return h("p", { class: "zones" }, t("zone.yours", { zone: ownZone() }),
    [...zones].map(([zone, names]) => [" ", t("zone.master", { names: bdiList(names), zone })]));
}

/** The month's days (greyed out without free time), and the chosen day's times; `pick(slot)` on a time. */
function timePicker(pick) {
  const days = state.slots ? byDay(state.slots) : new Map();
  const nav = h("div", { class: "month-nav" },
    h("button", { type: "button", id: "month-previous", class: "nav", "aria-label": t("month.previous"),
                  disabled: state.month <= startOfMonth(new Date()), onclick: () => changeMonth(-1) }, "‹"),
    h("h3", { id: "month-name", "aria-live": "polite" }, capitalized(monthName(state.month))),
    h("button", { type: "button", id: "month-next", class: "nav", "aria-label": t("month.next"),
                  disabled: state.month >= addMonths(startOfMonth(new Date()), MONTHS_AHEAD),
                  onclick: () => changeMonth(1) }, "›"));
  const { blanks, days: dates } = monthGrid(state.month);
  const grid = h("div", { class: "days", role: "group", "aria-labelledby": "month-name" },
    weekdays().map((d) => h("span", { class: "weekday", "aria-hidden": "true" }, weekdayShort(d))),
    Array.from({ length: blanks }, () => h("span", { class: "blank", "aria-hidden": "true" })),
    dates.map((date) => {
      const key = dayKey(date);
      const free = days.has(key);
      return h("button", { type: "button", id: `day-${key}`, class: "day", "data-day": key, disabled: !free,
                           "aria-pressed": String(state.day === key),
                           "aria-label": free ? longDate(date) : t("day.none", { date: longDate(date) }),
                           onclick: () => chooseDay(key) }, String(date.getDate()));
    }));
  let below;
  if (state.slots === null) {
    below = h("p", { class: "muted" }, t("month.loading"));
  } else if (!days.size) {
    below = h("p", { class: "muted" }, t("month.none"));
  } else if (!days.has(state.day)) {
    below = h("p", { class: "muted" }, t("day.pick"));
  } else {
    const slots = days.get(state.day);
    const places = new Set(slots.map((s) => s.location)).size > 1;
    below = h("div", { class: "day-times" },
      heading("times-heading", t("times.heading", { date: longDate(new Date(slots[0].start)) }), "h3"),
      h("ul", { class: "times" }, slots.map((slot) => h("li", {},
        h("button", { type: "button", class: "time", id: `time-${slot.start}-${slot.location}`, "data-start": slot.start,
                      onclick: () => pick(slot) },
          time(new Date(slot.start)), places ? [" · ", bdi(slot.location)] : "")))));
  }
  const why = state.timeNotice ? h("p", { id: "time-notice", class: "notice warning", tabindex: "-1" }, state.timeNotice) : null;
  return [why, zoneNote(), nav, grid, below];
}

function renderTime() {
  const box = document.getElementById("s-time");
  if (!box) {
    return;
  }
  const booking = state.view === "book";
  const shown = booking ? state.service && state.who && !state.editingDetails && !state.hold : state.manage?.moving;
  if (!shown) {
    refresh(box, []);
    return;
  }
  refresh(box, [heading("step-time", booking ? t("step.time") : t("manage.move.heading")),
    ...timePicker(booking ? holdSlot : moveTo)]);
}

function renderConfirm() {
  const box = document.getElementById("s-confirm");
  if (!state.hold) {
    refresh(box, []);
    return;
  }
  refresh(box, [heading("step-confirm", t("step.confirm")),
    summary(state.hold),
    h("p", { class: "held" }, t("hold.until", { time: time(new Date(state.hold.expires)) })),
    h("div", { class: "actions" },
      h("button", { type: "button", id: "confirm-button", class: "primary", onclick: confirmHold }, t("confirm.button")),
      h("button", { type: "button", id: "another-time", class: "secondary", onclick: anotherTime },
        t("confirm.another")))]);
}

function manageUrl(token) {
  return `${location.origin}${location.pathname}#manage=${encodeURIComponent(token)}`;
}

function doneView() {
  const { booking, ics_url: ics, manage_token: token } = state.done;
  return h("section", { class: "step done" },
    heading("done-title", t("done.title")),
    summary(booking),
    h("p", {}, h("a", { id: "ics-link", class: "button-link", href: ics, download: `${booking.id}.ics` }, t("done.ics"))),
    h("p", {}, t("done.manage")),
    h("p", {}, h("a", { id: "manage-link", href: manageUrl(token) }, t("done.manage.link"))),
    h("p", { class: "manage-url" }, h("code", {}, manageUrl(token))));
}

function manageView() {
  const manage = state.manage;
  const title = heading("manage-title", t("manage.details"));
  if (manage.error) {
    return [title, h("p", { class: "alert", role: "alert" }, t("manage.broken", { message: manage.error.message }))];
  }
  if (!manage.booking) {
    return [title, h("p", { class: "muted" }, "…")];
  }
  const { booking } = manage;
  const parts = [title, summary(booking),
    h("p", { class: `status status-${booking.status}` }, `${t("manage.status")}: ${t(`manage.status.${booking.status}`)}`)];
  if (booking.status === "confirmed") {
    parts.push(h("p", {}, h("a", { id: "ics-link", class: "button-link", download: `${booking.id}.ics`,
                                   href: href(linkPath(LINK, "booking.ics"), { token: manage.token }) }, t("done.ics"))));
  }
  if (!manage.changeable) {
    parts.push(h("p", { class: "muted" }, t("manage.fixed")));
  } else if (manage.asking) {
    parts.push(h("p", { id: "cancel-question" }, t("manage.cancel.sure")), h("div", { class: "actions" },
      h("button", { type: "button", id: "cancel-yes", class: "danger", onclick: cancelBooking }, t("manage.cancel.yes")),
      h("button", { type: "button", id: "cancel-no", class: "secondary", onclick: () => askCancel(false) },
        t("manage.cancel.no"))));
  } else {
    parts.push(h("div", { class: "actions" },
      h("button", { type: "button", id: "move-button", class: "secondary", "aria-expanded": String(manage.moving),
                    onclick: startMove }, t("manage.move")),
      h("button", { type: "button", id: "cancel-button", class: "danger", onclick: () => askCancel(true) },
        t("manage.cancel"))));
  }
  parts.push(h("p", {}, h("a", { id: "book-again", href: location.pathname }, t("manage.book"))));
  return parts;
}

function refusedView() {
  return h("section", { class: "alert refused", role: "alert" },
    h("h2", { id: "refused-title", tabindex: "-1" }, t("telegram.refused")),
    h("p", {}, t("telegram.refused.why", { message: state.refusal.message })),
    h("p", {}, t("telegram.refused.hint")));
}

// ---- what the client does

async function loadMonth({ advance = false } = {}) {
  state.slots = null;
  renderTime();
  for (let tries = 0; ; tries += 1) {
    const asked = { service: state.service, month: state.month };
    const from = new Date(Math.max(Date.now(), state.month.getTime()));
    let answer;
    try {
      answer = await get(linkPath(LINK, "slots"), {
        service: state.service, from: from.toISOString(), to: addMonths(state.month, 1).toISOString(),
        token: state.view === "manage" ? state.manage.token : "" });
    } catch (error) {
      notice(errorText(error), "error");
      answer = { slots: [] };
    }
    if (asked.service !== state.service || asked.month !== state.month) {
      return; // the client moved on meanwhile
    }
    state.slots = answer.slots;
    if (!advance || answer.slots.length || tries >= 2) {
      break;
    }
    state.month = addMonths(state.month, 1); // the first month with free time
  }
  const days = byDay(state.slots);
  if (!days.has(state.day)) {
    state.day = days.size === 1 ? [...days.keys()][0] : "";
  }
  renderTime();
}

async function chooseService(id) {
  state.service = id;
  state.timeNotice = "";
  state.day = "";
  state.month = startOfMonth(new Date());
  renderBooking();
  await loadMonth({ advance: true });
}

function submitDetails(event) {
  event.preventDefault();
  const nameInput = document.getElementById("name");
  const contactInput = document.getElementById("contact");
  const name = state.draft.name.trim();
  const contact = state.draft.contact.trim();
  const contactOk = EMAIL.test(contact) || PHONE.test(contact.replace(/[\s().-]/g, ""));
  setFieldError(nameInput, name ? "" : t("field.name.missing"));
  setFieldError(contactInput, contactOk ? "" : t("field.contact.wrong"));
  if (!name || !contactOk) {
    (name ? contactInput : nameInput).focus();
    return;
  }
  state.who = { name, contact };
  state.editingDetails = false;
  renderBooking();
  focus("#step-time");
}

function editDetails() {
  state.editingDetails = true;
  renderBooking();
  focus("#name");
}

async function changeMonth(step) {
  state.month = addMonths(state.month, step);
  state.timeNotice = "";
  state.day = "";
  await loadMonth();
  if (document.activeElement === document.body) {
    focus(step < 0 ? "#month-next" : "#month-previous");
  }
}

function chooseDay(key) {
  state.day = key;
  state.timeNotice = "";
  renderTime();
  focus(".time");
}

/** Lists the times again, saying why above them: the client's time was taken or their hold ended. */
async function listAgain(why) {
  notice("");
  state.hold = null;
  state.timeNotice = why;
  if (state.view === "book") {
    renderBooking();
  }
  await loadMonth();
  focus("#time-notice");
}

async function holdSlot(slot) {
  if (state.busy) {
    return;
  }
  state.busy = true;
  state.timeNotice = "";
  notice(t("hold.holding"));
  try {
    // A page of one master names them; a service's page ("any master") lets the
    // server hold with whoever is free at the start when the client picks it.
    const master = state.link.resource ? { resource: state.link.resource.id } : {};
    const body = { service: state.service, start: slot.start, ...master, location: slot.location, ...state.who };
    state.hold = await postOnce(linkPath(LINK, "holds"), body);
    rememberHold(state.hold.hold_token);
    notice("");
    renderBooking();
    focus("#confirm-button");
  } catch (error) {
    if (error.status === 409) {
      await listAgain(t("race.lost"));
    } else if (error.field === "name" || error.field === "contact") {
      notice("");
      state.editingDetails = true;
      renderBooking();
      const input = document.getElementById(error.field);
      setFieldError(input, error.message);
      input.focus();
    } else if (error.field === "init_data") {
      refuse(error);
    } else {
      notice(errorText(error), "error");
    }
  } finally {
    state.busy = false;
  }
}

async function confirmHold() {
  if (state.busy) {
    return;
  }
  state.busy = true;
  try {
    const done = await post(linkPath(LINK, "confirm"), { hold_token: state.hold.hold_token });
    // Only a hold's answer names the client (with the name given for it): keep that one.
    done.booking.client = state.hold.client;
    state.done = done;
    state.hold = null;
    rememberHold(null);
    state.view = "done";
    notice("");
    render();
    focus("#done-title");
  } catch (error) {
    if (error.status === 409 && error.field === "hold_token") {
      // The hold ended (expired or released): said in the page's words and the client's time, not the server's.
      rememberHold(null);
      await listAgain(t("hold.lapsed", { time: time(new Date(state.hold.expires)) }));
    } else if (error.status === 409 || error.status === 404) {
      await listAgain(t("hold.ended", { message: error.message }));
    } else {
      notice(errorText(error), "error");
    }
  } finally {
    state.busy = false;
  }
}

// The hold this tab made and has not confirmed, kept across a reload: a page
// reloaded (or reopened with Back) releases it, or the client's own hold would
// keep them from picking that time again until it lapses.
const HELD_KEY = `slotcraft.held.${LINK}`;

function rememberHold(token) {
  try {
    if (token) {
      sessionStorage.setItem(HELD_KEY, token);
    } else {
      sessionStorage.removeItem(HELD_KEY);
    }
  } catch {
    // storage refused (a private window's settings): the hold lapses by itself at its expiry
  }
}

async function releaseLeftHold() {
  let token = null;
  try {
    token = sessionStorage.getItem(HELD_KEY);
  } catch {
    return;
  }
  if (!token) {
    return;
  }
  rememberHold(null);
  await release(token);
}

/** Releases the hold of `token`; a hold confirmed or lapsed meanwhile has nothing to release. */
async function release(token) {
  try {
    await post(linkPath(LINK, "holds/release"), { hold_token: token });
  } catch {
    // it lapses by itself at its expiry
  }
}

async function anotherTime() {
  const held = state.hold;
  state.hold = null;
  rememberHold(null);
  renderBooking();
  focus("#step-time");
  await release(held.hold_token);
  await loadMonth();
}

async function openManage(token) {
  state.view = "manage";
  state.manage = { token, booking: null, changeable: false, moving: false, asking: false, error: null };
  render();
  try {
    Object.assign(state.manage, await get(linkPath(LINK, "booking"), { token }));
  } catch (error) {
    state.manage.error = error;
  }
  render();
  focus("#manage-title");
}

function askCancel(asking) {
  state.manage.asking = asking;
  state.manage.moving = false;
  render();
  focus(asking ? "#cancel-no" : "#cancel-button");
}

async function cancelBooking() {
  try {
    Object.assign(state.manage, await post(linkPath(LINK, "booking/cancel"), { token: state.manage.token }),
      { asking: false });
    notice(t("manage.cancelled"));
  } catch (error) {
    notice(errorText(error), "error");
  }
  render();
  focus("#manage-title");
}

async function startMove() {
  state.manage.moving = !state.manage.moving;
  state.timeNotice = "";
  state.service = state.manage.booking.service.id;
  state.month = startOfMonth(new Date());
  state.day = "";
  render();
  if (state.manage.moving) {
    focus("#step-time");
    await loadMonth({ advance: true });
  }
}

async function moveTo(slot) {
  if (state.busy) {
    return; // a second click while the first move is on its way
  }
  state.busy = true;
  try {
    Object.assign(state.manage, await post(linkPath(LINK, "booking/move"), { token: state.manage.token, start: slot.start }),
      { moving: false });
    notice(t("manage.moved"));
    render();
    focus("#manage-title");
  } catch (error) {
    if (error.status === 409) {
      await listAgain(t("race.lost"));
    } else {
      notice(errorText(error), "error");
    }
  } finally {
    state.busy = false;
  }
}

function refuse(error) {
  state.view = "refused";
  state.refusal = error;
  render();
  focus("#refused-title");
}

function switchLanguage() {
  setLanguage(language() === "en" ? "ru" : "en", true);
  render();
  focus("#language");
}

// ---- start

async function signInWithTelegram(initData) {
  try {
    const { user } = await post("telegram/session", { init_data: initData });
    state.telegramUser = user;
    state.who = { init_data: initData };
    state.editingDetails = false;
    setLanguage(initialLanguage(user.language_code));
    return true;
  } catch (error) {
    state.refusal = error;
    state.view = "refused";
    return false;
  }
}

async function start() {
  setLanguage(initialLanguage());
  document.getElementById("language").addEventListener("click", switchLanguage);
  window.addEventListener("hashchange", () => {
    const token = new URLSearchParams(location.hash.slice(1)).get("manage");
    if (token) {
      openManage(token);
    }
  });
  const initData = telegram.initData();
  const manageToken = new URLSearchParams(location.hash.slice(1)).get("manage");
  if (initData) {
    telegram.postEvent("web_app_ready");
    telegram.postEvent("web_app_expand");
  }
  if (manageToken) {
    await openManage(manageToken);
    return;
  }
  if (initData && !(await signInWithTelegram(initData))) {
    render();
    focus("#refused-title");
    return;
  }
  await releaseLeftHold();
  try {
    state.link = await get(linkPath(LINK));
    state.view = "book";
  } catch (error) {
    state.view = "missing";
    if (error.status !== 404) {
      notice(errorText(error), "error");
    }
  }
  render();
  if (state.view === "book" && state.link.services.length === 1) {
    await chooseService(state.link.services[0].id);
  }
}

start();
