// The per-chart module: every ChartWidget instance carries this file as its `_esm`,
// so it stays small. It owns the model's data store (model.js), which exists from
// `initialize` on (before any view), and hands drawing to the page-wide Vega runtime,
// loaded once per page.
import { connectStore, hidePictures, storeOf } from "./model.js";

const RUNTIME_CACHE = Symbol.for("nbvis.runtime.v1");
// How long to wait for the runtime model before asking the chart's own comm.
const MODEL_TIMEOUT_MS = 4000;
const KERNEL_TIMEOUT_MS = 30000;

/** The page-wide cache of runtime modules, keyed by bundle hash. */
function runtimeCache() {
  globalThis[RUNTIME_CACHE] ??= new Map();
  return globalThis[RUNTIME_CACHE];
}

function timeout(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** The bundle's text from the shared runtime model (what a saved notebook holds once). */
async function fromRuntimeModel(model) {
  const ref = model.get("_runtime") ?? "";
  const id = ref.startsWith("IPY_MODEL_") ? ref.slice("IPY_MODEL_".length) : ref;
  if (!id || typeof model.widget_manager?.get_model !== "function") throw new Error("no widget manager");
  const runtimeModel = await timeout(Promise.resolve(model.widget_manager.get_model(id)), MODEL_TIMEOUT_MS,
    "the runtime model");
  if (!runtimeModel?.get("bundle")) throw new Error("the runtime model is empty");
  return runtimeModel.get("bundle");
}

/** The bundle's text over the chart's own comm (a host that cannot resolve the runtime
 * model, e.g. a marimo page that never received it). */
function fromKernel(model) {
  return timeout(new Promise((resolve) => {
    const onReply = (msg, buffers) => {
      if (!msg || msg.type !== "runtime" || !buffers?.length) return;
      model.off("msg:custom", onReply);
      const buffer = buffers[0];
      resolve(new TextDecoder().decode(buffer.buffer ? new Uint8Array(buffer.buffer, buffer.byteOffset,
        buffer.byteLength) : new Uint8Array(buffer)));
    };
    model.on("msg:custom", onReply);
    model.send({ type: "runtime" });
  }), KERNEL_TIMEOUT_MS, "the kernel");
}

/**
 * Load (once per page) the Vega runtime: from the page's cache by the hash the chart
 * carries, else from the shared runtime model, else over the chart's own comm.
 * @param {object} model anywidget model proxy
 */
async function loadRuntime(model) {
  const hash = model.get("_runtime_hash") || "";
  const cache = runtimeCache();
  if (hash && cache.has(hash)) return cache.get(hash);
  const loading = (async () => {
    let source;
    try {
      source = await fromRuntimeModel(model);
    } catch (error) {
      try {
        source = await fromKernel(model);
      } catch {
        throw error; // no kernel either: say why the model failed
      }
    }
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    try {
      return await import(/* webpackIgnore: true */ /* @vite-ignore */ url);
    } finally {
      URL.revokeObjectURL(url);
    }
  })();
  if (hash) {
    // A failed load must not poison the page: let the next view try again.
    loading.catch(() => cache.delete(hash));
    cache.set(hash, loading);
  }
  return loading;
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
