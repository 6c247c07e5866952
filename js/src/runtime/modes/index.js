// The drawing modes of a chart view (view.js keeps the embed lifecycle and the change
// queue; its mode draws the marks). A view starts in "vega" mode; a big series moves,
// once and for the rest of the view, to "lines" (lines.js: the line layer) or "density"
// (density.js: the binned scatter), each a canvas of nbvis's own on Vega's scales.
//
// Every mode is an object made by `makeMode(kind, ctx)` (ctx: what the view shares —
// lod, store, debug, container, smoother, schedule, lodRows, zoomDomain, currentView):
//   kind                        "vega" | "lines" | "density"
//   followsZoom, perFrame, drawsSmooth
//                               zooming redraws even without an active level of detail;
//                               data changes drain at the start of a frame; the mode
//                               draws the smoothed lines itself (Vega gets none)
//   spec(spec, meta)            the spec to embed (called on every embed, first)
//   fill(datasets, name, table) an embed's rows of dataset `name`: true if the mode set them
//   attach(view, vgSpec)        the new Vega view is embedded
//   fitted()                    after an embed that needs no resize
//   resized()                   the view took its container's width
//   owns(name)                  whether the changes of dataset `name` are the mode's own
//   apply(view, table, change)  take an owned dataset's change: whether Vega's data changed
//   update(view, rows)          the level-of-detail dataset's new rows, for Vega
//   drained()                   after a drain's Vega pulse
//   zoom(view, table)           the view zoomed or panned: draw; false if nothing moved
//   hover(view, px, py)         show what is at CSS pixel (px, py) of the plot (px null:
//                               nothing); null in a mode without hover marks
//   detach()                    let go of the Vega view (its canvas too)
import { densityMode } from "./density.js";
import { lineMode } from "./lines.js";
import { vegaMode } from "./vega.js";

const MODES = { vega: vegaMode, lines: lineMode, density: densityMode };

/** The drawing mode `kind` of one chart view. */
export function makeMode(kind, ctx) {
  return MODES[kind](ctx);
}
