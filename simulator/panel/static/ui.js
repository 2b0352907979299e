// What every part of the panel shares: finding elements, saying what happened, running an action, tables.

import { ApiError } from "./api.js";
import { format } from "./charts.js";

export const $ = (id) => document.getElementById(id);
const shown = new Map();
const hooks = { refresh: async () => {}, refused: () => {} };

/** What `act` does after an action (`refresh`), and when the credentials are refused (`refused`). */
export function configure(given) {
  Object.assign(hooks, given);
}

/** Whether `data` is what `id` shows already: then it is left alone, so the focus and the reader's place stay. */
export function unchanged(id, data) {
  const text = JSON.stringify(data);
  if (shown.get(id) === text) return true;
  shown.set(id, text);
  return false;
}

/** Redraw `id` with `draw`, giving the focus back to the element of the same `data-key` if it had it. */
export function redraw(id, draw) {
  const focused = document.activeElement?.closest("[data-key]");
  const key = $(id).contains(focused) ? focused.dataset.key : null;
  draw();
  if (key !== null) $(id).querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

export function say(message, error = false) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", error);
}

/** Run an action from a button or form: its errors are said, never thrown away. */
export async function act(work, done) {
  try {
    const result = await work();
    if (done) say(typeof done === "function" ? done(result) : done);
    await hooks.refresh();
    return result;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return hooks.refused("The credentials were refused.");
    say(error.message, true);
    return undefined;
  }
}

export function cell(row, text, number = false) {
  const td = row.insertCell();
  td.textContent = text;
  if (number) td.className = "number";
  return td;
}

export function fillTable(id, rows) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  for (const values of rows) {
    const row = body.insertRow();
    values.forEach((value) => cell(row, typeof value === "number" ? format(value) : value, typeof value === "number"));
  }
}
