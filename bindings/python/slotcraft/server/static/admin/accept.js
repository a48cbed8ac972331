// Accepting an invite: the link an admin hands out (#/accept?token=…, the
// token in the fragment so no server log sees it) opens a form where the
// invited person sets their password (POST /v1/invites/accept), then signs in.

import * as api from "./api.js";
import { errorText, field, h } from "./dom.js";
import { addMessages, t } from "./i18n.js";

addMessages({
  en: {
    "accept.title": "Set your password",
    "accept.intro": "You were invited to this panel. Choose a password of at least 10 characters.",
    "accept.password": "New password (at least 10 characters)",
    "accept.repeat": "The same password again",
    "accept.differ": "The two passwords differ.",
    "accept.submit": "Set my password",
    "accept.noToken": "This link has no invite in it: ask the admin who invited you for the whole link.",
    "accept.gone": "This invite was used already, replaced by a newer one or has expired: ask your admin for a new one.",
    "accept.done": "Your password is set, {login}: sign in with it.",
    "accept.doneSignedIn": "The password for {login} is set. You are still signed in as yourself.",
  },
  ru: {
    "accept.title": "Задайте пароль",
    "accept.intro": "Вас пригласили в эту панель. Выберите пароль не короче 10 символов.",
    "accept.password": "Новый пароль (не короче 10 символов)",
    "accept.repeat": "Тот же пароль ещё раз",
    "accept.differ": "Пароли не совпадают.",
    "accept.submit": "Задать пароль",
    "accept.noToken": "В этой ссылке нет приглашения: попросите пригласившего вас администратора прислать ссылку целиком.",
    "accept.gone": "Это приглашение уже использовано, заменено новым или истекло: попросите администратора о новом.",
    "accept.done": "Пароль задан, {login}: войдите с ним.",
    "accept.doneSignedIn": "Пароль для {login} задан. Вы по-прежнему вошли под своим именем.",
  },
});

function fieldError(control, text) {
  const note = h("p", { class: "field-error", role: "alert", id: `${control.id}-error` }, text);
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-describedby", note.id);
  control.closest(".field").append(note);
  control.focus();
}

/**
 * The form in `root` for the invite `token`; `accepted(user)` runs with the
 * user (their `login`) once the password is set.
 */
export function showAcceptInvite(root, token, accepted) {
  const titleId = "accept-title";
  if (!token) {
    root.append(h("section", { class: "refused", "aria-labelledby": titleId },
      h("h1", { id: titleId }, t("accept.title")), h("p", { role: "alert" }, t("accept.noToken"))));
    return;
  }
  const password = h("input", { name: "password", type: "password", autocomplete: "new-password", required: true,
                                minlength: 10, "data-autofocus": true });
  const repeat = h("input", { name: "repeat", type: "password", autocomplete: "new-password", required: true });
  const message = h("p", { class: "form-message", role: "alert" });
  const submit = h("button", { type: "submit" }, t("accept.submit"));
  const form = h("form", { class: "accept-invite", novalidate: true, "aria-labelledby": titleId },
    h("h1", { id: titleId }, t("accept.title")), h("p", {}, t("accept.intro")),
    field(t("accept.password"), password), field(t("accept.repeat"), repeat), message, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.querySelectorAll(".field-error").forEach((node) => node.remove());
    form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    message.textContent = "";
    if (password.value !== repeat.value) {
      fieldError(repeat, t("accept.differ"));
      return;
    }
    submit.disabled = true;
    try {
      accepted(await api.post("invites/accept", { token, password: password.value }));
    } catch (error) {
      if (error.status === 404) {
        message.textContent = t("accept.gone");
      } else if (error.status === 400 && error.field === "password") {
        fieldError(password, error.message);
      } else {
        message.textContent = errorText(error);
      }
      submit.disabled = false;
    }
  });
  root.append(form);
  password.focus();
}
