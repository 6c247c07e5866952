// TensorBoard's smoothing, in the browser (the Python twin, for pictures, is
// nbvis/export/derive.py: smoothed; tests/unit/test_shared_rules.py checks they agree).

/**
 * One step of TensorBoard's smoothing: `state` ({last, n}, from {last: 0, n: 0}) takes in
 * the finite value `y`; returns the debiased moving average so far.
 */
export function smoothStep(state, y, weight) {
  state.last = state.last * weight + (1 - weight) * y;
  state.n += 1;
  return state.last / (weight === 0 ? 1 : 1 - Math.pow(weight, state.n));
}

/**
 * TensorBoard's smoothing: a debiased exponential moving average per series, continued
 * incrementally as rows arrive. Non-finite values are skipped, so a NaN never poisons
 * the smoothed line.
 */
export class Smoother {
  constructor(weight) {
    this.weight = weight;
    this.state = new Map();
  }

  rows(table, start) {
    if (start === 0) this.state.clear();
    const xs = table.columns.get("x");
    const ys = table.columns.get("y");
    const names = table.columns.get("series");
    const out = [];
    if (!xs || !ys || !names) return out;
    const w = this.weight;
    for (let i = start; i < table.n; i++) {
      const y = ys.data[i];
      if (!Number.isFinite(y)) continue;
      const name = names.value(i);
      let s = this.state.get(name);
      if (!s) {
        s = { last: 0, n: 0 };
        this.state.set(name, s);
      }
      out.push({ x: xs.value(i), y: smoothStep(s, y, w), series: name });
    }
    return out;
  }
}
