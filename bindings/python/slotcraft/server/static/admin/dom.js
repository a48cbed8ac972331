// Building the page: elements from data (text is always text, never HTML,
// and text people typed is isolated: common/h.js), labelled fields, modal
// dialogs with their focus handled, and messages.

import { t } from "./i18n.js";

import { bdi, bdiList, h, isolate } from "../common/h.js";

export { bdi, bdiList, h, isolate };

/** A record's name and id, "Anna (anna)" (its id alone when it has no name), as elements, each isolated. */
export function nameWithId(record) {
  return record.name ? [bdi(record.name), " (", bdi(record.id), ")"] : bdi(record.id);
}

/** The same as plain text, for an `<option>`. */
export function nameWithIdText(record) {
  return record.name ? `${isolate(record.name)} (${isolate(record.id)})` : isolate(record.id);
}

/** Puts `text` in `element` instead of what it held: a string, or the parts t() answers with bdi() names. */
export function showText(element, text) {
  element.replaceChildren(...[text].flat(Infinity));
}

let nextId = 0;

/** A unique id for an element, for `for`, `aria-labelledby` and the like. */
export function uniqueId(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** `<label for>` and its control, in a wrapper: every field has its label. */
export function field(text, control, hint = null) {
  control.id ||= uniqueId("field");
  return h("div", { class: "field" }, h("label", { for: control.id }, text), control, hint);
}

/** Says `text` to screen readers without moving the focus. */
export function announce(text) {
  const announcer = document.getElementById("announcer");
  announcer.textContent = "";
  requestAnimationFrame(() => {
    announcer.textContent = text;
  });
}

/** The message and every reason of an API refusal, as list items. */
export function reasonsList(error) {
  if (!error.reasons?.length) {
    return null;
  }
  return h("ul", { class: "reasons" }, error.reasons.map((reason) =>
    h("li", { "data-code": reason.code }, h("span", { class: "code" }, reason.code), " ", reason.message)));
}

/** A plain sentence for an API error. */
export function errorText(error, key = "error.generic") {
  if (error.status === 0) {
    return t("error.network");
  }
  return t(key, { message: error.message });
}

/** An alert that shows `error` with its reasons, until dismissed. */
export function problem(text, error) {
  const box = h("div", { class: "problem", role: "alert" },
    h("p", {}, text), error ? reasonsList(error) : null);
  box.append(h("button", { type: "button", class: "secondary", onclick: () => box.remove() }, t("dismiss")));
  return box;
}

/**
 * A modal dialog titled `title`: `build(body, close)` fills it. Focus goes to
 * its first field or button (or an element marked `data-autofocus`), stays
 * inside while it is open (the browser makes the page behind it inert), Escape
 * closes it, and focus goes back to where it was (or to `fallbackFocus()`,
 * when that element is gone, e.g. re-rendered).
 */
export function openDialog(title, build, { fallbackFocus = () => document.getElementById("main") } = {}) {
  const opener = document.activeElement;
  const titleId = uniqueId("dialog-title");
  const body = h("div", { class: "dialog-body" });
  const dialog = h("dialog", { "aria-labelledby": titleId, class: "dialog" }, h("h2", { id: titleId }, title), body);
  const close = () => dialog.close();
  dialog.addEventListener("close", () => {
    dialog.remove();
    const back = opener && opener.isConnected ? opener : fallbackFocus();
    back?.focus();
  });
  build(body, close);
  document.body.append(dialog);
  dialog.showModal();
  focusFirst(dialog);
  return { dialog, body, close };
}

/** Focus the element marked `data-autofocus` in `root`, else its first field or button. */
export function focusFirst(root) {
  const target = root.querySelector("[data-autofocus]") ??
    root.querySelector("input:not([type=hidden]), select, textarea, button");
  target?.focus();
}
