// What every data widget module shares: the model's columnar data store, fed by the
// `_data` state and binary `data` messages, and hiding the widget's picture output.
import { addStyle } from "./css.js";
import { DataStore } from "./store.js";

// One module instance is loaded per model by anywidget, but hosts that load a module
// once per page (marimo) share it, so stores are keyed by the widget's own id.
const STORES = new Map();

/** The data store of a model (made by `connectStore` in `initialize`). */
export function storeOf(model) {
  return STORES.get(model.get("_uid"));
}

/**
 * Make the model's store and keep it up to date. Everything here is synchronous:
 * anywidget rejects models whose initialize takes longer than 2 s, and messages are
 * queued until it returns.
 * @returns {() => void} cleanup
 */
export function connectStore(model) {
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
  // Messages the kernel sent before this model listened are lost in some hosts (marimo
  // emits only to current listeners): say which state this model starts from, and the
  // kernel sends the state again if it has sent more since. Without a kernel: nothing.
  try {
    model.send({ type: "resync", have: store.seq });
  } catch {
    // no kernel to ask (an exported page)
  }
  return () => {
    model.off("msg:custom", onCustom);
    model.off("change:_data", onState);
    STORES.delete(model.get("_uid"));
    store.tables = new Map(); // a closed model may stay reachable: let its rows go
  };
}

// Every displayed widget also has an output with its picture, for when no live view can
// be drawn (a notebook reopened after its kernel is gone). Next to a live view it is
// hidden, by CSS rules in one page-wide style element (the pictures live outside the
// widget's own root): in JupyterLab and Notebook the output after a live chart's, and in
// every front end the picture that carries this widget's id. Rules, not a style set on
// an element: `update_display` replaces the picture's element, and a rule hides the new
// one too.
const PICTURE_STYLE = "nbvis-picture-style";
const PICTURE_CSS =
  ".jp-OutputArea-child:has(.nbvis-chart, .nbvis-insp, .nbvis-panel) + .jp-OutputArea-child:has(.nbvis-static) { display: none; }\n";

export function hidePictures(uid) {
  const style = addStyle(document, PICTURE_STYLE, PICTURE_CSS);
  if (!uid) return;
  const rule = `.nbvis-static[data-nbvis-uid="${CSS.escape(String(uid))}"] { display: none; }\n`;
  if (!style.textContent.includes(rule)) style.textContent += rule;
}
