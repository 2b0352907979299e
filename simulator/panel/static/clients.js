// One client as the emulated API shows it, found by a substring of its clientid, and what can be done to it.

import { API, SIM, call } from "./api.js";
import { dialect } from "./overview.js";
import { $, act, say } from "./ui.js";

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

export function setupClients() {
  $("client-search").onsubmit = async (event) => {
    event.preventDefault();
    const like = $("client-like").value;
    const query = dialect() === "emqx5" ? { like_clientid: like, limit: 20 } : { _like_clientid: like, _limit: 20 };
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
    then(() => call("PUT", `${SIM}/clients/${encodeURIComponent(current())}/state`, { body: { conn_state: state } }), `${current()} is ${state}.`);
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
