// The control panel: every view and action is a call to the control API (/_sim) or the emulated API. This
// module signs in and out, refreshes the views, and holds the small parts: clock, scenarios, state, deployments.

import { SIM, ApiError, call, credentials, forget, home, remember } from "./api.js";
import { format } from "./charts.js";
import { setupClients } from "./clients.js";
import { refreshFaults, setupFaults } from "./faults.js";
import { refreshJournal, setupJournal } from "./journal.js";
import { refreshOverview } from "./overview.js";
import { $, act, configure, say } from "./ui.js";

const REFRESH_MS = 2000;
let timer = null;

// Clock

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
    ({ data } = await call("GET", `${SIM}/deployments`, { as: home() }));
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
  configure({ refresh, refused: signOut });
  setupClock();
  setupScenarios();
  setupFaults();
  setupJournal();
  setupClients();
  setupState();
  $("overview-refresh").onclick = () => act(refreshOverview);
  $("sign-out").onclick = () => signOut();
  $("login-form").onsubmit = async (event) => {
    event.preventDefault();
    remember($("app-id").value, $("app-secret").value, { signIn: true });
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
