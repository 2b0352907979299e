// The journal of the emulated API: newest first, filtered, each entry opening to its details.

import { SIM, call } from "./api.js";
import { format } from "./charts.js";
import { OPERATIONS } from "./faults.js";
import { $, act, redraw, unchanged } from "./ui.js";

const openEntries = new Set();

function entryKey(entry) {
  return [entry.time, entry.method, entry.path, JSON.stringify(entry.query), entry.status, entry.latency_ms].join("|");
}

export async function refreshJournal() {
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

export function setupJournal() {
  $("journal-operation").append(...OPERATIONS.filter((name) => name !== "*").map((name) => new Option(name, name)));
  $("journal-filter").onsubmit = (event) => {
    event.preventDefault();
    act(refreshJournal);
  };
  $("journal-clear").onclick = () => act(() => call("DELETE", `${SIM}/journal`), "The journal is empty.");
}
