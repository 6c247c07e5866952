// One view of a chart model: the embed lifecycle and the change queue. Data changes go
// through `view.change` (no re-embed); only a new spec (or the log toggle) re-embeds.
// What draws the marks is the view's mode (modes/index.js): Vega, or for a big series
// the line layer or the density layer.
import * as vega from "vega";
import vegaEmbed from "vega-embed";
import { ZOOM_PARAM, chartMeta } from "../contract.js";
import { derivedDatasets } from "../derive/paint.js";
import { Smoother } from "../derive/smooth.js";
import { installBrush } from "./brush.js";
import { buildControls, renderStats, statsBox } from "./controls.js";
import { onceNextFrame } from "./frame.js";
import { LodView } from "./lod-view.js";
import { makeMode } from "./modes/index.js";
import { replace } from "./modes/vega.js";
import { plotOrigin } from "./origin.js";
import { mergeChange } from "./queue.js";
import { LINE_EXTENT, LINE_HOVER, LINE_RULE, canvasLines, canvasPoints, liveSpec, namedDatasets } from "./spec.js";

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

  /**
   * The mode this view draws with: a big line chart's lines move to the line layer, a big
   * scatter plot's density to the density layer, from the moment its dataset needs a
   * level of detail (and its spec suits the layer), for the rest of the view.
   */
  function wantedMode() {
    if (mode.kind !== "vega" || !lod) return mode.kind;
    const big = () => lod.applies(lod.dataset, store.tables.get(lod.dataset));
    if (lod.kind === "line" && canvasLines(model.get("spec"), meta) && big()) return "lines";
    if (lod.kind === "points" && canvasPoints(model.get("spec"), meta) && big()) return "density";
    return "vega";
  }

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
    mode.detach();
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
      const domain = result.view.signal(`${ZOOM_PARAM}_${channel}`);
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
    if (!(lod?.active || mode.followsZoom) || lod.queued) return;
    lod.queued = true;
    schedule(relod);
  }

  // Zoom and pan changed the visible range: draw its level of detail.
  async function relod() {
    lod.queued = false;
    if (disposed || !result || !(lod.active || mode.followsZoom) || sleepIfDetached()) return;
    const table = store.tables.get(lod.dataset);
    if (!table) return;
    const t0 = performance.now();
    if (!(await mode.zoom(result.view, table))) return;
    lod.debug.redrawMs = performance.now() - t0;
    lod.debug.redraws += 1;
  }

  const currentView = () => result?.view ?? null;
  const stopBrush = lod ? installBrush(container, currentView, { points: lod.kind === "points" }) : null;

  const ctx = { lod, store, debug, container, smoother, schedule, lodRows, zoomDomain, currentView };
  let mode = makeMode("vega", ctx);

  async function embed() {
    if (disposed || sleepIfDetached()) return;
    let spec = liveSpec(model.get("spec"), { logY });
    meta = chartMeta(spec);
    derived = derivedDatasets(meta); // a new spec may paint a matrix of another shape
    const kind = wantedMode();
    const next = kind === mode.kind ? mode : makeMode(kind, ctx);
    spec = next.spec(spec, meta);
    mode = next;
    names = namedDatasets(spec);
    const datasets = (spec.datasets = { ...(spec.datasets ?? {}) });
    for (const name of names) {
      const table = store.tables.get(name);
      if (name === LINE_EXTENT || name === LINE_HOVER || name === LINE_RULE) datasets[name] ??= [];
      else if (!mode.fill(datasets, name, table)) {
        datasets[name] = lod?.applies(name, table) ? lodRows(table, { fresh: true }) : (table?.rows() ?? []);
      }
    }
    const source = meta.smooth && store.tables.get(meta.smooth.source);
    if (smoother && names.has(meta.smooth.target)) {
      datasets[meta.smooth.target] = source && !mode.drawsSmooth ? smoother.rows(source, 0) : [];
    }
    for (const d of derived) datasets[d.target] = d.rows(store);
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
          result.view.addSignalListener(`${ZOOM_PARAM}_${channel}`, onZoom);
        } catch {
          // no zoom on this channel
        }
      }
    }
    mode.attach(result.view, result.vgSpec);
    // a view that is about to take its container's width draws its layer once, then
    if (!fitWidth()) mode.fitted();
  }

  // Hover (modes with hover marks): what the mode's layer has at the pointer.
  let hoverFrame = 0;
  let hoverPx = null;
  let hoverPy = null;
  function onPointer(event) {
    if (!mode.hover || !result) return;
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
    if (!mode.hover || !result || disposed) return;
    await mode.hover(result.view, hoverPx, hoverPy);
  }
  container.addEventListener("pointermove", onPointer);
  container.addEventListener("pointerleave", onPointer);

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
        if (result?.view === view) mode.resized();
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
      if (mode.perFrame) onceNextFrame(() => schedule(drain));
      else schedule(drain);
    }
  }

  // Apply everything that arrived since the last run in one Vega pulse.
  async function drain() {
    drainScheduled = false;
    if (disposed || !result || pending.size === 0 || sleepIfDetached()) return;
    const t0 = performance.now();
    const view = result.view;
    if (wantedMode() !== mode.kind) {
      pending.clear(); // a series grew big: from now on its mode's layer draws it
      await embed();
      return;
    }
    const stale = new Set();
    let vegaChanged = false;
    for (const [name, change] of pending) {
      const table = store.tables.get(name);
      const own = mode.owns(name); // drawn by the mode's layer, outside Vega
      if (!own) vegaChanged = true;
      else if (!table) continue;
      else if (mode.apply(view, table, change)) vegaChanged = true;
      for (const d of derived) if (d.sources.includes(name)) stale.add(d);
      if (name === meta.stats) redrawStats();
      if (own || !names.has(name) || !table) continue;
      const wasLod = lod?.active && name === lod.dataset;
      if (change.op !== "resmooth" && (lod?.applies(name, table) || wasLod)) {
        // the level of detail of the new data, for the range in view
        mode.update(view, lod.active ? lodRows(table) : table.rows());
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
    for (const d of stale) replace(view, d.target, d.rows(store));
    if (stale.size > 0) vegaChanged = true;
    pending.clear();
    const seq = store.seq;
    // resize() first: autosize bounds computed for the old data would clip axis titles.
    // (Only the line layer's own changes leave Vega's data as it was.)
    if (vegaChanged) await view.resize().runAsync();
    mode.drained();
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
    mode.detach();
    mode = makeMode("vega", ctx); // let go of the layer
    debug.lines = null;
    debug.density = null;
    result?.finalize();
    result = null;
    // JupyterLab may keep a removed view object reachable (its model's comm stays in the
    // kernel connection's signals): keep nothing heavy from it.
    debug.view = null;
    container.replaceChildren();
  };
}
