// The control panel: every view and action is a call to the control API (/_sim) or the emulated API.

import { API, SIM, ApiError, call, credentials, forget, remember } from "./api.js";
import { bars, format, lines } from "./charts.js";

const STATES = ["connected", "idle", "disconnected"];
const REFRESH_MS = 2000;
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
const $ = (id) => document.getElementById(id);
let dialect = "cloud";
let timer = null;
const openEntries = new Set();
const shown = new Map();

/** Whether `data` is what `id` shows already: then it is left alone, so the focus and the reader's place stay. */
function unchanged(id, data) {
  const text = JSON.stringify(data);
  if (shown.get(id) === text) return true;
  shown.set(id, text);
  return false;
}

/** Redraw `id` with `draw`, giving the focus back to the element of the same `data-key` if it had it. */
function redraw(id, draw) {
  const focused = document.activeElement?.closest("[data-key]");
  const key = $(id).contains(focused) ? focused.dataset.key : null;
  draw();
  if (key !== null) $(id).querySelector(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

function say(message, error = false) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", error);
}

/** Run an action from a button or form: its errors are said, never thrown away. */
async function act(work, done) {
  try {
    const result = await work();
    if (done) say(typeof done === "function" ? done(result) : done);
    await refresh();
    return result;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signOut("The credentials were refused.");
    say(error.message, true);
    return undefined;
  }
}

function cell(row, text, number = false) {
  const td = row.insertCell();
  td.textContent = text;
  if (number) td.className = "number";
  return td;
}

function fillTable(id, rows) {
  const body = $(id).tBodies[0];
  body.replaceChildren();
  for (const values of rows) {
    const row = body.insertRow();
    values.forEach((value) => cell(row, typeof value === "number" ? format(value) : value, typeof value === "number"));
  }
}

// Overview and clock

async function refreshOverview() {
  const view = await call("GET", `${SIM}/overview`);
  dialect = view.dialect;
  $("fact-scenario").textContent = view.scenario;
  $("fact-seed").textContent = view.seed;
  $("fact-dialect").textContent = view.dialect;
  $("fact-clock").textContent = view.clock.frozen ? "frozen" : "real time";
  $("fact-now").textContent = view.clock.now;
  $("count-total").textContent = format(view.clients);
  for (const state of STATES) $(`count-${state}`).textContent = format(view.by_state[state]);
  const subscriptions = view.subscriptions;
  $("count-subscriptions").textContent = `${subscriptions.exact ? "" : "≈ "}${format(subscriptions.total)}`;
  $("clock-now").textContent = view.clock.now;
  $("clock-mode").textContent = view.clock.frozen ? "frozen" : "running";
  const states = STATES.map((state) => ({ label: state, values: { [state]: view.by_state[state] } }));
  bars($("chart-state"), "Clients by state", states, STATES);
  bars($("chart-node"), "Clients by node", view.by_node.map((node) => ({ label: node.node, values: node })), STATES);
  const protocols = view.by_protocol.map((item) => ({ label: `${item.proto_name} ${item.proto_ver}`, values: { total: item.count } }));
  bars($("chart-protocol"), "Clients by protocol", protocols, ["total"]);
  lines($("chart-series"), "Clients over simulated time", view.series, ["total", "connected", "disconnected"]);
  fillTable("by-node", view.by_node.map((node) => [node.node, node.connected, node.idle, node.disconnected]));
  fillTable("by-protocol", view.by_protocol.map((item) => [item.proto_name, item.proto_ver, item.count]));
  $("top-filters-caption").textContent = subscriptions.exact
    ? "Top topic filters"
    : `Top topic filters (estimated from ${format(subscriptions.read)} clients)`;
  fillTable("top-filters", subscriptions.top.map((item) => [item.topic, item.count]));
}

function setupClock() {
  $("clock-freeze").onclick = () => act(() => call("PUT", `${SIM}/clock`, { body: { frozen: true } }), "The clock is frozen.");
  $("clock-resume").onclick = () => act(() => call("PUT", `${SIM}/clock`, { body: { frozen: false } }), "The clock runs.");
  $("clock-set").onsubmit = (event) => {
    event.preventDefault();
    const now = $("clock-instant").value.trim();
    act(() => call("PUT", `${SIM}/clock`, { body: { now } }), (clock) => `The clock is at ${clock.now}.`);
  };
  const advance = (seconds) =>
    act(() => call("POST", `${SIM}/clock/advance`, { body: { seconds } }), (clock) => `Advanced to ${clock.now}.`);
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.onclick = () => advance(Number(button.dataset.advance));
  }
  $("clock-advance").onsubmit = (event) => {
    event.preventDefault();
    advance(Number($("advance-amount").value) * Number($("advance-unit").value));
  };
}

// Scenarios

async function loadScenarios() {
  const { data } = await call("GET", `${SIM}/scenarios`);
  const select = $("scenario");
  const current = $("fact-scenario").textContent;
  select.replaceChildren(...data.map((item) => new Option(item.name, item.name, false, item.name === current)));
  const describe = () => {
    $("scenario-description").textContent = data.find((item) => item.name === select.value)?.description ?? "";
  };
  select.onchange = describe;
  describe();
}

function setupScenarios() {
  $("regenerate").onsubmit = (event) => {
    event.preventDefault();
    const body = { scenario: $("scenario").value };
    for (const [field, id] of [["seed", "scenario-seed"], ["clients", "scenario-clients"], ["nodes", "scenario-nodes"]]) {
      if ($(id).value !== "") body[field] = Number($(id).value);
    }
    say("Generating…");
    act(() => call("POST", `${SIM}/regenerate`, { body }), (status) => `Regenerated: ${status.scenario}, seed ${status.seed}, ${format(status.clients)} clients.`);
  };
  $("reset").onclick = () => act(() => call("POST", `${SIM}/reset`), "Every change is undone.");
}

// Faults

async function refreshFaults() {
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

function setupFaults(operations) {
  $("fault-operation").replaceChildren(...operations.map((name) => new Option(name === "*" ? "* (every operation)" : name, name)));
  $("journal-operation").append(...operations.filter((name) => name !== "*").map((name) => new Option(name, name)));
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

// Journal

function entryKey(entry) {
  return [entry.time, entry.method, entry.path, JSON.stringify(entry.query), entry.status, entry.latency_ms].join("|");
}

async function refreshJournal() {
  const query = { operationId: $("journal-operation").value, status: $("journal-status").value, limit: 200 };
  const { data, meta } = await call("GET", `${SIM}/journal`, { query });
  $("journal-meta").textContent = `${format(meta.count)} shown of ${format(meta.size)} kept (at most ${format(meta.capacity)}), newest first.`;
  if (unchanged("journal-entries", data)) return;
  redraw("journal-entries", () => drawJournal(data));
}

function drawJournal(data) {
  $("journal-entries").replaceChildren(
    ...data.map((entry) => {
      const key = entryKey(entry);
      const item = document.createElement("li");
      item.dataset.operation = entry.operationId ?? "";
      item.dataset.status = entry.status;
      const details = document.createElement("details");
      details.open = openEntries.has(key);
      details.ontoggle = () => (details.open ? openEntries.add(key) : openEntries.delete(key));
      const summary = document.createElement("summary");
      summary.dataset.key = key;
      const status = document.createElement("span");
      status.textContent = entry.status;
      if (entry.status >= 400) status.className = "bad";
      const search = new URLSearchParams(Object.entries(entry.query).flatMap(([name, values]) => values.map((value) => [name, value])));
      const shown = search.toString() ? `${entry.path}?${search}` : entry.path;
      summary.append(`${entry.time.slice(11, 23)} ${entry.method} ${shown} → `, status, ` ${entry.operationId ?? "(no operation)"}`);
      const facts = document.createElement("dl");
      const rows = [
        ["Operation", entry.operationId ?? "none"],
        ["Query", JSON.stringify(entry.query)],
        ["Status", String(entry.status)],
        ["Latency", `${entry.latency_ms} ms`],
        ["Error", entry.error ?? "none"],
        ["Seen at", entry.seen_at ?? "n/a"],
        ["Time", entry.time],
      ];
      for (const [name, value] of rows) {
        const dt = document.createElement("dt");
        dt.textContent = name;
        const dd = document.createElement("dd");
        dd.textContent = value;
        facts.append(dt, dd);
      }
      details.append(summary, facts);
      item.append(details);
      return item;
    }),
  );
}

function setupJournal() {
  $("journal-filter").onsubmit = (event) => {
    event.preventDefault();
    act(refreshJournal);
  };
  $("journal-clear").onclick = () => act(() => call("DELETE", `${SIM}/journal`), "The journal is empty.");
}

// Clients

function clientPath(clientid, tail = "") {
  return `${API}/clients/${encodeURIComponent(clientid)}${tail}`;
}

function showAnswer(label, answer) {
  $("client-answer-status").textContent = label;
  $("client-answer").textContent = answer === undefined ? "" : JSON.stringify(answer, null, 2);
}

async function lookUp(clientid) {
  $("clientid").value = clientid;
  try {
    const client = await call("GET", clientPath(clientid));
    $("client-actions").hidden = false;
    // The Cloud view has no conn_state: a client neither connected nor disconnected is idle.
    const guessed = client.connected ? "connected" : client.disconnected_at ? "disconnected" : "idle";
    $("client-state").value = client.conn_state ?? guessed;
    showAnswer(`GET /clients/${clientid}: 200`, client);
  } catch (error) {
    $("client-actions").hidden = true;
    showAnswer(`GET /clients/${clientid}: ${error.message}`);
  }
}

function setupClients() {
  $("client-search").onsubmit = async (event) => {
    event.preventDefault();
    const like = $("client-like").value;
    const query = dialect === "emqx5" ? { like_clientid: like, limit: 20 } : { _like_clientid: like, _limit: 20 };
    try {
      const { data } = await call("GET", `${API}/clients`, { query });
      $("client-results").replaceChildren(
        ...data.map((client) => {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = client.clientid;
          button.onclick = () => lookUp(client.clientid);
          item.append(button);
          return item;
        }),
      );
      say(`${data.length} clients shown${data.length === 20 ? " (the first 20)" : ""}.`);
    } catch (error) {
      say(error.message, true);
    }
  };
  $("client-lookup").onsubmit = (event) => {
    event.preventDefault();
    lookUp($("clientid").value);
  };
  const current = () => $("clientid").value;
  const then = async (work, message) => {
    await act(work, message);
    await lookUp(current());
  };
  $("client-kick").onclick = () => then(() => call("DELETE", clientPath(current())), `${current()} kicked.`);
  $("client-set-state").onclick = () => {
    const state = $("client-state").value;
    then(() => call("PUT", `${SIM}/clients/${encodeURIComponent(current())}`, { body: { conn_state: state } }), `${current()} is ${state}.`);
  };
  $("client-subscribe").onsubmit = (event) => {
    event.preventDefault();
    const body = { topic: $("sub-topic").value, qos: Number($("sub-qos").value) };
    then(() => call("POST", clientPath(current(), "/subscribe"), { body }), `${current()} subscribed to ${body.topic}.`);
  };
  $("client-unsubscribe").onclick = () => {
    const topic = $("sub-topic").value;
    then(() => call("POST", clientPath(current(), "/unsubscribe"), { body: { topic } }), `${current()} unsubscribed from ${topic}.`);
  };
}

// State

function setupState() {
  $("state-download").onclick = () =>
    act(async () => {
      const state = await call("GET", `${SIM}/state`);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(state)], { type: "application/json" }));
      link.download = "emqx-sim-state.json";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    }, "The state is downloaded as emqx-sim-state.json.");
  $("state-upload").onsubmit = (event) => {
    event.preventDefault();
    const file = $("state-file").files[0];
    if (!file) return;
    act(async () => call("PUT", `${SIM}/state`, { body: await file.text() }), (status) => `State loaded: ${status.scenario}, ${format(status.clients)} clients, ${status.clock.now}.`);
  };
}

// Deployments: shown only where the simulator lists them

async function loadDeployments() {
  const box = $("deployments");
  let data;
  try {
    ({ data } = await call("GET", `${SIM}/deployments`));
  } catch {
    box.hidden = true;
    return;
  }
  const select = $("deployment");
  const mine = credentials();
  select.replaceChildren(
    ...data.map((item) => {
      const label = `${item.id} (${item.scenario}, ${format(item.clients)} clients, ${item.dialect})`;
      return new Option(label, item.id, false, item.app_id === mine.appId && item.app_secret === mine.appSecret);
    }),
  );
  select.onchange = () => {
    const chosen = data.find((item) => item.id === select.value);
    remember(chosen.app_id, chosen.app_secret);
    $("signed-in").textContent = `Signed in as ${chosen.app_id}`;
    act(loadScenarios, `Switched to deployment ${chosen.id}.`);
  };
  box.hidden = false;
}

// Sign in, refresh, sign out

async function refresh() {
  await Promise.all([refreshOverview(), refreshFaults(), refreshJournal()]);
}

function tick() {
  const work = [];
  if ($("overview-auto").checked) work.push(refreshOverview(), refreshFaults());
  if ($("journal-auto").checked) work.push(refreshJournal());
  Promise.all(work).catch((error) => {
    if (error instanceof ApiError && error.status === 401) signOut("The credentials were refused.");
  });
}

async function start() {
  const mine = credentials();
  await call("GET", `${SIM}/status`);
  $("login").hidden = true;
  $("app").hidden = false;
  $("session").hidden = false;
  $("signed-in").textContent = `Signed in as ${mine.appId}`;
  await Promise.all([refreshOverview().then(loadScenarios), refreshFaults(), refreshJournal(), loadDeployments()]);
  clearInterval(timer);
  timer = setInterval(tick, REFRESH_MS);
  document.body.dataset.ready = "true";
}

function signOut(message = "") {
  clearInterval(timer);
  forget();
  $("app").hidden = true;
  $("session").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
  delete document.body.dataset.ready;
  $("app-id").focus();
}

async function main() {
  setupClock();
  setupScenarios();
  setupFaults(OPERATIONS);
  setupJournal();
  setupClients();
  setupState();
  $("overview-refresh").onclick = () => act(refreshOverview);
  $("sign-out").onclick = () => signOut();
  $("login-form").onsubmit = async (event) => {
    event.preventDefault();
    remember($("app-id").value, $("app-secret").value);
    try {
      await start();
      say("Signed in.");
    } catch (error) {
      signOut(error instanceof ApiError && error.status === 401 ? "Wrong App ID or App Secret." : error.message);
    }
  };
  if (credentials()) {
    try {
      await start();
    } catch {
      signOut();
    }
  } else {
    $("app-id").focus();
  }
}

main();
