// The catalog page (admins): locations, resources with their hours, services
// and clients, listed (archived ones behind a switch), created, edited,
// archived and restored; which services a resource provides. Records are sent
// whole (PUT, docs/storage.md's JSON form) and the page checks nothing
// itself: a refusal is shown with slotcraft's message next to the field it
// names, and nothing is written. The address keeps the section and the
// record: #/catalog?kind=resources&id=anna, #/catalog?kind=services&new=1.

import * as api from "./api.js";
import {
  announce, bdi, bdiList, field, h, isolate, nameWithId, openDialog, problem, showText, uniqueId,
} from "./dom.js";
import { addMessages, t } from "./i18n.js";
import { scheduleEditor } from "./schedule.js";

const KINDS = ["locations", "resources", "services", "clients"];
const ARCHIVABLE = new Set(["locations", "resources", "services"]);
const NETWORKS = ["telegram", "whatsapp", "vk", "other"];
const ALIGNS = ["window", "clock", "free"];
const STRATEGIES = ["least_booked", "weighted", "priority"];
// The service's numbers, in the order of the form: [field, message key].
const SERVICE_NUMBERS = [
  ["duration", "catalog.duration"], ["step", "catalog.step"], ["buffer_before", "catalog.bufferBefore"],
  ["buffer_after", "catalog.bufferAfter"], ["min_notice", "catalog.minNotice"], ["max_advance", "catalog.maxAdvance"],
  ["capacity", "catalog.capacity"], ["max_per_day", "catalog.maxPerDay"],
  ["max_per_client_per_day", "catalog.maxPerClientPerDay"], ["max_per_client_per_week", "catalog.maxPerClientPerWeek"],
  ["max_seats_per_client", "catalog.maxSeatsPerClient"],
];

addMessages({
  en: {
    "catalog.title": "Catalog",
    "catalog.sections": "Catalog sections",
    "catalog.kind.locations": "Locations",
    "catalog.kind.resources": "Resources",
    "catalog.kind.services": "Services",
    "catalog.kind.clients": "Clients",
    "catalog.new.locations": "New location",
    "catalog.new.resources": "New resource",
    "catalog.new.services": "New service",
    "catalog.new.clients": "New client",
    "catalog.back.locations": "All locations",
    "catalog.back.resources": "All resources",
    "catalog.back.services": "All services",
    "catalog.back.clients": "All clients",
    "catalog.edit": "Edit {name}",
    "catalog.showArchived": "Show archived ones too",
    "catalog.nameContains": "Name contains",
    "catalog.find": "Find",
    "catalog.empty": "Nothing here yet.",
    "catalog.col.id": "Id",
    "catalog.col.name": "Name",
    "catalog.col.personName": "Name",
    "catalog.col.zone": "Time zone",
    "catalog.col.services": "Services",
    "catalog.col.duration": "Length, min",
    "catalog.col.providers": "Provided by",
    "catalog.col.identities": "Messenger accounts",
    "catalog.col.status": "Status",
    "catalog.status.archived": "archived",
    "catalog.status.active": "in use",
    "catalog.id": "Id (letters, digits, - or _; it cannot be changed later)",
    "catalog.name": "Name",
    "catalog.personName": "Name",
    "catalog.save": "Save",
    "catalog.saved": "Saved.",
    "catalog.created": "Created.",
    "catalog.notSaved": "Not saved: {message}",
    "catalog.notSavedField": "Not saved: see the message at the field marked.",
    "catalog.idTwice": "{id} is given twice",
    "catalog.idRequired": "Give an id.",
    "catalog.idDots": "An id cannot be \".\" or \"..\": a browser would read it as a step in the path.",
    "catalog.idTaken": "There is already one with this id: open it from the list to change it.",
    "catalog.schedule": "Hours",
    "catalog.duration": "Length, minutes",
    "catalog.step": "Step between starts, minutes (empty: the length)",
    "catalog.align": "Starts are counted",
    "catalog.align.window": "from the start of each stretch of open time",
    "catalog.align.clock": "on the clock, from midnight",
    "catalog.align.free": "from the start of each free stretch, after bookings",
    "catalog.assign": "Whom a client booking any master gets",
    "catalog.assign.least_booked": "the one with the fewest bookings",
    "catalog.assign.weighted": "by bookings per weight",
    "catalog.assign.priority": "the highest priority first",
    "catalog.weights": "Weights, for \"by bookings per weight\": a resource and a whole number a pair, e.g. lex 3, mia 1 (0: after all others; not listed: 1)",
    "catalog.priorities": "Priorities, for \"the highest priority first\": a resource and a whole number a pair, e.g. lex 2, mia 1 (not listed: 0)",
    "catalog.bufferBefore": "Buffer before, minutes",
    "catalog.bufferAfter": "Buffer after, minutes",
    "catalog.minNotice": "Minimum notice, minutes",
    "catalog.maxAdvance": "Bookable at most this far ahead, minutes (0: no limit)",
    "catalog.capacity": "Seats (more than 1: a group class)",
    "catalog.maxPerDay": "Bookings a resource takes a day (0: no limit)",
    "catalog.maxPerClientPerDay": "Bookings one client may have a day (0: no limit)",
    "catalog.maxPerClientPerWeek": "Bookings one client may have a week, Monday to Sunday (0: no limit)",
    "catalog.maxSeatsPerClient": "Seats one client may take in one class (0: no limit)",
    "catalog.offeredAt": "Offered at (none ticked: everywhere)",
    "catalog.pools": "Rooms, chairs, devices: a booking also takes one free member of each pool. One pool a line, e.g. room: room-1, room-2",
    "catalog.providers": "Provided by",
    "catalog.noProviders": "No resource provides it yet: tick it on a resource's page.",
    "catalog.provides": "Services it provides",
    "catalog.noServices": "There are no services yet.",
    "catalog.linked": "{resource} provides {service} now.",
    "catalog.unlinked": "{resource} no longer provides {service}.",
    "catalog.linkFailed": "Not changed: {message}",
    "catalog.identities": "Messenger accounts",
    "catalog.network": "Messenger {number}",
    "catalog.externalId": "Account id {number}",
    "catalog.addIdentity": "Add an account",
    "catalog.removeIdentity": "Remove account {number}",
    "catalog.remove": "Remove",
    "catalog.networks.telegram": "Telegram",
    "catalog.networks.whatsapp": "WhatsApp",
    "catalog.networks.vk": "VK",
    "catalog.networks.other": "other",
    "catalog.archiving": "Archive",
    "catalog.isArchived": "Archived: never offered or booked again; its bookings stay readable.",
    "catalog.isActive": "In use. Archiving retires it: it is no longer offered or booked, and its bookings stay readable.",
    "catalog.archive": "Archive…",
    "catalog.archiveTitle": "Archive {name}",
    "catalog.confirmArchive": "Archive {name}? It will no longer be offered or booked. This is refused while bookings of it are still to come.",
    "catalog.yesArchive": "Yes, archive it",
    "catalog.keep": "Keep it",
    "catalog.archived": "Archived.",
    "catalog.archiveRefused": "Not archived: {message}",
    "catalog.restore": "Restore",
    "catalog.restored": "Restored: in use again.",
    "catalog.restoreRefused": "Not restored: {message}",
  },
  ru: {
    "catalog.title": "Каталог",
    "catalog.sections": "Разделы каталога",
    "catalog.kind.locations": "Места",
    "catalog.kind.resources": "Ресурсы",
    "catalog.kind.services": "Услуги",
    "catalog.kind.clients": "Клиенты",
    "catalog.new.locations": "Новое место",
    "catalog.new.resources": "Новый ресурс",
    "catalog.new.services": "Новая услуга",
    "catalog.new.clients": "Новый клиент",
    "catalog.back.locations": "Все места",
    "catalog.back.resources": "Все ресурсы",
    "catalog.back.services": "Все услуги",
    "catalog.back.clients": "Все клиенты",
    "catalog.edit": "Изменить: {name}",
    "catalog.showArchived": "Показывать и архивные",
    "catalog.nameContains": "Имя содержит",
    "catalog.find": "Найти",
    "catalog.empty": "Здесь пока ничего нет.",
    "catalog.col.id": "Код",
    "catalog.col.name": "Название",
    "catalog.col.personName": "Имя",
    "catalog.col.zone": "Часовой пояс",
    "catalog.col.services": "Услуги",
    "catalog.col.duration": "Длительность, мин",
    "catalog.col.providers": "Кто оказывает",
    "catalog.col.identities": "Аккаунты в мессенджерах",
    "catalog.col.status": "Состояние",
    "catalog.status.archived": "в архиве",
    "catalog.status.active": "используется",
    "catalog.id": "Код (буквы, цифры, - или _; потом его не изменить)",
    "catalog.name": "Название",
    "catalog.personName": "Имя",
    "catalog.save": "Сохранить",
    "catalog.saved": "Сохранено.",
    "catalog.created": "Создано.",
    "catalog.notSaved": "Не сохранено: {message}",
    "catalog.notSavedField": "Не сохранено: смотрите сообщение у отмеченного поля.",
    "catalog.idTwice": "{id} указан дважды",
    "catalog.idRequired": "Укажите код.",
    "catalog.idDots": "Код не может быть «.» или «..»: браузер прочтёт его как шаг в пути.",
    "catalog.idTaken": "Запись с таким кодом уже есть: откройте её из списка, чтобы изменить.",
    "catalog.schedule": "Часы работы",
    "catalog.duration": "Длительность, минут",
    "catalog.step": "Шаг между началами, минут (пусто: длительность)",
    "catalog.align": "Начала отсчитываются",
    "catalog.align.window": "от начала каждого отрезка рабочего времени",
    "catalog.align.clock": "по часам, от полуночи",
    "catalog.align.free": "от начала каждого свободного отрезка, после записей",
    "catalog.assign": "Кому достаётся запись к любому мастеру",
    "catalog.assign.least_booked": "тому, у кого меньше записей",
    "catalog.assign.weighted": "по числу записей на единицу веса",
    "catalog.assign.priority": "сначала по приоритету",
    "catalog.weights": "Веса, для «по числу записей на единицу веса»: ресурс и целое число через пробел, пары через запятую, например lex 3, mia 1 (0: после всех остальных; не указан: 1)",
    "catalog.priorities": "Приоритеты, для «сначала по приоритету»: ресурс и целое число, например lex 2, mia 1 (не указан: 0)",
    "catalog.bufferBefore": "Запас до, минут",
    "catalog.bufferAfter": "Запас после, минут",
    "catalog.minNotice": "Записывать не позже чем за, минут",
    "catalog.maxAdvance": "Записывать не раньше чем за, минут (0: без ограничения)",
    "catalog.capacity": "Мест (больше 1: групповое занятие)",
    "catalog.maxPerDay": "Записей к одному ресурсу в день (0: без ограничения)",
    "catalog.maxPerClientPerDay": "Записей одного клиента в день (0: без ограничения)",
    "catalog.maxPerClientPerWeek": "Записей одного клиента в неделю, с понедельника (0: без ограничения)",
    "catalog.maxSeatsPerClient": "Мест одного клиента на одном занятии (0: без ограничения)",
    "catalog.offeredAt": "Где оказывается (ничего не отмечено: везде)",
    "catalog.pools": "Кабинеты, кресла, приборы: запись берёт по одному свободному из каждого пула. Пул в строке, например room: room-1, room-2",
    "catalog.providers": "Кто оказывает",
    "catalog.noProviders": "Пока никто: отметьте услугу на странице ресурса.",
    "catalog.provides": "Какие услуги оказывает",
    "catalog.noServices": "Услуг пока нет.",
    "catalog.linked": "{resource} теперь оказывает услугу «{service}».",
    "catalog.unlinked": "{resource} больше не оказывает услугу «{service}».",
    "catalog.linkFailed": "Не изменено: {message}",
    "catalog.identities": "Аккаунты в мессенджерах",
    "catalog.network": "Мессенджер {number}",
    "catalog.externalId": "Код аккаунта {number}",
    "catalog.addIdentity": "Добавить аккаунт",
    "catalog.removeIdentity": "Убрать аккаунт {number}",
    "catalog.remove": "Убрать",
    "catalog.networks.telegram": "Telegram",
    "catalog.networks.whatsapp": "WhatsApp",
    "catalog.networks.vk": "ВКонтакте",
    "catalog.networks.other": "другой",
    "catalog.archiving": "Архив",
    "catalog.isArchived": "В архиве: больше не предлагается и не записывается; его записи остаются видны.",
    "catalog.isActive": "Используется. В архиве запись больше не предлагается и не записывается, а её записи остаются видны.",
    "catalog.archive": "В архив…",
    "catalog.archiveTitle": "«{name}» в архив",
    "catalog.confirmArchive": "Отправить «{name}» в архив? Больше не будет предлагаться и записываться. Откажет, пока есть предстоящие записи.",
    "catalog.yesArchive": "Да, в архив",
    "catalog.keep": "Оставить",
    "catalog.archived": "Отправлено в архив.",
    "catalog.archiveRefused": "Не отправлено в архив: {message}",
    "catalog.restore": "Вернуть из архива",
    "catalog.restored": "Возвращено из архива: снова используется.",
    "catalog.restoreRefused": "Не возвращено: {message}",
  },
});

let notice = ""; // said on the next page drawn (after a record is created and its page opened)

/** What an API refusal says, or that there was no answer. */
const said = (error) => (error.status === 0 ? t("error.network") : error.message);
const recordPath = (kind, id) => `${kind}/${encodeURIComponent(id)}`;
const pageUrl = (params) => `#/catalog?${new URLSearchParams(params)}`;

function tabs(kind) {
  return h("nav", { class: "catalog-tabs", "aria-label": t("catalog.sections") }, h("ul", {}, KINDS.map((one) =>
    h("li", {}, h("a", { href: pageUrl({ kind: one }), "aria-current": one === kind ? "page" : false },
      t(`catalog.kind.${one}`))))));
}

// ---- lists ----

function statusCell(record) {
  return h("td", {}, h("span", { class: record.archived ? "tag archived" : "tag" },
    t(record.archived ? "catalog.status.archived" : "catalog.status.active")));
}

const COLUMNS = {
  locations: [["catalog.col.name", (r) => bdi(r.name)]],
  resources: [["catalog.col.name", (r) => bdi(r.name)], ["catalog.col.zone", (r) => r.timezone],
    ["catalog.col.services", (r) => bdiList(r.services)]],
  services: [["catalog.col.name", (r) => bdi(r.name)], ["catalog.col.duration", (r) => String(r.duration)],
    ["catalog.col.providers", (r) => bdiList(r.providers)]],
  clients: [["catalog.col.personName", (r) => bdi(r.name)],
    ["catalog.col.identities", (r) => r.identities.map((i, n) =>
      [n ? ", " : null, `${t(`catalog.networks.${i.network}`)} `, bdi(i.external_id)])]],
};

function listTable(kind, records) {
  if (records.length === 0) {
    return h("p", { class: "hint" }, t("catalog.empty"));
  }
  const columns = COLUMNS[kind];
  const archivable = ARCHIVABLE.has(kind);
  return h("table", { class: "catalog-list" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("catalog.col.id")),
      columns.map(([key]) => h("th", { scope: "col" }, t(key))),
      archivable ? h("th", { scope: "col" }, t("catalog.col.status")) : null)),
    h("tbody", {}, records.map((record) => h("tr", { "data-id": record.id },
      h("th", { scope: "row" }, h("a", { href: pageUrl({ kind, id: record.id }) }, bdi(record.id))),
      columns.map(([, value]) => h("td", {}, value(record))),
      archivable ? statusCell(record) : null))));
}

async function drawList(root, kind, params) {
  const place = h("div", { class: "catalog-table" });
  const query = {};
  const load = async () => {
    place.replaceChildren(listTable(kind, await api.getAll(kind, query, kind)));
  };
  // The switch and the filter change the address without drawing the page again, so the focus stays.
  const remember = (name, value) => {
    const next = new URLSearchParams({ kind });
    if (value) {
      next.set(name, value);
    }
    history.replaceState(null, "", pageUrl(next));
  };
  let filter;
  if (ARCHIVABLE.has(kind)) {
    const archived = h("input", { type: "checkbox", name: "archived", checked: params.get("archived") === "1" });
    query.archived = archived.checked;
    archived.addEventListener("change", async () => {
      query.archived = archived.checked;
      remember("archived", archived.checked ? "1" : "");
      await load();
    });
    filter = field(t("catalog.showArchived"), archived);
  } else {
    const name = h("input", { type: "search", name: "name", value: params.get("name") ?? "" });
    query.name = name.value;
    filter = h("form", { class: "row", role: "search" }, field(t("catalog.nameContains"), name),
      h("button", { type: "submit", class: "secondary" }, t("catalog.find")));
    filter.addEventListener("submit", async (event) => {
      event.preventDefault();
      query.name = name.value.trim();
      remember("name", query.name);
      await load();
    });
  }
  root.append(h("div", { class: "toolbar catalog-toolbar" }, filter,
    h("a", { class: "button", href: pageUrl({ kind, new: "1" }) }, t(`catalog.new.${kind}`))), place);
  await load();
}

// ---- field errors ----

/** The control (or group of controls) a refusal's field names: itself, else the first inside it. */
function taggedFor(form, name) {
  const tagged = [...form.querySelectorAll("[data-field]")];
  return tagged.find((node) => node.dataset.field === name)
    ?? tagged.find((node) => node.dataset.field.startsWith(`${name}[`) || node.dataset.field.startsWith(`${name}.`))
    // A part of what a control holds (`assign.weights.lex` of the weights' input): the control itself.
    ?? tagged.filter((node) => name.startsWith(`${node.dataset.field}.`) || name.startsWith(`${node.dataset.field}[`))
      .sort((a, b) => b.dataset.field.length - a.dataset.field.length)[0]
    ?? null;
}

function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  });
}

/** Shows `text` next to what `name` names (marked invalid, focused); false when the form has no such field. */
function showAtField(form, name, text) {
  const target = name ? taggedFor(form, name) : null;
  if (!target) {
    return false;
  }
  const single = target.matches("input, select, textarea");
  const controls = single ? [target] : [...target.querySelectorAll("input, select, textarea")];
  const note = h("p", { class: "field-error", role: "alert", id: uniqueId("error"), "data-for": name }, text);
  for (const control of controls) {
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", note.id);
  }
  (single ? target.closest(".range, .field") ?? target.parentElement : target).append(note);
  controls[0]?.focus();
  return true;
}

// ---- the forms of each kind: {element, read()} ----

function numberInput(name, value) {
  return h("input", { type: "number", inputmode: "numeric", step: "1", name, "data-field": name, value: value ?? "" });
}

function serviceParts(record, locations) {
  const numbers = SERVICE_NUMBERS.map(([name, key]) => [name, numberInput(name, record[name]), key]);
  const align = h("select", { name: "align", "data-field": "align" },
    ALIGNS.map((value) => h("option", { value }, `${value}: ${t(`catalog.align.${value}`)}`)));
  align.value = record.align ?? "window";
  // SPEC §12: the strategy, and each resource's weight and priority as "id number" pairs, "lex 3, mia 1".
  const strategy = h("select", { name: "assign", "data-field": "assign" },
    STRATEGIES.map((value) => h("option", { value }, `${value}: ${t(`catalog.assign.${value}`)}`)));
  strategy.value = record.assign?.strategy ?? "least_booked";
  const numbersById = (name, values) => h("input", {
    name, "data-field": `assign.${name}`, autocomplete: "off", spellcheck: "false",
    value: Object.entries(values ?? {}).map(([id, n]) => `${id} ${n}`).join(", "),
  });
  const weights = numbersById("weights", record.assign?.weights);
  const priorities = numbersById("priorities", record.assign?.priorities);
  const offered = new Set(record.locations ?? []);
  const places = locations.map((location) => {
    const box = h("input", { type: "checkbox", value: location.id, checked: offered.has(location.id) });
    return field(nameWithId(location), box);
  });
  const where = h("fieldset", { "data-field": "locations" }, h("legend", {}, t("catalog.offeredAt")), places);
  // SPEC §10: one pool a line, "room: room-1, room-2"; the server checks ids and members.
  const pools = h("textarea", { name: "pools", "data-field": "pools", rows: "2", spellcheck: "false" });
  pools.value = (record.pools ?? []).map((pool) => `${pool.id}: ${pool.resources.join(", ")}`).join("\n");
  const element = h("div", { class: "service-fields" },
    numbers.map(([, input, key]) => field(t(key), input)), field(t("catalog.align"), align),
    field(t("catalog.assign"), strategy), field(t("catalog.weights"), weights),
    field(t("catalog.priorities"), priorities), field(t("catalog.pools"), pools), where);
  // "lex 3, mia 1" → {lex: 3, mia: 1}; a pair without a whole number is sent as written, for the server to
  // refuse naming it.
  // A resource named twice is refused naming it (api.objectOf).
  const readNumbers = (input) => {
    const pairs = input.value.split(",").map((pair) => pair.trim()).filter((pair) => pair !== "").map((pair) => {
      const parsed = /^([^\s:=]+)(?:\s*[:=]\s*|\s+)(-?\d+)$/.exec(pair);
      return parsed ? [parsed[1], Number(parsed[2])] : [pair.split(/[\s:=]/)[0], pair];
    });
    return api.objectOf(pairs, input.dataset.field, (id) => t("catalog.idTwice", { id: isolate(id) }));
  };
  const readPools = () => pools.value.split("\n").filter((line) => line.trim() !== "").map((line) => {
    const colon = line.indexOf(":");
    const members = colon < 0 ? "" : line.slice(colon + 1);
    return {
      id: (colon < 0 ? line : line.slice(0, colon)).trim(),
      resources: members.trim() === "" ? [] : members.split(",").map((id) => id.trim()),
    };
  });
  const read = () => {
    const body = {
      align: align.value,
      assign: { strategy: strategy.value, weights: readNumbers(weights), priorities: readNumbers(priorities) },
      pools: readPools(),
      locations: [...where.querySelectorAll("input:checked")].map((box) => box.value),
    };
    for (const [name, input] of numbers) {
      const value = api.numberOf(input, name, t("error.notNumber"));
      if (value !== undefined) {
        body[name] = value;
      }
    }
    return body;
  };
  return { element, read };
}

function identityRow(identity, onRemove) {
  const network = h("select", {}, NETWORKS.map((value) => h("option", { value }, t(`catalog.networks.${value}`))));
  network.value = identity?.network ?? "telegram";
  const externalId = h("input", { value: identity?.external_id ?? "", autocomplete: "off" });
  const networkLabel = h("label", { for: (network.id = uniqueId("network")) });
  const idLabel = h("label", { for: (externalId.id = uniqueId("external")) });
  const remove = h("button", { type: "button", class: "secondary", onclick: onRemove }, t("catalog.remove"));
  const row = h("div", { class: "row identity" }, h("div", { class: "field" }, networkLabel, network),
    h("div", { class: "field" }, idLabel, externalId), remove);
  row.renumber = (i) => {
    networkLabel.textContent = t("catalog.network", { number: i + 1 });
    idLabel.textContent = t("catalog.externalId", { number: i + 1 });
    remove.setAttribute("aria-label", t("catalog.removeIdentity", { number: i + 1 }));
  };
  row.read = (path) => {
    row.dataset.field = path;
    network.dataset.field = `${path}.network`;
    externalId.dataset.field = `${path}.external_id`;
    return { network: network.value, external_id: externalId.value.trim() };
  };
  return row;
}

function clientParts(record) {
  const list = h("div", { class: "rows" });
  const renumber = () => [...list.children].forEach((row, i) => row.renumber(i));
  const addButton = h("button", { type: "button", class: "secondary" }, t("catalog.addIdentity"));
  const add = (identity) => {
    const row = identityRow(identity, () => {
      row.remove();
      renumber();
      addButton.focus();
    });
    list.append(row);
    renumber();
    return row;
  };
  addButton.addEventListener("click", () => add(null).querySelector("select").focus());
  (record.identities ?? []).forEach(add);
  const element = h("fieldset", {}, h("legend", {}, t("catalog.identities")), list, addButton);
  return { element, read: () => ({ identities: [...list.children].map((row, i) => row.read(`identities[${i}]`)) }) };
}

async function formParts(kind, record) {
  if (kind === "resources") {
    const locations = await api.getAll("locations", {}, "locations");
    const editor = scheduleEditor(record.id ? record : null, locations);
    return { element: h("fieldset", {}, h("legend", {}, t("catalog.schedule")), editor.element), read: editor.read };
  }
  if (kind === "services") {
    return serviceParts(record, await api.getAll("locations", {}, "locations"));
  }
  if (kind === "clients") {
    return clientParts(record);
  }
  return { element: null, read: () => ({}) };
}

// ---- beside the form: links, providers, archiving ----

async function linksSection(resource) {
  const services = (await api.getAll("services", { archived: true }, "services"))
    .filter((service) => !service.archived || resource.services.includes(service.id));
  const status = h("p", { class: "form-message", role: "status" });
  const boxes = services.map((service) => {
    const box = h("input", { type: "checkbox", name: "provides", value: service.id,
      checked: resource.services.includes(service.id) });
    const wrapper = field(nameWithId(service), box);
    box.addEventListener("change", async () => {
      wrapper.querySelector(".field-error")?.remove();
      box.removeAttribute("aria-invalid");
      const path = `resources/${encodeURIComponent(resource.id)}/services/${encodeURIComponent(service.id)}`;
      status.textContent = "";
      try {
        await api.request(box.checked ? "PUT" : "DELETE", path);
        showText(status, t(box.checked ? "catalog.linked" : "catalog.unlinked",
          { resource: bdi(resource.name || resource.id), service: nameWithId(service) }));
        status.classList.add("ok");
      } catch (error) {
        box.checked = !box.checked;
        box.setAttribute("aria-invalid", "true");
        wrapper.append(h("p", { class: "field-error", role: "alert" }, t("catalog.linkFailed", { message: said(error) })));
      }
    });
    return wrapper;
  });
  return h("section", { class: "catalog-side", "aria-labelledby": "catalog-links-title" },
    h("h3", { id: "catalog-links-title" }, t("catalog.provides")),
    boxes.length ? h("div", { class: "links" }, boxes) : h("p", { class: "hint" }, t("catalog.noServices")), status);
}

async function providersSection(service) {
  const resources = await api.getAll("resources", { archived: true }, "resources");
  const names = new Map(resources.map((resource) => [resource.id, resource.name]));
  return h("section", { class: "catalog-side", "aria-labelledby": "catalog-providers-title" },
    h("h3", { id: "catalog-providers-title" }, t("catalog.providers")),
    service.providers.length === 0 ? h("p", { class: "hint" }, t("catalog.noProviders"))
      : h("ul", { class: "providers" }, service.providers.map((id) => h("li", {},
        h("a", { href: pageUrl({ kind: "resources", id }) }, nameWithId({ id, name: names.get(id) }))))));
}

function archiveSection(kind, record, redraw) {
  const path = recordPath(kind, record.id);
  const name = record.name || record.id;
  const place = h("div", { class: "archive-problem" });
  const act = async (action, done, refused) => {
    place.replaceChildren();
    try {
      await api.post(`${path}/${action}`);
      notice = t(done);
      await redraw();
    } catch (error) {
      place.append(problem(t(refused, { message: said(error) }), error));
    }
  };
  const confirmArchive = () => openDialog(t("catalog.archiveTitle", { name: bdi(name) }), (body, close) => {
    body.append(h("p", {}, t("catalog.confirmArchive", { name: bdi(name) })), h("div", { class: "actions" },
      h("button", { type: "button", class: "danger", onclick: () => {
        close();
        act("archive", "catalog.archived", "catalog.archiveRefused");
      } }, t("catalog.yesArchive")),
      h("button", { type: "button", class: "secondary", "data-autofocus": true, onclick: close }, t("catalog.keep"))));
  });
  const button = record.archived
    ? h("button", { type: "button", class: "secondary", onclick: () => act("restore", "catalog.restored", "catalog.restoreRefused") },
      t("catalog.restore"))
    : h("button", { type: "button", class: "danger", onclick: confirmArchive }, t("catalog.archive"));
  return h("section", { class: "catalog-side", "aria-labelledby": "catalog-archive-title" },
    h("h3", { id: "catalog-archive-title" }, t("catalog.archiving")),
    h("p", {}, t(record.archived ? "catalog.isArchived" : "catalog.isActive")), button, place);
}

// ---- one record ----

async function existingIds(kind) {
  const records = await api.getAll(kind, ARCHIVABLE.has(kind) ? { archived: true } : {}, kind);
  return new Set(records.map((record) => record.id));
}

async function drawEditor(root, kind, id, redraw) {
  const isNew = id === null;
  const record = isNew ? {} : await api.get(recordPath(kind, id));
  const titleId = uniqueId("catalog-record");
  const title = h("h2", { id: titleId, tabindex: "-1" },
    isNew ? t(`catalog.new.${kind}`) : t("catalog.edit", { name: bdi(record.name || record.id) }),
    record.archived ? h("span", { class: "tag archived" }, t("catalog.status.archived")) : null);
  const idInput = isNew ? h("input", { name: "id", "data-field": "id", autocomplete: "off", required: true }) : null;
  const nameInput = h("input", { name: "name", "data-field": "name", value: record.name ?? "", autocomplete: "off" });
  const parts = await formParts(kind, record);
  const message = h("p", { class: "form-message", role: "status" }, notice);
  const save = h("button", { type: "submit" }, t("catalog.save"));
  const form = h("form", { class: "catalog-form", novalidate: true, "aria-labelledby": titleId },
    isNew ? field(t("catalog.id"), idInput) : null, field(t(kind === "clients" ? "catalog.personName" : "catalog.name"), nameInput), parts.element,
    h("div", { class: "actions" }, save), message);
  const announced = notice;
  notice = "";

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    message.textContent = "";
    message.classList.remove("ok");
    const newId = isNew ? idInput.value.trim() : record.id;
    let body;
    try {
      body = { name: nameInput.value.trim(), ...parts.read() };
    } catch (error) {  // refused before anything is sent (a form's row given twice, a number field's text)
      if (!(error instanceof api.ApiError) || !showAtField(form, error.field, error.message)) {
        throw error;
      }
      message.textContent = t("catalog.notSavedField");
      return;
    }
    if (!isNew && ARCHIVABLE.has(kind)) {
      body.archived = record.archived; // unchanged: archiving has its own routes
    }
    save.disabled = true;
    try {
      if (isNew && !newId) {
        showAtField(form, "id", t("catalog.idRequired"));
        return;
      }
      if (isNew && (newId === "." || newId === "..")) {  // a browser would read it as a step in the path
        showAtField(form, "id", t("catalog.idDots"));
        return;
      }
      if (isNew && (await existingIds(kind)).has(newId)) {
        showAtField(form, "id", t("catalog.idTaken"));
        return;
      }
      await api.request("PUT", recordPath(kind, newId), { body });
      if (isNew) {
        notice = t("catalog.created");
        location.hash = pageUrl({ kind, id: newId });
        return;
      }
      message.textContent = t("catalog.saved");
      message.classList.add("ok");
      announce(t("catalog.saved"));
    } catch (error) {
      const named = [400, 404, 409].includes(error.status) && showAtField(form, error.field, error.message);
      message.textContent = named ? t("catalog.notSavedField") : t("catalog.notSaved", { message: said(error) });
    } finally {
      save.disabled = false;
    }
  });

  const side = [];
  if (!isNew && kind === "resources") {
    side.push(await linksSection(record));
  }
  if (!isNew && kind === "services") {
    side.push(await providersSection(record));
  }
  if (!isNew && ARCHIVABLE.has(kind)) {
    side.push(archiveSection(kind, record, redraw));
  }
  root.append(h("p", {}, h("a", { href: pageUrl({ kind }) }, `← ${t(`catalog.back.${kind}`)}`)), title,
    h("div", { class: "catalog-record" }, form, side.length ? h("div", { class: "catalog-aside" }, side) : null));
  if (announced) {
    message.classList.add("ok");
    title.focus();
  } else if (isNew) {
    idInput.focus();
  }
}

export async function render(root, params) {
  const kind = KINDS.includes(params.get("kind")) ? params.get("kind") : "resources";
  const id = params.get("id");
  const draw = async () => {
    const content = h("div", { class: "catalog" });
    root.replaceChildren(h("h1", {}, t("catalog.title")), tabs(kind), content);
    if (id !== null || params.get("new") === "1") {
      await drawEditor(content, kind, id, draw);
    } else {
      await drawList(content, kind, params);
    }
  };
  await draw();
  return { destroy() {} };
}
