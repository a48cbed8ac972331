// A secret the server shows once (an invite's token, an API key, a webhook's
// signing secret): read-only, selectable, with a copy button and a note that
// it is not shown again.

import { announce, field, h } from "./dom.js";
import { addMessages, t } from "./i18n.js";

addMessages({
  en: {
    "secret.copy": "Copy",
    "secret.copied": "Copied.",
    "secret.copyByHand": "Copying was refused: the text is selected, press Ctrl+C.",
    "secret.onlyNow": "Shown only now: copy it and keep it safe. It cannot be shown again.",
  },
  ru: {
    "secret.copy": "Скопировать",
    "secret.copied": "Скопировано.",
    "secret.copyByHand": "Браузер не дал скопировать: текст выделен, нажмите Ctrl+C.",
    "secret.onlyNow": "Показано только сейчас: скопируйте и сохраните. Больше его не покажут.",
  },
});

/** A box with `label`, the `text` to copy, a copy button and the shown-once note; `more` goes under it. */
export function shownOnce(label, text, more = null) {
  const value = h("input", { type: "text", readonly: true, value: text, class: "secret-text", spellcheck: "false" });
  const status = h("p", { class: "copy-status", role: "status" });
  const copy = async () => {
    value.select();
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = t("secret.copied");
    } catch {
      status.textContent = t("secret.copyByHand");
    }
    announce(status.textContent);
  };
  return h("div", { class: "shown-once", role: "region", "aria-label": label },
    h("div", { class: "secret-row" }, field(label, value),
      h("button", { type: "button", class: "secondary copy", onclick: copy }, t("secret.copy"))),
    h("p", { class: "once-note" }, h("strong", {}, t("secret.onlyNow"))), more, status);
}
