// The per-chart module: every ChartWidget instance carries this file as its `_esm`,
// so it stays small. It owns the model's columnar data store, which exists from
// `initialize` on (before any view), and hands drawing to the page-wide Vega runtime,
// loaded once per page from the shared runtime model.
import { DataStore } from "./store.js";

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
    const url = URL.createObjectURL(
      new Blob([runtimeModel.get("bundle")], { type: "text/javascript" }),
    );
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
    // Everything here is synchronous: anywidget rejects models whose initialize takes
    // longer than 2 s, and messages are queued until it returns.
    const store = new DataStore(model.get("_data"));
    // A view that got an overview of a big series (e.g. after a page reload) asks the
    // kernel for the full rows; without a kernel (an exported page) it keeps the overview.
    const fetchFull = () => {
      const names = store.wantsFull();
      if (names.length === 0) return;
      try {
        model.send({ type: "fetch", names });
      } catch {
        // no kernel to ask
      }
    };
    fetchFull();
    const onCustom = (msg, buffers) => {
      if (!msg || msg.type !== "data") return;
      if (!store.expects(msg.seq)) {
        // A message went missing (e.g. dropped by the IOPub rate limit): ask once for
        // the whole state again instead of showing a silently wrong chart.
        if (msg.seq > store.seq && !store.awaitingResync) {
          store.awaitingResync = true;
          model.send({ type: "resync", have: store.seq });
        }
        return;
      }
      store.apply(msg, buffers);
    };
    const onState = () => {
      store.reset(model.get("_data"));
      fetchFull();
    };
    model.on("msg:custom", onCustom);
    model.on("change:_data", onState);
    STORES.set(model.get("_uid"), store);
    return () => {
      model.off("msg:custom", onCustom);
      model.off("change:_data", onState);
      STORES.delete(model.get("_uid"));
      store.tables = new Map(); // a closed model may stay reachable: let its rows go
    };
  },

  async render({ model, el }) {
    el.classList.add("nbvis-chart");
    hidePictures(model.get("_uid"));
    const store = STORES.get(model.get("_uid"));
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

// One module instance is loaded per model by anywidget, but hosts that load a module
// once per page (marimo) share it, so stores are keyed by the widget's own id.
const STORES = new Map();


// Every displayed chart also has an output with its picture, for when no live view can be
// drawn (a notebook reopened after its kernel is gone). Next to a live view it is hidden:
// by a CSS rule in JupyterLab and Notebook, and by the chart's id elsewhere.
const PICTURE_STYLE = "nbvis-picture-style";

function hidePictures(uid) {
  if (!document.getElementById(PICTURE_STYLE)) {
    const style = document.createElement("style");
    style.id = PICTURE_STYLE;
    style.textContent =
      ".jp-OutputArea-child:has(.nbvis-chart) + .jp-OutputArea-child:has(.nbvis-static) { display: none; }";
    document.head.append(style);
  }
  const hide = () => {
    for (const picture of document.querySelectorAll(".nbvis-static[data-nbvis-uid]")) {
      if (picture.dataset.nbvisUid === uid) picture.style.display = "none";
    }
  };
  hide();
  setTimeout(hide, 1000); // the picture's output may be drawn after the chart's
}
