// Datasets the browser paints from others: a big heatmap as one image, image-grid tiles.
// (Pictures in Python draw these from the same datasets: nbvis/export/derive.py.)
import { interpolateColors, scheme } from "vega";

/** [r, g, b] of a CSS colour as Vega's interpolators write it: "rgb(r, g, b)" or "#rrggbb". */
export function parseColor(text) {
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(text);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = /^#([0-9a-f]{6})$/i.exec(text);
  if (h) return [0, 2, 4].map((k) => parseInt(h[1].slice(k, k + 2), 16));
  throw new Error(`nbvis: cannot read the colour ${JSON.stringify(text)}`);
}

/**
 * A 256-entry RGBA lookup table of a colour scale description ({scheme, reverse} or
 * {range: [low, high]}), through Vega's own schemes and colour interpolation.
 */
export function colorLut(color) {
  let interpolate;
  if (color.range) {
    interpolate = interpolateColors(color.range);
  } else {
    interpolate = scheme(color.scheme);
    if (typeof interpolate !== "function") throw new Error(`unknown colour scheme ${JSON.stringify(color.scheme)}`);
  }
  const lut = new Uint8ClampedArray(4 * 256);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = parseColor(interpolate((color.reverse ? 255 - i : i) / 255));
    lut[4 * i] = r;
    lut[4 * i + 1] = g;
    lut[4 * i + 2] = b;
    lut[4 * i + 3] = 255;
  }
  return lut;
}

function canvasUrl(width, height, rgba) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").putImageData(new ImageData(rgba, width, height), 0, 0);
  return canvas.toDataURL("image/png");
}

/**
 * RGBA pixels of `n` values through a lookup table over [lo, hi]; non-finite values are
 * transparent.
 */
export function paintValues(values, n, lo, hi, lut) {
  const rgba = new Uint8ClampedArray(4 * n);
  const span = hi - lo || 1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const k = 4 * Math.round(255 * Math.min(1, Math.max(0, (v - lo) / span)));
    rgba[4 * i] = lut[k];
    rgba[4 * i + 1] = lut[k + 1];
    rgba[4 * i + 2] = lut[k + 2];
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

/**
 * A big heatmap as one image: the matrix (row-major values) painted through the same
 * colour scale as the legend. Non-finite cells are transparent.
 */
export function rasterRows(store, meta) {
  const table = store.tables.get(meta.source);
  const column = table?.columns.get("value");
  const n = meta.rows * meta.cols;
  if (!column || table.n !== n) return [];
  const values = column.data;
  let [lo, hi] = meta.domain ?? [Infinity, -Infinity];
  if (!meta.domain) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!(lo <= hi)) return [];
  const rgba = paintValues(values, n, lo, hi, colorLut(meta.color));
  const box = { x0: 0, x1: meta.cols, y0: 0, y1: meta.rows };
  return [
    { ...box, url: canvasUrl(meta.cols, meta.rows, rgba), v: lo },
    { ...box, url: null, v: hi },
  ];
}

/** The tiles of an image grid: each image's bytes painted on a canvas, as a URL. */
export function tileRows(store, meta) {
  const info = store.tables.get(meta.meta);
  const pixels = store.tables.get(meta.pixels)?.columns.get("v")?.data;
  if (!info || !pixels) return [];
  return info.rows().map((row) => {
    const { h, w, c, offset } = row;
    const rgba = new Uint8ClampedArray(4 * h * w);
    for (let i = 0; i < h * w; i++) {
      const p = offset + i * c;
      if (c === 1) {
        rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = pixels[p];
        rgba[4 * i + 3] = 255;
      } else {
        rgba[4 * i] = pixels[p];
        rgba[4 * i + 1] = pixels[p + 1];
        rgba[4 * i + 2] = pixels[p + 2];
        rgba[4 * i + 3] = c === 4 ? pixels[p + 3] : 255;
      }
    }
    return { ...row, url: canvasUrl(w, h, rgba) };
  });
}

/** Datasets the browser derives from others: painted images. */
export function derivedDatasets(meta) {
  const out = [];
  if (meta.raster) {
    out.push({ target: meta.raster.target, sources: [meta.raster.source], rows: (s) => rasterRows(s, meta.raster) });
  }
  if (meta.images) {
    const m = meta.images;
    out.push({ target: m.target, sources: [m.meta, m.pixels], rows: (s) => tileRows(s, m) });
  }
  return out;
}
