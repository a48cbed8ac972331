// The schedule editor of a resource: its time zone, hours per location
// (several ranges a weekday), breaks, date overrides and time off, in the
// resource's JSON form (docs/storage.md). It checks nothing itself but a time
// off's wall time the clocks skip (the API takes instants, and no instant has
// it): reading the form tags each control with the path of the field it fills
// (`schedules[0].weekly.mon[1][0]`, `time_off[2].end`), so that the API's
// refusal can be shown next to it.

import { ApiError, objectOf } from "./api.js";
import { h, isolate, nameWithIdText, uniqueId } from "./dom.js";
import { addMessages, locale, t, viewerZone } from "./i18n.js";

const { DateTime } = window.luxon;
const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

addMessages({
  en: {
    "schedule.zone": "Time zone",
    "schedule.timesHint": "Times are HH:MM on a 24-hour clock in the resource's zone; 24:00 is the end of the day, and a range ending at or before its start runs overnight.",
    "schedule.hours": "Hours at {location}",
    "schedule.location": "Location",
    "schedule.removeHours": "Remove the hours at this location",
    "schedule.addHours": "Add hours at a location",
    "schedule.noLocations": "Add a location first: hours belong to a location.",
    "schedule.weekly": "Weekly hours",
    "schedule.rotation": "Rotating weeks",
    "schedule.pattern": "The hours repeat",
    "schedule.pattern.weekly": "every week",
    "schedule.pattern.rotation": "in a cycle of weeks",
    "schedule.anchor": "Week 1 is the week of",
    "schedule.rotationHint": "Weeks run Monday to Sunday: the week holding this date takes week 1, the next week 2, and so on round the cycle (up to 52 weeks), before this date too.",
    "schedule.week": "Week {number}",
    "schedule.addWeek": "Add a week",
    "schedule.day": "Day",
    "schedule.ranges": "Ranges",
    "schedule.dayRange": "{day}, range {number}",
    "schedule.from": "{what}: from",
    "schedule.to": "{what}: to",
    "schedule.remove": "Remove",
    "schedule.dateTwice": "this date has its own hours in another row already",
    "schedule.removeWhat": "Remove {what}",
    "schedule.addRange": "Add a range",
    "schedule.addRangeOn": "Add a range on {day}",
    "schedule.breaks": "Breaks, every day",
    "schedule.break": "Break {number}",
    "schedule.addBreak": "Add a break",
    "schedule.overrides": "Dates with their own hours",
    "schedule.override": "Date {number}",
    "schedule.overrideDate": "Date {number}",
    "schedule.overrideRange": "Date {date}, range {number}",
    "schedule.closed": "Closed all day",
    "schedule.addOverride": "Add a date",
    "schedule.timeOff": "Time off (in {zone})",
    "schedule.timeOffFrom": "Time off {number}: from",
    "schedule.timeOffTo": "Time off {number}: to",
    "schedule.addTimeOff": "Add time off",
    "schedule.skipped": "{time} on {date} does not exist in {zone}: the clocks go from {before} straight to {after}. Give a time before or after the change.",
  },
  ru: {
    "schedule.zone": "Часовой пояс",
    "schedule.timesHint": "Время — ЧЧ:ММ в 24-часовом формате в поясе ресурса; 24:00 — конец дня, а промежуток, который кончается не позже начала, идёт через полночь.",
    "schedule.hours": "Часы в месте «{location}»",
    "schedule.location": "Место",
    "schedule.removeHours": "Убрать часы в этом месте",
    "schedule.addHours": "Добавить часы в месте",
    "schedule.noLocations": "Сначала добавьте место: часы работы относятся к месту.",
    "schedule.weekly": "Часы по дням недели",
    "schedule.rotation": "Чередование недель",
    "schedule.pattern": "Часы повторяются",
    "schedule.pattern.weekly": "каждую неделю",
    "schedule.pattern.rotation": "по кругу из нескольких недель",
    "schedule.anchor": "Неделя 1 — неделя даты",
    "schedule.rotationHint": "Недели идут с понедельника по воскресенье: неделя с этой датой берёт неделю 1, следующая — неделю 2, и так по кругу (до 52 недель), и до этой даты тоже.",
    "schedule.week": "Неделя {number}",
    "schedule.addWeek": "Добавить неделю",
    "schedule.day": "День",
    "schedule.ranges": "Промежутки",
    "schedule.dayRange": "{day}, промежуток {number}",
    "schedule.from": "{what}: с",
    "schedule.to": "{what}: до",
    "schedule.remove": "Убрать",
    "schedule.dateTwice": "у этой даты уже есть свои часы в другой строке",
    "schedule.removeWhat": "Убрать: {what}",
    "schedule.addRange": "Добавить промежуток",
    "schedule.addRangeOn": "Добавить промежуток: {day}",
    "schedule.breaks": "Перерывы, каждый день",
    "schedule.break": "Перерыв {number}",
    "schedule.addBreak": "Добавить перерыв",
    "schedule.overrides": "Даты с особыми часами",
    "schedule.override": "Дата {number}",
    "schedule.overrideDate": "Дата {number}",
    "schedule.overrideRange": "Дата {date}, промежуток {number}",
    "schedule.closed": "Весь день закрыто",
    "schedule.addOverride": "Добавить дату",
    "schedule.timeOff": "Отсутствие (по поясу {zone})",
    "schedule.timeOffFrom": "Отсутствие {number}: с",
    "schedule.timeOffTo": "Отсутствие {number}: до",
    "schedule.addTimeOff": "Добавить отсутствие",
    "schedule.skipped": "{date} в поясе {zone} нет времени {time}: часы переводят с {before} сразу на {after}. Укажите время до или после перевода.",
  },
});

/** The weekday's name in the viewer's language ("Monday", "понедельник"). */
export function weekdayName(day) {
  const monday = Date.UTC(2024, 0, 1);
  const format = new Intl.DateTimeFormat(locale(), { weekday: "long", timeZone: "UTC" });
  return format.format(new Date(monday + WEEKDAYS.indexOf(day) * 86400000));
}

/** The IANA zones the browser knows, with UTC and `current` among them. */
function zoneNames(current) {
  const names = new Set(Intl.supportedValuesOf?.("timeZone") ?? []);
  names.add("UTC");
  names.add(current);
  return [...names].sort();
}

function labelled(text, control, className = "visually-hidden") {
  control.id ||= uniqueId("field");
  return h("label", { for: control.id, class: className }, text);
}

/** A list of rows that can be added to and removed from; `row.renumber(i)` retitles each. */
function rowList(makeRow, initial, addText, addLabel = null) {
  const list = h("div", { class: "rows" });
  const renumber = () => [...list.children].forEach((row, i) => row.renumber(i));
  const addButton = h("button", { type: "button", class: "secondary", "aria-label": addLabel }, addText);
  const add = (value) => {
    const row = makeRow(value, () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      renumber();
      (next?.querySelector("input, select") ?? addButton).focus();
    });
    list.append(row);
    renumber();
    return row;
  };
  addButton.addEventListener("click", () => add(null).querySelector("input, select, button").focus());
  initial.forEach(add);
  return { element: h("div", { class: "row-list" }, list, addButton), rows: () => [...list.children] };
}

function timeInput(value) {
  return h("input", {
    class: "time", value: value ?? "", inputmode: "numeric", placeholder: "09:00", size: 5, maxlength: 5,
    autocomplete: "off",
  });
}

/** A [from, to] range of local times; `describe(number)` names it ("Monday, range 2"). */
function rangeRow(range, describe, onRemove) {
  const from = timeInput(range?.[0]);
  const to = timeInput(range?.[1]);
  const fromLabel = labelled("", from);
  const toLabel = labelled("", to);
  const remove = h("button", { type: "button", class: "secondary remove", onclick: onRemove }, "×");
  const row = h("div", { class: "range" }, fromLabel, from, h("span", { "aria-hidden": "true" }, "–"), toLabel, to,
    remove);
  row.renumber = (i) => {
    const what = describe(i + 1);
    fromLabel.textContent = t("schedule.from", { what });
    toLabel.textContent = t("schedule.to", { what });
    remove.setAttribute("aria-label", t("schedule.removeWhat", { what }));
  };
  row.read = (path) => {
    row.dataset.field = path;
    from.dataset.field = `${path}[0]`;
    to.dataset.field = `${path}[1]`;
    return [from.value.trim(), to.value.trim()];
  };
  return row;
}

function rangeList(ranges, describe, addText, addLabel = null) {
  const list = rowList((range, onRemove) => rangeRow(range, describe, onRemove), ranges, addText, addLabel);
  list.read = (path) => list.rows().map((row, i) => row.read(`${path}[${i}]`));
  return list;
}

function weeklyTable(weekly) {
  const days = WEEKDAYS.map((day) => {
    const name = weekdayName(day);
    const ranges = rangeList(weekly?.[day] ?? [], (number) => t("schedule.dayRange", { day: name, number }),
      t("schedule.addRange"), t("schedule.addRangeOn", { day: name }));
    return { day, ranges, row: h("tr", {}, h("th", { scope: "row" }, name), h("td", {}, ranges.element)) };
  });
  const table = h("table", { class: "weekly" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("schedule.day")), h("th", { scope: "col" }, t("schedule.ranges")))),
    h("tbody", {}, days.map(({ row }) => row)));
  const read = (path) => Object.fromEntries(days.map(({ day, ranges }) => [day, ranges.read(`${path}.${day}`)]));
  return { element: table, read };
}

function overrideRow(entry, onRemove) {
  const [date, ranges] = entry ?? ["", []];
  const day = h("input", { type: "date", value: date ?? "" });
  const dayLabel = labelled("", day, "");
  const closed = h("input", { type: "checkbox", checked: Boolean(date) && ranges.length === 0 });
  const hours = rangeList(ranges, (number) => t("schedule.overrideRange", { date: day.value || "…", number }),
    t("schedule.addRange"));
  const showHours = () => {
    hours.element.hidden = closed.checked;
  };
  closed.addEventListener("change", showHours);
  showHours();
  const remove = h("button", { type: "button", class: "secondary remove" }, t("schedule.remove"));
  remove.addEventListener("click", onRemove);
  const row = h("div", { class: "override" },
    h("div", { class: "row" }, h("div", { class: "field" }, dayLabel, day),
      h("div", { class: "field" }, labelled(t("schedule.closed"), closed, ""), closed), remove),
    hours.element);
  row.renumber = (i) => {
    dayLabel.textContent = t("schedule.overrideDate", { number: i + 1 });
    remove.setAttribute("aria-label", t("schedule.removeWhat", { what: t("schedule.override", { number: i + 1 }) }));
  };
  row.read = (path) => {
    const key = `${path}.${day.value}`;
    row.dataset.field = key;
    day.dataset.field = key;
    return [day.value, closed.checked ? [] : hours.read(key)];
  };
  return row;
}

/** One week of a rotation: a weekly table under "Week N". */
function weekRow(week, onRemove) {
  const table = weeklyTable(week ?? {});
  const legend = h("legend", {});
  const remove = h("button", { type: "button", class: "secondary remove", onclick: onRemove }, t("schedule.remove"));
  const row = h("fieldset", { class: "rotation-week" }, legend, table.element, remove);
  row.renumber = (i) => {
    legend.textContent = t("schedule.week", { number: i + 1 });
    remove.setAttribute("aria-label", t("schedule.removeWhat", { what: t("schedule.week", { number: i + 1 }) }));
  };
  row.read = (path) => {
    row.dataset.field = path;
    return table.read(path);
  };
  return row;
}

/**
 * The hours at one location: which location, the hours of every week or a
 * cycle of weeks (SPEC §9: an anchor date and 1-52 weekly patterns), breaks,
 * dates of their own.
 */
function scheduleBlock(schedule, locations, onRemove) {
  const place = h("select", {}, locations.map((l) => h("option", { value: l.id }, nameWithIdText(l))));
  if (schedule?.location && !locations.some((l) => l.id === schedule.location)) {
    place.append(h("option", { value: schedule.location }, isolate(schedule.location)));
  }
  place.value = schedule?.location ?? locations[0]?.id ?? "";
  const legend = h("legend", {});
  const retitle = () => {
    legend.textContent = t("schedule.hours", { location: place.selectedOptions[0]?.textContent ?? "" });
  };
  place.addEventListener("change", retitle);
  const rotation = schedule?.rotation;
  const pattern = h("select", { name: "pattern" },
    ["weekly", "rotation"].map((value) => h("option", { value }, t(`schedule.pattern.${value}`))));
  pattern.value = rotation ? "rotation" : "weekly";
  const weekly = weeklyTable(schedule?.weekly);
  const weeklyPart = h("div", { class: "weekly-hours" }, h("h4", {}, t("schedule.weekly")), weekly.element);
  // A new cycle starts from this week's hours and an empty week.
  const anchor = h("input", { type: "date", name: "anchor", value: rotation?.anchor ?? DateTime.local().toISODate() });
  const weeks = rowList(weekRow, rotation?.weeks ?? [schedule?.weekly ?? {}, {}], t("schedule.addWeek"));
  const rotationPart = h("div", { class: "rotation" }, h("h4", {}, t("schedule.rotation")),
    h("div", { class: "field" }, labelled(t("schedule.anchor"), anchor, ""), anchor),
    h("p", { class: "hint" }, t("schedule.rotationHint")), weeks.element);
  const showPattern = () => {
    weeklyPart.hidden = pattern.value !== "weekly";
    rotationPart.hidden = pattern.value !== "rotation";
  };
  pattern.addEventListener("change", showPattern);
  showPattern();
  const hours = [h("div", { class: "field" }, labelled(t("schedule.pattern"), pattern, ""), pattern), weeklyPart,
    rotationPart];
  const breaks = rangeList(schedule?.breaks ?? [], (number) => t("schedule.break", { number }), t("schedule.addBreak"));
  const overrides = rowList(overrideRow, Object.entries(schedule?.overrides ?? {}), t("schedule.addOverride"));
  const remove = h("button", { type: "button", class: "secondary", onclick: onRemove }, t("schedule.removeHours"));
  const block = h("fieldset", { class: "schedule" }, legend,
    h("div", { class: "row" }, h("div", { class: "field" }, labelled(t("schedule.location"), place, ""), place), remove),
    ...hours,
    h("h4", {}, t("schedule.breaks")), breaks.element,
    h("h4", {}, t("schedule.overrides")), overrides.element);
  retitle();
  block.renumber = () => {};
  block.read = (path) => {
    place.dataset.field = `${path}.location`;
    block.dataset.field = path;
    const cycle = () => {
      rotationPart.dataset.field = `${path}.rotation`;
      anchor.dataset.field = `${path}.rotation.anchor`;
      return { anchor: anchor.value, weeks: weeks.rows().map((row, i) => row.read(`${path}.rotation.weeks[${i}]`)) };
    };
    return {
      location: place.value,
      ...(pattern.value === "rotation" ? { rotation: cycle() } : { weekly: weekly.read(`${path}.weekly`) }),
      breaks: breaks.read(`${path}.breaks`),
      overrides: objectOf(overrides.rows().map((row) => row.read(`${path}.overrides`)), `${path}.overrides`,
        () => t("schedule.dateTwice")),
    };
  };
  return block;
}

/** The local wall time "YYYY-MM-DDTHH:MM" of an instant in `zone`. */
function wallTime(instant, zone) {
  const time = DateTime.fromISO(instant, { zone });
  return time.isValid ? time.toFormat("yyyy-MM-dd'T'HH:mm") : "";
}

/**
 * Every instant (milliseconds, earliest first) whose wall time in `zone` is
 * `naive`'s own (a wall time read as UTC), as slotcraft's `Zone.instants_at`:
 * none in a DST gap, two in an overlap; and the offsets in force the day
 * before and the day after.
 */
function instantsAt(naive, zone) {
  const offsets = [-DAY, DAY].map((shift) => DateTime.fromMillis(naive.toMillis() + shift, { zone }).offset);
  const instants = new Set(offsets.map((offset) => naive.toMillis() - offset * MINUTE)
    .filter((instant, i) => DateTime.fromMillis(instant, { zone }).offset === offsets[i]));
  return { instants: [...instants].sort((a, b) => a - b), offsets };
}

/** The refusal of the wall time `naive` (read as UTC) in the gap `zone`'s clocks skip, between `offsets`. */
function skipped(naive, zone, [before, after], field) {
  // The change is after `naive` read with the later offset and at or before it read with the earlier one.
  let low = naive.toMillis() - after * MINUTE;
  let high = naive.toMillis() - before * MINUTE;
  while (high - low > MINUTE) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    if (DateTime.fromMillis(middle, { zone }).offset === before) {
      low = middle;
    } else {
      high = middle;
    }
  }
  const change = DateTime.fromMillis(high, { zone: "utc" });
  const message = t("schedule.skipped", {
    time: naive.toFormat("HH:mm"), date: naive.setLocale(locale()).toLocaleString(DateTime.DATE_FULL), zone,
    before: change.plus({ minutes: before }).toFormat("HH:mm"), after: change.plus({ minutes: after }).toFormat("HH:mm"),
  });
  return new ApiError(400, { error: { field, message } });
}

/**
 * The UTC instant of a wall time in `zone`, as slotcraft makes one of a local
 * time (SPEC §1): in an overlap (the clocks go back) the earlier of the two.
 * A wall time the clocks skip (they go forward) is refused, naming `field`:
 * slotcraft would move it later by the gap, but the API takes time off as
 * instants, and the form does not choose one the admin did not type. The text
 * as it is when it is not a wall time (the API names it).
 */
function instantOf(wall, zone, field) {
  const naive = DateTime.fromISO(wall, { zone: "utc" });
  if (!naive.isValid || !DateTime.now().setZone(zone).isValid) {
    return wall;
  }
  const { instants, offsets } = instantsAt(naive, zone);
  if (instants.length === 0) {
    throw skipped(naive, zone, offsets, field);
  }
  return DateTime.fromMillis(instants[0], { zone: "utc" }).toISO({ suppressMilliseconds: true });
}

function timeOffRow(period, onRemove, zone) {
  const from = h("input", { type: "datetime-local", value: period ? wallTime(period.start, zone()) : "" });
  const to = h("input", { type: "datetime-local", value: period ? wallTime(period.end, zone()) : "" });
  const fromLabel = labelled("", from, "");
  const toLabel = labelled("", to, "");
  const remove = h("button", { type: "button", class: "secondary remove", onclick: onRemove }, t("schedule.remove"));
  const row = h("div", { class: "row" }, h("div", { class: "field" }, fromLabel, from),
    h("div", { class: "field" }, toLabel, to), remove);
  row.renumber = (i) => {
    fromLabel.textContent = t("schedule.timeOffFrom", { number: i + 1 });
    toLabel.textContent = t("schedule.timeOffTo", { number: i + 1 });
    remove.setAttribute("aria-label", t("schedule.removeWhat", { what: t("schedule.timeOffFrom", { number: i + 1 }) }));
  };
  row.read = (path) => {
    row.dataset.field = path;
    from.dataset.field = `${path}.start`;
    to.dataset.field = `${path}.end`;
    return { start: instantOf(from.value, zone(), from.dataset.field), end: instantOf(to.value, zone(), to.dataset.field) };
  };
  return row;
}

/**
 * The schedule part of a resource's form. `read()` gives `{timezone,
 * schedules, time_off}` of the resource's JSON form, the time off turned into
 * instants from wall times in the chosen zone.
 */
export function scheduleEditor(resource, locations) {
  const zone = h("select", { "data-field": "timezone" });
  const current = resource?.timezone ?? viewerZone();
  zone.append(...zoneNames(current).map((name) => h("option", { value: name }, name)));
  zone.value = current;
  const chosenZone = () => zone.value;

  const blocks = h("div", { class: "schedules" });
  const addBlock = (schedule) => {
    const block = scheduleBlock(schedule, locations, () => {
      block.remove();
      addHours.focus();
    });
    blocks.append(block);
    return block;
  };
  const addHours = h("button", { type: "button", class: "secondary", disabled: locations.length === 0 },
    t("schedule.addHours"));
  addHours.addEventListener("click", () => addBlock(null).querySelector("select").focus());
  (resource?.schedules ?? []).forEach(addBlock);

  const timeOffLegend = h("legend", {});
  const retitle = () => {
    timeOffLegend.textContent = t("schedule.timeOff", { zone: zone.value });
  };
  zone.addEventListener("change", retitle);
  retitle();
  const timeOff = rowList((period, onRemove) => timeOffRow(period, onRemove, chosenZone), resource?.time_off ?? [],
    t("schedule.addTimeOff"));

  const element = h("div", { class: "schedule-editor" },
    h("div", { class: "field" }, labelled(t("schedule.zone"), zone, ""), zone),
    h("p", { class: "hint" }, t("schedule.timesHint")),
    blocks,
    locations.length === 0 ? h("p", { class: "hint" }, t("schedule.noLocations")) : null,
    addHours,
    h("fieldset", { class: "time-off" }, timeOffLegend, timeOff.element));
  const read = () => ({
    timezone: zone.value,
    schedules: [...blocks.children].map((block, i) => block.read(`schedules[${i}]`)),
    time_off: timeOff.rows().map((row, i) => row.read(`time_off[${i}]`)),
  });
  return { element, read };
}
