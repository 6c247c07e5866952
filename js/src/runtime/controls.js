// The controls drawn around a chart view: the stats row of a histogram, and the toolbar
// of a smoothed chart (smoothing slider, log-scale toggle). All text is textContent.
import { TABLE_STYLE } from "../style.js";

/** The stats row of a histogram: an HTML table whose cells are text. */
export function renderStats(box, table) {
  box.replaceChildren();
  if (!table || table.n === 0) return;
  const head = document.createElement("tr");
  const body = document.createElement("tr");
  for (const row of table.rows()) {
    const th = document.createElement("th");
    const td = document.createElement("td");
    th.textContent = row.label;
    td.textContent = row.text;
    th.style.cssText = td.style.cssText = "padding:1px 14px 1px 0;text-align:left;white-space:nowrap;";
    head.append(th);
    body.append(td);
  }
  box.append(head, body);
}

/** The toolbar of a smoothed chart: a smoothing slider and a log-scale toggle. */
export function buildControls(el, meta, { onSmoothing, onLog }) {
  const bar = document.createElement("div");
  bar.className = "nbvis-controls";
  bar.style.cssText = "display:flex;gap:1.2em;align-items:center;font:12px sans-serif;margin:2px 0 4px 4px;";
  if (meta.smooth) {
    const label = document.createElement("label");
    const text = document.createElement("span");
    const slider = document.createElement("input");
    const value = document.createElement("span");
    text.textContent = "Smoothing ";
    Object.assign(slider, { type: "range", min: "0", max: "0.99", step: "0.01", className: "nbvis-smoothing" });
    slider.value = String(meta.smooth.weight);
    slider.style.verticalAlign = "middle";
    value.textContent = ` ${Number(slider.value).toFixed(2)}`;
    slider.addEventListener("input", () => {
      value.textContent = ` ${Number(slider.value).toFixed(2)}`;
      onSmoothing(Number(slider.value));
    });
    label.append(text, slider, value);
    bar.append(label);
  }
  if (meta.log_toggle) {
    const label = document.createElement("label");
    const box = document.createElement("input");
    Object.assign(box, { type: "checkbox", className: "nbvis-log" });
    box.addEventListener("change", () => onLog(box.checked));
    label.append(box, document.createTextNode(" log scale"));
    bar.append(label);
  }
  el.append(bar);
  return bar;
}

/** The stats box above a chart (a table), or null when the chart has no stats row. */
export function statsBox(el, before) {
  const box = document.createElement("table");
  box.className = "nbvis-stats";
  box.style.cssText = TABLE_STYLE + "font-size:12px;text-align:left;";
  el.insertBefore(box, before);
  return box;
}
