// Trace one series of a LineIndex into per-column spans for the scales in view. Where
// columns hold few samples, the polyline through every sample is traced (each sample at
// the pixel Vega's scale puts it); where they hold many, each column's min and max come
// from the series' pyramid, so the cost is per column, not per sample, and a one-sample
// spike is still there.

/** Samples per column above which the columns' extremes come from the pyramid. */
const DENSE = 32;

const scratch = new Float64Array(3);

/**
 * @param {object} t what to trace:
 *   series (Series), xs (the table's x array), values and byRow (the y values: indexed
 *   by table row when byRow, else by position in the series), pyramid (of those values),
 *   x (axisMap of the x scale, device px), y (of the y scale), dense (optional: force
 *   the pyramid path on or off)
 * @param {Spans} spans written in columns [c0, c1] (cleared first)
 * @returns {number} samples in the columns traced (plus one beyond each side)
 */
export function trace(t, spans, c0 = 0, c1 = spans.width - 1) {
  const { series, xs, values, byRow, pyramid, x, y } = t;
  spans.clear(c0, c1);
  if (series.n === 0 || c1 < c0) return 0;
  const rows = series.identity ? null : series.rows;
  const vrows = byRow ? rows : null;
  const log = y.log;
  const { d0: xd0, r0: xr0, k: xk } = x;
  const { d0: yd0, r0: yr0, k: yk } = y;
  // the samples in [c0, c1 + 1) and one beyond each side (the line runs to the border)
  const left = x.from(c0);
  const right = x.from(c1 + 1);
  const start = Math.max(0, series.lowerBound(xs, Math.min(left, right)) - 1);
  const stop = Math.min(series.n, series.upperBound(xs, Math.max(left, right)) + 1);
  const count = stop - start;
  const dense = t.dense ?? count > DENSE * (c1 - c0 + 1);
  const valueAt = (p) => values[vrows ? vrows[p] : p];
  const ok = (v) => (log ? v > 0 && v < Infinity : v - v === 0);
  const py = (v) => (log ? yr0 + (Math.log10(v) - yd0) * yk : yr0 + (v - yd0) * yk);
  const px = (p) => xr0 + (xs[rows ? rows[p] : p] - xd0) * xk;

  if (!dense) {
    traceSamples(values, byRow, xs, rows, start, stop, x, y, spans, c0, c1);
    return count;
  }
  // dense: each column's extremes from the pyramid, joined to the column before by the
  // segment from its last finite sample to this column's first (NaN is skipped: the line
  // goes on across it, as Vega-Lite's line does)
  const back = (p) => {
    while (p >= start && !ok(valueAt(p))) p--;
    return p;
  };
  const ahead = (p) => {
    while (p < stop && !ok(valueAt(p))) p++;
    return p;
  };
  const join = (p, q) => {
    if (p < start || q >= stop || p >= q) return;
    spans.segment(px(p), py(valueAt(p)), px(q), py(valueAt(q)), c0, c1);
  };
  let a = Math.max(start, series.lowerBound(xs, left));
  let prev = back(a - 1);
  for (let c = c0; c <= c1; c++) {
    // the first sample of the next column: a galloping search from this one's first
    const edge = x.from(c + 1);
    let b = a;
    let step = 1;
    while (b + step < stop && xs[rows ? rows[b + step] : b + step] < edge) {
      b += step;
      step *= 2;
    }
    let hi = Math.min(stop, b + step);
    while (b < hi) {
      const mid = (b + hi) >>> 1;
      if (xs[rows ? rows[mid] : mid] < edge) b = mid + 1;
      else hi = mid;
    }
    if (b > a) {
      pyramid.range(values, vrows, a, b, scratch);
      const top = scratch[1];
      const bottom = log ? scratch[2] : scratch[0];
      if (bottom <= top) {
        spans.add(c, py(top));
        spans.add(c, py(bottom));
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

/**
 * Every finite sample of positions [start, stop), column by column: each column's
 * smallest and largest sample, and the segment from one column's last sample to the
 * next one's first — the pixels the polyline through every sample covers.
 */
function traceSamples(values, byRow, xs, rows, start, stop, x, y, spans, c0, c1) {
  const log = y.log;
  const xd0 = x.d0;
  const xr0 = x.r0;
  const xk = x.k;
  const yd0 = y.d0;
  const yr0 = y.r0;
  const yk = y.k;
  let c = -Infinity; // the column being scanned
  let mn = 0;
  let mx = 0;
  let lastX = 0; // the last sample so far (device x, value)
  let lastV = 0;
  let have = false;
  const toY = (v) => (log ? yr0 + (Math.log10(v) - yd0) * yk : yr0 + (v - yd0) * yk);
  for (let p = start; p < stop; p++) {
    const i = rows === null ? p : rows[p];
    const v = byRow ? values[i] : values[p];
    if (!(log ? v > 0 && v < Infinity : v - v === 0)) continue;
    const bx = xr0 + (xs[i] - xd0) * xk;
    const bc = Math.floor(bx);
    if (bc !== c) {
      if (have) {
        if (c >= c0 && c <= c1) {
          spans.add(c, toY(mn));
          spans.add(c, toY(mx));
        }
        const ly = toY(lastV);
        const ny = toY(v);
        if (bc === c + 1) {
          // the common case: the next column. Its ends are in the two columns' extremes;
          // what is left is where it crosses the border between them
          const yb = ly + ((bc - lastX) * (ny - ly)) / (bx - lastX);
          if (c >= c0 && c <= c1) spans.add(c, yb);
          if (bc >= c0 && bc <= c1) spans.add(bc, yb);
        } else {
          spans.segment(lastX, ly, bx, ny, c0, c1);
        }
      }
      c = bc;
      mn = v;
      mx = v;
      have = true;
    } else if (v < mn) {
      mn = v;
    } else if (v > mx) {
      mx = v;
    }
    lastX = bx;
    lastV = v;
  }
  if (have && c >= c0 && c <= c1) {
    spans.add(c, toY(mn));
    spans.add(c, toY(mx));
  }
}
