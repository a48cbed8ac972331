// The settings page (admins): reminder offsets, breaks for everyone and the
// default step, edited and saved with PUT /v1/settings. The page checks
// nothing itself but what it could not send (text in a number field):
// slotcraft's message for a refused value is shown next to the field it names
// (`reminder_offsets[1]`, `global_breaks[0][1]`), and a refused save writes
// nothing.

import * as api from "./api.js";
import { announce, errorText, field, h } from "./dom.js";
import { addMessages, t } from "./i18n.js";

addMessages({
  en: {
    "settings.intro": "What every resource shares. Times are each resource's own local times.",
    "settings.reminderMinutes": "Reminder {number}: minutes before the start",
    "settings.addReminder": "Add a reminder",
    "settings.breakFrom": "Break {number} from",
    "settings.breakTo": "Break {number} to",
    "settings.addBreak": "Add a break",
    "settings.remove": "Remove",
    "settings.overnight": "Ends the next day: an overnight break.",
    "settings.stepMinutes": "Default step between starts, in minutes (empty: each service's own)",
    "settings.save": "Save the settings",
    "settings.saved": "Settings saved.",
    "settings.refused": "Not saved: {message}",
  },
  ru: {
    "settings.intro": "Общие для всех ресурсов. Время — местное время каждого ресурса.",
    "settings.reminderMinutes": "Напоминание {number}: за сколько минут до начала",
    "settings.addReminder": "Добавить напоминание",
    "settings.breakFrom": "Перерыв {number} с",
    "settings.breakTo": "Перерыв {number} до",
    "settings.addBreak": "Добавить перерыв",
    "settings.remove": "Убрать",
    "settings.overnight": "Заканчивается на следующий день: ночной перерыв.",
    "settings.stepMinutes": "Шаг между началами по умолчанию, в минутах (пусто: у каждой услуги свой)",
    "settings.save": "Сохранить настройки",
    "settings.saved": "Настройки сохранены.",
    "settings.refused": "Не сохранено: {message}",
  },
});

/** A list of rows (reminders, breaks) the admin can add to and remove from. */
function rows(makeRow, initial, addLabel) {
  const list = h("div", { class: "rows" });
  const renumber = () => list.querySelectorAll(".row").forEach((row, i) => row.renumber(i));
  const add = (value) => {
    const row = makeRow(value, () => {
      row.remove();
      renumber();
    });
    list.append(row);
    renumber();
    return row;
  };
  initial.forEach(add);
  const addButton = h("button", { type: "button", class: "secondary", onclick: () => add(null).querySelector("input").focus() },
    addLabel);
  return { element: h("div", {}, list, addButton), list };
}

function reminderRow(minutes, onRemove) {
  const input = h("input", { type: "number", inputmode: "numeric", step: "1", value: minutes ?? "", class: "minutes" });
  const wrapper = h("div", { class: "field" });
  const label = h("label", {});
  const row = h("div", { class: "row" }, wrapper,
    h("button", { type: "button", class: "secondary", onclick: onRemove }, t("settings.remove")));
  row.renumber = (i) => {
    input.id = `reminder-${i}`;
    input.dataset.field = `reminder_offsets[${i}]`;
    label.htmlFor = input.id;
    label.textContent = t("settings.reminderMinutes", { number: i + 1 });
  };
  wrapper.append(label, input);
  return row;
}

function breakRow(range, onRemove) {
  const [from, to] = range ?? ["", ""];
  const start = h("input", { type: "time", value: from });
  const end = h("input", { type: "time", value: to });
  const startLabel = h("label", {});
  const endLabel = h("label", {});
  const overnight = h("p", { class: "hint overnight" }, t("settings.overnight"));
  const showOvernight = () => {
    overnight.hidden = !(start.value && end.value && end.value <= start.value);
  };
  start.addEventListener("input", showOvernight);
  end.addEventListener("input", showOvernight);
  showOvernight();
  const row = h("div", { class: "row" }, h("div", { class: "field" }, startLabel, start),
    h("div", { class: "field" }, endLabel, end),
    h("button", { type: "button", class: "secondary", onclick: onRemove }, t("settings.remove")), overnight);
  row.renumber = (i) => {
    start.id = `break-${i}-from`;
    end.id = `break-${i}-to`;
    start.dataset.field = `global_breaks[${i}][0]`;
    end.dataset.field = `global_breaks[${i}][1]`;
    startLabel.htmlFor = start.id;
    endLabel.htmlFor = end.id;
    startLabel.textContent = t("settings.breakFrom", { number: i + 1 });
    endLabel.textContent = t("settings.breakTo", { number: i + 1 });
  };
  return row;
}

/** The input a refusal's field names: itself, or the row it is in (`global_breaks[0]`), or null. */
function inputFor(form, name) {
  const inputs = [...form.querySelectorAll("input[data-field]")];
  return inputs.find((input) => input.dataset.field === name)
    ?? inputs.find((input) => input.dataset.field.startsWith(`${name}[`)) ?? null;
}

function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

export async function render(root) {
  const settings = await api.get("settings");
  const reminders = rows(reminderRow, settings.reminder_offsets ?? [], t("settings.addReminder"));
  const breaks = rows(breakRow, settings.global_breaks ?? [], t("settings.addBreak"));
  const step = h("input", { type: "number", inputmode: "numeric", step: "1", value: settings.default_step ?? "" });
  step.dataset.field = "default_step";
  const message = h("p", { class: "form-message", role: "status" });
  const save = h("button", { type: "submit" }, t("settings.save"));
  const form = h("form", { class: "settings-form", novalidate: true, "aria-labelledby": "settings-title" },
    h("h1", { id: "settings-title" }, t("settings.title")),
    h("p", { class: "hint" }, t("settings.intro")),
    h("fieldset", {}, h("legend", {}, t("settings.reminders")), reminders.element),
    h("fieldset", {}, h("legend", {}, t("settings.globalBreaks")), breaks.element),
    field(t("settings.stepMinutes"), step),
    message, save);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    message.textContent = "";
    message.classList.remove("ok");
    save.disabled = true;
    try {
      const number = (input) => api.numberOf(input, input.dataset.field, t("error.notNumber"));
      const body = {
        // An empty reminder is 0 minutes, which slotcraft refuses naming it.
        reminder_offsets: [...reminders.list.querySelectorAll("input")].map((input) => number(input) ?? 0),
        global_breaks: [...breaks.list.querySelectorAll(".row")].map((row) =>
          [...row.querySelectorAll("input")].map((input) => input.value)),
      };
      const defaultStep = number(step);
      if (defaultStep !== undefined) {
        body.default_step = defaultStep;
      }
      await api.request("PUT", "settings", { body });
      message.textContent = t("settings.saved");
      message.classList.add("ok");
      announce(t("settings.saved"));
    } catch (error) {
      const input = error.status === 400 ? inputFor(form, error.field) : null;
      if (input) {
        input.setAttribute("aria-invalid", "true");
        const note = h("p", { class: "field-error", role: "alert", id: `${input.id}-error` }, error.message);
        input.setAttribute("aria-describedby", note.id);
        input.closest(".field").append(note);
        input.focus();
      } else {
        message.textContent = t("settings.refused", { message: errorText(error) });
      }
    } finally {
      save.disabled = false;
    }
  });
  root.append(form);
  return { destroy() {} };
}
