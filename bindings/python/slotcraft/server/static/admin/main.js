// The panel: its header, sign-in, and the page the URL's fragment names
// (#/calendar?date=2027-03-08, #/settings). What each role may open follows
// the API: admins everything, staff their own calendar, clients nothing.

import { whenSessionEnds } from "./api.js";
import { bdi, errorText, field, h } from "./dom.js";
import { LANGUAGES, language, setLanguage, t } from "./i18n.js";
import { showAcceptInvite } from "./accept.js";
import { changePassword } from "./password.js";
import { forget, restore, session, signIn, signOut } from "./session.js";

// Each page is a module exporting `render(root, params)` → {destroy()}, loaded when first opened.
const PAGES = {
  calendar: { load: () => import("./calendar.js"), roles: ["admin", "staff"] },
  bookings: { load: () => import("./bookings.js"), roles: ["admin", "staff"] },
  reports: { load: () => import("./reports.js"), roles: ["admin", "staff"] },
  catalog: { load: () => import("./catalog.js"), roles: ["admin"] },
  settings: { load: () => import("./settings.js"), roles: ["admin"] },
  audit: { load: () => import("./audit.js"), roles: ["admin"] },
  users: { load: () => import("./users.js"), roles: ["admin"] },
  webhooks: { load: () => import("./webhooks.js"), roles: ["admin"] },
};
const PANEL_ROLES = ["admin", "staff"];

const main = document.getElementById("main");
const top = document.getElementById("top");
let shown = null; // the page on screen: {destroy()}
let renders = 0; // a page still loading when another is asked for is dropped

/** The page and its parameters of a fragment such as "#/calendar?date=2027-03-08". */
function route() {
  const [path, query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  return { page: path || "calendar", params: new URLSearchParams(query) };
}

function clear() {
  renders += 1;
  shown?.destroy?.();
  shown = null;
  main.replaceChildren();
}

function languageSwitch() {
  const select = h("select", { onchange: () => { setLanguage(select.value); show(); } },
    Object.entries(LANGUAGES).map(([code, name]) => h("option", { value: code, lang: code }, name)));
  select.value = language();
  return field(t("language"), select);
}

function renderHeader() {
  const user = session.user;
  const parts = [h("p", { class: "brand" }, t("app.title"))];
  if (user && PANEL_ROLES.includes(user.role)) {
    const links = Object.entries(PAGES)
      .filter(([, page]) => page.roles.includes(user.role))
      .map(([name]) => h("li", {}, h("a", { href: `#/${name}`, "aria-current": route().page === name ? "page" : false },
        t(`nav.${name}`))));
    parts.push(h("nav", { "aria-label": t("nav.label") }, h("ul", {}, links)));
  }
  parts.push(languageSwitch());
  if (user) {
    parts.push(h("div", { class: "account" },
      h("p", { class: "who" }, t("signedInAs", { name: bdi(user.name || user.login), role: t(`role.${user.role}`) })),
      h("button", { type: "button", class: "secondary", onclick: leave }, t("signOut")),
      h("button", { type: "button", class: "secondary password-open", onclick: () => changePassword(passwordChanged) },
        t("password.open"))));
  }
  top.replaceChildren(...parts);
}

function passwordChanged(text) {
  top.querySelector(".password-changed")?.remove();
  top.append(h("p", { class: "password-changed", role: "status" }, text));
}

async function leave() {
  await signOut().catch(() => {});
  showSignIn(t("signIn.signedOut"));
}

function showSignIn(notice = "", knownLogin = "") {
  clear();
  renderHeader();
  document.title = `${t("signIn.title")} · ${t("app.title")}`;
  const login = h("input", { name: "login", autocomplete: "username", required: true, value: knownLogin });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const message = h("p", { class: "form-message", role: "alert" }, notice);
  const submit = h("button", { type: "submit" }, t("signIn.submit"));
  const form = h("form", { class: "sign-in", "aria-labelledby": "sign-in-title" },
    h("h1", { id: "sign-in-title" }, t("signIn.title")),
    field(t("signIn.login"), login), field(t("signIn.password"), password), message, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = "";
    try {
      await signIn(login.value, password.value);
      if (!location.hash) {
        history.replaceState(null, "", "#/calendar");
      }
      await show();
    } catch (error) {
      message.textContent = error.status === 401 ? t("signIn.wrong")
        : error.status === 429 ? t("signIn.wait", { seconds: error.retryAfter || "60" })
        : errorText(error);
      password.value = "";
      submit.disabled = false;
      (error.status === 401 ? login : password).focus();
    }
  });
  main.append(form);
  (knownLogin ? password : login).focus();
}

/** The invite link's page (#/accept?token=…), whoever is signed in: the token is the invited person's. */
function showAccept(token) {
  clear();
  renderHeader();
  document.title = `${t("accept.title")} · ${t("app.title")}`;
  showAcceptInvite(main, token, (user) => {
    history.replaceState(null, "", "#/calendar");
    if (session.user) {
      clear();
      main.append(h("p", { class: "form-message", role: "status", tabindex: "-1" },
        t("accept.doneSignedIn", { login: bdi(user.login) }), " ", h("a", { href: "#/calendar" }, t("refused.back"))));
      main.firstChild.focus();
    } else {
      showSignIn(t("accept.done", { login: bdi(user.login) }), user.login);
    }
  });
}

/** A page the user may not open, said plainly. */
function showRefusal(text) {
  clear();
  main.append(h("section", { class: "refused", "aria-labelledby": "refused-title" },
    h("h1", { id: "refused-title" }, t("refused.title")), h("p", {}, text),
    PANEL_ROLES.includes(session.user?.role) ? h("p", {}, h("a", { href: "#/calendar" }, t("refused.back"))) : null));
  main.focus();
}

async function show() {
  document.documentElement.lang = language();
  const user = session.user;
  const { page, params } = route();
  if (page === "accept") {
    showAccept(params.get("token") ?? "");
    return;
  }
  if (!user) {
    showSignIn();
    return;
  }
  renderHeader();
  const name = user.name || user.login;
  if (!PANEL_ROLES.includes(user.role)) {
    showRefusal(t("refused.clients", { name: bdi(name) }));
    return;
  }
  const chosen = PAGES[page] ?? PAGES.calendar;
  const title = t(`nav.${page in PAGES ? page : "calendar"}`);
  document.title = `${title} · ${t("app.title")}`;
  if (!chosen.roles.includes(user.role)) {
    showRefusal(t("refused.adminsOnly", { page: title, name: bdi(name), role: t(`role.${user.role}`) }));
    return;
  }
  clear();
  const ticket = renders;
  const container = h("div", { class: "page" });
  main.append(container);
  try {
    const { render } = await chosen.load();
    const rendered = await render(container, params);
    if (ticket === renders) {
      shown = rendered;
    } else {
      rendered.destroy();
    }
  } catch (error) {
    if (ticket !== renders) {
      return;
    }
    if (error.status === 403) {
      showRefusal(t("refused.byServer", { message: error.message }));
    } else if (error.status !== 401) {
      main.replaceChildren(h("p", { class: "problem", role: "alert" }, errorText(error)));
    }
  }
}

whenSessionEnds(() => {
  if (session.user) {
    forget();
    showSignIn(t("signIn.ended"));
  }
});
window.addEventListener("hashchange", show);

async function start() {
  try {
    await restore();
  } catch (error) {
    main.replaceChildren(h("p", { class: "problem", role: "alert" }, errorText(error)));
    return;
  }
  await show();
}

start();
