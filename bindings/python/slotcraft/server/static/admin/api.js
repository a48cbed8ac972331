// The HTTP API under /v1, with the browser's session cookie. Unsafe requests
// carry the session's CSRF token, which the panel keeps in memory only (a
// reloaded page reads it again from GET /v1/session).

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
let csrfToken = "";
let onSessionEnded = () => {};

export function setCsrfToken(token) {
  csrfToken = token;
}

/** `handler(error)` runs when a request is refused because the session is over (401). */
export function whenSessionEnds(handler) {
  onSessionEnded = handler;
}

/**
 * `[name, value]` pairs as the JSON object the API takes, named `path`. A name
 * given twice is refused here, as the server refuses a member named twice: an
 * object would keep only the last, and the form would say "Saved". The
 * refusal names `path.name` with `message(name)`.
 */
export function objectOf(pairs, path, message) {
  const seen = new Set();
  for (const [name] of pairs) {
    if (seen.has(name)) {
      throw new ApiError(400, { error: { field: `${path}.${name}`, message: message(name) } });
    }
    seen.add(name);
  }
  return Object.fromEntries(pairs);
}

/**
 * The number an `<input type=number>` holds, undefined when it is empty. Text
 * the browser cannot read as a number ("4e", "--1"; some browsers let letters
 * in) leaves the input's value "" with `validity.badInput`: it is refused here
 * naming `field` with `message`, as the server refuses a value that is not a
 * number. Sent as empty, the field would be left out or 0, and the server would
 * answer "is required", or a minimum, or keep its default without a word.
 */
export function numberOf(input, field, message) {
  if (input.validity.badInput) {
    throw new ApiError(400, { error: { field, message } });
  }
  return input.value.trim() === "" ? undefined : input.valueAsNumber;
}

/** A refusal in the API's shape: `{"error": {"field", "message", "reasons"}}`; status 0 when there was no answer. */
export class ApiError extends Error {
  constructor(status, body, retryAfter = "") {
    const error = body?.error ?? {};
    super(error.message || (status ? `HTTP ${status}` : "no answer"));
    this.status = status;
    this.field = error.field ?? "";
    this.reasons = error.reasons ?? [];
    this.retryAfter = retryAfter;
  }
}

function url(path, query) {
  const address = new URL(`v1/${path}`, document.baseURI);
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null && one !== "") {
        address.searchParams.append(name, one);
      }
    }
  }
  return address;
}

export async function request(method, path, { body, query, headers = {} } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  if (UNSAFE.has(method) && csrfToken) {
    init.headers["X-CSRF-Token"] = csrfToken;
  }
  let response;
  try {
    response = await fetch(url(path, query), init);
  } catch {
    throw new ApiError(0, null);
  }
  const answer = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, answer, response.headers.get("Retry-After") ?? "");
    if (response.status === 401 && path !== "session") {
      onSessionEnded(error);
    }
    throw error;
  }
  return answer;
}

export const get = (path, query) => request("GET", path, { query });
export const post = (path, body, headers) => request("POST", path, { body, headers });
export const remove = (path) => request("DELETE", path);

/** Every item of a paged list (`{<name>: [...], next}`), following its cursors. */
export async function getAll(path, query, name) {
  const items = [];
  let cursor = "";
  do {
    const page = await get(path, { ...query, limit: 1000, cursor });
    items.push(...page[name]);
    cursor = page.next ?? "";
  } while (cursor);
  return items;
}

/** A fresh Idempotency-Key: a retried request books nothing twice. */
export function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `admin-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
