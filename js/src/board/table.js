// The HParams table (one row per run: hparams, then last / min / max of every tag;
// sortable; hovering or clicking a row highlights the run) and the parallel-coordinates
// chart of hparams against a chosen metric. Every cell is text.
import { format } from "d3-format";
import { scaleLinear, scaleLog, scalePoint } from "d3-scale";
import { summary } from "./series.js";

const number = format(".4~g");
const STATS = ["last", "min", "max"];

/** Rows of the table: {run, color, cells: Map(column -> value)} and the columns. */
export function tableRows(runs, data, tags) {
  const hparamNames = [];
  for (const info of runs) for (const k of Object.keys(info.hparams ?? {})) if (!hparamNames.includes(k)) hparamNames.push(k);
  hparamNames.sort((a, b) => a.localeCompare(b)); // files keep no order (a protobuf map)
  const columns = [
    ...hparamNames.map((k) => ({ key: `h:${k}`, label: k, kind: "hparam" })),
    ...tags.flatMap((tag) => STATS.map((stat) => ({ key: `m:${tag}:${stat}`, label: `${tag} ${stat}`, kind: "metric", tag, stat }))),
  ];
  const rows = runs.map((info) => {
    const cells = new Map();
    for (const k of hparamNames) if (info.hparams && k in info.hparams) cells.set(`h:${k}`, info.hparams[k]);
    for (const tag of tags) {
      const series = data.get(info.name, tag);
      const stats = series ? summary(series) : null;
      if (stats) for (const stat of STATS) cells.set(`m:${tag}:${stat}`, stats[stat]);
    }
    return { run: info.name, color: info.color, cells };
  });
  return { columns, rows };
}

/** Sort rows by a column (missing values last, numbers before text). */
export function sortRows(rows, key, descending) {
  const sign = descending ? -1 : 1;
  const value = (r) => (key === "run" ? r.run : r.cells.get(key));
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === undefined || va === null) return vb === undefined || vb === null ? 0 : 1;
    if (vb === undefined || vb === null) return -1;
    if (typeof va === "number" && typeof vb === "number") return sign * (va - vb);
    return sign * String(va).localeCompare(String(vb), undefined, { numeric: true });
  });
}

function text(value) {
  if (typeof value === "number") return Number.isFinite(value) ? number(value) : String(value);
  return String(value);
}

export class HParamsTable {
  constructor({ onHighlight, onPin }) {
    this.el = document.createElement("div");
    this.el.className = "nbvis-board-table";
    this.sort = { key: "run", descending: false };
    this.onHighlight = onHighlight;
    this.onPin = onPin;
    // rows are rebuilt as data arrive: leaving the whole table ends a hover
    this.el.addEventListener("mouseleave", () => onHighlight(null));
  }

  /**
   * Draws the table. Its rows are rebuilt only when what they show changes (a run, a value,
   * the sort): a redraw for a hover only moves the highlight, so the header or row under the
   * pointer stays the same element between a press and its release (a click is not lost).
   */
  render({ runs, data, tags, highlight }) {
    this.last = { runs, data, tags };
    const { columns, rows } = tableRows(runs, data, tags);
    const sorted = sortRows(rows, this.sort.key, this.sort.descending);
    const key = JSON.stringify(
      [this.sort, columns.map((c) => [c.key, c.label]),
        sorted.map((r) => [r.run, r.color, columns.map((c) => r.cells.get(c.key) ?? null)])],
      (_, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
    );
    if (key !== this.key) {
      this.key = key;
      this.build(columns, sorted);
    }
    for (const tr of this.el.querySelectorAll("tbody tr")) {
      tr.classList.toggle("nbvis-board-highlight", tr.dataset.run === highlight);
    }
    this.highlight = highlight;
  }

  build(columns, sorted) {
    const table = document.createElement("table");
    const head = document.createElement("tr");
    for (const col of [{ key: "run", label: "run" }, ...columns]) {
      const th = document.createElement("th");
      th.textContent = col.label + (this.sort.key === col.key ? (this.sort.descending ? " ▼" : " ▲") : "");
      th.dataset.key = col.key;
      th.addEventListener("click", () => {
        this.sort = { key: col.key, descending: this.sort.key === col.key ? !this.sort.descending : false };
        this.render({ ...this.last, highlight: this.highlight });
      });
      head.append(th);
    }
    const thead = document.createElement("thead");
    thead.append(head);
    const body = document.createElement("tbody");
    for (const row of sorted) {
      const tr = document.createElement("tr");
      tr.dataset.run = row.run;
      const name = document.createElement("td");
      const dot = document.createElement("span");
      dot.className = "nbvis-board-swatch";
      dot.style.background = row.color;
      name.append(dot, document.createTextNode(row.run));
      tr.append(name);
      for (const col of columns) {
        const td = document.createElement("td");
        const v = row.cells.get(col.key);
        td.textContent = v === undefined || v === null ? "" : text(v);
        if (typeof v === "number") td.className = "nbvis-board-num";
        tr.append(td);
      }
      tr.addEventListener("mouseenter", () => this.onHighlight(row.run));
      tr.addEventListener("mouseleave", () => this.onHighlight(null));
      tr.addEventListener("click", () => this.onPin(row.run));
      body.append(tr);
    }
    table.append(thead, body);
    this.el.replaceChildren(table);
    this.columns = columns;
  }
}

/** An axis of the parallel-coordinates chart for the values of one column. */
export function parallelAxis(values, length) {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length && present.every((v) => typeof v === "number" && Number.isFinite(v))) {
    let lo = Math.min(...present);
    let hi = Math.max(...present);
    if (lo > 0 && hi / lo >= 100) return { scale: scaleLog().domain([lo, hi]).range([length, 0]), log: true, lo, hi };
    if (lo === hi) {  // one value: in the middle, labelled once
      const pad = Math.abs(lo) * 0.1 || 1;
      return { scale: scaleLinear().domain([lo - pad, hi + pad]).range([length, 0]), log: false, lo, hi, single: true };
    }
    return { scale: scaleLinear().domain([lo, hi]).range([length, 0]), log: false, lo, hi };
  }
  const domain = [...new Set(present.map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const point = scalePoint().domain(domain).range([length, 0]).padding(0.5);
  return { scale: (v) => point(String(v)), categories: domain };
}

export class Parallel {
  constructor() {
    this.el = document.createElement("div");
    this.el.className = "nbvis-board-parallel";
    const bar = document.createElement("label");
    bar.textContent = "parallel coordinates: hparams → ";
    this.select = document.createElement("select");
    bar.append(this.select);
    this.canvas = document.createElement("canvas");
    this.el.append(bar, this.canvas);
    this.metric = null;
    this.chosen = null; // the metric the user picked; until then, the first one there is
    this.select.addEventListener("change", () => {
      this.metric = this.select.value;
      this.chosen = this.metric;
      this.onChange?.();
    });
  }

  render({ runs, data, tags, colors, highlight, visible, width }) {
    const { columns, rows } = tableRows(runs, data, tags);
    const metrics = columns.filter((c) => c.kind === "metric");
    const keys = metrics.map((c) => c.key);
    if (this.select.options.length !== keys.length || [...this.select.options].some((o, i) => o.value !== keys[i])) {
      this.select.replaceChildren(...metrics.map((c) => {
        const o = document.createElement("option");
        o.value = c.key;
        o.textContent = c.label;
        return o;
      }));
    }
    // the default follows the tags as they arrive (a board still loading may know only
    // some of them): the first metric of those known now, unless the user chose one
    this.metric = keys.includes(this.chosen) ? this.chosen : (keys[0] ?? null);
    if (this.metric) this.select.value = this.metric;
    const axes = [...columns.filter((c) => c.kind === "hparam"), ...metrics.filter((c) => c.key === this.metric)];
    this.el.hidden = axes.length < 2;
    this.drawn = null;
    if (this.el.hidden) return;
    const height = 180;
    const ratio = globalThis.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const top = 22;
    const bottom = height - 14;
    const left = 40;
    const right = width - 60;
    const gap = axes.length > 1 ? (right - left) / (axes.length - 1) : 0;
    const scales = axes.map((col) => parallelAxis(rows.map((r) => r.cells.get(col.key)), bottom - top));
    const shown = new Set(visible);
    const order = [...rows.filter((r) => r.run !== highlight), ...rows.filter((r) => r.run === highlight)];
    // what was drawn (CSS pixels), for tests and the debug handle
    this.drawn = { axes: axes.map((c) => c.label), lines: [] };
    for (const row of order) {
      if (!shown.has(row.run)) continue;
      const line = { run: row.run, width: row.run === highlight ? 3 : 1.5, points: [] };
      this.drawn.lines.push(line);
      ctx.strokeStyle = colors.get(row.run) ?? "#4c78a8";
      ctx.globalAlpha = highlight && row.run !== highlight ? 0.2 : 1;
      ctx.lineWidth = row.run === highlight ? 3 : 1.5;
      ctx.beginPath();
      let pen = false;
      axes.forEach((col, i) => {
        const v = row.cells.get(col.key);
        const py = v === undefined || v === null ? NaN : scales[i].scale(v);
        if (!Number.isFinite(py)) {
          pen = false;
          return;
        }
        if (pen) ctx.lineTo(left + i * gap, top + py);
        else ctx.moveTo(left + i * gap, top + py);
        line.points.push([left + i * gap, top + py]);
        pen = true;
      });
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.font = "10px sans-serif";
    ctx.fillStyle = "#333";
    ctx.strokeStyle = "#888";
    ctx.lineWidth = 1;
    axes.forEach((col, i) => {
      const x = left + i * gap;
      ctx.beginPath();
      ctx.moveTo(x + 0.5, top);
      ctx.lineTo(x + 0.5, bottom);
      ctx.stroke();
      ctx.textAlign = "center";
      ctx.fillText(col.label, x, top - 8);
      const s = scales[i];
      ctx.textAlign = "left";
      const labels = s.categories
        ? s.categories.map((c) => [c, s.scale(c)])
        : s.single
          ? [[text(s.lo), s.scale(s.lo)]]
          : [[text(s.hi), 0], [text(s.lo), bottom - top]];
      for (const [label, py] of labels) ctx.fillText(label, x + 3, top + py + 3);
    });
  }
}
