// "Change my password" for whoever is signed in: a dialog posting
// POST /v1/session/password. Every other session of theirs ends; this one goes
// on with the new CSRF token the API answers.

import * as api from "./api.js";
import { announce, errorText, field, h, openDialog } from "./dom.js";
import { addMessages, t } from "./i18n.js";

addMessages({
  en: {
    "password.open": "Change my password",
    "password.title": "Change my password",
    "password.current": "Current password",
    "password.new": "New password (at least 10 characters)",
    "password.save": "Change it",
    "password.cancel": "Cancel",
    "password.changed": "Your password is changed; your other sessions have ended.",
    "password.refused": "Not changed: {message}",
  },
  ru: {
    "password.open": "Сменить мой пароль",
    "password.title": "Смена моего пароля",
    "password.current": "Нынешний пароль",
    "password.new": "Новый пароль (не короче 10 символов)",
    "password.save": "Сменить",
    "password.cancel": "Отмена",
    "password.changed": "Пароль сменён; другие ваши сеансы закончены.",
    "password.refused": "Не сменён: {message}",
  },
});

/** The API's refusal under the field it names (`password`, `new_password`), else in `message`. */
function showRefusal(form, message, error) {
  const control = form.querySelector(`[name="${error.field}"]`);
  if (!control || error.status === 0 || error.status === 429) {
    message.textContent = t("password.refused", { message: errorText(error, "error.generic") });
    return;
  }
  const note = h("p", { class: "field-error", role: "alert", id: `${control.id}-error` }, error.message);
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-describedby", note.id);
  control.closest(".field").append(note);
  control.select();
  control.focus();
}

/** Opens the dialog; `done(text)` runs with a sentence once the password is changed. */
export function changePassword(done) {
  openDialog(t("password.title"), (body, close) => {
    const current = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
    const fresh = h("input", { name: "new_password", type: "password", autocomplete: "new-password", required: true });
    const message = h("p", { class: "form-message", role: "alert" });
    const submit = h("button", { type: "submit" }, t("password.save"));
    const form = h("form", { class: "password-form", novalidate: true }, field(t("password.current"), current),
      field(t("password.new"), fresh), message, h("div", { class: "actions" }, submit,
        h("button", { type: "button", class: "secondary", onclick: close }, t("password.cancel"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      form.querySelectorAll(".field-error").forEach((node) => node.remove());
      form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
      message.textContent = "";
      submit.disabled = true;
      try {
        const renewed = await api.post("session/password", { password: current.value, new_password: fresh.value });
        api.setCsrfToken(renewed.csrf_token);
        close();
        announce(t("password.changed"));
        done(t("password.changed"));
      } catch (error) {
        showRefusal(form, message, error);
      } finally {
        submit.disabled = false;
      }
    });
    body.append(form);
  });
}
