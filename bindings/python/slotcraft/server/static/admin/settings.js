// The settings page (admins): what GET /v1/settings answers. Editing them
// comes in a later step of the panel.

import * as api from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

export async function renderSettings(root) {
  const settings = await api.get("settings");
  const list = (items = []) => (items.length ? items.join(", ") : t("settings.none"));
  root.append(h("section", { class: "settings", "aria-labelledby": "settings-title" },
    h("h1", { id: "settings-title" }, t("settings.title")),
    h("dl", { class: "details" },
      h("dt", {}, t("settings.reminders")),
      h("dd", {}, list((settings.reminder_offsets ?? []).map((count) => t("settings.minutes", { count })))),
      h("dt", {}, t("settings.globalBreaks")),
      h("dd", {}, list((settings.global_breaks ?? []).map(([from, to]) => `${from}–${to}`))),
      h("dt", {}, t("settings.defaultStep")),
      h("dd", {}, settings.default_step ? t("settings.minutes", { count: settings.default_step }) : t("settings.none"))),
    h("p", { class: "hint" }, t("settings.readOnly"))));
  return { destroy() {} };
}
