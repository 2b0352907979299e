// Calls to the simulator's two APIs, with the credentials of this tab and the panel's mark on every request.

export const API = location.pathname.replace(/\/_sim\/panel(\/.*)?$/, "");
export const SIM = `${API}/_sim`;
const KEY = "emqx-sim-panel-credentials";
const HOME = "emqx-sim-panel-signed-in";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(`${status} ${code}: ${message}`);
    this.status = status;
    this.code = code;
  }
}

export function credentials() {
  const saved = sessionStorage.getItem(KEY);
  return saved ? JSON.parse(saved) : null;
}

/** The credentials every request sends; those of the sign-in are kept apart, as `home()`. */
export function remember(appId, appSecret, { signIn = false } = {}) {
  sessionStorage.setItem(KEY, JSON.stringify({ appId, appSecret }));
  if (signIn) sessionStorage.setItem(HOME, JSON.stringify({ appId, appSecret }));
}

/** The credentials signed in with: an isolated deployment's see only their own deployment, these see all. */
export function home() {
  const saved = sessionStorage.getItem(HOME);
  return saved ? JSON.parse(saved) : credentials();
}

export function forget() {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(HOME);
}

function authorization(given) {
  const { appId, appSecret } = given || credentials() || { appId: "", appSecret: "" };
  const bytes = new TextEncoder().encode(`${appId}:${appSecret}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** One request; the parsed JSON answer (null for none), or an ApiError carrying EMQX's code and message. */
export async function call(method, path, { body, query, as } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const headers = { Authorization: authorization(as), "X-Emqx-Sim-Panel": "1" };
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  // No cookies or cached credentials: the header above is the only ones sent, and a 401 (with its
  // `WWW-Authenticate: Basic`) then reaches the panel instead of opening the browser's sign-in dialog.
  const response = await fetch(url, { method, headers, body: payload, credentials: "omit" });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { code: "UNREADABLE", message: text.slice(0, 200) };
  }
  if (!response.ok) {
    throw new ApiError(response.status, data?.code ?? "ERROR", data?.message ?? response.statusText);
  }
  return data;
}
