// Asking before a destructive action: a modal dialog whose safe answer has the
// focus, so Enter alone changes nothing.

import { h, openDialog } from "./dom.js";

/** True once the person presses `yes`; false when they keep things as they are (or press Escape). */
export function confirmAction(title, text, yes, no) {
  return new Promise((resolve) => {
    let answer = false;
    const { dialog } = openDialog(title, (body, close) => {
      body.append(h("p", {}, text), h("div", { class: "actions" },
        h("button", { type: "button", class: "danger", onclick: () => { answer = true; close(); } }, yes),
        h("button", { type: "button", class: "secondary", "data-autofocus": true, onclick: close }, no)));
    });
    dialog.addEventListener("close", () => resolve(answer));
  });
}
