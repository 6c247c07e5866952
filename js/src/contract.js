// The JavaScript side of the Python/JS contract (nbvis/_contract.py): the only module
// that reads a spec's `usermeta.nbvis`, and the names both sides use. A chart's datasets
// are named in its spec and its meta, so only the widgets without a spec need a dataset
// name here. tests/unit/test_contract.py checks every constant against Python's and runs
// the spec rewriting on Python's real specs (js/test/contract.mjs).

/** The table widget's rows. */
export const ROWS = "rows";
/** A runs board's long rows (run, tag, step, time, value). */
export const SCALARS = "scalars";
/** The runs board's x axes, in the order of its drop-down. */
export const X_AXES = ["step", "relative", "wall"];
/** The interval param of an XY chart bound to its scales (signals `zoom_x`, `zoom_y`). */
export const ZOOM_PARAM = "zoom";
/** The hover selection of an XY chart's rule and points. */
export const HOVER_PARAM = "hover";
/** The row field set on the rows thinned out for hovering a big line. */
export const THIN_FIELD = "nbvis_thin";

/**
 * The chart metadata of a spec, every key optional:
 * `lod` {dataset, kind: "line"|"points", draw?: "canvas"|"vega"}, `smooth` {source, target, weight},
 * `log_toggle` bool, `raster` {source, target, rows, cols, color, domain},
 * `images` {meta, pixels, target}, `stats` (dataset name).
 * @param {object | undefined} spec a Vega-Lite spec from the kernel
 * @returns {object}
 */
export function chartMeta(spec) {
  const meta = spec?.usermeta?.nbvis;
  return meta && typeof meta === "object" ? meta : {};
}
