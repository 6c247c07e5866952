// Test helpers: a store Table built from plain arrays, as the kernel would send it.
import { Table } from "../src/store.js";

/** A Table with float64 `x`, float32 `y` and categorical `series` (names, in first-seen order). */
export function tableOf({ x, y, series }) {
  const categories = [...new Set(series)];
  const codes = Uint8Array.from(series, (s) => categories.indexOf(s));
  const table = new Table();
  table.write(0, x.length, {
    x: { values: Float64Array.from(x, (v) => (v === null ? NaN : v)), categories: null },
    y: { values: Float32Array.from(y, (v) => (v === null ? NaN : v)), categories: null },
    series: { values: codes, categories },
  });
  return table;
}
