// The page-wide Vega runtime: vega, vega-lite and vega-embed plus the code that draws
// one chart view. It is shipped once per kernel as the shared runtime model's bundle
// and imported once per page; every chart view calls `renderChart`.
import * as vega from "vega";
import vegaEmbed from "vega-embed";

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
  const container = document.createElement("div");
  container.className = "nbvis-view";
  el.appendChild(container);

  const debug = { embeds: 0, updates: 0, view: null, seq: store.seq, error: null, logY: false };
  el.__nbvis = debug; // what the browser tests (and curious users) read

  // Smoothing and the log toggle live in the browser only: they work while the kernel is busy.
  const meta = model.get("spec")?.usermeta?.nbvis ?? {};
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

  async function embed() {
    if (disposed) return;
    const spec = localSpec(model.get("spec"), { logY });
    names = namedDatasets(spec);
    spec.datasets = { ...(spec.datasets ?? {}) };
    for (const name of names) spec.datasets[name] = store.tables.get(name)?.rows() ?? [];
    const source = meta.smooth && store.tables.get(meta.smooth.source);
    if (smoother && names.has(meta.smooth.target)) {
      spec.datasets[meta.smooth.target] = source ? smoother.rows(source, 0) : [];
    }
    pending.clear(); // the snapshot above holds everything received so far
    const seq = store.seq;
    result?.finalize();
    result = await vegaEmbed(container, spec, EMBED_OPTIONS);
    if (disposed) {
      result.finalize();
      return;
    }
    debug.embeds += 1;
    debug.view = result.view;
    debug.seq = seq;
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
    if (disposed || !result || pending.size === 0) return;
    const view = result.view;
    for (const [name, change] of pending) {
      const table = store.tables.get(name);
      if (!names.has(name) || !table) continue;
      if (change.op !== "resmooth") {
        const changeset = vega.changeset();
        if (change.op === "replace") changeset.remove(() => true).insert(table.rows());
        else changeset.insert(table.rows(change.start, change.stop));
        view.change(name, changeset);
      }
      if (smoother && name === meta.smooth.source && names.has(meta.smooth.target)) {
        const smoothed = vega.changeset();
        if (change.op === "append" && !change.resmooth) smoothed.insert(smoother.rows(table, change.start));
        else smoothed.remove(() => true).insert(smoother.rows(table, 0));
        view.change(meta.smooth.target, smoothed);
      }
    }
    pending.clear();
    const seq = store.seq;
    // resize() first: autosize bounds computed for the old data would clip axis titles.
    await view.resize().runAsync();
    debug.updates += 1;
    debug.seq = seq;
  }

  const unsubscribe = store.subscribe((event) => {
    if (event.type === "reset") for (const name of event.names) enqueue({ name, op: "replace" });
    else for (const change of event.changes) enqueue(change);
  });
  const onSpec = () => schedule(embed);
  model.on("change:spec", onSpec);
  const resizeObserver = new ResizeObserver(() => fitWidth());
  resizeObserver.observe(container);

  schedule(embed);

  return () => {
    disposed = true;
    unsubscribe();
    resizeObserver.disconnect();
    model.off("change:spec", onSpec);
    result?.finalize();
    result = null;
  };
}
