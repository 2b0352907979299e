// The overview: what is simulated, the clients counted, and their history over simulated time.

import { SIM, call } from "./api.js";
import { bars, format, lines } from "./charts.js";
import { $, fillTable } from "./ui.js";

const STATES = ["connected", "idle", "disconnected"];
let served = "cloud";

/** The emulated API the simulator serves (`cloud` or `emqx5`), as the last overview said. */
export function dialect() {
  return served;
}

export async function refreshOverview() {
  const view = await call("GET", `${SIM}/overview`);
  served = view.dialect;
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
