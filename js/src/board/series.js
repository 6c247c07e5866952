// The board's data: one series per (run, tag), typed arrays grown from the `scalars`
// rows as they arrive (O(new rows)), and the per-draw work on them — x by axis mode,
// TensorBoard's smoothing, min/max decimation per pixel column, nearest point.

const GROW = 2;

class Growing {
  constructor(Typed) {
    this.Typed = Typed;
    this.data = new Typed(16);
  }

  ensure(n) {
    if (n <= this.data.length) return;
    const grown = new this.Typed(Math.max(n, this.data.length * GROW));
    grown.set(this.data);
    this.data = grown;
  }

  /** Store `v` at `i`; float32 storage widens to float64 for a value it cannot hold exactly. */
  put(i, v) {
    if (this.Typed === Float32Array && Math.fround(v) !== v && v === v) {
      const wide = new Float64Array(this.data.length);
      wide.set(this.data);
      this.data = wide;
      this.Typed = Float64Array;
    }
    this.data[i] = v;
  }
}

/** One run's values of one tag, in logging order. */
export class Series {
  constructor(run, tag) {
    this.run = run;
    this.tag = tag;
    this.n = 0;
    // times and values arrive as float32 (the kernel widens a column that needs more, and
    // so does put()): half the memory of float64 for a board of millions of points
    this.step = new Growing(Float64Array);
    this.time = new Growing(Float32Array); // seconds since the run's start
    this.value = new Growing(Float32Array);
    this.monotone = { step: true, time: true };
    this.nonFinite = 0;
    this.stats = null; // last, min and max of the finite values, kept as values arrive
    this.version = 0;
    this.smooth = { weight: -1, n: 0, last: 0, count: 0, data: new Float64Array(0) };
  }

  push(step, time, value) {
    const i = this.n;
    this.step.ensure(i + 1);
    this.time.ensure(i + 1);
    this.value.ensure(i + 1);
    if (i > 0) {
      if (step < this.step.data[i - 1]) this.monotone.step = false;
      if (time < this.time.data[i - 1]) this.monotone.time = false;
    }
    this.step.data[i] = step;
    this.time.put(i, time);
    this.value.put(i, value);
    if (!Number.isFinite(value)) this.nonFinite += 1;
    else if (this.stats === null) this.stats = { last: value, min: value, max: value };
    else {
      this.stats.last = value;
      if (value < this.stats.min) this.stats.min = value;
      if (value > this.stats.max) this.stats.max = value;
    }
    this.n = i + 1;
    this.version += 1;
  }

  /** The x values for an axis mode ("step", "relative": seconds, "wall": ms since the epoch). */
  xs(mode, start) {
    if (mode === "step") return this.step.data;
    if (mode === "relative") return this.time.data;
    const key = `wall:${start}:${this.n}`;
    if (this._wallKey !== key) {
      const out = new Float64Array(this.n);
      const t = this.time.data;
      for (let i = 0; i < this.n; i++) out[i] = (start + t[i]) * 1000;
      this._wall = out;
      this._wallKey = key;
    }
    return this._wall;
  }

  isMonotone(mode) {
    return mode === "step" ? this.monotone.step : this.monotone.time;
  }

  /**
   * TensorBoard's smoothing (debiased EMA, non-finite values skipped and kept as they
   * are), continued incrementally: only new values are smoothed.
   */
  smoothed(weight) {
    const s = this.smooth;
    if (s.weight !== weight || s.n > this.n) {
      s.weight = weight;
      s.n = 0;
      s.last = 0;
      s.count = 0;
    }
    if (s.data.length < this.n) {
      const grown = new Float64Array(this.value.data.length);
      grown.set(s.data.subarray(0, s.n));
      s.data = grown;
    }
    const v = this.value.data;
    for (let i = s.n; i < this.n; i++) {
      const y = v[i];
      if (!Number.isFinite(y)) {
        s.data[i] = y;
        continue;
      }
      s.last = s.last * weight + (1 - weight) * y;
      s.count += 1;
      s.data[i] = weight === 0 ? y : s.last / (1 - Math.pow(weight, s.count));
    }
    s.n = this.n;
    return s.data;
  }
}

/** First index with xs[i] >= x (xs sorted, n values). */
export function lowerBound(xs, n, x) {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Decimate one series to at most four points per pixel column of [x0, x1] over `width`
 * columns: each column's first, minimum, maximum and last (in x order), so a one-sample
 * spike is always drawn. Non-finite values break the line: they are returned as NaN
 * points (a gap) and their x in `marks`. The points just outside the domain are kept,
 * so a line runs to the edge of the plot.
 * @returns {{x: Float64Array, y: Float64Array, n: number, lo: number, hi: number, marks: number[]}}
 */
export function decimate(xs, ys, n, x0, x1, width, sorted = true) {
  let i0 = 0;
  let i1 = n;
  if (sorted) {
    i0 = Math.max(0, lowerBound(xs, n, x0) - 1);
    i1 = Math.min(n, lowerBound(xs, n, x1) + 1);
    while (i1 < n && xs[i1 - 1] <= x1) i1 += 1;
  }
  const cols = Math.max(1, Math.floor(width));
  const cap = Math.min(i1 - i0, cols * 4 + 8) + 8;
  const outX = new Float64Array(cap);
  const outY = new Float64Array(cap);
  const marks = [];
  let m = 0;
  let lo = Infinity;
  let hi = -Infinity;
  const scale = x1 > x0 ? cols / (x1 - x0) : 0;
  let col = null;
  // the current column's candidates: first, min, max, last (indices)
  let first = -1;
  let min = -1;
  let max = -1;
  let last = -1;
  const emit = () => {
    if (first < 0) return;
    const picks = [first, min, max, last].sort((a, b) => a - b);
    let prev = -1;
    for (const k of picks) {
      if (k === prev) continue;
      prev = k;
      if (m + 1 >= outX.length) return;
      outX[m] = xs[k];
      outY[m] = ys[k];
      m += 1;
    }
  };
  for (let i = i0; i < i1; i++) {
    const x = xs[i];
    const y = ys[i];
    if (!sorted && (x < x0 || x > x1)) continue;
    if (!Number.isFinite(y)) {
      emit();
      first = -1;
      col = null;
      if (Number.isFinite(x)) marks.push(x);
      if (m < outX.length) {
        outX[m] = x;
        outY[m] = NaN;
        m += 1;
      }
      continue;
    }
    if (x >= x0 && x <= x1) {
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
    const c = Math.floor((x - x0) * scale);
    if (c !== col) {
      emit();
      col = c;
      first = min = max = last = i;
      continue;
    }
    if (y < ys[min]) min = i;
    if (y > ys[max]) max = i;
    last = i;
  }
  emit();
  return { x: outX, y: outY, n: m, lo, hi, marks };
}

/** Index of the point of `xs` nearest to `x` (sorted xs), or -1 when empty. */
export function nearest(xs, n, x, sorted = true) {
  if (n === 0) return -1;
  if (!sorted) {
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) best = i;
    return best;
  }
  const i = lowerBound(xs, n, x);
  if (i <= 0) return 0;
  if (i >= n) return n - 1;
  return x - xs[i - 1] <= xs[i] - x ? i - 1 : i;
}

/** A regular expression from a filter box: null for an empty box, an Error if invalid. */
export function parseFilter(text) {
  const source = (text ?? "").trim();
  if (!source) return null;
  try {
    return new RegExp(source, "i");
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The runs that a hidden set, a solo run and a filter leave visible. */
export function visibleRuns(names, { hidden, solo, filter }) {
  return names.filter((name) => {
    if (filter instanceof RegExp && !filter.test(name)) return false;
    if (solo !== null && solo !== undefined) return name === solo;
    return !hidden.has(name);
  });
}

/** The last, min and max of the finite values of a series (null when none). */
export function summary(series) {
  return series.stats;
}

/** The board's series, filled from the `scalars` table of the model's store. */
export class BoardData {
  constructor() {
    this.series = new Map(); // `${run}\u0000${tag}` -> Series
    this.tags = [];
    this.read = 0; // rows of the table already taken
    this.version = 0;
  }

  get(run, tag) {
    return this.series.get(`${run}\u0000${tag}`);
  }

  /** Take rows [this.read, table.n) of the `scalars` table. */
  ingest(table) {
    if (!table || table.n <= this.read) return false;
    const runs = table.columns.get("run");
    const tags = table.columns.get("tag");
    const steps = table.columns.get("step").data;
    const times = table.columns.get("time").data;
    const values = table.columns.get("value").data;
    let s = null;
    let runCode = -1;
    let tagCode = -1;
    for (let i = this.read; i < table.n; i++) {
      // rows come in long stretches of one run and tag: look the series up once a stretch
      if (runs.data[i] !== runCode || tags.data[i] !== tagCode) {
        runCode = runs.data[i];
        tagCode = tags.data[i];
        const run = runs.categories[runCode];
        const tag = tags.categories[tagCode];
        const key = `${run}\u0000${tag}`;
        s = this.series.get(key);
        if (!s) {
          s = new Series(run, tag);
          this.series.set(key, s);
          if (!this.tags.includes(tag)) this.tags.push(tag);
        }
      }
      s.push(steps[i], times[i], values[i]);
    }
    this.read = table.n;
    this.version += 1;
    return true;
  }
}
