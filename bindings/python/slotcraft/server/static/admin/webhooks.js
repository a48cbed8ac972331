// Webhooks (admins): the subscriptions, subscribing an address to events (its
// signing secret shown once), stopping one; a subscription's delivery log,
// newest first, by status and page, one delivery's attempts, and sending it
// again. The subscription, status and page are kept in the fragment
// (#/webhooks?webhook=wh_…&status=failed&cursor=…).

import * as api from "./api.js";
import { confirmAction } from "./confirm.js";
import { announce, bdi, field, h, isolate, openDialog, showText, uniqueId } from "./dom.js";
import { addMessages, locale, t } from "./i18n.js";
import { shownOnce } from "./secret.js";

addMessages({
  en: {
    "webhooks.title": "Webhooks",
    "webhooks.intro": "Addresses slotcraft POSTs booking events to, signed with each subscription's secret.",
    "webhooks.subscriptions": "Subscriptions",
    "webhooks.none": "No subscription yet.",
    "webhooks.url": "Address (URL)",
    "webhooks.events": "Events",
    "webhooks.description": "Description",
    "webhooks.created": "Since",
    "webhooks.state": "State",
    "webhooks.active": "active",
    "webhooks.stopped": "stopped {when}",
    "webhooks.actions": "Actions",
    "webhooks.log": "Delivery log",
    "webhooks.logOf": "Delivery log of {url}",
    "webhooks.delete": "Delete…",
    "webhooks.confirmDelete": "Stop sending events to {url}? Pending deliveries are dropped; the log stays readable.",
    "webhooks.yesDelete": "Yes, stop it",
    "webhooks.keep": "Keep it",
    "webhooks.deleted": "Events are no longer sent to {url}.",
    "webhooks.new": "Subscribe an address",
    "webhooks.create": "Subscribe",
    "webhooks.created.message": "{url} is subscribed.",
    "webhooks.secret": "Signing secret of {url}",
    "webhooks.secretUse": "Receivers check the Slotcraft-Signature header with it (docs/http.md, Webhooks).",
    "webhooks.status": "Status",
    "webhooks.any": "any",
    "webhooks.show": "Show",
    "webhooks.status.pending": "pending",
    "webhooks.status.delivered": "delivered",
    "webhooks.status.failed": "failed",
    "webhooks.event": "Event",
    "webhooks.made": "Made",
    "webhooks.attempts": "Attempts",
    "webhooks.nextAttempt": "Next attempt",
    "webhooks.deliveredAt": "Delivered",
    "webhooks.noDeliveries": "No delivery.",
    "webhooks.showAttempts": "Attempts…",
    "webhooks.attemptsOf": "Delivery {id}",
    "webhooks.attempt": "Attempt",
    "webhooks.at": "At",
    "webhooks.answer": "Receiver's status",
    "webhooks.error": "Error",
    "webhooks.noAnswer": "no answer",
    "webhooks.noAttempts": "Not sent yet.",
    "webhooks.payload": "What is sent",
    "webhooks.redeliver": "Send again",
    "webhooks.redelivered": "The delivery {id} is sent again at the worker's next pass.",
    "webhooks.newest": "Newest deliveries",
    "webhooks.older": "Older deliveries",
    "webhooks.back": "All subscriptions",
    "webhooks.refused": "Not done: {message}",
  },
  ru: {
    "webhooks.title": "Вебхуки",
    "webhooks.intro": "Адреса, на которые slotcraft отправляет (POST) события записей, подписанные секретом подписки.",
    "webhooks.subscriptions": "Подписки",
    "webhooks.none": "Подписок пока нет.",
    "webhooks.url": "Адрес (URL)",
    "webhooks.events": "События",
    "webhooks.description": "Описание",
    "webhooks.created": "С",
    "webhooks.state": "Состояние",
    "webhooks.active": "действует",
    "webhooks.stopped": "остановлена {when}",
    "webhooks.actions": "Действия",
    "webhooks.log": "Журнал доставки",
    "webhooks.logOf": "Журнал доставки для {url}",
    "webhooks.delete": "Удалить…",
    "webhooks.confirmDelete": "Больше не отправлять события на {url}? Неотправленные доставки отменятся; журнал останется.",
    "webhooks.yesDelete": "Да, остановить",
    "webhooks.keep": "Оставить",
    "webhooks.deleted": "События на {url} больше не отправляются.",
    "webhooks.new": "Подписать адрес",
    "webhooks.create": "Подписать",
    "webhooks.created.message": "{url} подписан.",
    "webhooks.secret": "Секрет подписи для {url}",
    "webhooks.secretUse": "Получатель проверяет им заголовок Slotcraft-Signature (docs/http.md, Webhooks).",
    "webhooks.status": "Состояние",
    "webhooks.any": "любое",
    "webhooks.show": "Показать",
    "webhooks.status.pending": "ожидает",
    "webhooks.status.delivered": "доставлено",
    "webhooks.status.failed": "не доставлено",
    "webhooks.event": "Событие",
    "webhooks.made": "Создана",
    "webhooks.attempts": "Попытки",
    "webhooks.nextAttempt": "Следующая попытка",
    "webhooks.deliveredAt": "Доставлено",
    "webhooks.noDeliveries": "Доставок нет.",
    "webhooks.showAttempts": "Попытки…",
    "webhooks.attemptsOf": "Доставка {id}",
    "webhooks.attempt": "Попытка",
    "webhooks.at": "Когда",
    "webhooks.answer": "Ответ получателя",
    "webhooks.error": "Ошибка",
    "webhooks.noAnswer": "нет ответа",
    "webhooks.noAttempts": "Ещё не отправлялась.",
    "webhooks.payload": "Что отправляется",
    "webhooks.redeliver": "Отправить снова",
    "webhooks.redelivered": "Доставка {id} будет отправлена снова при следующем проходе.",
    "webhooks.newest": "Самые новые доставки",
    "webhooks.older": "Более старые доставки",
    "webhooks.back": "Все подписки",
    "webhooks.refused": "Не сделано: {message}",
  },
});

// The events a subscription may name (docs/http.md, Webhooks).
const EVENTS = ["booking.created", "booking.confirmed", "booking.cancelled", "booking.rescheduled", "hold.created",
  "hold.released", "hold.expired"];
const STATUSES = ["pending", "delivered", "failed"];

function when(instant) {
  return instant ? new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "medium" }).format(new Date(instant)) : "";
}

function reason(error) {
  return error.status === 0 ? t("error.network") : error.message;
}

function fragment(values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value) {
      params.set(name, value);
    }
  }
  return `#/webhooks?${params}`;
}

function table(className, columns, rows) {
  return h("div", { class: "table-scroll" }, h("table", { class: className },
    h("thead", {}, h("tr", {}, columns.map((key) => h("th", { scope: "col" }, t(key))))), h("tbody", {}, rows)));
}

export async function render(root, params) {
  const status = h("p", { class: "form-message", role: "status" });
  const shown = h("div", { class: "shown-secrets" });
  const say = (text, ok = true) => {
    showText(status, text);
    status.classList.toggle("ok", ok);
    announce(status.textContent);
  };
  const chosen = params.get("webhook") ?? "";
  const subscriptions = h("div", {});
  const section = h("section", { class: "webhooks", "aria-labelledby": "webhooks-title" },
    h("h1", { id: "webhooks-title" }, t("webhooks.title")), h("p", { class: "hint" }, t("webhooks.intro")), status, shown);
  root.append(section);

  async function loadSubscriptions() {
    const { webhooks } = await api.get("webhooks");
    subscriptions.replaceChildren(webhooks.length ? subscriptionsTable(webhooks) : h("p", {}, t("webhooks.none")));
    return webhooks;
  }

  async function stop(webhook) {
    if (!await confirmAction(t("webhooks.delete").replace("…", ""), t("webhooks.confirmDelete", { url: bdi(webhook.url) }),
      t("webhooks.yesDelete"), t("webhooks.keep"))) {
      return;
    }
    try {
      await api.remove(`webhooks/${encodeURIComponent(webhook.id)}`);
      await loadSubscriptions();
      say(t("webhooks.deleted", { url: bdi(webhook.url) }));
    } catch (error) {
      say(t("webhooks.refused", { message: reason(error) }), false);
    }
  }

  function subscriptionsTable(webhooks) {
    const columns = ["webhooks.url", "webhooks.events", "webhooks.description", "webhooks.created", "webhooks.state",
      "webhooks.actions"];
    return table("webhooks-table", columns, webhooks.map((webhook) => h("tr", { "data-webhook": webhook.id },
      h("th", { scope: "row" }, h("span", { class: "url" }, bdi(webhook.url))),
      h("td", {}, h("ul", { class: "plain" }, webhook.events.map((e) => h("li", {}, h("code", {}, e))))),
      h("td", {}, bdi(webhook.description)), h("td", {}, when(webhook.created_at)),
      h("td", {}, webhook.disabled_at ? t("webhooks.stopped", { when: when(webhook.disabled_at) }) : t("webhooks.active")),
      h("td", {}, h("div", { class: "row-actions" },
        h("a", { href: fragment({ webhook: webhook.id }), "aria-label": t("webhooks.logOf", { url: webhook.url }) },
          t("webhooks.log")),
        webhook.disabled_at ? null : h("button", { type: "button", class: "danger", onclick: () => stop(webhook) },
          t("webhooks.delete")))))));
  }

  function createForm() {
    const url = h("input", { name: "url", type: "url", autocomplete: "off", required: true, placeholder: "https://" });
    const boxes = EVENTS.map((event) => h("input", { type: "checkbox", name: "events", value: event }));
    const description = h("input", { name: "description", autocomplete: "off" });
    const events = h("fieldset", { class: "events" }, h("legend", {}, t("webhooks.events")),
      boxes.map((box) => field(box.value, box)));
    const message = h("p", { class: "form-message", role: "alert" });
    const form = h("form", { class: "webhook-form", novalidate: true, "aria-labelledby": "webhook-new-title" },
      h("h2", { id: "webhook-new-title" }, t("webhooks.new")), field(t("webhooks.url"), url), events,
      field(t("webhooks.description"), description), message, h("button", { type: "submit" }, t("webhooks.create")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      form.querySelectorAll(".field-error").forEach((node) => node.remove());
      form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
      message.textContent = "";
      const body = { url: url.value.trim(), events: boxes.filter((b) => b.checked).map((b) => b.value),
        description: description.value };
      try {
        const made = await api.post("webhooks", body, { "Idempotency-Key": api.idempotencyKey() });
        form.reset();
        await loadSubscriptions();
        const box = shownOnce(t("webhooks.secret", { url: isolate(made.webhook.url) }), made.secret,
          h("p", { class: "hint" }, t("webhooks.secretUse")));
        shown.replaceChildren(box);
        say(t("webhooks.created.message", { url: bdi(made.webhook.url) }));
        box.querySelector("input").focus();
      } catch (error) {
        const named = error.field === "url" ? url : error.field.startsWith("events") ? events : null;
        if (named && error.status === 400) {
          const note = h("p", { class: "field-error", role: "alert", id: uniqueId("webhook-error") }, error.message);
          named.setAttribute("aria-invalid", "true");
          named.setAttribute("aria-describedby", note.id);
          (named === url ? url.closest(".field") : events).append(note);
          (named === url ? url : boxes[0]).focus();
        } else {
          message.textContent = t("webhooks.refused", { message: reason(error) });
        }
      }
    });
    return form;
  }

  if (!chosen) {
    section.append(h("section", { "aria-labelledby": "webhooks-list-title" },
      h("h2", { id: "webhooks-list-title" }, t("webhooks.subscriptions")), subscriptions), createForm());
    await loadSubscriptions();
    return { destroy() {} };
  }

  // One subscription's delivery log.
  const webhook = await api.get(`webhooks/${encodeURIComponent(chosen)}`);
  const wanted = params.get("status") ?? "";
  const cursor = params.get("cursor") ?? "";
  const log = h("div", { "aria-live": "polite" });
  const filter = h("select", { name: "status" }, h("option", { value: "" }, t("webhooks.any")),
    STATUSES.map((s) => h("option", { value: s }, t(`webhooks.status.${s}`))));
  filter.value = wanted;
  const filters = h("form", { class: "toolbar", role: "search", "aria-label": t("webhooks.status") },
    field(t("webhooks.status"), filter), h("button", { type: "submit" }, t("webhooks.show")));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = fragment({ webhook: chosen, status: filter.value });
  });
  section.append(h("p", {}, h("a", { href: "#/webhooks" }, `← ${t("webhooks.back")}`)),
    h("section", { "aria-labelledby": "webhooks-log-title" },
      h("h2", { id: "webhooks-log-title" }, t("webhooks.logOf", { url: bdi(webhook.url) })), filters, log));

  async function showAttempts(delivery) {
    const found = await api.get(`webhooks/${encodeURIComponent(chosen)}/deliveries/${encodeURIComponent(delivery.id)}`);
    openDialog(t("webhooks.attemptsOf", { id: found.id }), (body, close) => {
      const attempts = found.attempt_log.length ? table("attempts-table",
        ["webhooks.attempt", "webhooks.at", "webhooks.answer", "webhooks.error"],
        found.attempt_log.map((a) => h("tr", {}, h("th", { scope: "row" }, String(a.attempt)), h("td", {}, when(a.at)),
          h("td", {}, a.status_code === null ? t("webhooks.noAnswer") : String(a.status_code)), h("td", {}, bdi(a.error)))))
        : h("p", {}, t("webhooks.noAttempts"));
      body.append(h("p", {}, h("code", {}, found.event), " · ", t(`webhooks.status.${found.status}`)), attempts,
        h("details", {}, h("summary", {}, t("webhooks.payload")), h("pre", {}, JSON.stringify(found.payload, null, 2))),
        h("button", { type: "button", class: "secondary", onclick: close }, t("close")));
    }, { fallbackFocus: () => log.querySelector("button") });
  }

  async function redeliver(delivery) {
    try {
      await api.post(`webhooks/${encodeURIComponent(chosen)}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`);
      await loadLog();
      say(t("webhooks.redelivered", { id: delivery.id }));
    } catch (error) {
      say(t("webhooks.refused", { message: reason(error) }), false);
    }
  }

  async function loadLog() {
    const { deliveries, next } = await api.get(`webhooks/${encodeURIComponent(chosen)}/deliveries`,
      { status: wanted, cursor, limit: 50 });
    const columns = ["webhooks.made", "webhooks.event", "webhooks.status", "webhooks.attempts", "webhooks.nextAttempt",
      "webhooks.deliveredAt", "webhooks.actions"];
    const rows = deliveries.map((d) => h("tr", { "data-delivery": d.id, "data-status": d.status },
      h("th", { scope: "row" }, when(d.created_at)), h("td", {}, h("code", {}, d.event)),
      h("td", {}, h("span", { class: `delivery-status ${d.status}` }, t(`webhooks.status.${d.status}`))),
      h("td", {}, String(d.attempts)), h("td", {}, when(d.next_attempt_at)), h("td", {}, when(d.delivered_at)),
      h("td", {}, h("div", { class: "row-actions", role: "group", "aria-label": d.id },
        h("button", { type: "button", class: "secondary", onclick: () => showAttempts(d) }, t("webhooks.showAttempts")),
        h("button", { type: "button", class: "secondary", onclick: () => redeliver(d) }, t("webhooks.redeliver"))))));
    log.replaceChildren(deliveries.length ? table("deliveries-table", columns, rows) : h("p", {}, t("webhooks.noDeliveries")),
      h("p", { class: "paging" },
        cursor ? h("a", { href: fragment({ webhook: chosen, status: wanted }) }, t("webhooks.newest")) : null,
        next ? h("a", { href: fragment({ webhook: chosen, status: wanted, cursor: next }), rel: "next" },
          `${t("webhooks.older")} →`) : null));
  }

  await loadLog();
  return { destroy() {} };
}
