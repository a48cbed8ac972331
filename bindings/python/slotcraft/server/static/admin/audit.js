// The audit log (admins): GET /v1/audit, oldest first, narrowed by action,
// actor, subject and period on the server, with each change shown as the
// fields it changed. Filters and the page reached are kept in the fragment
// (#/audit?action=book&from=2027-03-01&after=120).

import * as api from "./api.js";
import { bdi, field, h } from "./dom.js";
import { addMessages, locale, t } from "./i18n.js";

addMessages({
  en: {
    "audit.title": "Audit log",
    "audit.intro": "Every change slotcraft recorded, oldest first.",
    "audit.filters": "Filters",
    "audit.action": "Action",
    "audit.actor": "Actor (user:login or key:id)",
    "audit.subject": "Subject (a record's id)",
    "audit.from": "From (day)",
    "audit.to": "To (day, included)",
    "audit.apply": "Show",
    "audit.clear": "Clear the filters",
    "audit.when": "When",
    "audit.who": "Actor",
    "audit.what": "Action",
    "audit.about": "Subject",
    "audit.change": "Change",
    "audit.created": "created",
    "audit.removed": "removed",
    "audit.unchanged": "no field changed",
    "audit.record": "The record",
    "audit.none": "No entry matches.",
    "audit.first": "From the first entry",
    "audit.newer": "Newer entries",
    "audit.stillSearching": "No match in the part of the log read so far.",
    "audit.searchOn": "Search further",
    "audit.caption": "Audit entries {first} to {last}",
  },
  ru: {
    "audit.title": "Журнал изменений",
    "audit.intro": "Все изменения, записанные slotcraft, начиная с самых ранних.",
    "audit.filters": "Отбор",
    "audit.action": "Действие",
    "audit.actor": "Кто (user:логин или key:id)",
    "audit.subject": "Объект (id записи)",
    "audit.from": "С (день)",
    "audit.to": "По (день, включительно)",
    "audit.apply": "Показать",
    "audit.clear": "Сбросить отбор",
    "audit.when": "Когда",
    "audit.who": "Кто",
    "audit.what": "Действие",
    "audit.about": "Объект",
    "audit.change": "Изменение",
    "audit.created": "создано",
    "audit.removed": "удалено",
    "audit.unchanged": "поля не изменились",
    "audit.record": "Запись целиком",
    "audit.none": "Ничего не найдено.",
    "audit.first": "С первой записи",
    "audit.newer": "Более новые записи",
    "audit.stillSearching": "В прочитанной части журнала совпадений нет.",
    "audit.searchOn": "Искать дальше",
    "audit.caption": "Записи журнала с {first} по {last}",
  },
});

// The actions slotcraft records, offered as suggestions (any text is accepted).
const ACTIONS = [
  "book", "cancel", "reschedule", "hold", "confirm", "attendance", "series", "import_ics", "save_settings",
  "put_location", "put_resource", "put_service", "put_client", "link", "unlink",
  "archive_location", "archive_resource", "archive_service", "restore_location", "restore_resource", "restore_service",
];
const FILTERS = ["action", "actor", "subject", "from", "to"];
// An empty filtered page is followed on by itself this many times before the page asks.
const EMPTY_PAGES_FOLLOWED = 10;

/** The instant a local day starts, in the viewer's zone, as the API reads it. */
function dayStart(day, daysLater = 0) {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date + daysLater).toISOString();
}

function query(params) {
  return {
    action: params.get("action") ?? "",
    actor: params.get("actor") ?? "",
    subject: params.get("subject") ?? "",
    from: params.get("from") ? dayStart(params.get("from")) : "",
    to: params.get("to") ? dayStart(params.get("to"), 1) : "",
    after: params.get("after") ?? "0",
    limit: 50,
  };
}

/** Each leaf of a record as "path": value; arrays are values of their own. */
function flatten(value, prefix = "", into = new Map()) {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [name, inner] of Object.entries(value)) {
      flatten(inner, prefix ? `${prefix}.${name}` : name, into);
    }
  } else if (prefix) {
    into.set(prefix, value);
  }
  return into;
}

function shown(value) {
  return value === undefined ? "—" : JSON.stringify(value);
}

function recordDetails(record) {
  return h("details", {}, h("summary", {}, t("audit.record")), h("pre", {}, JSON.stringify(record, null, 2)));
}

/** What an entry changed: created, removed, or each changed field with its value before and after. */
function changeOf(entry) {
  if (entry.before === null && entry.after === null) {
    return "";
  }
  if (entry.before === null) {
    return h("div", {}, h("p", { class: "kind" }, t("audit.created")), recordDetails(entry.after));
  }
  if (entry.after === null) {
    return h("div", {}, h("p", { class: "kind" }, t("audit.removed")), recordDetails(entry.before));
  }
  const before = flatten(entry.before);
  const after = flatten(entry.after);
  const names = [...new Set([...before.keys(), ...after.keys()])]
    .filter((name) => shown(before.get(name)) !== shown(after.get(name)));
  if (!names.length) {
    return h("p", { class: "kind" }, t("audit.unchanged"));
  }
  return h("ul", { class: "diff" }, names.map((name) => h("li", {},
    h("code", { class: "path" }, bdi(name)), ": ",
    h("del", {}, bdi(shown(before.get(name)))), " → ", h("ins", {}, bdi(shown(after.get(name)))))));
}

function entriesTable(entries) {
  const time = new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "medium" });
  const header = ["audit.when", "audit.who", "audit.what", "audit.about", "audit.change"]
    .map((key) => h("th", { scope: "col" }, t(key)));
  const caption = t("audit.caption", { first: entries[0].sequence, last: entries.at(-1).sequence });
  return h("div", { class: "table-scroll" }, h("table", { class: "audit-table" },
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, header)),
    h("tbody", {}, entries.map((entry) => h("tr", { "data-sequence": entry.sequence, "data-action": entry.action },
      h("th", { scope: "row" }, h("time", { datetime: entry.at }, time.format(new Date(entry.at)))),
      h("td", {}, bdi(entry.actor)), h("td", {}, h("code", {}, entry.action)), h("td", {}, bdi(entry.subject)),
      h("td", {}, changeOf(entry)))))));
}

function filterForm(params) {
  const inputs = {
    action: h("input", { name: "action", list: "audit-actions", value: params.get("action") ?? "", autocomplete: "off" }),
    actor: h("input", { name: "actor", value: params.get("actor") ?? "", autocomplete: "off" }),
    subject: h("input", { name: "subject", value: params.get("subject") ?? "", autocomplete: "off" }),
    from: h("input", { name: "from", type: "date", value: params.get("from") ?? "" }),
    to: h("input", { name: "to", type: "date", value: params.get("to") ?? "" }),
  };
  const form = h("form", { class: "toolbar audit-filters", role: "search", "aria-label": t("audit.filters") },
    field(t("audit.action"), inputs.action), h("datalist", { id: "audit-actions" }, ACTIONS.map((a) => h("option", { value: a }))),
    field(t("audit.actor"), inputs.actor), field(t("audit.subject"), inputs.subject),
    field(t("audit.from"), inputs.from), field(t("audit.to"), inputs.to),
    h("button", { type: "submit" }, t("audit.apply")),
    h("a", { href: "#/audit" }, t("audit.clear")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const name of FILTERS) {
      if (inputs[name].value.trim()) {
        chosen.set(name, inputs[name].value.trim());
      }
    }
    location.hash = `#/audit?${chosen}`;
  });
  return form;
}

/** The fragment of the same filters at another place in the log. */
function pageLink(params, after) {
  const next = new URLSearchParams(params);
  next.delete("after");
  if (after) {
    next.set("after", after);
  }
  return `#/audit?${next}`;
}

/** A page of entries: an empty filtered page is followed on, a few times, while the log goes on. */
async function loadEntries(params) {
  const asked = query(params);
  let answer = await api.get("audit", asked);
  for (let followed = 0; !answer.entries.length && answer.next !== null && followed < EMPTY_PAGES_FOLLOWED; followed++) {
    answer = await api.get("audit", { ...asked, after: answer.next });
  }
  return answer;
}

export async function render(root, params) {
  const results = h("div", { class: "audit-results", "aria-live": "polite" });
  root.append(h("section", { class: "audit", "aria-labelledby": "audit-title" },
    h("h1", { id: "audit-title" }, t("audit.title")), h("p", { class: "hint" }, t("audit.intro")),
    filterForm(params), results));
  try {
    const { entries, next } = await loadEntries(params);
    const paging = h("p", { class: "paging" },
      params.get("after") ? h("a", { href: pageLink(params, "") }, t("audit.first")) : null,
      next !== null ? h("a", { href: pageLink(params, String(next)), rel: "next" },
        entries.length ? `${t("audit.newer")} →` : t("audit.searchOn")) : null);
    if (entries.length) {
      results.append(entriesTable(entries));
    } else {
      results.append(h("p", { class: "empty" }, next !== null ? t("audit.stillSearching") : t("audit.none")));
    }
    results.append(paging);
  } catch (error) {
    if (error.status === 400) {
      const input = root.querySelector(`input[name="${error.field}"]`);
      results.append(h("p", { class: "problem", role: "alert" }, error.field ? `${error.field}: ` : "", error.message));
      input?.setAttribute("aria-invalid", "true");
    } else {
      throw error;
    }
  }
  return { destroy() {} };
}
