// Fault rules: presets, a form for any rule, and the rules in force with what is left of them.

import { SIM, call } from "./api.js";
import { format } from "./charts.js";
import { $, act, cell, redraw, unchanged } from "./ui.js";

const PRESETS = {
  kick: { operation: "kickClient", status: 503, times: 1 },
  slow: { operation: "listClients", delay_ms: 200, delay_max_ms: 800 },
  lookups: { operation: "getClient", status: 500, code: "NODE_DOWN", error_rate: 0.1 },
};
// The operations a fault rule can name: `FaultRequest.operation` of openapi/control.yaml (a test keeps them equal;
// reading the spec at load would cost more than the rest of the load together).
export const OPERATIONS = [
  "*", "listClients", "getClient", "kickClient", "subscribe", "unsubscribe", "bulkSubscribe", "bulkUnsubscribe",
  "bulkKick", "listSubscriptions", "listClientsV2", "getAuthzCache", "cleanAuthzCache", "setKeepalive",
  "listMqueueMessages", "listInflightMessages", "sessionsCount", "login", "logout", "changePassword", "listNodes",
  "telemetryStatus",
];

export async function refreshFaults() {
  const { data } = await call("GET", `${SIM}/faults`);
  if (unchanged("fault-rules", data)) return;
  redraw("fault-rules", () => drawFaults(data));
}

function drawFaults(data) {
  const body = $("fault-rules").tBodies[0];
  body.replaceChildren();
  if (!data.length) {
    const row = body.insertRow();
    row.className = "empty";
    const none = cell(row, "No rules: every request reaches the simulation.");
    none.colSpan = 8;
  }
  for (const rule of data) {
    const row = body.insertRow();
    row.dataset.operation = rule.operation;
    cell(row, rule.id);
    cell(row, rule.operation);
    cell(row, rule.status ? `${rule.status} ${rule.code ?? ""}`.trim() : "none");
    cell(row, rule.delay_max_ms != null ? `${rule.delay_ms}–${rule.delay_max_ms} ms` : `${rule.delay_ms} ms`);
    cell(row, String(rule.error_rate));
    cell(row, format(rule.hits), true);
    cell(row, rule.times == null ? "until removed" : format(rule.times - rule.hits), true);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${rule.id}`);
    remove.dataset.key = rule.id;
    remove.onclick = () => act(() => call("DELETE", `${SIM}/faults/${encodeURIComponent(rule.id)}`), `${rule.id} removed.`);
    row.insertCell().append(remove);
  }
}

export function setupFaults() {
  $("fault-operation").replaceChildren(...OPERATIONS.map((name) => new Option(name === "*" ? "* (every operation)" : name, name)));
  const add = (rule) => act(() => call("POST", `${SIM}/faults`, { body: rule }), (stored) => `${stored.id} added for ${stored.operation}.`);
  for (const button of document.querySelectorAll("[data-preset]")) {
    button.onclick = () => add(PRESETS[button.dataset.preset]);
  }
  $("fault-form").onsubmit = (event) => {
    event.preventDefault();
    const rule = { operation: $("fault-operation").value, delay_ms: Number($("fault-delay").value || 0) };
    const numbers = [["status", "fault-status"], ["delay_max_ms", "fault-delay-max"], ["error_rate", "fault-rate"], ["times", "fault-times"]];
    for (const [field, id] of numbers) if ($(id).value !== "") rule[field] = Number($(id).value);
    if ($("fault-code").value) rule.code = $("fault-code").value;
    add(rule);
  };
  $("faults-clear").onclick = () => act(() => call("DELETE", `${SIM}/faults`), "Every rule is removed.");
}
