// The JavaScript side of the Python/JS contract (nbvis/_contract.py): the only module
// that reads a spec's `usermeta.nbvis`, and the dataset names. Keep the two in step.

export const VALUES = "values";
export const SMOOTHED = "smoothed";
export const EVENTS = "events";
export const BINS = "bins";
export const STATS = "stats";
export const CELLS = "cells";
export const MATRIX = "matrix";
export const RASTER = "raster";
export const IMAGES = "images";
export const PIXELS = "pixels";
export const TILES = "tiles";
export const ROWS = "rows";

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
