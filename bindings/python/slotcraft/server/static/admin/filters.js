// What the bookings and reports pages share: a period of whole days as the
// API's instants, the fragment's parameters, links to the API's report files,
// and a refusal shown next to the filter its `error.field` names.

import { h } from "./dom.js";
import { viewerZone } from "./i18n.js";

const { DateTime } = window.luxon;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` parameter, or `fallback` when it is missing or not a date. */
export function dateParam(params, name, fallback) {
  const value = params.get(name) ?? "";
  return ISO_DATE.test(value) && DateTime.fromISO(value).isValid ? value : fallback;
}

/** Today in the viewer's zone, moved by `change` (luxon's `plus`), as `YYYY-MM-DD`. */
export function today(change = {}) {
  return DateTime.now().plus(change).toISODate();
}

/** The zone whose days a period covers: the one resource's when one is chosen, else the viewer's. */
export function periodZone(resources, chosen) {
  const only = chosen.length === 1 ? resources.find((r) => r.id === chosen[0]) : null;
  return only?.timezone ?? viewerZone();
}

/** The API's `from` and `to` of the days `first` to `last` (both included) in `zone`. */
export function periodQuery(first, last, zone) {
  const instant = (date) => DateTime.fromISO(date, { zone }).startOf("day").toUTC().toISO({ suppressMilliseconds: true });
  return { from: instant(first), to: instant(DateTime.fromISO(last).plus({ days: 1 }).toISODate()) };
}

/** Sets the page's fragment to `#/<page>?<state>` (empty values left out) without reloading it. */
export function keepInFragment(page, state) {
  const query = new URLSearchParams(Object.entries(state).filter(([, value]) => value !== "" && value !== null));
  history.replaceState(null, "", `#/${page}?${query}`);
}

/** The address of an API file (`reports/load.pdf`) for `query`, whose arrays repeat their name. */
export function apiFileUrl(path, query) {
  const address = new URL(`v1/${path}`, document.baseURI);
  for (const [name, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== "" && one !== null && one !== undefined) {
        address.searchParams.append(name, one);
      }
    }
  }
  return address.href;
}

export function clearFieldErrors(root) {
  root.querySelectorAll(".field-error").forEach((node) => node.remove());
  root.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

/**
 * Shows `error` under the control whose `data-field` is the field it names
 * (`resources[0]` goes to `resources`) and focuses it; false when no control
 * of `root` matches.
 */
export function showFieldError(root, error) {
  const name = (error.field ?? "").replace(/\[\d+\]$/, "");
  const control = name ? root.querySelector(`[data-field="${CSS.escape(name)}"]`) : null;
  if (!control) {
    return false;
  }
  const note = h("p", { class: "field-error", role: "alert", id: `${control.id}-error` }, error.message);
  control.setAttribute("aria-invalid", "true");
  control.setAttribute("aria-describedby", note.id);
  (control.closest(".field") ?? control.parentElement).append(note);
  control.focus();
  return true;
}
