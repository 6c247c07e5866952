// The runs board's widget module: the model's store (model.js) feeds BoardData; the
// board draws one canvas chart per tag and keeps every control in the browser (hide /
// solo, regex filters, smoothing, x axis, linked zoom, highlight), so it works while the
// kernel is busy. Nothing the user named is parsed as HTML: run names, tags, hparams
// and notes are text nodes or canvas text.
import { SCALARS, X_AXES } from "../contract.js";
import { addStyle } from "../css.js";
import { connectStore, hidePictures, storeOf } from "../model.js";
import { BoardData, parseFilter, visibleRuns } from "./series.js";
import { Plot } from "./plot.js";
import { HParamsTable, Parallel } from "./table.js";

const STYLE_ID = "nbvis-board-style";
const CSS = `
.nbvis-board { font: 12px sans-serif; color: #333; width: 100%; }
.nbvis-board-bar { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 2px 0 6px; }
.nbvis-board-bar input[type=text] { width: 150px; }
.nbvis-board-bar input.nbvis-invalid { outline: 2px solid #d62728; }
.nbvis-board-notes { color: #a94400; white-space: pre-wrap; }
.nbvis-board-progress { display: flex; gap: 8px; align-items: center; font-size: 12px; color: #555; }
.nbvis-board-progress[hidden] { display: none; }
.nbvis-board-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; margin-bottom: 6px; }
.nbvis-board-legend span.nbvis-board-run { cursor: pointer; user-select: none; white-space: nowrap; }
.nbvis-board-legend span.nbvis-board-off { opacity: 0.35; text-decoration: line-through; }
.nbvis-board-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.nbvis-board-grid { display: flex; flex-wrap: wrap; gap: 8px; }
.nbvis-board-chart { flex: 0 0 auto; }
.nbvis-board-title { font-weight: bold; margin: 2px 0 0 52px; }
.nbvis-board-frame { position: relative; }
.nbvis-board-frame canvas { display: block; }
.nbvis-board-overlay { position: absolute; left: 0; top: 0; cursor: crosshair; touch-action: none; }
.nbvis-board-tooltip { position: absolute; pointer-events: none; background: rgba(255,255,255,0.95); border: 1px solid #ccc; padding: 4px 6px; border-radius: 3px; box-shadow: 0 1px 4px rgba(0,0,0,0.15); z-index: 5; max-width: 420px; }
.nbvis-board-tooltip table { border-collapse: collapse; }
.nbvis-board-tooltip td { padding: 0 4px; white-space: nowrap; }
.nbvis-board-tooltip-head { font-weight: bold; margin-bottom: 2px; }
.nbvis-board-num { text-align: right; font-variant-numeric: tabular-nums; }
.nbvis-board-dim { color: #888; }
.nbvis-board-table { overflow-x: auto; max-height: 320px; overflow-y: auto; margin-top: 6px; }
.nbvis-board-table table { border-collapse: collapse; }
.nbvis-board-table th { position: sticky; top: 0; background: #f5f5f5; cursor: pointer; user-select: none; text-align: left; padding: 2px 6px; white-space: nowrap; }
.nbvis-board-table td { padding: 1px 6px; border-top: 1px solid #eee; white-space: nowrap; }
.nbvis-board-table tr.nbvis-board-highlight td { background: #fff3c4; }
.nbvis-board-table tbody tr { cursor: pointer; }
.nbvis-board-parallel { margin-top: 6px; }
`;

function control(labelText, input) {
  const label = document.createElement("label");
  label.textContent = `${labelText} `;
  label.append(input);
  return label;
}

/** Tags whose x is the epoch zoom together; every other tag shares the step axis. */
export function zoomFamily(tag, mode) {
  if (mode !== "step") return "time";
  return /^epoch([_/]|$)/i.test(tag) ? "epoch" : "step";
}

export class Board {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.lastDraw = 0; // when the last redraw ended, and what it cost (ms): see scheduleData
    this.drawMs = 0;
    this.dataTimer = 0;
    const options = model.get("options") ?? {};
    this.state = {
      hidden: new Set(),
      solo: null,
      runFilter: null,
      tagFilter: null,
      smoothing: Number(options.smoothing ?? 0.6),
      mode: options.x_axis ?? "step",
      domains: new Map(), // `${mode}:${family}` -> [x0, x1]
      logY: false,
      hover: null,
      pinned: null,
    };
    this.height = Number(options.height ?? 220);
    this.data = new BoardData();
    this.plots = new Map();
    this.pending = 0;
    this.build();
  }

  get highlight() {
    return this.state.hover ?? this.state.pinned;
  }

  build() {
    addStyle(this.el, STYLE_ID, CSS);
    this.el.classList.add("nbvis-board", "nbvis-chart");
    const bar = document.createElement("div");
    bar.className = "nbvis-board-bar";
    this.runBox = this.filterBox("runFilter", "regex over run names");
    this.tagBox = this.filterBox("tagFilter", "regex over tags");
    const slider = document.createElement("input");
    slider.type = "range";
    slider.min = "0";
    slider.max = "0.99";
    slider.step = "0.01";
    slider.value = String(this.state.smoothing);
    slider.className = "nbvis-board-smoothing";
    const shown = document.createElement("span");
    shown.textContent = this.state.smoothing.toFixed(2);
    slider.addEventListener("input", () => {
      this.state.smoothing = Number(slider.value);
      shown.textContent = this.state.smoothing.toFixed(2);
      this.schedule();
    });
    const axis = document.createElement("select");
    axis.className = "nbvis-board-xaxis";
    const labels = { step: "step", relative: "relative time", wall: "wall time" };
    for (const value of X_AXES) {
      const text = labels[value] ?? value;
      const option = document.createElement("option");
      option.value = value;
      option.textContent = text;
      axis.append(option);
    }
    axis.value = this.state.mode;
    axis.addEventListener("change", () => {
      this.state.mode = axis.value;
      this.schedule();
    });
    const log = document.createElement("input");
    log.type = "checkbox";
    log.className = "nbvis-board-logy";
    log.addEventListener("change", () => {
      this.state.logY = log.checked;
      this.schedule();
    });
    const reset = document.createElement("button");
    reset.type = "button";
    reset.textContent = "reset zoom";
    reset.className = "nbvis-board-reset";
    reset.addEventListener("click", () => {
      this.state.domains.clear();
      this.schedule();
    });
    const smoothing = control("smoothing", slider);
    smoothing.append(shown);
    bar.append(control("runs", this.runBox), control("tags", this.tagBox), smoothing, control("x", axis),
      control("log y", log), reset);
    this.notes = document.createElement("div");
    this.notes.className = "nbvis-board-notes";
    this.progress = document.createElement("div");
    this.progress.className = "nbvis-board-progress";
    this.progressBar = document.createElement("progress");
    this.progressText = document.createElement("span");
    this.progress.append(this.progressBar, this.progressText);
    this.progress.hidden = true;
    this.legend = document.createElement("div");
    this.legend.className = "nbvis-board-legend";
    // entries are rebuilt as data arrive: leaving the whole legend ends a hover
    this.legend.addEventListener("mouseleave", () => this.setHover(null));
    this.grid = document.createElement("div");
    this.grid.className = "nbvis-board-grid";
    const details = document.createElement("details");
    details.className = "nbvis-board-hparams";
    details.open = true;
    const summary = document.createElement("summary");
    summary.textContent = "HParams and metrics";
    this.table = new HParamsTable({
      onHighlight: (run) => this.setHover(run),
      onPin: (run) => {
        this.state.pinned = this.state.pinned === run ? null : run;
        this.schedule(true);
      },
    });
    this.parallel = new Parallel();
    this.parallel.onChange = () => this.schedule(true);
    details.append(summary, this.table.el, this.parallel.el);
    this.el.replaceChildren(bar, this.progress, this.notes, this.legend, this.grid, details);
  }

  filterBox(key, title) {
    const input = document.createElement("input");
    input.type = "text";
    input.placeholder = title;
    input.className = `nbvis-board-${key === "runFilter" ? "runs" : "tags"}-filter`;
    input.addEventListener("input", () => {
      const parsed = parseFilter(input.value);
      if (parsed instanceof Error) {
        input.classList.add("nbvis-invalid");
        input.title = `not a regular expression: ${parsed.message}`;
        return; // the last valid filter stays
      }
      input.classList.remove("nbvis-invalid");
      input.title = title;
      this.state[key] = parsed;
      this.schedule(true);
    });
    return input;
  }

  setHover(run) {
    if (this.state.hover === run) return;
    this.state.hover = run;
    this.schedule(true);
  }

  runsInfo() {
    return this.model.get("runs_info") ?? [];
  }

  visible() {
    const { hidden, solo, runFilter } = this.state;
    return visibleRuns(this.runsInfo().map((r) => r.name), { hidden, solo, filter: runFilter });
  }

  ingest(store) {
    const table = store.tables.get(SCALARS);
    if (!table) return;
    if (table.n < this.data.read) this.data = new BoardData(); // replaced (a reset)
    if (this.data.ingest(table)) {
      this.scheduleData();
      // the legend, the table and the parallel coordinates follow at most 3 times a second
      this.tableTimer ??= setTimeout(() => {
        this.tableTimer = null;
        this.schedule(true);
      }, 300);
    }
  }

  reset(store) {
    this.data = new BoardData();
    this.ingest(store);
  }

  /**
   * Redraw for new data, leaving the machine time for everything else: at most one
   * redraw per 100 ms (per second while the kernel reads a logdir), or per three times
   * the last redraw's cost. Rasterising thousands of dense lines is CPU work after this
   * code returns, and a board that redrew at every message would slow its own data down.
   */
  scheduleData() {
    if (this.dataTimer) return;
    const { done = 0, total = 0 } = this.model.get("loading") ?? {};
    const reading = total > done; // the kernel is still reading runs from disk: once a second
    const wait = this.lastDraw + Math.max(reading ? 1000 : 100, 3 * this.drawMs) - performance.now();
    if (!(wait > 0)) {
      this.schedule();
      return;
    }
    this.dataTimer = setTimeout(() => {
      this.dataTimer = 0;
      this.schedule();
    }, wait);
  }

  /** Redraw on the next frame (with `all`, the legend and the table too). */
  schedule(all = false) {
    this.pendingAll = this.pendingAll || all;
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      const everything = this.pendingAll;
      this.pendingAll = false;
      this.draw(everything);
    });
  }

  domainFor(tag) {
    return this.state.domains.get(`${this.state.mode}:${zoomFamily(tag, this.state.mode)}`) ?? null;
  }

  setDomain(tag, domain) {
    const key = `${this.state.mode}:${zoomFamily(tag, this.state.mode)}`;
    if (domain === null) this.state.domains.delete(key);
    else this.state.domains.set(key, domain);
    this.schedule();
  }

  drawState(width) {
    const colors = new Map();
    const starts = new Map();
    for (const info of this.runsInfo()) {
      colors.set(info.name, info.color);
      starts.set(info.name, info.start);
    }
    return { data: this.data, mode: this.state.mode, smoothing: this.state.smoothing, visible: this.visible(),
      colors, starts, highlight: this.highlight, logY: this.state.logY, width, height: this.height };
  }

  draw(everything) {
    if (!this.el.isConnected) return;
    const began = performance.now();
    try {
      this.drawAll(everything);
    } finally {
      this.lastDraw = performance.now();
      this.drawMs = this.lastDraw - began;
    }
  }

  drawAll(everything) {
    const total = Math.max(320, this.grid.clientWidth || this.el.clientWidth || 800);
    const columns = Math.max(1, Math.min(3, Math.floor(total / 420)));
    const width = Math.floor((total - 8 * (columns - 1)) / columns) - 1;
    const tags = [...this.data.tags].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const shownTags = tags.filter((tag) => !(this.state.tagFilter instanceof RegExp) || this.state.tagFilter.test(tag));
    const s = this.drawState(width);
    const children = [];
    for (const tag of shownTags) {
      let plot = this.plots.get(tag);
      if (!plot) {
        plot = new Plot(tag);
        this.interact(plot);
        this.plots.set(tag, plot);
      }
      children.push(plot.el);
      plot.draw({ ...s, domain: this.domainFor(tag) });
    }
    if (children.length !== this.grid.children.length || children.some((c, i) => this.grid.children[i] !== c)) {
      this.grid.replaceChildren(...children);
    }
    if (everything) {
      this.drawLegend();
      this.drawNotes();
      const info = this.runsInfo().filter((r) => !(this.state.runFilter instanceof RegExp) || this.state.runFilter.test(r.name));
      this.table.render({ runs: info, data: this.data, tags, highlight: this.highlight });
      this.parallel.render({ runs: info, data: this.data, tags, colors: s.colors, highlight: this.highlight,
        visible: s.visible, width: Math.min(total, 900) });
    }
    this.el.dataset.drawn = String(Number(this.el.dataset.drawn ?? 0) + 1);
  }

  drawLegend() {
    const visible = new Set(this.visible());
    const shown = this.runsInfo().filter(
      (info) => !(this.state.runFilter instanceof RegExp) || this.state.runFilter.test(info.name));
    const bads = shown.map((info) => this.data.tags.reduce((n, tag) => n + (this.data.get(info.name, tag)?.nonFinite ?? 0), 0));
    // entries are rebuilt only when what they show changed: a redraw for a hover must not
    // replace the entry under the pointer between a press and its release (the click is lost)
    const key = JSON.stringify(shown.map((info, i) => [info.name, info.color, visible.has(info.name), bads[i]]));
    if (key === this.legendKey) return;
    this.legendKey = key;
    const entries = [];
    for (const [i, info] of shown.entries()) {
      const entry = document.createElement("span");
      entry.className = "nbvis-board-run";
      entry.dataset.run = info.name;
      if (!visible.has(info.name)) entry.classList.add("nbvis-board-off");
      const dot = document.createElement("span");
      dot.className = "nbvis-board-swatch";
      dot.style.background = info.color;
      entry.append(dot, document.createTextNode(info.name));
      const bad = bads[i];
      if (bad) {
        const mark = document.createElement("span");
        mark.className = "nbvis-board-dim";
        mark.textContent = ` (${bad} NaN/Inf)`;
        entry.append(mark);
      }
      entry.title = "click: hide or show · shift-click: show only this run";
      entry.addEventListener("click", (event) => this.toggle(info.name, event.shiftKey));
      entry.addEventListener("mouseenter", () => this.setHover(info.name));
      entry.addEventListener("mouseleave", () => this.setHover(null));
      entries.push(entry);
    }
    this.legend.replaceChildren(...entries);
  }

  drawNotes() {
    const notes = this.model.get("notes") ?? [];
    this.notes.textContent = notes.join("\n");
    this.notes.hidden = notes.length === 0;
    const { done = 0, total = 0 } = this.model.get("loading") ?? {};
    this.progress.hidden = !(total > done);
    this.progressBar.max = Math.max(1, total);
    this.progressBar.value = done;
    this.progressText.textContent = `reading runs from disk: ${done} of ${total}`;
  }

  toggle(name, solo) {
    const st = this.state;
    if (solo) {
      st.solo = st.solo === name ? null : name;
    } else if (st.solo !== null) {
      // leaving solo: every other run hidden, this one toggled
      st.hidden = new Set(this.runsInfo().map((r) => r.name).filter((n) => n !== st.solo));
      st.solo = null;
      if (st.hidden.has(name)) st.hidden.delete(name);
      else st.hidden.add(name);
    } else if (st.hidden.has(name)) {
      st.hidden.delete(name);
    } else {
      st.hidden.add(name);
    }
    this.schedule(true);
  }

  /** What the board shows, as data (read by the browser tests through `el.__nbvis`). */
  debug() {
    const charts = [...this.grid.children].map((el) => {
      const plot = this.plots.get(el.dataset.tag);
      const d = plot?.drawn;
      return {
        tag: el.dataset.tag,
        runs: d ? d.drawn.map((x) => x.series.run) : [],
        // what the last draw showed (points may have arrived since; the next draw takes them)
        points: d ? Object.fromEntries(d.drawn.map((x) => [x.series.run, x.n])) : {},
        domain: d?.domain ?? null,
        xTicks: d ? d.x.ticks.map((t) => t.label) : [],
        yTicks: d ? d.y.ticks.map((t) => t.label) : [],
      };
    });
    return {
      legend: [...this.legend.children].map((e) => ({ run: e.dataset.run, off: e.classList.contains("nbvis-board-off"),
        color: e.firstChild?.style.background ?? "" })),
      charts,
      headers: [...this.table.el.querySelectorAll("th")].map((th) => th.textContent),
      table: [...this.table.el.querySelectorAll("tbody tr")].map((tr) => [...tr.children].map((td) => td.textContent)),
      highlight: this.highlight,
      mode: this.state.mode,
      progress: this.progress.getClientRects().length ? this.progressText.textContent : null, // as rendered
      parallel: this.parallel.drawn ?? null,
    };
  }

  /** Where (CSS pixels, in the chart's frame) point `index` of a run is drawn, raw values. */
  pixelOf(tag, run, index) {
    const plot = this.plots.get(tag);
    const d = plot?.drawn;
    const series = this.data.get(run, tag);
    if (!d || !series) return null;
    const xs = series.xs(this.state.mode, this.runsInfo().find((r) => r.name === run)?.start ?? 0);
    return [d.x.scale(xs[index]), d.y.scale(series.value.data[index])];
  }

  /** Hover, wheel zoom, drag pan, shift-drag zoom and double-click reset on one chart. */
  interact(plot) {
    const target = plot.overlay;
    let drag = null;
    const local = (event) => {
      const rect = target.getBoundingClientRect();
      return [event.clientX - rect.left, event.clientY - rect.top];
    };
    const current = () => plot.drawn?.domain ?? null;
    target.addEventListener("pointermove", (event) => {
      const [px, py] = local(event);
      if (drag && plot.drawn) {
        if (drag.band) {
          drag.to = px;
          plot.hover(null, this.drawState(plot.size.width), [drag.from, px]);
          return;
        }
        const { x } = plot.drawn;
        const shift = x.invert(drag.from) - x.invert(px);
        this.setDomain(plot.tag, [drag.domain[0] + shift, drag.domain[1] + shift]);
        drag.from = px;
        drag.domain = [drag.domain[0] + shift, drag.domain[1] + shift];
        return;
      }
      if (!plot.drawn) return;
      const xv = plot.drawn.x.invert(px);
      const s = this.drawState(plot.size.width);
      for (const other of this.plots.values()) {
        if (!other.el.isConnected || !other.drawn) continue;
        const linked = zoomFamily(other.tag, s.mode) === zoomFamily(plot.tag, s.mode);
        other.hover(linked ? xv : null, s);
      }
      plot.showTooltip(px, py, s);
    });
    target.addEventListener("pointerleave", () => {
      const s = this.drawState(plot.size?.width ?? 0);
      for (const other of this.plots.values()) if (other.drawn) other.hover(null, s);
      plot.showTooltip(null, 0, s);
    });
    target.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || !plot.drawn) return;
      const [px] = local(event);
      drag = { from: px, to: px, band: event.shiftKey, domain: current() };
      target.setPointerCapture?.(event.pointerId);
    });
    target.addEventListener("pointerup", () => {
      if (drag?.band && plot.drawn && Math.abs(drag.to - drag.from) > 3) {
        const { x } = plot.drawn;
        const a = x.invert(Math.min(drag.from, drag.to));
        const b = x.invert(Math.max(drag.from, drag.to));
        this.setDomain(plot.tag, [a, b]);
      }
      if (drag?.band) plot.hover(null, this.drawState(plot.size.width));
      drag = null;
    });
    target.addEventListener("wheel", (event) => {
      if (!plot.drawn) return;
      event.preventDefault();
      const [px] = local(event);
      const { x } = plot.drawn;
      const [x0, x1] = current();
      const at = x.invert(px);
      const factor = Math.pow(1.0015, event.deltaY);
      this.setDomain(plot.tag, [at - (at - x0) * factor, at + (x1 - at) * factor]);
    }, { passive: false });
    target.addEventListener("dblclick", () => this.setDomain(plot.tag, null));
  }
}

export default {
  initialize({ model }) {
    return connectStore(model);
  },

  render({ model, el }) {
    hidePictures(model.get("_uid"));
    const store = storeOf(model);
    const board = new Board(model, el);
    el.__nbvis = { kind: "board", board };
    board.reset(store);
    const off = store.subscribe((event) => {
      if (event.type === "reset") board.reset(store);
      else board.ingest(store);
    });
    const onInfo = () => board.schedule(true);
    model.on("change:runs_info", onInfo);
    model.on("change:notes", onInfo);
    model.on("change:loading", onInfo);
    const resize = new ResizeObserver(() => board.schedule(true));
    resize.observe(el);
    board.schedule(true);
    return () => {
      off();
      resize.disconnect();
      model.off("change:runs_info", onInfo);
      model.off("change:notes", onInfo);
      model.off("change:loading", onInfo);
      if (board.pending) cancelAnimationFrame(board.pending);
      if (board.tableTimer) clearTimeout(board.tableTimer);
      if (board.dataTimer) clearTimeout(board.dataTimer);
    };
  },
};
