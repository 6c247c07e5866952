import assert from "node:assert/strict";
import { test } from "node:test";
import * as vega from "vega";
import { addStyle } from "../src/css.js";
import { onceNextFrame } from "../src/runtime/frame.js";
import { densityMode, spanRows } from "../src/runtime/modes/density.js";
import { makeMode } from "../src/runtime/modes/index.js";
import { legendName } from "../src/runtime/modes/lines.js";
import { hoverMarks, replace } from "../src/runtime/modes/vega.js";
import { LINE_EXTENT } from "../src/runtime/spec.js";

/** A Vega view (no renderer) with datasets "values" (one row) and LINE_EXTENT. */
function dataView() {
  const spec = { data: [{ name: "values", values: [{ x: 9, y: 9 }] }, { name: LINE_EXTENT, values: [] }] };
  return new vega.View(vega.parse(spec), { renderer: "none" });
}
/** A dataset's rows without Vega's ids. */
const rowsOf = (view, name) => JSON.parse(JSON.stringify(view.data(name)));

test("every mode has the whole interface", () => {
  const lod = { dataset: "values", kind: "line", debug: {} };
  const keys = Object.keys(makeMode("vega", { lod })).sort();
  for (const kind of ["lines", "density"]) {
    assert.deepEqual(Object.keys(makeMode(kind, { lod, debug: {} })).sort(), keys, kind);
    assert.equal(makeMode(kind, { lod, debug: {} }).kind, kind);
  }
});

test("a legend item names its series only on its symbol or label", () => {
  assert.equal(legendName({ mark: { role: "legend-symbol" }, datum: { value: "a" } }), "a");
  assert.equal(legendName({ mark: { role: "legend-label" }, datum: { value: "b" } }), "b");
  assert.equal(legendName({ mark: { role: "legend-label" }, datum: {} }), null);
  assert.equal(legendName({ mark: { role: "mark" }, datum: { value: "c" } }), null);
  assert.equal(legendName(null), null);
});

test("a scatter's span rows are its extents' corners, or none", () => {
  assert.deepEqual(spanRows({ x: [0, 2], y: [-1, 5] }), [{ x: 0, y: -1 }, { x: 2, y: 5 }]);
  assert.deepEqual(spanRows({ x: [0, 2], y: null }), []);
  assert.deepEqual(spanRows(null), []);
});

test("hover marks are shown (and the view run) only when they change", async () => {
  const debug = {};
  const shown = [];
  const marks = hoverMarks(debug, (view, at) => shown.push(at));
  const view = { runs: 0, runAsync: async () => (view.runs += 1) };
  await marks(view, [{ x: 1 }]);
  await marks(view, [{ x: 1 }]);
  assert.equal(shown.length, 1);
  assert.equal(view.runs, 1);
  assert.deepEqual(debug.hover, [{ x: 1 }]);
  marks.reset();
  await marks(view, [{ x: 1 }]);
  assert.equal(shown.length, 2);
});

test("replace swaps every row of a dataset", async () => {
  const view = dataView();
  await view.runAsync();
  replace(view, "values", [{ x: 1, y: 1 }]);
  await view.runAsync();
  assert.deepEqual(rowsOf(view, "values"), [{ x: 1, y: 1 }]);
  view.finalize();
});

test("the density mode gives Vega no rows of a binned density, and the data's span", async () => {
  const lod = { dataset: "values", active: true, debug: { binned: true }, extents: { x: [0, 1], y: [2, 3] } };
  const mode = densityMode({ lod, lodRows: () => [], debug: {} });
  const view = dataView();
  await view.runAsync();
  mode.update(view, [{ x: 0.5, y: 2.5, nbvis_count: 4 }]);
  await view.runAsync();
  assert.deepEqual(rowsOf(view, "values"), []);
  assert.deepEqual(rowsOf(view, LINE_EXTENT), [{ x: 0, y: 2 }, { x: 1, y: 3 }]);
  lod.debug.binned = false;
  mode.update(view, [{ x: 0.5, y: 2.5 }]);
  await view.runAsync();
  assert.deepEqual(rowsOf(view, "values"), [{ x: 0.5, y: 2.5 }]);
  view.finalize();
});

test("onceNextFrame runs its task once, at a frame or after a timer", async () => {
  const frames = [];
  globalThis.requestAnimationFrame = (f) => frames.push(f);
  try {
    let runs = 0;
    onceNextFrame(() => (runs += 1));
    frames.shift()();
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(runs, 1); // the frame ran it; the timer did not again
    onceNextFrame(() => (runs += 1));
    await new Promise((r) => setTimeout(r, 120));
    frames.shift()();
    assert.equal(runs, 2); // no frame (a hidden page): the timer ran it
  } finally {
    delete globalThis.requestAnimationFrame;
  }
});

/** A minimal DOM: elements with ids, a head, and shadow roots (node has none). */
function fakeDom() {
  const make = (nodeType, extra = {}) => {
    const node = { nodeType, children: [], parent: null, ...extra };
    node.append = (child) => {
      child.parent = node;
      node.children.push(child);
    };
    node.getRootNode = () => {
      let n = node;
      while (n.parent) n = n.parent;
      return n;
    };
    node.getElementById = (id) => {
      const find = (n) => (n.id === id ? n : n.children.map(find).find(Boolean) ?? null);
      return find(node);
    };
    return node;
  };
  const document = make(9);
  document.head = make(1);
  document.append(document.head);
  document.createElement = (tag) => make(1, { tag, id: "", textContent: "" });
  return { document, make };
}

test("addStyle inserts a style once into the root its node lives in", () => {
  const { document, make } = fakeDom();
  globalThis.document = document;
  try {
    const a = make(1);
    document.append(a);
    const style = addStyle(a, "s", ".x{}");
    assert.equal(style.parent, document.head);
    assert.equal(style.textContent, ".x{}");
    assert.equal(addStyle(document, "s", ".y{}"), style); // once per root, kept as it is
    const detached = make(1);
    assert.equal(addStyle(detached, "s", ".x{}"), style); // not attached yet: the page
    const shadow = make(11, { host: a });
    const inside = make(1);
    shadow.append(inside);
    const own = addStyle(inside, "s", ".x{}");
    assert.notEqual(own, style);
    assert.equal(own.parent, shadow);
    assert.equal(addStyle(inside, "s", ".x{}"), own);
    assert.equal(document.head.children.length, 1);
  } finally {
    delete globalThis.document;
  }
});
