// The page-wide Vega runtime: vega, vega-lite and vega-embed plus the code that draws
// one chart view. It is shipped once per kernel as the shared runtime model's bundle
// and imported once per page; every chart view calls `renderChart`.
import * as vega from "vega";
import vegaEmbed from "vega-embed";
import { LineLod, PointLod } from "./lod.js";

/** Stale scene items Vega may keep before it cleans its caches (its default: 10,000). */
const CLEAN_THRESHOLD = 2000;

export { vega, vegaEmbed };

const EMBED_OPTIONS = {
  mode: "vega-lite",
  renderer: "canvas", // vega-embed 7 defaults to SVG, which is slow for data-heavy charts
  actions: false,
  // Vega's logger writes warnings to the console; keep only errors there.
  logLevel: vega.Error,
};

/** Names of the datasets a Vega-Lite spec refers to by name. */
function namedDatasets(spec, found = new Set()) {
  if (Array.isArray(spec)) {
    for (const item of spec) namedDatasets(item, found);
  } else if (spec && typeof spec === "object") {
    if (spec.data && typeof spec.data.name === "string") found.add(spec.data.name);
    for (const [key, value] of Object.entries(spec)) {
      if (key !== "datasets" && value && typeof value === "object") namedDatasets(value, found);
    }
  }
  return found;
}

/**
 * TensorBoard's smoothing: a debiased exponential moving average per series, continued
 * incrementally as rows arrive. Non-finite values are skipped, so a NaN never poisons
 * the smoothed line.
 */
class Smoother {
  constructor(weight) {
    this.weight = weight;
    this.state = new Map();
  }

  rows(table, start) {
    if (start === 0) this.state.clear();
    const xs = table.columns.get("x");
    const ys = table.columns.get("y");
    const names = table.columns.get("series");
    const out = [];
    if (!xs || !ys || !names) return out;
    const w = this.weight;
    for (let i = start; i < table.n; i++) {
      const y = ys.data[i];
      if (!Number.isFinite(y)) continue;
      const name = names.value(i);
      let s = this.state.get(name);
      if (!s) {
        s = { last: 0, n: 0 };
        this.state.set(name, s);
      }
      s.last = s.last * w + (1 - w) * y;
      s.n += 1;
      const debias = w === 0 ? 1 : 1 - Math.pow(w, s.n);
      out.push({ x: xs.value(i), y: s.last / debias, series: name });
    }
    return out;
  }
}

/** A 256-entry RGBA lookup table of a colour scale description ({scheme, reverse} or {range}). */
function colorLut(color) {
  const canvas = document.createElement("canvas");
  canvas.width = 256;
  canvas.height = 1;
  const ctx = canvas.getContext("2d");
  if (color.range) {
    const gradient = ctx.createLinearGradient(0, 0, 256, 0);
    color.range.forEach((c, i) => gradient.addColorStop(i / Math.max(1, color.range.length - 1), c));
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, 256, 1);
  } else {
    const interpolate = vega.scheme(color.scheme);
    if (typeof interpolate !== "function") throw new Error(`unknown colour scheme ${JSON.stringify(color.scheme)}`);
    for (let i = 0; i < 256; i++) {
      ctx.fillStyle = interpolate(i / 255);
      ctx.fillRect(i, 0, 1, 1);
    }
  }
  const lut = ctx.getImageData(0, 0, 256, 1).data;
  if (!color.reverse) return lut;
  const flipped = new Uint8ClampedArray(lut.length);
  for (let i = 0; i < 256; i++) flipped.set(lut.subarray(4 * (255 - i), 4 * (256 - i)), 4 * i);
  return flipped;
}

function canvasUrl(width, height, rgba) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").putImageData(new ImageData(rgba, width, height), 0, 0);
  return canvas.toDataURL("image/png");
}

/**
 * A big heatmap as one image: the matrix (row-major values) painted through the same
 * colour scale as the legend. Non-finite cells are transparent.
 */
function rasterRows(store, meta) {
  const table = store.tables.get(meta.source);
  const column = table?.columns.get("value");
  const n = meta.rows * meta.cols;
  if (!column || table.n !== n) return [];
  const values = column.data;
  let [lo, hi] = meta.domain ?? [Infinity, -Infinity];
  if (!meta.domain) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!(lo <= hi)) return [];
  const lut = colorLut(meta.color);
  const rgba = new Uint8ClampedArray(4 * n);
  const span = hi - lo || 1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const k = 4 * Math.round(255 * Math.min(1, Math.max(0, (v - lo) / span)));
    rgba[4 * i] = lut[k];
    rgba[4 * i + 1] = lut[k + 1];
    rgba[4 * i + 2] = lut[k + 2];
    rgba[4 * i + 3] = 255;
  }
  const box = { x0: 0, x1: meta.cols, y0: 0, y1: meta.rows };
  return [
    { ...box, url: canvasUrl(meta.cols, meta.rows, rgba), v: lo },
    { ...box, url: null, v: hi },
  ];
}

/** The tiles of an image grid: each image's bytes painted on a canvas, as a URL. */
function tileRows(store, meta) {
  const info = store.tables.get(meta.meta);
  const pixels = store.tables.get(meta.pixels)?.columns.get("v")?.data;
  if (!info || !pixels) return [];
  return info.rows().map((row) => {
    const { h, w, c, offset } = row;
    const rgba = new Uint8ClampedArray(4 * h * w);
    for (let i = 0; i < h * w; i++) {
      const p = offset + i * c;
      if (c === 1) {
        rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = pixels[p];
        rgba[4 * i + 3] = 255;
      } else {
        rgba[4 * i] = pixels[p];
        rgba[4 * i + 1] = pixels[p + 1];
        rgba[4 * i + 2] = pixels[p + 2];
        rgba[4 * i + 3] = c === 4 ? pixels[p + 3] : 255;
      }
    }
    return { ...row, url: canvasUrl(w, h, rgba) };
  });
}

/** Datasets the browser derives from others: painted images. */
function derivedDatasets(meta) {
  const out = [];
  if (meta.raster) {
    out.push({ target: meta.raster.target, sources: [meta.raster.source], rows: (s) => rasterRows(s, meta.raster) });
  }
  if (meta.images) {
    const m = meta.images;
    out.push({ target: m.target, sources: [m.meta, m.pixels], rows: (s) => tileRows(s, m) });
  }
  return out;
}

/** The stats row of a histogram: an HTML table whose cells are text. */
function renderStats(box, table) {
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

const TOGGLE_STYLE = "display:inline-block;width:1.2em;text-align:left;";
const TABLE_STYLE =
  "border-collapse:collapse;margin:4px 0;font-family:sans-serif;" +
  "font-variant-numeric:tabular-nums;";

/**
 * A table chart: headers and rows as an HTML table. Every cell is set with
 * `textContent`, so nothing a user writes is ever parsed as HTML.
 */
export function renderTable({ model, el, store }) {
  const meta = model.get("spec")?.usermeta?.nbvis ?? {};
  const debug = { kind: "table", embeds: 1, updates: 0, rows: 0, seq: store.seq, error: null, view: null };
  el.__nbvis = debug;
  const wrap = document.createElement("div");
  wrap.className = "nbvis-view";
  wrap.style.cssText = "max-height:420px;overflow:auto;";
  const table = document.createElement("table");
  table.className = "nbvis-table";
  table.style.cssText = TABLE_STYLE + `font-size:${Number(meta.font_size) || 14}px;`;
  const head = document.createElement("thead");
  const headRow = document.createElement("tr");
  (meta.headers ?? []).forEach((name, j) => {
    const th = document.createElement("th");
    th.textContent = name;
    th.style.cssText = `text-align:${meta.align?.[j] === "right" ? "right" : "left"};padding:4px 10px;border-bottom:2px solid #999;`;
    headRow.append(th);
  });
  head.append(headRow);
  const body = document.createElement("tbody");
  table.append(head, body);
  wrap.append(table);
  el.append(wrap);

  // A tree table (model summaries): rows carry `depth` and `parent` (row index or -1);
  // a row with children gets a toggle, and children show only under expanded rows.
  const expanded = new Set();
  const treeRows = [];
  const applyTree = () => {
    for (const { tr, parent } of treeRows) {
      let shown = true;
      for (let p = parent; p >= 0 && shown; p = treeRows[p]?.parent ?? -1) shown = expanded.has(p);
      tr.style.display = shown ? "" : "none";
    }
  };
  const addRows = (data, start, stop) => {
    const fragment = document.createDocumentFragment();
    const width = (meta.headers ?? []).length;
    for (let i = start; i < stop; i++) {
      const tr = document.createElement("tr");
      for (let j = 0; j < width; j++) {
        const td = document.createElement("td");
        td.textContent = data.columns.get(`c${j}`)?.value(i) ?? "";
        td.style.cssText = `text-align:${meta.align?.[j] === "right" ? "right" : "left"};padding:3px 10px;border-bottom:1px solid #e3e3e3;`;
        tr.append(td);
      }
      if (meta.tree) {
        const depth = data.columns.get("depth")?.value(i) ?? 0;
        const parent = data.columns.get("parent")?.value(i) ?? -1;
        treeRows[i] = { tr, parent };
        tr.dataset.depth = String(depth);
        tr.firstChild.style.paddingLeft = `${10 + 18 * depth}px`;
        // every name starts after a toggle-wide slot, so rows with and without toggles align
        const pad = document.createElement("span");
        pad.className = "nbvis-tree-pad";
        pad.style.cssText = TOGGLE_STYLE;
        tr.firstChild.prepend(pad);
        if (parent >= 0 && treeRows[parent] && !treeRows[parent].toggle) addToggle(parent);
      }
      fragment.append(tr);
    }
    body.append(fragment);
    if (meta.tree) applyTree();
  };
  const addToggle = (row) => {
    const entry = treeRows[row];
    const button = document.createElement("button");
    button.className = "nbvis-tree-toggle";
    button.style.cssText = `${TOGGLE_STYLE}border:none;background:none;cursor:pointer;padding:0;font:inherit;`;
    const show = () => {
      const open = expanded.has(row);
      button.textContent = open ? "\u25BE" : "\u25B8";
      button.setAttribute("aria-expanded", String(open));
      button.title = open ? "collapse" : "expand";
    };
    button.addEventListener("click", () => {
      if (expanded.has(row)) expanded.delete(row);
      else expanded.add(row);
      show();
      applyTree();
    });
    show();
    entry.toggle = button;
    entry.tr.firstChild.querySelector(".nbvis-tree-pad")?.replaceWith(button);
  };
  const redraw = () => {
    body.replaceChildren();
    treeRows.length = 0;
    const data = store.tables.get(meta.dataset);
    if (data) addRows(data, 0, data.n);
    debug.rows = data?.n ?? 0;
  };
  redraw();
  if (meta.notes?.length) {
    const notes = document.createElement("div");
    notes.className = "nbvis-table-notes";
    notes.style.cssText = `font-family:sans-serif;font-size:${Number(meta.font_size) || 14}px;margin:2px 10px;`;
    for (const line of meta.notes) {
      const div = document.createElement("div");
      div.textContent = line;
      notes.append(div);
    }
    wrap.append(notes);
  }
  const unsubscribe = store.subscribe((event) => {
    const data = store.tables.get(meta.dataset);
    const change = event.type === "data" ? event.changes.find((c) => c.name === meta.dataset) : null;
    if (change?.op === "append" && data) addRows(data, change.start, change.stop);
    else redraw();
    debug.rows = data?.n ?? 0;
    debug.updates += 1;
    debug.seq = store.seq;
  });
  return () => unsubscribe();
}

/** Rows above which a dataset is drawn with a level of detail (see lod.js). */
const LOD_ROWS = { line: 20000, points: 50000 };
/** Pixel columns per hover target of a line drawn with a level of detail. */
const HOVER_PX = 4;

/** [min, max] of the finite values of a column's first n entries, or null. */
function finiteExtent(data, n) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi && Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null;
}

/** A copy of the spec with the view's local choices applied (log scale on y). */
function localSpec(spec, { logY }) {
  const out = structuredClone(spec);
  if (logY) {
    const visit = (node) => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === "object") {
        const y = node.encoding?.y;
        if (y && y.field === "y") {
          const { domain, zero, ...rest } = y.scale ?? {};
          y.scale = { ...rest, type: "log" };
        }
        if (node.layer) visit(node.layer);
      }
    };
    visit(out);
  }
  return out;
}

/** The toolbar of a smoothed chart: a smoothing slider and a log-scale toggle. */
function buildControls(el, meta, { onSmoothing, onLog }) {
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

/**
 * Draw one view of a chart model and keep it in step with the model's data store.
 * Data changes go through `view.change` (no re-embed); only a new spec re-embeds.
 * @returns {() => void} cleanup, which finalizes the Vega view
 */
export function renderChart({ model, el, store }) {
  if (model.get("spec")?.usermeta?.nbvis?.kind === "table") return renderTable({ model, el, store });
  const container = document.createElement("div");
  container.className = "nbvis-view";
  el.appendChild(container);

  const debug = { embeds: 0, updates: 0, view: null, seq: store.seq, error: null, logY: false, store };
  el.__nbvis = debug; // what the browser tests (and curious users) read

  // Smoothing and the log toggle live in the browser only: they work while the kernel is busy.
  let meta = model.get("spec")?.usermeta?.nbvis ?? {};
  const smoother = meta.smooth ? new Smoother(meta.smooth.weight) : null;
  let logY = false;
  const controls =
    meta.smooth || meta.log_toggle
      ? buildControls(el, meta, {
          onSmoothing: (weight) => {
            smoother.weight = weight;
            debug.smoothing = weight;
            enqueue({ name: meta.smooth.source, op: "resmooth" });
          },
          onLog: (on) => {
            logY = on;
            debug.logY = on;
            schedule(embed);
          },
        })
      : null;
  if (controls) el.append(container); // controls above the chart
  let derived = derivedDatasets(meta);
  let statsBox = null;
  if (meta.stats) {
    statsBox = document.createElement("table");
    statsBox.className = "nbvis-stats";
    statsBox.style.cssText = TABLE_STYLE + "font-size:12px;text-align:left;";
    el.insertBefore(statsBox, container);
    renderStats(statsBox, store.tables.get(meta.stats));
  }
  const redrawStats = () => statsBox && renderStats(statsBox, store.tables.get(meta.stats));

  // Level of detail: a big series is drawn from the store's typed arrays at about four
  // rows per pixel column (lines) or one mark per few-pixel cell (points), recomputed
  // in the browser on zoom and pan.
  const lod = meta.lod
    ? {
        dataset: meta.lod.dataset,
        kind: meta.lod.kind,
        engine: meta.lod.kind === "points" ? new PointLod() : new LineLod(),
        active: false,
        queued: false,
        extents: null,
      }
    : null;
  const lodNote = lod?.kind === "points" ? document.createElement("div") : null;
  if (lodNote) {
    lodNote.className = "nbvis-lod-note";
    lodNote.style.cssText = "font:11px sans-serif;color:#555;margin:0 0 2px 4px;display:none;";
    el.append(lodNote);
  }
  debug.lod = lod ? { active: false, kind: lod.kind, drawn: 0, visible: 0, n: 0, full: null,
                      binned: false, ms: 0, redrawMs: 0, redraws: 0, domain: null } : null;

  let result = null;
  let names = new Set();
  let disposed = false;
  let chain = Promise.resolve();
  const pending = new Map();
  let drainScheduled = false;

  const schedule = (task) => {
    chain = chain.then(task).catch((error) => showError(error));
    return chain;
  };

  function showError(error) {
    debug.error = String(error?.message ?? error);
    const box = document.createElement("div");
    box.className = "nbvis-error";
    box.textContent = `nbvis: ${debug.error}`;
    el.appendChild(box);
  }

  function containerWidth() {
    return Math.max(0, Math.floor(container.getBoundingClientRect().width));
  }

  // A view whose element left the page (e.g. its output was re-rendered by
  // update_display, which does not dispose the old view) lets go of its Vega view and
  // does no work; it re-embeds from the store if it is ever attached again.
  // A sleeping view also stops listening to the store and the model, so that nothing
  // reachable from the model (which lives as long as the kernel's widget) keeps it.
  let sleeping = false;
  function sleepIfDetached() {
    if (container.isConnected) return false;
    sleeping = true;
    pending.clear();
    result?.finalize();
    result = null;
    debug.view = null;
    listen(false);
    // The canvas keeps Vega's event handlers, and through them the view and its data:
    // JupyterLab never disposes a view replaced by update_display (ipywidgets'
    // renderModel), so the element itself stays reachable from the page.
    container.replaceChildren();
    return true;
  }

  function plotSize() {
    if (result) return [result.view.width(), result.view.height()];
    const spec = model.get("spec");
    const width = spec.width === "container" ? containerWidth() - 60 : Number(spec.width) || 400;
    return [Math.max(50, width), Number(spec.height) || 250];
  }

  function zoomDomain(channel) {
    if (!result) return null;
    try {
      const domain = result.view.signal(`zoom_${channel}`);
      return Array.isArray(domain) && domain.length === 2 ? domain : null;
    } catch {
      return null; // a chart without zoom
    }
  }

  function isLod(name, table) {
    if (!lod || name !== lod.dataset || !table) return false;
    // an overview of a bigger series is redrawn at this view's own pixel width too
    lod.active = table.n > LOD_ROWS[lod.kind] || table.full !== null;
    debug.lod.active = lod.active;
    return lod.active;
  }

  /** The rows of the level-of-detail dataset for what the view shows now. */
  function lodRows(table, { fresh = false } = {}) {
    const t0 = performance.now();
    const [width, height] = plotSize();
    const zoomX = fresh ? null : zoomDomain("x");
    const zoomY = fresh ? null : zoomDomain("y");
    let rows;
    const info = debug.lod;
    if (lod.kind === "points") {
      if (!lod.extents || lod.extents.table !== table || lod.extents.version !== table.version) {
        lod.extents = {
          table,
          version: table.version,
          x: finiteExtent(table.columns.get("x")?.data ?? [], table.n),
          y: finiteExtent(table.columns.get("y")?.data ?? [], table.n),
        };
      }
      const xd = zoomX ?? lod.extents.x;
      const yd = zoomY ?? lod.extents.y;
      const sel = xd && yd ? lod.engine.select(table, xd, yd, width, height) : { rows: [], visible: 0, binned: false };
      rows = table.pick(sel.rows);
      if (sel.binned) {
        let most = 1;
        for (const c of sel.counts) if (c > most) most = c;
        const scale = Math.log(most) || 1;
        rows.forEach((row, k) => {
          row.nbvis_count = sel.counts[k];
          row.nbvis_alpha = 0.15 + 0.85 * (Math.log(sel.counts[k]) / scale);
        });
      }
      info.binned = sel.binned;
      info.domain = xd && yd ? [xd, yd] : null;
      info.visible = sel.visible;
      lodNote.style.display = sel.binned ? "" : "none";
      lodNote.textContent = sel.binned
        ? `Binned density: ${sel.visible.toLocaleString("en-US")} points in view drawn as ` +
          `${rows.length.toLocaleString("en-US")} cells of ${lod.engine.cell} px, shaded by count; ` +
          "zoom in to see single points."
        : "";
    } else {
      const domain = zoomX ?? lod.engine.extent(table);
      const sel = domain ? lod.engine.select(table, domain[0], domain[1], width) : { rows: [], visible: 0 };
      rows = table.pick(sel.rows);
      // hovering snaps to one row per HOVER_PX columns per series: the hover layers'
      // cost (Vega's nearest-point Voronoi) stays small; the line still has every row
      if (domain) {
        const scale = domain[1] > domain[0] ? width / (domain[1] - domain[0]) / HOVER_PX : 0;
        let last = null;
        let lastSeries = null;
        for (const row of rows) {
          const column = Math.floor((row.x - domain[0]) * scale);
          if (row.series === lastSeries && column === last) row.nbvis_thin = true;
          last = column;
          lastSeries = row.series;
        }
      }
      info.domain = domain;
      info.visible = sel.visible;
    }
    info.drawn = rows.length;
    info.n = table.n;
    info.full = table.full;
    info.ms = performance.now() - t0;
    return rows;
  }

  function onZoom() {
    if (!lod?.active || lod.queued) return;
    lod.queued = true;
    schedule(relod);
  }

  // Zoom and pan changed the visible range: draw its level of detail.
  async function relod() {
    lod.queued = false;
    if (disposed || !result || !lod.active || sleepIfDetached()) return;
    const table = store.tables.get(lod.dataset);
    if (!table) return;
    const t0 = performance.now();
    const view = result.view;
    view.change(lod.dataset, vega.changeset().remove(() => true).insert(lodRows(table)));
    await view.runAsync();
    debug.lod.redrawMs = performance.now() - t0;
    debug.lod.redraws += 1;
  }

  // Shift-drag: a box over the plot; on release the view zooms to its x range (and its
  // y range for points). Vega's own drag pans only without Shift (see the spec's PAN).
  let brush = null;
  function onBrushStart(event) {
    if (!event.shiftKey || !result || event.button !== 0) return;
    try {
      result.view.signal("zoom_x");
    } catch {
      return; // a chart without zoom
    }
    const canvas = container.querySelector("canvas");
    if (!canvas) return;
    const box = canvas.getBoundingClientRect();
    const [ox, oy] = result.view.origin();
    const [w, h] = [result.view.width(), result.view.height()];
    const px = event.clientX - box.left - ox;
    const py = event.clientY - box.top - oy;
    if (px < 0 || px > w || py < 0 || py > h) return;
    const overlay = document.createElement("div");
    overlay.className = "nbvis-brush";
    overlay.style.cssText = "position:absolute;pointer-events:none;background:rgba(70,130,180,.15);border:1px solid steelblue;";
    container.style.position = "relative";
    container.append(overlay);
    brush = { box, ox, oy, w, h, px, py, overlay, qx: px, qy: py };
    const place = () => {
      const x0 = Math.min(brush.px, brush.qx);
      const y0 = points ? Math.min(brush.py, brush.qy) : 0;
      const x1 = Math.max(brush.px, brush.qx);
      const y1 = points ? Math.max(brush.py, brush.qy) : h;
      Object.assign(overlay.style, { left: `${ox + x0}px`, top: `${oy + y0}px`, width: `${x1 - x0}px`, height: `${y1 - y0}px` });
    };
    const points = lod?.kind === "points";
    const move = (e) => {
      brush.qx = Math.min(w, Math.max(0, e.clientX - box.left - ox));
      brush.qy = Math.min(h, Math.max(0, e.clientY - box.top - oy));
      place();
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      overlay.remove();
      const b = brush;
      brush = null;
      if (!result || Math.abs(b.qx - b.px) < 3) return;
      const sx = result.view.scale("x");
      const xs = [sx.invert(Math.min(b.px, b.qx)), sx.invert(Math.max(b.px, b.qx))];
      result.view.signal("zoom_x", xs);
      if (points && Math.abs(b.qy - b.py) >= 3) {
        const sy = result.view.scale("y");
        const ys = [sy.invert(Math.max(b.py, b.qy)), sy.invert(Math.min(b.py, b.qy))];
        try {
          result.view.signal("zoom_y", ys);
        } catch {
          // no zoom on y
        }
      }
      result.view.runAsync();
    };
    place();
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    event.preventDefault();
    event.stopPropagation();
  }
  if (lod) container.addEventListener("pointerdown", onBrushStart, true);

  async function embed() {
    if (disposed || sleepIfDetached()) return;
    const spec = localSpec(model.get("spec"), { logY });
    meta = spec.usermeta?.nbvis ?? {};
    derived = derivedDatasets(meta); // a new spec may paint a matrix of another shape
    names = namedDatasets(spec);
    spec.datasets = { ...(spec.datasets ?? {}) };
    for (const name of names) {
      const table = store.tables.get(name);
      spec.datasets[name] = isLod(name, table) ? lodRows(table, { fresh: true }) : table?.rows() ?? [];
    }
    const source = meta.smooth && store.tables.get(meta.smooth.source);
    if (smoother && names.has(meta.smooth.target)) {
      spec.datasets[meta.smooth.target] = source ? smoother.rows(source, 0) : [];
    }
    for (const d of derived) spec.datasets[d.target] = d.rows(store);
    redrawStats();
    pending.clear(); // the snapshot above holds everything received so far
    const seq = store.seq;
    result?.finalize();
    result = await vegaEmbed(container, spec, EMBED_OPTIONS);
    if (disposed) {
      result.finalize();
      result = null;
      return;
    }
    if (sleepIfDetached()) return; // detached while Vega was parsing
    debug.embeds += 1;
    debug.view = result.view;
    // Vega caches the scene items of removed rows until 10,000 have gone (then cleans):
    // an endless stream would keep ~10,000 stale items per mark. Clean sooner.
    result.view.cleanThreshold = CLEAN_THRESHOLD;
    debug.seq = seq;
    if (lod) {
      for (const channel of ["x", "y"]) {
        try {
          result.view.addSignalListener(`zoom_${channel}`, onZoom);
        } catch {
          // no zoom on this channel
        }
      }
    }
    fitWidth();
  }

  function fitWidth() {
    const spec = model.get("spec");
    if (!result || spec.width !== "container") return;
    const width = containerWidth();
    if (width > 0 && result.view.width() !== width) {
      result.view.width(width);
      result.view.resize().runAsync();
    }
  }

  // Merge a change into what is pending for its dataset: appends extend, a replace
  // wins, and a smoothing change is remembered alongside either.
  function enqueue(change) {
    const previous = pending.get(change.name);
    if (change.op === "resmooth") {
      if (previous) previous.resmooth = true;
      else pending.set(change.name, { op: "resmooth", resmooth: true });
    } else if (change.op === "replace" || previous?.op === "replace") {
      pending.set(change.name, { op: "replace", resmooth: true });
    } else if (previous?.op === "append") {
      previous.stop = change.stop;
    } else {
      pending.set(change.name, {
        op: "append",
        start: change.start,
        stop: change.stop,
        resmooth: previous?.op === "resmooth",
      });
    }
    if (!drainScheduled) {
      drainScheduled = true;
      schedule(drain);
    }
  }

  // Apply everything that arrived since the last run in one Vega pulse.
  async function drain() {
    drainScheduled = false;
    if (disposed || !result || pending.size === 0 || sleepIfDetached()) return;
    const t0 = performance.now();
    const view = result.view;
    const stale = new Set();
    for (const [name, change] of pending) {
      for (const d of derived) if (d.sources.includes(name)) stale.add(d);
      if (name === meta.stats) redrawStats();
      const table = store.tables.get(name);
      if (!names.has(name) || !table) continue;
      const wasLod = lod?.active && name === lod.dataset;
      if (change.op !== "resmooth" && (isLod(name, table) || wasLod)) {
        // the level of detail of the new data, for the range in view
        const rows = lod.active ? lodRows(table) : table.rows();
        view.change(name, vega.changeset().remove(() => true).insert(rows));
      } else if (change.op !== "resmooth") {
        const changeset = vega.changeset();
        if (change.op === "replace") changeset.remove(() => true).insert(table.rows());
        else changeset.insert(table.rows(change.start, change.stop));
        view.change(name, changeset);
      }
      if (smoother && meta.smooth && name === meta.smooth.source && names.has(meta.smooth.target)) {
        const smoothed = vega.changeset();
        if (change.op === "append" && !change.resmooth) smoothed.insert(smoother.rows(table, change.start));
        else smoothed.remove(() => true).insert(smoother.rows(table, 0));
        view.change(meta.smooth.target, smoothed);
      }
    }
    for (const d of stale) view.change(d.target, vega.changeset().remove(() => true).insert(d.rows(store)));
    pending.clear();
    const seq = store.seq;
    // resize() first: autosize bounds computed for the old data would clip axis titles.
    await view.resize().runAsync();
    debug.drainMs = performance.now() - t0; // browser work of this update (bench/lod.py)
    debug.updates += 1;
    debug.seq = seq;
  }

  const onStore = (event) => {
    if (event.type === "reset") for (const name of event.names) enqueue({ name, op: "replace" });
    else for (const change of event.changes) enqueue(change);
  };
  const onSpec = () => schedule(embed);
  let unsubscribe = null;
  function listen(on) {
    if (on && !unsubscribe) {
      unsubscribe = store.subscribe(onStore);
      model.on("change:spec", onSpec);
    } else if (!on && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
      model.off("change:spec", onSpec);
    }
  }
  listen(true);
  const resizeObserver = new ResizeObserver(() => {
    if (sleeping && container.isConnected) {
      sleeping = false;
      listen(true);
      schedule(embed);
    } else if (!sleeping && !container.isConnected) {
      sleepIfDetached();
    } else {
      fitWidth();
    }
  });
  resizeObserver.observe(container);

  schedule(embed);

  return () => {
    disposed = true;
    listen(false);
    resizeObserver.disconnect();
    result?.finalize();
    result = null;
    // JupyterLab may keep a removed view object reachable (its model's comm stays in the
    // kernel connection's signals): keep nothing heavy from it.
    debug.view = null;
    container.replaceChildren();
  };
}
