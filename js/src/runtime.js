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
 * Draw one view of a chart model and keep it in step with the model's data store.
 * Data changes go through `view.change` (no re-embed); only a new spec re-embeds.
 * @returns {() => void} cleanup, which finalizes the Vega view
 */
export function renderChart({ model, el, store }) {
  const container = document.createElement("div");
  container.className = "nbvis-view";
  el.appendChild(container);

  const debug = { embeds: 0, updates: 0, view: null, seq: store.seq, error: null };
  el.__nbvis = debug; // what the browser tests (and curious users) read

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
    const spec = structuredClone(model.get("spec"));
    names = namedDatasets(spec);
    spec.datasets = { ...(spec.datasets ?? {}) };
    for (const name of names) spec.datasets[name] = store.tables.get(name)?.rows() ?? [];
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

  function enqueue(change) {
    const previous = pending.get(change.name);
    if (change.op !== "append" || previous?.op === "replace") {
      pending.set(change.name, { op: "replace" });
    } else if (previous) {
      previous.stop = change.stop;
    } else {
      pending.set(change.name, { op: "append", start: change.start, stop: change.stop });
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
      const changeset = vega.changeset();
      if (change.op === "replace") changeset.remove(() => true).insert(table.rows());
      else changeset.insert(table.rows(change.start, change.stop));
      view.change(name, changeset);
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
