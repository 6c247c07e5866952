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

  /** Rebuild over positions [0, n) of `value(p)` (a number; non-finite ones are skipped). */
  build(value, n) {
    this.levels = [];
    this.n = 0;
    this.append(value, 0, n);
  }

  /** Take in positions [from, to) (appended: from === this.n). */
  append(value, from, to) {
    if (this.levels.length === 0) this.levels.push(emptyLevel(0));
    for (let p = from; p < to; p++) {
      const v = value(p);
      if (v - v !== 0) continue; // NaN and ±Infinity: not on a scale
      let block = p >> SHIFT;
      for (let k = 0; k < this.levels.length; k++, block >>= SHIFT) {
        const level = this.levels[k];
        if (block >= level.n) sizeLevel(level, block + 1);
        if (v < level.min[block]) level.min[block] = v;
        if (v > level.max[block]) level.max[block] = v;
        if (v > 0 && v < level.pos[block]) level.pos[block] = v;
      }
      // the top level has grown a second block: give it a parent over everything so far
      let top = this.levels[this.levels.length - 1];
      while (top.n > 1) {
        const parent = emptyLevel(0);
        sizeLevel(parent, Math.ceil(top.n / B));
        for (let i = 0; i < top.n; i++) {
          const j = i >> SHIFT;
          if (top.min[i] < parent.min[j]) parent.min[j] = top.min[i];
          if (top.max[i] > parent.max[j]) parent.max[j] = top.max[i];
          if (top.pos[i] < parent.pos[j]) parent.pos[j] = top.pos[i];
        }
        this.levels.push(parent);
        top = parent;
      }
    }
    this.n = Math.max(this.n, to);
  }

  /**
   * Min, max and smallest positive of the finite values at positions [a, b).
   * @param {(p: number) => number} value the values themselves (for partial blocks)
   * @param {Float64Array} out [min, max, minPositive], written in place
   */
  range(value, a, b, out) {
    let min = Infinity;
    let max = -Infinity;
    let pos = Infinity;
    let k = -1; // -1: single positions; k >= 0: blocks of levels[k]
    const take = (i) => {
      if (k < 0) {
        const v = value(i);
        if (v - v !== 0) return;
        if (v < min) min = v;
        if (v > max) max = v;
        if (v > 0 && v < pos) pos = v;
      } else {
        const level = this.levels[k];
        if (level.min[i] < min) min = level.min[i];
        if (level.max[i] > max) max = level.max[i];
        if (level.pos[i] < pos) pos = level.pos[i];
      }
    };
    while (a < b) {
      if (k + 1 < this.levels.length && b - a >= 2 * B) {
        while (a & (B - 1)) take(a++);
        while (b & (B - 1)) take(--b);
        a >>= SHIFT;
        b >>= SHIFT;
        k += 1;
      } else {
        for (; a < b; a++) take(a);
      }
    }
    out[0] = min;
    out[1] = max;
    out[2] = pos;
    return out;
  }
}
