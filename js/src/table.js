// The table widget's module: rows of text in an HTML table (no Vega). Every cell is set
// with `textContent`, so nothing a user writes is ever parsed as HTML.
import { ROWS } from "./contract.js";
import { connectStore, hidePictures, storeOf } from "./model.js";
import { TABLE_STYLE } from "./style.js";

const TOGGLE_STYLE = "display:inline-block;width:1.2em;text-align:left;";

/** Draw one view of a table model and keep it in step with the model's data store. */
function renderTable({ model, el, store }) {
  const meta = {
    headers: model.get("headers") ?? [],
    align: model.get("align") ?? [],
    font_size: model.get("font_size"),
    tree: Boolean(model.get("tree")),
    notes: model.get("notes") ?? [],
    dataset: ROWS,
  };
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


export default {
  initialize({ model }) {
    return connectStore(model);
  },

  render({ model, el }) {
    el.classList.add("nbvis-chart");
    hidePictures(model.get("_uid"));
    return renderTable({ model, el, store: storeOf(model) });
  },
};
