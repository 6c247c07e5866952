// The per-chart module: every ChartWidget instance carries this file as its `_esm`,
// so it stays small. It owns the model's data store (model.js), which exists from
// `initialize` on (before any view), and hands drawing to the page-wide Vega runtime,
// loaded once per page from the shared runtime model.
import { connectStore, hidePictures, storeOf } from "./model.js";

const RUNTIME_CACHE = Symbol.for("nbvis.runtime.v1");

/** The page-wide cache of runtime modules, keyed by bundle hash. */
function runtimeCache() {
  globalThis[RUNTIME_CACHE] ??= new Map();
  return globalThis[RUNTIME_CACHE];
}

/**
 * Load (once per page) the Vega runtime that the `_runtime` model carries.
 * @param {object} model anywidget model proxy
 */
async function loadRuntime(model) {
  const ref = model.get("_runtime") ?? "";
  const id = ref.startsWith("IPY_MODEL_") ? ref.slice("IPY_MODEL_".length) : ref;
  const runtimeModel = await model.widget_manager.get_model(id);
  const hash = runtimeModel.get("hash");
  const cache = runtimeCache();
  if (!cache.has(hash)) {
    const url = URL.createObjectURL(new Blob([runtimeModel.get("bundle")], { type: "text/javascript" }));
    const loading = import(/* webpackIgnore: true */ /* @vite-ignore */ url).finally(() =>
      URL.revokeObjectURL(url),
    );
    // A failed load must not poison the page: let the next view try again.
    loading.catch(() => cache.delete(hash));
    cache.set(hash, loading);
  }
  return cache.get(hash);
}

export default {
  initialize({ model }) {
    return connectStore(model);
  },

  async render({ model, el }) {
    el.classList.add("nbvis-chart");
    hidePictures(model.get("_uid"));
    const store = storeOf(model);
    let runtime;
    try {
      runtime = await loadRuntime(model);
    } catch (error) {
      el.textContent = `nbvis: could not load the Vega runtime (${error}).`;
      el.classList.add("nbvis-error");
      return undefined;
    }
    return runtime.renderChart({ model, el, store });
  },
};
