// Who is signed in. The cookie is HttpOnly: the page knows its session only
// from what POST and GET /v1/session answer, CSRF token included.

import * as api from "./api.js";

export const session = { user: null };

function adopt(answer) {
  session.user = answer.user;
  api.setCsrfToken(answer.csrf_token);
}

export function forget() {
  session.user = null;
  api.setCsrfToken("");
}

/** The session this browser already has (a reload), or none. */
export async function restore() {
  try {
    adopt(await api.get("session"));
  } catch (error) {
    if (error.status !== 401 && error.status !== 404) {
      throw error;
    }
    forget();
  }
  return session.user;
}

export async function signIn(login, password) {
  adopt(await api.post("session", { login, password }));
  return session.user;
}

export async function signOut() {
  try {
    await api.remove("session");
  } finally {
    forget();
  }
}
