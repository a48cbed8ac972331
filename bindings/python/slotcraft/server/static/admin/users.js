// Users and API keys (admins): the users by role and status, inviting one
// (the invite's token shown once), changing a role, disabling and enabling,
// a new invite; the keys, making one (its text shown once) and revoking it.
// Every change goes through the API, whose refusals are shown next to the
// field they name. The filters are kept in the fragment (#/users?role=staff).

import * as api from "./api.js";
import { confirmAction } from "./confirm.js";
import { announce, bdi, field, h, isolate, nameWithIdText, openDialog, showText } from "./dom.js";
import { addMessages, locale, t } from "./i18n.js";
import { shownOnce } from "./secret.js";

addMessages({
  en: {
    "users.title": "Users and keys",
    "users.users": "Users",
    "users.filters": "Filter the users",
    "users.role": "Role",
    "users.status": "Status",
    "users.any": "any",
    "users.show": "Show",
    "users.login": "Login",
    "users.name": "Name",
    "users.of": "Resource or client",
    "users.created": "Since",
    "users.actions": "Actions",
    "users.none": "No user matches.",
    "users.status.invited": "invited (no password yet)",
    "users.status.active": "active",
    "users.status.disabled": "disabled",
    "users.role.worker": "worker (reminders, audit log)",
    "users.resource": "Resource (for staff)",
    "users.client": "Client id (for a client)",
    "users.noResource": "—",
    "users.invite": "Invite a user",
    "users.inviteSubmit": "Invite",
    "users.invited": "{login} is invited.",
    "users.inviteToken": "Invite link for {login}",
    "users.howToAccept": "Give it to them: opening it by {expires}, they set their password (at least 10 characters) and sign in here as {login}. A program can send the token after \"token=\" to POST /v1/invites/accept instead.",
    "users.changeRole": "Change role…",
    "users.changeRoleOf": "Change the role of {login}",
    "users.save": "Save",
    "users.cancel": "Cancel",
    "users.roleChanged": "{login} is now {role}.",
    "users.disable": "Disable…",
    "users.confirmDisable": "Disable {login}? They cannot sign in any more and their sessions end at once.",
    "users.yesDisable": "Yes, disable",
    "users.keep": "Keep as it is",
    "users.disabled": "{login} is disabled.",
    "users.enable": "Enable",
    "users.enabled": "{login} may sign in again.",
    "users.reinvite": "New invite",
    "users.reinvited": "A new invite for {login}; the one before no longer works.",
    "users.keys": "API keys",
    "users.keyName": "Who or what uses it",
    "users.keyCreated": "Made",
    "users.keyRevoked": "Revoked",
    "users.live": "live",
    "users.noKeys": "There are no API keys.",
    "users.newKey": "Make an API key",
    "users.keySubmit": "Make the key",
    "users.keyText": "API key {name}",
    "users.keyUse": "Send it as the header Authorization: Bearer <key>.",
    "users.keyMade": "The key {name} is made.",
    "users.revoke": "Revoke…",
    "users.confirmRevoke": "Revoke the key {name}? Every program using it is refused at once.",
    "users.yesRevoke": "Yes, revoke",
    "users.revoked": "The key {name} is revoked.",
    "users.refused": "Not done: {message}",
  },
  ru: {
    "users.title": "Пользователи и ключи",
    "users.users": "Пользователи",
    "users.filters": "Отбор пользователей",
    "users.role": "Роль",
    "users.status": "Состояние",
    "users.any": "любое",
    "users.show": "Показать",
    "users.login": "Логин",
    "users.name": "Имя",
    "users.of": "Ресурс или клиент",
    "users.created": "С",
    "users.actions": "Действия",
    "users.none": "Таких пользователей нет.",
    "users.status.invited": "приглашён (пароля ещё нет)",
    "users.status.active": "активен",
    "users.status.disabled": "отключён",
    "users.role.worker": "обработчик (напоминания, журнал)",
    "users.resource": "Ресурс (для сотрудника)",
    "users.client": "id клиента (для клиента)",
    "users.noResource": "—",
    "users.invite": "Пригласить пользователя",
    "users.inviteSubmit": "Пригласить",
    "users.invited": "{login} приглашён.",
    "users.inviteToken": "Ссылка-приглашение для {login}",
    "users.howToAccept": "Передайте её: открыв её до {expires}, человек задаст пароль (не короче 10 символов) и войдёт здесь как {login}. Программа может вместо этого отправить токен после \"token=\" в POST /v1/invites/accept.",
    "users.changeRole": "Сменить роль…",
    "users.changeRoleOf": "Роль пользователя {login}",
    "users.save": "Сохранить",
    "users.cancel": "Отмена",
    "users.roleChanged": "{login} теперь {role}.",
    "users.disable": "Отключить…",
    "users.confirmDisable": "Отключить {login}? Войти будет нельзя, открытые сеансы закончатся сразу.",
    "users.yesDisable": "Да, отключить",
    "users.keep": "Оставить как есть",
    "users.disabled": "{login} отключён.",
    "users.enable": "Включить",
    "users.enabled": "{login} снова может входить.",
    "users.reinvite": "Новое приглашение",
    "users.reinvited": "Новое приглашение для {login}; прежнее больше не действует.",
    "users.keys": "Ключи API",
    "users.keyName": "Кто или что им пользуется",
    "users.keyCreated": "Создан",
    "users.keyRevoked": "Отозван",
    "users.live": "действует",
    "users.noKeys": "Ключей API нет.",
    "users.newKey": "Создать ключ API",
    "users.keySubmit": "Создать ключ",
    "users.keyText": "Ключ API {name}",
    "users.keyUse": "Передавайте его в заголовке Authorization: Bearer <ключ>.",
    "users.keyMade": "Ключ {name} создан.",
    "users.revoke": "Отозвать…",
    "users.confirmRevoke": "Отозвать ключ {name}? Все программы с ним сразу получат отказ.",
    "users.yesRevoke": "Да, отозвать",
    "users.revoked": "Ключ {name} отозван.",
    "users.refused": "Не сделано: {message}",
  },
});

const USER_ROLES = ["admin", "staff", "client"];
const KEY_ROLES = [...USER_ROLES, "worker"];
const STATUSES = ["invited", "active", "disabled"];

function roleName(role) {
  return role === "worker" ? t("users.role.worker") : t(`role.${role}`);
}

function when(instant) {
  return instant ? new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(instant)) : "";
}

function select(name, options, value = "") {
  const control = h("select", { name }, options.map(([optionValue, text]) => h("option", { value: optionValue }, text)));
  control.value = value;
  return control;
}

/** Role, resource and client fields; the resource shows for staff, the client for a client. */
function roleFields(roles, resources, chosen = {}) {
  const role = select("role", roles.map((r) => [r, roleName(r)]), chosen.role ?? roles[1]);
  const resource = select("resource", [["", t("users.noResource")], ...resources.map((r) => [r.id, nameWithIdText(r)])],
    chosen.resource ?? "");
  const client = h("input", { name: "client", value: chosen.client ?? "", autocomplete: "off" });
  const resourceField = field(t("users.resource"), resource);
  const clientField = field(t("users.client"), client);
  const update = () => {
    resourceField.hidden = role.value !== "staff";
    clientField.hidden = role.value !== "client";
  };
  role.addEventListener("change", update);
  update();
  const values = () => ({
    role: role.value,
    ...(role.value === "staff" ? { resource: resource.value } : {}),
    ...(role.value === "client" ? { client: client.value.trim() } : {}),
  });
  return { elements: [field(t("users.role"), role), resourceField, clientField], values };
}

/** The API's sentence for a refusal, or that there was no answer. */
function reason(error) {
  return error.status === 0 ? t("error.network") : error.message;
}

function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

/** The API's refusal next to the field it names (focused), else in the form's message. */
function showRefusal(form, message, error) {
  const control = error.status === 400 || error.status === 404 || error.status === 409
    ? form.querySelector(`[name="${error.field}"]`) : null;
  if (control && !control.closest("[hidden]")) {
    const note = h("p", { class: "field-error", role: "alert", id: `${control.id}-error` }, error.message);
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", note.id);
    control.closest(".field").append(note);
    control.focus();
  } else {
    message.textContent = t("users.refused", { message: reason(error) });
  }
}

/** The panel's page where the invited person sets their password; the token in the fragment, not sent to servers. */
function inviteLink(invite) {
  return new URL(`#/accept?token=${encodeURIComponent(invite.token)}`, location.href).href;
}

function inviteNote(user, invite) {
  return h("p", { class: "hint" }, t("users.howToAccept", { expires: when(invite.expires_at), login: bdi(user.login) }));
}

export async function render(root, params) {
  const resources = await api.getAll("resources", {}, "resources");
  const status = h("p", { class: "form-message", role: "status" });
  const shown = h("div", { class: "shown-secrets" }); // a secret stays here until the page is left
  const usersBody = h("div", {});
  const keysBody = h("div", {});

  const say = (text, ok = true) => {
    showText(status, text);
    status.classList.toggle("ok", ok);
    announce(status.textContent);
  };

  async function loadUsers() {
    const users = await api.getAll("users", { role: params.get("role") ?? "", status: params.get("status") ?? "" }, "users");
    usersBody.replaceChildren(users.length ? usersTable(users) : h("p", {}, t("users.none")));
  }

  async function loadKeys() {
    const keys = await api.getAll("keys", {}, "keys");
    keysBody.replaceChildren(keys.length ? keysTable(keys) : h("p", {}, t("users.noKeys")));
  }

  async function act(work, after) {
    try {
      const text = await work();
      await loadUsers();
      say(text);
      after?.();
    } catch (error) {
      say(t("users.refused", { message: reason(error) }), false);
    }
  }

  function showSecret(box, focus = true) {
    shown.replaceChildren(box);
    if (focus) {
      box.querySelector("input").focus();
    }
  }

  function changeRole(user) {
    openDialog(t("users.changeRoleOf", { login: bdi(user.login) }), (body, close) => {
      const fields = roleFields(USER_ROLES, resources, user);
      const message = h("p", { class: "form-message", role: "alert" });
      const form = h("form", { class: "role-form" }, fields.elements, message, h("div", { class: "actions" },
        h("button", { type: "submit" }, t("users.save")),
        h("button", { type: "button", class: "secondary", onclick: close }, t("users.cancel"))));
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        clearErrors(form);
        message.textContent = "";
        try {
          const changed = await api.request("PATCH", `users/${encodeURIComponent(user.id)}`, { body: fields.values() });
          close();
          await loadUsers();
          say(t("users.roleChanged", { login: bdi(changed.login), role: roleName(changed.role) }));
        } catch (error) {
          showRefusal(form, message, error);
        }
      });
      body.append(form);
    }, { fallbackFocus: () => usersBody.querySelector("button") });
  }

  async function disable(user) {
    const yes = await confirmAction(t("users.disable").replace("…", ""),
      t("users.confirmDisable", { login: bdi(user.login) }), t("users.yesDisable"), t("users.keep"));
    if (yes) {
      await act(async () => {
        await api.post(`users/${encodeURIComponent(user.id)}/disable`);
        return t("users.disabled", { login: bdi(user.login) });
      });
    }
  }

  async function reinvite(user) {
    await act(async () => {
      const invite = await api.post(`users/${encodeURIComponent(user.id)}/invite`, undefined,
        { "Idempotency-Key": api.idempotencyKey() });
      showSecret(shownOnce(t("users.inviteToken", { login: isolate(user.login) }), inviteLink(invite),
        inviteNote(user, invite)), false);
      return t("users.reinvited", { login: bdi(user.login) });
    }, () => shown.querySelector("input").focus());
  }

  function userActions(user) {
    const buttons = [];
    if (user.status !== "disabled") {
      buttons.push(h("button", { type: "button", class: "secondary", onclick: () => changeRole(user) }, t("users.changeRole")),
        h("button", { type: "button", class: "secondary", onclick: () => reinvite(user) }, t("users.reinvite")),
        h("button", { type: "button", class: "danger", onclick: () => disable(user) }, t("users.disable")));
    } else {
      buttons.push(h("button", { type: "button", class: "secondary", onclick: () => act(async () => {
        await api.post(`users/${encodeURIComponent(user.id)}/enable`);
        return t("users.enabled", { login: bdi(user.login) });
      }) }, t("users.enable")));
    }
    return h("div", { class: "row-actions", role: "group", "aria-label": user.login }, buttons);
  }

  function usersTable(users) {
    const columns = ["users.login", "users.name", "users.role", "users.of", "users.status", "users.created", "users.actions"];
    return h("div", { class: "table-scroll" }, h("table", { class: "users-table" },
      h("thead", {}, h("tr", {}, columns.map((key) => h("th", { scope: "col" }, t(key))))),
      h("tbody", {}, users.map((user) => h("tr", { "data-login": user.login, "data-status": user.status },
        h("th", { scope: "row" }, bdi(user.login)), h("td", {}, bdi(user.name)), h("td", {}, roleName(user.role)),
        h("td", {}, bdi(user.resource || user.client)), h("td", {}, t(`users.status.${user.status}`)),
        h("td", {}, when(user.created_at)), h("td", {}, userActions(user)))))));
  }

  async function revoke(key) {
    const yes = await confirmAction(t("users.revoke").replace("…", ""), t("users.confirmRevoke", { name: bdi(key.name) }),
      t("users.yesRevoke"), t("users.keep"));
    if (!yes) {
      return;
    }
    try {
      await api.remove(`keys/${encodeURIComponent(key.id)}`);
      await loadKeys();
      say(t("users.revoked", { name: bdi(key.name) }));
    } catch (error) {
      say(t("users.refused", { message: reason(error) }), false);
    }
  }

  function keysTable(keys) {
    const columns = ["users.keyName", "users.role", "users.of", "users.keyCreated", "users.keyRevoked", "users.actions"];
    return h("div", { class: "table-scroll" }, h("table", { class: "keys-table" },
      h("thead", {}, h("tr", {}, columns.map((key) => h("th", { scope: "col" }, t(key))))),
      h("tbody", {}, keys.map((key) => h("tr", { "data-key": key.id, "data-revoked": key.revoked_at ? "true" : "false" },
        h("th", { scope: "row" }, bdi(key.name), " ", h("code", {}, key.id)), h("td", {}, roleName(key.role)),
        h("td", {}, bdi(key.resource || key.client)), h("td", {}, when(key.created_at)),
        h("td", {}, key.revoked_at ? when(key.revoked_at) : t("users.live")),
        h("td", {}, key.revoked_at ? "" : h("button", { type: "button", class: "danger", onclick: () => revoke(key) },
          t("users.revoke"))))))));
  }

  function inviteForm() {
    const login = h("input", { name: "login", autocomplete: "off", required: true });
    const name = h("input", { name: "name", autocomplete: "off", required: true });
    const fields = roleFields(USER_ROLES, resources);
    const message = h("p", { class: "form-message", role: "alert" });
    const form = h("form", { class: "invite-form", novalidate: true, "aria-labelledby": "invite-title" },
      h("h3", { id: "invite-title" }, t("users.invite")),
      h("div", { class: "toolbar" }, field(t("users.login"), login), field(t("users.name"), name), fields.elements,
        h("button", { type: "submit" }, t("users.inviteSubmit"))), message);
    const key = { value: api.idempotencyKey() };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      message.textContent = "";
      try {
        const made = await api.post("users", { login: login.value.trim(), name: name.value, ...fields.values() },
          { "Idempotency-Key": key.value });
        key.value = api.idempotencyKey();
        form.reset();
        fields.elements[0].querySelector("select").dispatchEvent(new Event("change"));
        await loadUsers();
        showSecret(shownOnce(t("users.inviteToken", { login: isolate(made.user.login) }), inviteLink(made.invite),
          inviteNote(made.user, made.invite)));
        say(t("users.invited", { login: bdi(made.user.login) }));
      } catch (error) {
        showRefusal(form, message, error);
      }
    });
    return form;
  }

  function keyForm() {
    const name = h("input", { name: "name", autocomplete: "off", required: true });
    const fields = roleFields(KEY_ROLES, resources, { role: "worker" });
    const message = h("p", { class: "form-message", role: "alert" });
    const form = h("form", { class: "key-form", novalidate: true, "aria-labelledby": "key-title" },
      h("h3", { id: "key-title" }, t("users.newKey")),
      h("div", { class: "toolbar" }, field(t("users.keyName"), name), fields.elements,
        h("button", { type: "submit" }, t("users.keySubmit"))), message);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      message.textContent = "";
      try {
        const made = await api.post("keys", { name: name.value, ...fields.values() }, { "Idempotency-Key": api.idempotencyKey() });
        name.value = "";
        await loadKeys();
        showSecret(shownOnce(t("users.keyText", { name: isolate(made.name) }), made.key,
          h("p", { class: "hint" }, t("users.keyUse"))));
        say(t("users.keyMade", { name: bdi(made.name) }));
      } catch (error) {
        showRefusal(form, message, error);
      }
    });
    return form;
  }

  function filterForm() {
    const role = select("role", [["", t("users.any")], ...USER_ROLES.map((r) => [r, roleName(r)])], params.get("role") ?? "");
    const state = select("status", [["", t("users.any")], ...STATUSES.map((s) => [s, t(`users.status.${s}`)])],
      params.get("status") ?? "");
    const form = h("form", { class: "toolbar", role: "search", "aria-label": t("users.filters") },
      field(t("users.role"), role), field(t("users.status"), state), h("button", { type: "submit" }, t("users.show")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = new URLSearchParams();
      if (role.value) chosen.set("role", role.value);
      if (state.value) chosen.set("status", state.value);
      location.hash = `#/users?${chosen}`;
    });
    return form;
  }

  root.append(h("section", { class: "users", "aria-labelledby": "users-title" },
    h("h1", { id: "users-title" }, t("users.title")), status, shown,
    h("section", { "aria-labelledby": "users-list-title" }, h("h2", { id: "users-list-title" }, t("users.users")),
      filterForm(), usersBody, inviteForm()),
    h("section", { "aria-labelledby": "keys-title" }, h("h2", { id: "keys-title" }, t("users.keys")), keysBody, keyForm())));
  await Promise.all([loadUsers(), loadKeys()]);
  return { destroy() {} };
}
