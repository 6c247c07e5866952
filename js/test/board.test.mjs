// The runs board's pure parts: series growth, decimation, nearest point, smoothing,
// filters, hide/solo, the table's sort, the step axis's ticks and the zoom families.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BoardData, Series, decimate, nearest, parseFilter, visibleRuns } from "../src/board/series.js";
import { sortRows } from "../src/board/table.js";
import { xAxis } from "../src/board/plot.js";
import { zoomFamily } from "../src/board/index.js";

function series(values) {
  const s = new Series("r", "loss");
  values.forEach((v, i) => s.push(i, i * 0.5, v));
  return s;
}

test("decimation keeps a one-sample spike at any width and at most four points a column", () => {
  const n = 100_000;
  const ys = new Float64Array(n).map((_, i) => Math.sin(i / 1000));
  ys[54_321] = 50;
  const xs = new Float64Array(n).map((_, i) => i);
  for (const width of [37, 300, 1000]) {
    const d = decimate(xs, ys, n, 0, n - 1, width);
    assert.ok(d.n <= 4 * width + 8, `${d.n} points for ${width} columns`);
    assert.ok([...d.y.subarray(0, d.n)].includes(50), `spike lost at width ${width}`);
    assert.equal(d.hi, 50);
  }
});

test("decimation of a zoomed range keeps the neighbours outside it and breaks the line at NaN", () => {
  const xs = Float64Array.from([0, 1, 2, 3, 4, 5, 6]);
  const ys = Float64Array.from([1, 2, NaN, 4, 5, 6, 7]);
  const d = decimate(xs, ys, 7, 2.5, 4.5, 100);
  assert.deepEqual([...d.x.subarray(0, d.n)], [2, 3, 4, 5]); // 2 is the NaN gap, 5 the right neighbour
  assert.ok(Number.isNaN(d.y[0]));
  assert.deepEqual(d.marks, [2]);
  assert.deepEqual([d.lo, d.hi], [4, 5]); // the y extent counts only what is in view
});

test("nearest picks the closer neighbour, also for unsorted x", () => {
  const xs = Float64Array.from([0, 10, 20, 30]);
  assert.equal(nearest(xs, 4, 14), 1);
  assert.equal(nearest(xs, 4, 16), 2);
  assert.equal(nearest(xs, 4, -5), 0);
  assert.equal(nearest(xs, 4, 99), 3);
  assert.equal(nearest(Float64Array.from([30, 0, 20]), 3, 18, false), 2);
  assert.equal(nearest(xs, 0, 1), -1);
});

test("smoothing is TensorBoard's debiased EMA, continued incrementally, NaN kept", () => {
  const s = series([1, 2, NaN, 4]);
  const w = 0.6;
  const first = s.smoothed(w).slice(0, 4);
  let last = 0;
  let count = 0;
  const expected = [1, 2, NaN, 4].map((y) => {
    if (!Number.isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    count += 1;
    return last / (1 - w ** count);
  });
  for (let i = 0; i < 4; i++) {
    if (Number.isNaN(expected[i])) assert.ok(Number.isNaN(first[i]));
    else assert.ok(Math.abs(first[i] - expected[i]) < 1e-12);
  }
  s.push(4, 2, 8);
  const more = s.smoothed(w);
  last = last * w + (1 - w) * 8;
  count += 1;
  assert.ok(Math.abs(more[4] - last / (1 - w ** count)) < 1e-12);
  assert.equal(series([3, 5]).smoothed(0)[1], 5);
});

test("a series notes when x goes back (a resumed run) so lookups stop bisecting", () => {
  const s = new Series("r", "t");
  s.push(1, 0, 1);
  s.push(2, 1, 1);
  assert.equal(s.isMonotone("step"), true);
  s.push(1, 2, 1);
  assert.equal(s.isMonotone("step"), false);
  assert.equal(s.isMonotone("relative"), true);
});

test("BoardData splits scalars rows by run and tag, reading only new rows", () => {
  const col = (data, categories = null) => ({ data, categories });
  const table = {
    n: 3,
    columns: new Map([
      ["run", col(Int32Array.from([0, 1, 0]), ["a", "b"])],
      ["tag", col(Int32Array.from([0, 0, 1]), ["loss", "acc"])],
      ["step", col(Float64Array.from([1, 1, 1]))],
      ["time", col(Float64Array.from([0, 0, 0]))],
      ["value", col(Float64Array.from([0.5, 0.7, 0.9]))],
    ]),
  };
  const data = new BoardData();
  assert.equal(data.ingest(table), true);
  assert.equal(data.get("a", "loss").n, 1);
  assert.equal(data.get("a", "acc").value.data[0], 0.9);
  assert.deepEqual(data.tags, ["loss", "acc"]);
  assert.equal(data.ingest(table), false); // nothing new
});

test("hide, solo and the run filter decide the visible runs; a bad regex is an Error, not a throw", () => {
  const names = ["lr=0.1", "lr=0.01", "base"];
  assert.deepEqual(visibleRuns(names, { hidden: new Set(["base"]), solo: null, filter: null }), ["lr=0.1", "lr=0.01"]);
  assert.deepEqual(visibleRuns(names, { hidden: new Set(), solo: "base", filter: null }), ["base"]);
  assert.deepEqual(visibleRuns(names, { hidden: new Set(), solo: null, filter: parseFilter("^lr=0\\.0") }), ["lr=0.01"]);
  assert.ok(parseFilter("lr=(") instanceof Error);
  assert.equal(parseFilter("  "), null);
});

test("the table sorts numbers numerically and puts missing values last either way", () => {
  const row = (run, v) => ({ run, cells: new Map(v === undefined ? [] : [["h:lr", v]]) });
  const rows = [row("a", 0.1), row("b", undefined), row("c", 0.01), row("d", 1)];
  assert.deepEqual(sortRows(rows, "h:lr", false).map((r) => r.run), ["c", "a", "d", "b"]);
  assert.deepEqual(sortRows(rows, "h:lr", true).map((r) => r.run), ["d", "a", "c", "b"]);
});

test("the step axis has integer ticks only, even over a domain of two steps", () => {
  const axis = xAxis("step", [1, 2], [0, 600]);
  assert.ok(axis.ticks.length >= 2);
  assert.ok(axis.ticks.every((t) => Number.isInteger(t.value) && !t.label.includes(".")), JSON.stringify(axis.ticks));
  const relative = xAxis("relative", [0, 3600 * 5], [0, 600]);
  assert.ok(relative.ticks.every((t) => t.label.endsWith("h")));
});

test("epoch tags zoom together, apart from step tags; time axes link every chart", () => {
  assert.equal(zoomFamily("epoch_loss", "step"), "epoch");
  assert.equal(zoomFamily("batch_loss", "step"), "step");
  assert.equal(zoomFamily("loss", "step"), "step");
  assert.equal(zoomFamily("epoch_loss", "wall"), zoomFamily("loss", "wall"));
});

test("a series keeps float32 times and values in half the memory and widens for one float32 cannot hold", () => {
  const s = series([0.5, Math.fround(0.1), NaN, Infinity]);
  assert.ok(s.value.data instanceof Float32Array && s.time.data instanceof Float32Array);
  s.push(4, 2, 1e39); // beyond float32's range: sent as float64 by the kernel, kept exactly here
  s.push(5, 2.5, 0.1); // not a float32
  assert.ok(s.value.data instanceof Float64Array);
  assert.deepEqual([...s.value.data.subarray(0, s.n)], [0.5, Math.fround(0.1), NaN, Infinity, 1e39, 0.1]);
  assert.deepEqual(s.stats, { last: 0.1, min: 0.1, max: 1e39 });
  assert.ok(s.time.data instanceof Float32Array); // times still fit
});
