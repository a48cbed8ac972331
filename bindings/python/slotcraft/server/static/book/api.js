// The public booking routes under /v1/public (no key, no cookie). A refusal
// comes in the API's one shape: {"error": {"field", "message", "reasons"}}.

/** A refused request; status 0 when the server did not answer. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error ?? {};
    super(error.message || (status ? `HTTP ${status}` : "no answer"));
    this.status = status;
    this.field = error.field ?? "";
    this.reasons = error.reasons ?? [];
  }
}

// The page is /book/<id>: the API is beside it, at /v1/public/.
const BASE = new URL("../v1/public/", document.baseURI);

function address(path, query = {}) {
  const url = new URL(path, BASE);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") {
      url.searchParams.set(name, value);
    }
  }
  return url;
}

async function request(method, path, { query, body, headers = {} } = {}) {
  const init = { method, credentials: "omit", headers: { Accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(address(path, query), init);
  } catch {
    throw new ApiError(0, null);
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, answer);
  }
  return answer;
}

/** The path of the link `id`'s routes: book/<id>/<rest>. */
export function linkPath(id, rest = "") {
  return `book/${encodeURIComponent(id)}${rest ? `/${rest}` : ""}`;
}

export const get = (path, query) => request("GET", path, { query });
export const post = (path, body, headers) => request("POST", path, { body, headers });

/** A POST that makes something, sent again once with the same Idempotency-Key when its answer was lost:
 * the server answers the first result instead of making it twice. */
export async function postOnce(path, body) {
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs https; this works over http too
  const key = `page-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  try {
    return await post(path, body, { "Idempotency-Key": key });
  } catch (error) {
    if (error.status !== 0) {
      throw error;
    }
    return post(path, body, { "Idempotency-Key": key });
  }
}

/** The full address of a public route, for a link the browser follows itself (an .ics download). */
export const href = (path, query) => address(path, query).href;
