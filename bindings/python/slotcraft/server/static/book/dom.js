// Elements from data: text is always text, never HTML, and text people typed is
// isolated (common/h.js).

import { bdi, bdiList, h, isolate } from "../common/h.js";

export { bdi, bdiList, h, isolate };

let count = 0;

/** A labelled input with a hint and a place for its error, tied together for screen readers. */
export function field(label, input, hint = "") {
  count += 1;
  input.id ||= `field-${count}`;
  const hintId = `${input.id}-hint`;
  const errorId = `${input.id}-error`;
  input.setAttribute("aria-describedby", hint ? `${hintId} ${errorId}` : errorId);
  return h("div", { class: "field" },
    h("label", { for: input.id }, label),
    input,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId, "aria-live": "polite" }));
}

/** Shows `message` as the error of the field `input` (empty: none). */
export function setFieldError(input, message) {
  const error = document.getElementById(`${input.id}-error`);
  error.textContent = message;
  input.toggleAttribute("aria-invalid", Boolean(message));
}

/** Moves the keyboard focus to the first element matching `selector`, if there is one. */
export function focus(selector) {
  const element = document.querySelector(selector);
  if (element) {
    element.focus();
  }
}
