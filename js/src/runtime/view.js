// One view of a chart model: the embed lifecycle and the change queue. Data changes go
// through `view.change` (no re-embed); only a new spec (or the log toggle) re-embeds.
import * as vega from "vega";
import vegaEmbed from "vega-embed";
import { chartMeta } from "../contract.js";
import { derivedDatasets } from "../derive/paint.js";
import { Smoother } from "../derive/smooth.js";
import { installBrush } from "./brush.js";
import { buildControls, renderStats, statsBox } from "./controls.js";
import { DensityLayer } from "./density-layer.js";
import { LineLayer } from "./line-layer.js";
import { LodView } from "./lod-view.js";
import { plotOrigin } from "./origin.js";
import { mergeChange } from "./queue.js";
import {
  LINE_EXTENT,
  LINE_HOVER,
  LINE_RULE,
  canvasLines,
  canvasPoints,
  canvasPointsSpec,
  canvasSpec,
  liveSpec,
  namedDatasets,
} from "./spec.js";

/** Stale scene items Vega may keep before it cleans its caches (its default: 10,000). */
const CLEAN_THRESHOLD = 2000;

const EMBED_OPTIONS = {
  mode: "vega-lite",
  renderer: "canvas", // vega-embed 7 defaults to SVG, which is slow for data-heavy charts
  actions: false,
  // Vega's logger writes warnings to the console; keep only errors there.
  logLevel: vega.Error,
};

/**
 * Draw one view of a chart model and keep it in step with the model's data store.
 * @returns {() => void} cleanup, which finalizes the Vega view
 */
export function renderChart({ model, el, store }) {
  const container = document.createElement("div");
  container.className = "nbvis-view";
  el.appendChild(container);

  const debug = { embeds: 0, updates: 0, view: null, seq: store.seq, error: null, logY: false, store };
  el.__nbvis = debug; // what the browser tests (and curious users) read

  // Smoothing and the log toggle live in the browser only: they work while the kernel is busy.
  let meta = chartMeta(model.get("spec"));
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
  const stats = meta.stats ? statsBox(el, container) : null;
  const redrawStats = () => stats && renderStats(stats, store.tables.get(meta.stats));
  redrawStats();

  // Level of detail: a big series is drawn from the store's typed arrays at about two
  // rows per pixel column (lines) or one mark per few-pixel cell (points), recomputed
  // in the browser on zoom and pan.
  const lod = meta.lod ? new LodView(meta.lod, el) : null;
  debug.lod = lod ? lod.debug : null;
  // A big line chart's lines are drawn by the line layer (line-layer.js), outside Vega's
  // dataflow: from the moment its dataset needs a level of detail, for the rest of the view.
  let lines = null; // the LineLayer while this view draws its lines on the canvas
  let extent = "[]"; // the extent rows Vega has now (JSON)
  const canvasWanted = () => lod && lod.kind === "line" && canvasLines(model.get("spec"), meta) &&
    lod.applies(lod.dataset, store.tables.get(lod.dataset));
  // A big scatter plot's binned density is drawn by the density layer (density-layer.js).
  let density = null;
  const densityWanted = () => lod && lod.kind === "points" && canvasPoints(model.get("spec"), meta) &&
    lod.applies(lod.dataset, store.tables.get(lod.dataset));
  /** Two rows spanning the scatter's data (Vega's domains while the density layer draws). */
  const pointExtent = () => {
    const e = lod.extents;
    return e && e.x && e.y ? [{ x: e.x[0], y: e.y[0] }, { x: e.x[1], y: e.y[1] }] : [];
  };
  /** What Vega draws of a scatter's level-of-detail rows (none of a binned density). */
  const pointRows = (rows) => (density ? density.take(rows, lod.active && lod.debug.binned) : rows);

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
    lines?.detach();
    density?.detach();
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

  /** The rows of the level-of-detail dataset for what the view shows now. */
  function lodRows(table, { fresh = false } = {}) {
    const [width, height] = plotSize();
    return lod.rows(table, {
      zoomX: fresh ? null : zoomDomain("x"),
      zoomY: fresh ? null : zoomDomain("y"),
      width,
      height,
    });
  }

  function onZoom() {
    if (!(lod?.active || lines) || lod.queued) return;
    lod.queued = true;
    schedule(relod);
  }

  // Zoom and pan changed the visible range: draw its level of detail.
  async function relod() {
    lod.queued = false;
    if (disposed || !result || !(lod.active || lines) || sleepIfDetached()) return;
    const table = store.tables.get(lod.dataset);
    if (!table) return;
    const t0 = performance.now();
    const view = result.view;
    if (lines) {
      const extentMoved = setExtent(view, table);
      setHover(view, { rule: [], points: [] });
      hoverKey = "";
      await view.runAsync();
      // the zoom signal also fires when Vega first sets it: nothing moved, nothing to draw
      if (!extentMoved && lines.drawn && !lines.moved()) return;
      drawLines(table);
      lod.debug.redrawMs = performance.now() - t0;
      lod.debug.redraws += 1;
      return;
    }
    view.change(lod.dataset, vega.changeset().remove(() => true).insert(pointRows(lodRows(table))));
    await view.runAsync();
    density?.draw();
    lod.debug.redrawMs = performance.now() - t0;
    lod.debug.redraws += 1;
  }

  const stopBrush = lod ? installBrush(container, () => result?.view ?? null, { points: lod.kind === "points" }) : null;

  async function embed() {
    if (disposed || sleepIfDetached()) return;
    let spec = liveSpec(model.get("spec"), { logY });
    meta = chartMeta(spec);
    derived = derivedDatasets(meta); // a new spec may paint a matrix of another shape
    let tracks = null;
    if (lines || canvasWanted()) {
      let log;
      let xDomain;
      ({ spec, lines: tracks, logY: log, xDomain } = canvasSpec(spec, meta));
      lines ??= new LineLayer(lod.dataset, meta.smooth ? smoother.weight : null);
      lines.logY = log;
      lines.xDomain = xDomain;
      lines.onRestyle = restyleLines;
      debug.lines = lines;
    }
    if (!lines && (density || densityWanted())) {
      spec = canvasPointsSpec(spec);
      density ??= new DensityLayer();
      debug.density = density;
    }
    names = namedDatasets(spec);
    spec.datasets = { ...(spec.datasets ?? {}) };
    for (const name of names) {
      const table = store.tables.get(name);
      if (lines && name === lod.dataset) {
        lod.applies(name, table);
        spec.datasets[name] = []; // drawn by the line layer
        if (table) lines.sync(table);
        const rows = lines.extentRows(table, lines.xDomain);
        extent = JSON.stringify(rows);
        spec.datasets[LINE_EXTENT] = rows;
        lod.debug.visible = lines.visible;
        continue;
      }
      if (name === LINE_EXTENT || name === LINE_HOVER || name === LINE_RULE) {
        spec.datasets[name] ??= [];
        continue;
      }
      if (density && name === lod.dataset) {
        const active = lod.applies(name, table);
        spec.datasets[name] = active ? pointRows(lodRows(table, { fresh: true })) : pointRows(table?.rows() ?? []);
        spec.datasets[LINE_EXTENT] = pointExtent();
        continue;
      }
      spec.datasets[name] = lod?.applies(name, table) ? lodRows(table, { fresh: true }) : (table?.rows() ?? []);
    }
    const source = meta.smooth && store.tables.get(meta.smooth.source);
    if (smoother && names.has(meta.smooth.target)) {
      spec.datasets[meta.smooth.target] = lines ? [] : source ? smoother.rows(source, 0) : [];
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
    if (lines) {
      lines.attach(result.view, container, result.vgSpec, tracks);
      result.view.addEventListener("click", onLegendClick);
      result.view.addEventListener("pointerover", onLegendOver);
      result.view.addEventListener("pointerout", onLegendOut);
    }
    if (density) {
      density.attach(result.view, container, result.vgSpec);
      density.draw();
    }
    // a view that is about to take its container's width draws its lines once, then
    if (!fitWidth() && lines) drawLines(store.tables.get(lod.dataset));
  }

  // Resizes come in bursts (the container settles over a frame or two): one draw after.
  let drawRequested = false;
  function requestDraw() {
    if (drawRequested) return;
    drawRequested = true;
    onceNextFrame(() =>
      schedule(() => {
        drawRequested = false;
        if (!lines || !result) return;
        // a resize that left the plot's size and scales as drawn needs no redraw (the
        // canvas only follows the plot's origin)
        if (lines.moved()) drawLines(store.tables.get(lod.dataset));
        else lines.place();
      }),
    );
  }

  /** Draw the line layer (every column, or columns [c0, c1]) and record what it did. */
  function drawLines(table, columns = null) {
    if (!lines || !table) return;
    lines.draw(table, columns);
    lod.debug.drawn = lines.info.traced;
    lod.debug.n = table.n;
    lod.debug.full = table.full;
    lod.debug.domain = lines.drawn ? lines.drawn.xDomain : null;
  }

  /** Give Vega the extent rows of what is in view; true if they changed. */
  function setExtent(view, table) {
    const rows = lines.extentRows(table, zoomDomain("x") ?? lines.xDomain);
    lod.debug.visible = lines.visible;
    const text = JSON.stringify(rows);
    if (text === extent) return false;
    extent = text;
    view.change(LINE_EXTENT, vega.changeset().remove(() => true).insert(rows));
    return true;
  }

  function setHover(view, { rule, points }) {
    view.change(LINE_RULE, vega.changeset().remove(() => true).insert(rule));
    view.change(LINE_HOVER, vega.changeset().remove(() => true).insert(points));
  }

  // Hover: the nearest sample of each series from the line layer's index (no Voronoi).
  let hoverFrame = 0;
  let hoverPx = null;
  let hoverKey = "";
  let hoverPy = null;
  function onPointer(event) {
    if (!(lines || density) || !result) return;
    const canvas = container.querySelector("canvas.marks");
    if (!canvas) return;
    const box = canvas.getBoundingClientRect();
    const [ox, oy] = plotOrigin(result.view);
    const px = event.clientX - box.left - ox;
    const py = event.clientY - box.top - oy;
    const inside = event.type !== "pointerleave" && px >= 0 && px <= result.view.width() && py >= 0 &&
      py <= result.view.height();
    hoverPx = inside ? px : null;
    hoverPy = inside ? py : null;
    if (!hoverFrame) hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
      schedule(hoverNow);
    });
  }
  async function hoverNow() {
    if (!(lines || density) || !result || disposed) return;
    if (density) {
      const rows = hoverPx === null ? [] : density.hoverAt(hoverPx, hoverPy);
      const key = JSON.stringify(rows);
      if (key === hoverKey) return;
      hoverKey = key;
      debug.hover = rows;
      result.view.change(LINE_HOVER, vega.changeset().remove(() => true).insert(rows));
      await result.view.runAsync();
      return;
    }
    const table = store.tables.get(lod.dataset);
    const at = hoverPx === null ? { rule: [], points: [] } : lines.hoverAt(table, hoverPx);
    const key = JSON.stringify(at);
    if (key === hoverKey) return; // the same points: keep Vega's items (and its tooltip)
    hoverKey = key;
    debug.hover = at;
    setHover(result.view, at);
    await result.view.runAsync();
  }
  container.addEventListener("pointermove", onPointer);
  container.addEventListener("pointerleave", onPointer);

  // The legend: click an entry to show only that series (again: all), Shift- or
  // Alt-click to hide or show it; pointing at an entry highlights its series.
  const legendName = (item) => {
    const role = item?.mark?.role;
    return role === "legend-symbol" || role === "legend-label" ? (item.datum?.value ?? null) : null;
  };
  function onLegendClick(event, item) {
    const name = legendName(item);
    if (name === null || !lines) return;
    if (event.shiftKey || event.altKey) lines.hide([name], !lines.hidden.has(name));
    else lines.solo(lines.soloed === name ? null : name);
  }
  function onLegendOver(event, item) {
    const name = legendName(item);
    if (name !== null && lines && lines.highlighted !== name) lines.highlight(name);
  }
  function onLegendOut(event, item) {
    if (legendName(item) !== null && lines && lines.highlighted !== null) lines.highlight(null);
  }
  function restyleLines() {
    schedule(async () => {
      if (!lines || !result) return;
      lines.applyLegend();
      await result.view.runAsync();
      drawLines(store.tables.get(lod.dataset));
    });
  }

  /** Give the view its container's width; true if that means a resize (scheduled). */
  function fitWidth() {
    const spec = model.get("spec");
    if (!result || spec.width !== "container") return false;
    const width = containerWidth();
    if (width > 0 && result.view.width() !== width) {
      result.view.width(width);
      const view = result.view;
      schedule(async () => {
        await view.resize().runAsync();
        if (lines && result?.view === view) requestDraw();
        if (result?.view === view) density?.draw();
      });
      return true;
    }
    return false;
  }

  function enqueue(change) {
    mergeChange(pending, change);
    if (!drainScheduled) {
      drainScheduled = true;
      // the line layer draws at the start of a frame: messages that arrive within one
      // frame are drawn once (a hidden page, which has no frames, still drains)
      if (lines) onceNextFrame(() => schedule(drain));
      else schedule(drain);
    }
  }

  function onceNextFrame(task) {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      task();
    };
    const timer = setTimeout(run, 100);
    requestAnimationFrame(run);
  }

  // Apply everything that arrived since the last run in one Vega pulse.
  async function drain() {
    drainScheduled = false;
    if (disposed || !result || pending.size === 0 || sleepIfDetached()) return;
    const t0 = performance.now();
    const view = result.view;
    if ((!lines && canvasWanted()) || (!density && !lines && densityWanted())) {
      pending.clear(); // a series grew big: from now on its lines are the line layer's
      await embed();
      return;
    }
    const stale = new Set();
    let vegaChanged = false;
    let lineChange; // undefined: none; null: redraw all; Map: first new positions
    for (const [name, change] of pending) {
      if (lines && name === lod.dataset) {
        const table = store.tables.get(name);
        if (!table) continue;
        if (change.op === "resmooth") lines.setSmoothing(smoother.weight);
        const touched = lines.sync(table);
        lineChange = change.op === "resmooth" || touched === null ? null : touched;
        lod.applies(name, table);
        if (setExtent(view, table)) vegaChanged = true;
        for (const d of derived) if (d.sources.includes(name)) stale.add(d);
        if (name === meta.stats) redrawStats();
        continue;
      }
      vegaChanged = true;
      for (const d of derived) if (d.sources.includes(name)) stale.add(d);
      if (name === meta.stats) redrawStats();
      const table = store.tables.get(name);
      if (!names.has(name) || !table) continue;
      const wasLod = lod?.active && name === lod.dataset;
      if (change.op !== "resmooth" && (lod?.applies(name, table) || wasLod)) {
        // the level of detail of the new data, for the range in view
        const rows = lod.active ? lodRows(table) : table.rows();
        view.change(name, vega.changeset().remove(() => true).insert(pointRows(rows)));
        if (density) view.change(LINE_EXTENT, vega.changeset().remove(() => true).insert(pointExtent()));
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
    if (stale.size > 0) vegaChanged = true;
    pending.clear();
    const seq = store.seq;
    // resize() first: autosize bounds computed for the old data would clip axis titles.
    if (vegaChanged || !lines) await view.resize().runAsync();
    density?.draw();
    if (lines && lineChange !== undefined) {
      const table = store.tables.get(lod.dataset);
      // the scales did not move: only the columns the new rows touch are drawn again
      const moved = !lineChange || lines.moved();
      if (moved) drawLines(table);
      else {
        const columns = lines.touchedColumns(table, lineChange);
        if (columns) drawLines(table, columns);
      }
    }
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
    stopBrush?.();
    resizeObserver.disconnect();
    container.removeEventListener("pointermove", onPointer);
    container.removeEventListener("pointerleave", onPointer);
    if (hoverFrame) cancelAnimationFrame(hoverFrame);
    lines?.detach();
    lines = null;
    debug.lines = null;
    density?.detach();
    density = null;
    debug.density = null;
    result?.finalize();
    result = null;
    // JupyterLab may keep a removed view object reachable (its model's comm stays in the
    // kernel connection's signals): keep nothing heavy from it.
    debug.view = null;
    container.replaceChildren();
  };
}
