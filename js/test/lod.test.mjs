import assert from "node:assert/strict";
import { test } from "node:test";
import { LineLod, PointLod } from "../src/lod.js";
import { tableOf } from "./helpers.mjs";

function sine(n, spikeAt) {
  const x = Array.from({ length: n }, (_, i) => i);
  const y = x.map((v) => Math.sin(v / 500));
  y[spikeAt] = 40;
  return tableOf({ x, y, series: x.map(() => "s") });
}

test("a one-sample spike survives the line level of detail at every width", () => {
  const table = sine(200_000, 123_457);
  for (const width of [10, 300, 2000]) {
    const { rows } = new LineLod().select(table, 0, 199_999, width);
    assert.ok(Array.from(rows).includes(123_457), `width ${width}`);
    assert.ok(rows.length <= 2 * (width + 2) + 4, `width ${width}: ${rows.length} rows`);
  }
});

test("zoomed in far enough every sample in view is drawn, plus one beyond each edge", () => {
  const table = sine(10_000, 5);
  const { rows } = new LineLod().select(table, 100, 110, 800);
  assert.deepEqual(Array.from(rows), Array.from({ length: 13 }, (_, i) => 99 + i));
});

test("a series whose x goes back is drawn in x order, without non-finite x", () => {
  const table = tableOf({ x: [3, 1, NaN, 2], y: [3, 1, 9, 2], series: ["a", "a", "a", "a"] });
  const lod = new LineLod();
  assert.deepEqual(lod.extent(table), [1, 3]);
  assert.deepEqual(Array.from(lod.select(table, 1, 3, 100).rows), [1, 3, 0]);
});

test("points above the limit become one counted mark per occupied cell", () => {
  const n = 2000;
  const x = Array.from({ length: n }, (_, i) => i % 10);
  const table = tableOf({ x, y: x, series: x.map(() => "s") });
  const sel = new PointLod(100, 3).select(table, [0, 9], [0, 9], 300, 300);
  assert.equal(sel.binned, true);
  assert.equal(sel.rows.length, 10);
  assert.equal(Array.from(sel.counts).reduce((a, b) => a + b, 0), n);
});
