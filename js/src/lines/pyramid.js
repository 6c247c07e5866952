// Min and max of a growing sequence over any range of positions in O(log n): blocks of
// 16 values, blocks of 16 blocks, and so on. A pixel column that stands for a million
// samples of a line costs a few dozen look-ups instead of a million reads.

const SHIFT = 4;
const B = 1 << SHIFT;

/** A growable Float64 array. */
function grow(array, need) {
  if (need <= array.length) return array;
  const next = new Float64Array(Math.max(need, array.length * 2, 16));
  next.set(array);
  return next;
}

function emptyLevel() {
  return { min: new Float64Array(0), max: new Float64Array(0), pos: new Float64Array(0), n: 0 };
}

/** Give a level room for `n` blocks (new blocks empty). */
function sizeLevel(level, n) {
  const old = level.min.length;
  if (n > old) {
    level.min = grow(level.min, n);
    level.max = grow(level.max, n);
    level.pos = grow(level.pos, n);
    level.min.fill(Infinity, old);
    level.max.fill(-Infinity, old);
    level.pos.fill(Infinity, old);
  }
  level.n = n;
}

export class Pyramid {
  constructor() {
    // levels[k] summarises blocks of 16^(k+1) positions: min and max of the finite
    // values, and the smallest positive one (what a log scale can show)
    this.levels = [];
    this.n = 0;
  }

  /**
   * Rebuild over positions [0, n): the value at position p is `values[rows[p]]`, or
   * `values[p]` when `rows` is null (non-finite values are skipped).
   */
  build(values, rows, n) {
    this.levels = [];
    this.n = 0;
    this.append(values, rows, 0, n);
  }

  /** Take in positions [from, to) (appended: from === this.n); values as in `build`. */
  append(values, rows, from, to) {
    if (to <= from) return;
    if (this.levels.length === 0) this.levels.push(emptyLevel());
    // the values into blocks of 16
    const base = this.levels[0];
    sizeLevel(base, Math.max(base.n, ((to - 1) >> SHIFT) + 1));
    const { min, max, pos } = base;
    for (let p = from; p < to; p++) {
      const v = values[rows ? rows[p] : p];
      if (v - v !== 0) continue; // NaN and ±Infinity: not on a scale
      const b = p >> SHIFT;
      if (v < min[b]) min[b] = v;
      if (v > max[b]) max[b] = v;
      if (v > 0 && v < pos[b]) pos[b] = v;
    }
    // each level above: its blocks over the changed ones below, summarised again
    let lo = from >> SHIFT;
    for (let k = 1; this.levels[k - 1].n > 1; k++) {
      const child = this.levels[k - 1];
      const fresh = !this.levels[k];
      if (fresh) this.levels.push(emptyLevel());
      const level = this.levels[k];
      sizeLevel(level, ((child.n - 1) >> SHIFT) + 1);
      const first = fresh ? 0 : lo >> SHIFT;
      for (let j = first; j < level.n; j++) {
        let a = Infinity;
        let z = -Infinity;
        let q = Infinity;
        const end = Math.min(child.n, (j + 1) << SHIFT);
        for (let i = j << SHIFT; i < end; i++) {
          if (child.min[i] < a) a = child.min[i];
          if (child.max[i] > z) z = child.max[i];
          if (child.pos[i] < q) q = child.pos[i];
        }
        level.min[j] = a;
        level.max[j] = z;
        level.pos[j] = q;
      }
      lo = first;
    }
    this.n = Math.max(this.n, to);
  }

  /**
   * Min, max and smallest positive of the finite values at positions [a, b) (values as
   * in `build`), written into `out` ([min, max, minPositive]).
   */
  range(values, rows, a, b, out) {
    out[0] = Infinity;
    out[1] = -Infinity;
    out[2] = Infinity;
    let k = -1; // -1: single positions; k >= 0: blocks of levels[k]
    while (b - a >= 2 * B && k + 1 < this.levels.length) {
      // the ragged ends at this level, the rest a level up
      const head = (a + B - 1) & ~(B - 1);
      const tail = b & ~(B - 1);
      if (k < 0) {
        scanValues(values, rows, a, head, out);
        scanValues(values, rows, tail, b, out);
      } else {
        scanLevel(this.levels[k], a, head, out);
        scanLevel(this.levels[k], tail, b, out);
      }
      a = head >> SHIFT;
      b = tail >> SHIFT;
      k += 1;
    }
    if (k < 0) scanValues(values, rows, a, b, out);
    else scanLevel(this.levels[k], a, b, out);
    return out;
  }
}

function scanValues(values, rows, i0, i1, out) {
  let min = out[0];
  let max = out[1];
  let pos = out[2];
  for (let i = i0; i < i1; i++) {
    const v = values[rows ? rows[i] : i];
    if (v - v !== 0) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v > 0 && v < pos) pos = v;
  }
  out[0] = min;
  out[1] = max;
  out[2] = pos;
}

function scanLevel(level, i0, i1, out) {
  let min = out[0];
  let max = out[1];
  let pos = out[2];
  for (let i = i0; i < i1; i++) {
    if (level.min[i] < min) min = level.min[i];
    if (level.max[i] > max) max = level.max[i];
    if (level.pos[i] < pos) pos = level.pos[i];
  }
  out[0] = min;
  out[1] = max;
  out[2] = pos;
}
