// The series of a long (x, y, series) table as the line layer reads them: per series,
// its rows in x order and a min/max pyramid of its y (and of its smoothed y), kept up to
// date incrementally while rows are appended, so a live update costs O(new rows).
import { smoothStep } from "../derive/smooth.js";
import { lowerBound, upperBound } from "../lod.js";
import { Pyramid } from "./pyramid.js";

/** A growable Int32 array. */
function growInt(array, need) {
  if (need <= array.length) return array;
  const next = new Int32Array(Math.max(need, array.length * 2, 64));
  next.set(array);
  return next;
}

function growFloat(array, need) {
  if (need <= array.length) return array;
  const next = new Float64Array(Math.max(need, array.length * 2, 64));
  next.set(array);
  return next;
}

/** The smoothed values of one series (derive/smooth.js's rule), continued as values arrive. */
class Smoothed {
  constructor(weight) {
    this.weight = weight;
    this.values = new Float64Array(0);
    this.state = { last: 0, n: 0 }; // derive/smooth.js's smoothing, one step per value
    this.n = 0;
    this.pyramid = new Pyramid();
  }

  /** Smooth positions [this.n, to) of `ys[rows[p]]` (`ys[p]` when rows is null). */
  extend(ys, rows, to) {
    const w = this.weight;
    this.values = growFloat(this.values, to);
    const from = this.n;
    for (let p = from; p < to; p++) {
      const y = ys[rows ? rows[p] : p];
      if (Number.isFinite(y)) {
        this.values[p] = smoothStep(this.state, y, w);
      } else {
        this.values[p] = NaN; // skipped: the smoothed line joins its neighbours
      }
    }
    this.n = to;
    this.pyramid.append(this.values, null, from, to);
  }
}

/** One series: its rows in x order (identity when the table is that series, in order). */
export class Series {
  constructor(code, name) {
    this.code = code;
    this.name = name;
    this.rows = new Int32Array(0);
    this.identity = false;
    this.n = 0;
    this.lastX = -Infinity;
    this.pyramid = new Pyramid();
    this.smooth = null;
  }

  row(p) {
    return this.identity ? p : this.rows[p];
  }

  /** First position with x >= value. */
  lowerBound(xs, value) {
    return lowerBound(xs, this.identity ? null : this.rows, this.n, value);
  }

  /** First position with x > value. */
  upperBound(xs, value) {
    return upperBound(xs, this.identity ? null : this.rows, this.n, value);
  }

  /** The position whose x is nearest to `value`, or -1 for an empty series. */
  nearest(xs, value) {
    if (this.n === 0) return -1;
    const p = this.lowerBound(xs, value);
    if (p >= this.n) return this.n - 1;
    if (p === 0) return 0;
    const before = xs[this.row(p - 1)];
    const after = xs[this.row(p)];
    return value - before <= after - value ? p - 1 : p;
  }
}

/**
 * Every series of one table, in x order, with pyramids; `sync(table)` after each change.
 * A table whose rows only grew is extended in place; one that was replaced, trimmed by a
 * window or whose new rows go back in x is rebuilt.
 */
export class LineIndex {
  constructor() {
    this.table = null;
    this.moved = -1;
    this.n = 0;
    this.series = []; // by series code
    this.weight = null; // smoothing weight of the smoothed tracks, or null
  }

  /** The smoothing weight of the smoothed tracks (null: none); recomputes them. */
  setSmoothing(weight) {
    if (weight === this.weight) return;
    this.weight = weight;
    for (const s of this.series) if (s) this.smoothSeries(s);
  }

  smoothSeries(s) {
    if (this.weight === null) {
      s.smooth = null;
      return;
    }
    s.smooth = new Smoothed(this.weight);
    s.smooth.extend(this.table.columns.get("y").data, s.identity ? null : s.rows, s.n);
  }

  /**
   * Bring the index up to date with `table`.
   * @returns {Map<number, number> | null} per series code the first new position, or
   *   null when everything was rebuilt
   */
  sync(table) {
    const moved = table.moved ?? 0;
    if (table !== this.table || moved !== this.moved || table.n < this.n) {
      this.rebuild(table);
      return null;
    }
    const from = this.n;
    const to = table.n;
    const touched = new Map();
    if (to === from) return touched;
    const xs = table.columns.get("x").data;
    const ys = table.columns.get("y").data;
    const codes = table.columns.get("series")?.data;
    // a new row that goes back in x means a re-sort: check before changing anything
    const lastX = this.series.map((s) => (s ? s.lastX : -Infinity));
    for (let i = from; i < to; i++) {
      const x = xs[i];
      if (!Number.isFinite(x)) continue;
      const c = codes ? codes[i] : 0;
      if (x < (lastX[c] ?? -Infinity)) {
        this.rebuild(table);
        return null;
      }
      lastX[c] = x;
    }
    for (let i = from; i < to; i++) {
      const x = xs[i];
      if (!Number.isFinite(x)) continue; // a point without x cannot be placed
      const c = codes ? codes[i] : 0;
      const s = this.seriesOf(c, table);
      if (s.identity && i !== s.n) this.unalias(s);
      if (!s.identity) {
        s.rows = growInt(s.rows, s.n + 1);
        s.rows[s.n] = i;
      }
      if (!touched.has(c)) touched.set(c, s.n);
      s.n += 1;
      s.lastX = x;
    }
    for (const [c, first] of touched) {
      const s = this.series[c];
      const rows = s.identity ? null : s.rows;
      s.pyramid.append(ys, rows, first, s.n);
      s.smooth?.extend(ys, rows, s.n);
    }
    this.n = to;
    return touched;
  }

  seriesOf(code, table) {
    let s = this.series[code];
    if (!s) {
      const names = table.columns.get("series");
      s = new Series(code, names ? (names.categories[code] ?? String(code)) : "Series 1");
      s.identity = this.series.every((other) => !other) && this.n === 0;
      if (this.weight !== null) s.smooth = new Smoothed(this.weight);
      this.series[code] = s;
    }
    return s;
  }

  unalias(s) {
    s.rows = new Int32Array(Math.max(64, s.n * 2));
    for (let p = 0; p < s.n; p++) s.rows[p] = p;
    s.identity = false;
  }

  rebuild(table) {
    this.table = table;
    this.moved = table.moved ?? 0;
    this.n = table.n;
    this.series = [];
    const n = table.n;
    const xCol = table.columns.get("x");
    const yCol = table.columns.get("y");
    if (!xCol || !yCol) return;
    const xs = xCol.data;
    const ys = yCol.data;
    const names = table.columns.get("series");
    const codes = names?.data;
    // rows grouped by series (a counting sort), each group in table order
    let k = 1;
    if (codes) for (let i = 0; i < n; i++) if (codes[i] >= k) k = codes[i] + 1;
    const counts = new Int32Array(k + 1);
    for (let i = 0; i < n; i++) if (xs[i] - xs[i] === 0) counts[(codes ? codes[i] : 0) + 1] += 1;
    for (let c = 0; c < k; c++) counts[c + 1] += counts[c];
    const order = new Int32Array(counts[k]);
    const fill = counts.slice(0, k);
    for (let i = 0; i < n; i++) if (xs[i] - xs[i] === 0) order[fill[codes ? codes[i] : 0]++] = i;
    for (let c = 0; c < k; c++) {
      let list = order.subarray(counts[c], counts[c + 1]);
      if (list.length === 0) continue;
      const s = new Series(c, names ? (names.categories[c] ?? String(c)) : "Series 1");
      let sorted = true;
      for (let j = 1; j < list.length && sorted; j++) if (xs[list[j]] < xs[list[j - 1]]) sorted = false;
      if (!sorted) list = Int32Array.from(Array.from(list).sort((p, q) => xs[p] - xs[q] || p - q));
      s.identity = k === 1 && list.length === n && sorted;
      if (!s.identity) s.rows = list;
      s.n = list.length;
      s.lastX = xs[list[list.length - 1]];
      s.pyramid.build(ys, s.identity ? null : s.rows, s.n);
      this.series[c] = s;
      if (this.weight !== null) this.smoothSeries(s);
    }
  }
}
