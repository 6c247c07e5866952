// "density" mode: a big scatter plot's binned density is drawn by the density layer
// (density-layer.js); Vega gets the single points once zoomed in, two rows spanning the
// data for its scales (LINE_EXTENT) and the hovered cell's point (LINE_HOVER).
import { DensityLayer } from "../density-layer.js";
import { LINE_EXTENT, LINE_HOVER, canvasPointsSpec } from "../spec.js";
import { hoverMarks, replace, vegaMode } from "./vega.js";

/** Two rows spanning a scatter's data (a LodView's `extents`), or none. Pure. */
export function spanRows(extents) {
  const e = extents;
  return e && e.x && e.y ? [{ x: e.x[0], y: e.y[0] }, { x: e.x[1], y: e.y[1] }] : [];
}

export function densityMode(ctx) {
  const { lod, lodRows, debug, container } = ctx;
  const layer = new DensityLayer();
  /** What Vega draws of the level-of-detail rows (none of a binned density). */
  const take = (rows) => layer.take(rows, lod.active && lod.debug.binned);
  const hover = hoverMarks(debug, (view, rows) => replace(view, LINE_HOVER, rows));
  return {
    ...vegaMode(ctx),
    kind: "density",
    spec(spec) {
      const out = canvasPointsSpec(spec);
      debug.density = layer;
      return out;
    },
    fill(datasets, name, table) {
      if (name !== lod.dataset) return false;
      const active = lod.applies(name, table);
      datasets[name] = take(active ? lodRows(table, { fresh: true }) : (table?.rows() ?? []));
      datasets[LINE_EXTENT] = spanRows(lod.extents);
      return true;
    },
    attach(view, vgSpec) {
      layer.attach(view, container, vgSpec);
      layer.draw();
    },
    resized: () => layer.draw(),
    update(view, rows) {
      replace(view, lod.dataset, take(rows));
      replace(view, LINE_EXTENT, spanRows(lod.extents));
    },
    drained: () => layer.draw(),
    async zoom(view, table) {
      replace(view, lod.dataset, take(lodRows(table)));
      await view.runAsync();
      layer.draw();
      return true;
    },
    hover: (view, px, py) => hover(view, px === null ? [] : layer.hoverAt(px, py)),
    detach: () => layer.detach(),
  };
}
