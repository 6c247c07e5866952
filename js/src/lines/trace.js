// Trace one series of a LineIndex into per-column spans for the scales in view. Where a
// column holds few samples, the polyline through every sample is traced (each sample at
// the pixel Vega's scale puts it); where it holds many, the column's min and max come from
// the series' pyramid, so the cost is per column, not per sample, and a one-sample spike
// is still there.

/** Samples per column above which a column's extremes come from the pyramid. */
const DENSE = 8;

const scratch = new Float64Array(3);

/**
 * @param {object} t what to trace:
 *   series (Series), xs (the table's x array), value (p => y of position p),
 *   pyramid (of those values), x (axisMap of the x scale, device px), y (of the y scale),
 *   dense (optional: force the pyramid path on or off)
 * @param {Spans} spans written in columns [c0, c1] (cleared first)
 * @returns {number} samples in the columns traced (plus one beyond each side)
 */
export function trace(t, spans, c0 = 0, c1 = spans.width - 1) {
  const { series, xs, value, pyramid, x, y } = t;
  spans.clear(c0, c1);
  if (series.n === 0 || c1 < c0) return 0;
  const log = y.log;
  const ok = log ? (v) => v > 0 && v < Infinity : (v) => v - v === 0;
  // the samples in [c0, c1 + 1) and one beyond each side (the line runs to the border)
  const lo = x.from(c0);
  const hi = x.from(c1 + 1);
  const start = Math.max(0, series.lowerBound(xs, Math.min(lo, hi)) - 1);
  const stop = Math.min(series.n, series.upperBound(xs, Math.max(lo, hi)) + 1);
  const count = stop - start;
  const dense = t.dense ?? count > DENSE * (c1 - c0 + 1);
  if (!dense) {
    let have = false;
    let px = 0;
    let py = 0;
    let lone = true;
    for (let p = start; p < stop; p++) {
      const v = value(p);
      if (!ok(v)) continue;
      const qx = x.to(xs[series.row(p)]);
      const qy = y.to(v);
      if (have) {
        spans.segment(px, py, qx, qy, c0, c1);
        lone = false;
      }
      px = qx;
      py = qy;
      have = true;
    }
    if (have && lone) spans.point(px, py, c0, c1); // a series of one point is a dot
    return count;
  }
  // dense: each column's extremes from the pyramid, joined to the column before by the
  // segment from its last finite sample to this column's first (NaN is skipped: the line
  // goes on across it, as Vega-Lite's line does)
  const back = (p) => {
    while (p >= start && !ok(value(p))) p--;
    return p;
  };
  const ahead = (p) => {
    while (p < stop && !ok(value(p))) p++;
    return p;
  };
  const join = (p, q) => {
    if (p < start || q >= stop || p >= q) return;
    spans.segment(x.to(xs[series.row(p)]), y.to(value(p)), x.to(xs[series.row(q)]), y.to(value(q)), c0, c1);
  };
  let a = Math.max(start, series.lowerBound(xs, x.from(c0)));
  let prev = back(a - 1);
  for (let c = c0; c <= c1; c++) {
    const b = Math.min(stop, series.lowerBound(xs, x.from(c + 1)));
    if (b > a) {
      pyramid.range(value, a, b, scratch);
      const top = scratch[1];
      const bottom = log ? scratch[2] : scratch[0];
      if (bottom <= top) {
        spans.add(c, y.to(top));
        spans.add(c, y.to(bottom));
        join(prev, ahead(a));
        prev = back(b - 1);
      }
      a = b;
    }
  }
  // and from the last sample traced to the first one beyond the right edge
  join(prev, ahead(prev + 1));
  return count;
}
