// Small SVG charts drawn from numbers: bars, stacked bars and lines. Each chart is one <svg role="img"> whose
// label says what it shows in words, so a screen reader gets the numbers the picture gives.

const NS = "http://www.w3.org/2000/svg";
export const COLOURS = { connected: "#1f6f5c", idle: "#8a5a00", disconnected: "#a4262c", total: "#24527a" };

function element(name, attributes = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(width, height, label) {
  return element("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-label": label });
}

function legend(keys) {
  const list = document.createElement("ul");
  list.className = "legend";
  for (const key of keys) {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.style.background = COLOURS[key];
    item.append(swatch, key);
    list.append(item);
  }
  return list;
}

export function format(number) {
  return Number(number).toLocaleString("en-US");
}

/** Horizontal bars: one per item, its parts stacked in the order of `keys`. */
export function bars(container, title, items, keys) {
  const rowHeight = 26;
  const width = 420;
  const labelWidth = 130;
  const height = Math.max(1, items.length) * rowHeight + 4;
  const value = (item, key) => item.values[key] ?? 0;
  const largest = Math.max(1, ...items.map((item) => keys.reduce((sum, key) => sum + value(item, key), 0)));
  const words = items.map((item) => `${item.label}: ${keys.filter((key) => key in item.values).map((key) => `${format(value(item, key))} ${key}`).join(", ")}`);
  const chart = svg(width, height, `${title}. ${words.join("; ")}`);
  items.forEach((item, index) => {
    const y = index * rowHeight + 2;
    chart.append(element("text", { x: 0, y: y + 16 }, item.label));
    let x = labelWidth;
    let total = 0;
    for (const key of keys) {
      const length = ((width - labelWidth - 70) * value(item, key)) / largest;
      chart.append(element("rect", { x, y: y + 3, width: Math.max(0, length), height: rowHeight - 8, fill: COLOURS[key] ?? COLOURS.total }));
      x += length;
      total += value(item, key);
    }
    chart.append(element("text", { x: x + 6, y: y + 16 }, format(total)));
  });
  container.replaceChildren(chart, ...(keys.length > 1 ? [legend(keys)] : []));
}

/** Lines over time: `samples` ordered by `time_ms`, one line per key. */
export function lines(container, title, samples, keys) {
  const width = 860;
  const height = 220;
  const left = 70;
  const bottom = 30;
  const top = 10;
  const right = 10;
  const first = samples[0]?.time_ms ?? 0;
  const last = samples.at(-1)?.time_ms ?? 1;
  const span = Math.max(1, last - first);
  const largest = Math.max(1, ...samples.flatMap((sample) => keys.map((key) => sample[key])));
  const x = (time) => left + ((width - left - right) * (time - first)) / span;
  const y = (value) => height - bottom - ((height - bottom - top) * value) / largest;
  const latest = samples.at(-1);
  const words = latest
    ? `${samples.length} samples from ${samples[0].time} to ${latest.time}; latest: ${keys.map((key) => `${format(latest[key])} ${key}`).join(", ")}`
    : "no samples yet";
  const chart = svg(width, height, `${title}: ${words}`);
  chart.append(element("line", { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: "axis" }));
  chart.append(element("line", { x1: left, y1: top, x2: left, y2: height - bottom, class: "axis" }));
  chart.append(element("text", { x: left - 6, y: top + 10, "text-anchor": "end" }, format(largest)));
  chart.append(element("text", { x: left - 6, y: height - bottom, "text-anchor": "end" }, "0"));
  if (latest) {
    chart.append(element("text", { x: left, y: height - 8 }, samples[0].time.slice(0, 19).replace("T", " ")));
    chart.append(element("text", { x: width - right, y: height - 8, "text-anchor": "end" }, latest.time.slice(0, 19).replace("T", " ")));
  }
  for (const key of keys) {
    const points = samples.map((sample) => `${x(sample.time_ms).toFixed(1)},${y(sample[key]).toFixed(1)}`);
    if (points.length === 1) points.push(`${width - right},${y(samples[0][key]).toFixed(1)}`);
    chart.append(element("polyline", { points: points.join(" "), fill: "none", stroke: COLOURS[key], "stroke-width": 2, "data-key": key }));
  }
  container.replaceChildren(chart, legend(keys));
  container.dataset.samples = String(samples.length);
}
