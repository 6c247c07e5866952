// Level of detail of a long (x, y, series) table, computed in the browser from the
// store's full-resolution typed arrays, so zoom and pan never need the kernel.
//
// Lines: per series, the samples of the visible x range plus one beyond each edge; when
// there are more than two per pixel column they are decimated to each column's smallest
// and largest sample, in x order (MinMax: a vertical stroke per column, as drawing every
// sample paints it), which keeps a one-sample spike at every zoom level. Zoomed in far
// enough, every sample is drawn. Vega's cost is per row, so two rows a column, not M4's four.
//
// Points: every visible point while there are at most `limit`; beyond that one mark per
// occupied cell of a few pixels per series, carrying how many points it stands for.

/** Per-series row positions, sorted by x, for a table version (rebuilt when it changes). */
class SeriesIndex {
  constructor(table, sortByX) {
    const n = table.n;
    const xs = table.columns.get("x").data;
    const codes = table.columns.get("series")?.data;
    let k = 1;
    if (codes) for (let i = 0; i < n; i++) if (codes[i] + 1 > k) k = codes[i] + 1;
    const counts = new Int32Array(k);
    if (codes) for (let i = 0; i < n; i++) counts[codes[i]] += 1;
    else counts[0] = n;
    this.lists = [];
    this.sorted = true;
    if (k === 1) {
      this.lists.push(null); // identity: row i is position i
    } else {
      const lists = Array.from(counts, (c) => new Int32Array(c));
      const fill = new Int32Array(k);
      for (let i = 0; i < n; i++) {
        const c = codes[i];
        lists[c][fill[c]++] = i;
      }
      this.lists = lists;
    }
    this.lengths = Array.from(counts);
    if (!sortByX) return;
    // A line is drawn in x order: a series whose x goes back gets a sorted copy
    // (points without a finite x cannot be placed and are left out).
    for (let s = 0; s < this.lists.length; s++) {
      const list = this.lists[s];
      const len = this.lengths[s];
      let ordered = true;
      let prev = -Infinity;
      for (let p = 0; p < len && ordered; p++) {
        const x = xs[list ? list[p] : p];
        if (!(x >= prev)) ordered = false;
        prev = x;
      }
      if (ordered) continue;
      const rows = [];
      for (let p = 0; p < len; p++) {
        const i = list ? list[p] : p;
        if (Number.isFinite(xs[i])) rows.push(i);
      }
      rows.sort((a, b) => xs[a] - xs[b] || a - b);
      this.lists[s] = Int32Array.from(rows);
      this.lengths[s] = rows.length;
      this.sorted = false;
    }
  }
}

/** First position p in [0, len) with x(p) >= value (x sorted). */
export function lowerBound(xs, list, len, value) {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[list ? list[mid] : mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position p in [0, len) with x(p) > value (x sorted). */
export function upperBound(xs, list, len, value) {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[list ? list[mid] : mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A growable Int32 list. */
class Indices {
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
    this.length = 0;
  }

  push(i) {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = i;
  }

  view() {
    return this.data.subarray(0, this.length);
  }
}

/** The series index of the latest table version seen (lines want it sorted by x). */
class Indexed {
  constructor(sortByX) {
    this.sortByX = sortByX;
    this.cache = null; // { table, version, index }
  }

  index(table) {
    const c = this.cache;
    if (c && c.table === table && c.version === table.version) return c.index;
    const index = new SeriesIndex(table, this.sortByX);
    this.cache = { table, version: table.version, index };
    return index;
  }
}

export class LineLod extends Indexed {
  constructor() {
    super(true);
  }

  /** [min, max] of x over all series, or null without finite x. */
  extent(table) {
    if (!table?.columns.get("x") || table.n === 0) return null;
    const xs = table.columns.get("x").data;
    const index = this.index(table);
    let lo = Infinity;
    let hi = -Infinity;
    index.lists.forEach((list, s) => {
      const len = index.lengths[s];
      // sorted: the first and last finite x of the series
      for (let p = 0; p < len; p++) {
        const x = xs[list ? list[p] : p];
        if (Number.isFinite(x)) {
          if (x < lo) lo = x;
          break;
        }
      }
      for (let p = len - 1; p >= 0; p--) {
        const x = xs[list ? list[p] : p];
        if (Number.isFinite(x)) {
          if (x > hi) hi = x;
          break;
        }
      }
    });
    return lo <= hi ? [lo, hi] : null;
  }

  /**
   * Rows to draw for x in [lo, hi] on `width` pixel columns.
   * @returns {{ rows: Int32Array, visible: number }} row indices and samples in range
   */
  select(table, lo, hi, width) {
    const out = new Indices(Math.min(table.n, 2 * width * 2) + 16);
    const xCol = table.columns.get("x");
    const yCol = table.columns.get("y");
    if (!xCol || !yCol || table.n === 0) return { rows: out.view(), visible: 0 };
    const xs = xCol.data;
    const ys = yCol.data;
    const index = this.index(table);
    const columns = Math.max(1, Math.floor(width));
    const scale = hi > lo ? columns / (hi - lo) : 0;
    let visible = 0;
    const picked = [0, 0, 0, 0, 0];
    for (let s = 0; s < index.lists.length; s++) {
      const list = index.lists[s];
      const len = index.lengths[s];
      // one sample beyond each edge, so the line runs to the plot's border
      const start = Math.max(0, lowerBound(xs, list, len, lo) - 1);
      const stop = Math.min(len, upperBound(xs, list, len, hi) + 1);
      visible += Math.max(0, stop - start);
      if (stop - start <= 2 * columns) {
        for (let p = start; p < stop; p++) out.push(list ? list[p] : p);
        continue;
      }
      let bucket = -2; // no column yet (-1 and `columns` are the columns beyond the view)
      let first = 0;
      let last = 0;
      let minP = -1;
      let maxP = -1;
      let badP = -1;
      let minV = Infinity;
      let maxV = -Infinity;
      const flush = () => {
        // each column's smallest and largest sample, in x order (its first and last too
        // for the columns beyond the view's edges, so the line leaves the plot right)
        let m = 0;
        const edge = bucket < 0 || bucket >= columns;
        if (edge) picked[m++] = first;
        if (minP >= 0) picked[m++] = minP;
        if (maxP >= 0) picked[m++] = maxP;
        if (badP >= 0) picked[m++] = badP;
        if (edge || m === 0) picked[m++] = last;
        for (let a = 1; a < m; a++) {
          const v = picked[a];
          let b = a - 1;
          while (b >= 0 && picked[b] > v) {
            picked[b + 1] = picked[b];
            b--;
          }
          picked[b + 1] = v;
        }
        for (let a = 0; a < m; a++) {
          if (a > 0 && picked[a] === picked[a - 1]) continue;
          out.push(list ? list[picked[a]] : picked[a]);
        }
      };
      for (let p = start; p < stop; p++) {
        const i = list ? list[p] : p;
        let b = Math.floor((xs[i] - lo) * scale);
        if (b < 0) b = -1; // the sample before the view has a column of its own
        else if (b >= columns) b = columns;
        if (b !== bucket) {
          if (bucket !== -2) flush();
          bucket = b;
          first = p;
          minP = maxP = badP = -1;
          minV = Infinity;
          maxV = -Infinity;
        }
        last = p;
        const y = ys[i];
        if (Number.isFinite(y)) {
          if (y < minV) {
            minV = y;
            minP = p;
          }
          if (y > maxV) {
            maxV = y;
            maxP = p;
          }
        } else if (badP < 0) {
          badP = p;
        }
      }
      flush();
    }
    return { rows: out.view(), visible };
  }
}

export class PointLod extends Indexed {
  constructor(limit = 50000, cell = 3) {
    super(false);
    this.limit = limit;
    this.cell = cell;
  }

  /**
   * Rows to draw for the box x in [x0, x1], y in [y0, y1] on a width x height plot.
   * @returns {{ rows: Int32Array, counts: Int32Array | null, visible: number, binned: boolean }}
   */
  select(table, [x0, x1], [y0, y1], width, height) {
    const xCol = table.columns.get("x");
    const yCol = table.columns.get("y");
    const none = { rows: new Int32Array(0), counts: null, visible: 0, binned: false };
    if (!xCol || !yCol || table.n === 0) return none;
    const xs = xCol.data;
    const ys = yCol.data;
    const n = table.n;
    const inside = (i) => xs[i] >= x0 && xs[i] <= x1 && ys[i] >= y0 && ys[i] <= y1;
    let visible = 0;
    for (let i = 0; i < n; i++) if (inside(i)) visible += 1;
    if (visible <= this.limit) {
      const rows = new Int32Array(visible);
      let k = 0;
      for (let i = 0; i < n; i++) if (inside(i)) rows[k++] = i;
      return { rows, counts: null, visible, binned: false };
    }
    const index = this.index(table);
    const nx = Math.max(1, Math.ceil(width / this.cell));
    const ny = Math.max(1, Math.ceil(height / this.cell));
    const sx = x1 > x0 ? nx / (x1 - x0) : 0;
    const sy = y1 > y0 ? ny / (y1 - y0) : 0;
    const firstOf = new Int32Array(nx * ny);
    const countOf = new Int32Array(nx * ny);
    const rows = new Indices();
    const counts = new Indices();
    for (let s = 0; s < index.lists.length; s++) {
      const list = index.lists[s];
      const len = index.lengths[s];
      firstOf.fill(-1);
      countOf.fill(0);
      const used = new Indices();
      for (let p = 0; p < len; p++) {
        const i = list ? list[p] : p;
        if (!inside(i)) continue;
        const cx = Math.min(nx - 1, Math.floor((xs[i] - x0) * sx));
        const cy = Math.min(ny - 1, Math.floor((ys[i] - y0) * sy));
        const cell = cx * ny + cy;
        if (firstOf[cell] < 0) {
          firstOf[cell] = i;
          used.push(cell);
        }
        countOf[cell] += 1;
      }
      for (const cell of used.view()) {
        rows.push(firstOf[cell]);
        counts.push(countOf[cell]);
      }
    }
    return { rows: rows.view(), counts: counts.view(), visible, binned: true };
  }
}
