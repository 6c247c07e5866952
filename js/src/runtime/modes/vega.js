// "vega" mode: Vega draws every mark; a big series' rows are its level of detail
// (lod-view.js) for the range in view. The other modes take its defaults.
import * as vega from "vega";

/** Replace every row of dataset `name` of `view` by `rows` (no pulse). */
export function replace(view, name, rows) {
  view.change(name, vega.changeset().remove(() => true).insert(rows));
}

/**
 * Hover marks that change only when what they show does (then Vega keeps its items and
 * its tooltip): `marks(view, at)` shows `at` with `show(view, at)` and runs the view;
 * `marks.reset()` forgets what is shown.
 */
export function hoverMarks(debug, show) {
  let key = "";
  const marks = async (view, at) => {
    const next = JSON.stringify(at);
    if (next === key) return;
    key = next;
    debug.hover = at;
    show(view, at);
    await view.runAsync();
  };
  marks.reset = () => {
    key = "";
  };
  return marks;
}

export function vegaMode({ lod, lodRows }) {
  return {
    kind: "vega",
    followsZoom: false,
    perFrame: false,
    drawsSmooth: false,
    spec: (spec) => spec,
    fill: () => false,
    attach() {},
    fitted() {},
    resized() {},
    owns: () => false,
    apply: () => false,
    update: (view, rows) => replace(view, lod.dataset, rows),
    drained() {},
    async zoom(view, table) {
      replace(view, lod.dataset, lodRows(table));
      await view.runAsync();
      return true;
    },
    hover: null,
    detach() {},
  };
}
