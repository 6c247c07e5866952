import assert from "node:assert/strict";
import { test } from "node:test";
import { colorLut, paintValues, parseColor } from "../src/derive/paint.js";
import { Smoother } from "../src/derive/smooth.js";
import { mergeChange } from "../src/runtime/queue.js";
import { tableOf } from "./helpers.mjs";

test("smoothing is TensorBoard's debiased EMA per series and skips non-finite values", () => {
  const table = tableOf({ x: [0, 1, 2, 3], y: [1, 0, NaN, 0], series: ["a", "a", "a", "b"] });
  const rows = new Smoother(0.5).rows(table, 0);
  assert.deepEqual(rows.map((r) => [r.series, r.y]), [["a", 1], ["a", 1 / 3], ["b", 0]]);
});

test("smoothing continues from where it left off when rows are appended", () => {
  const table = tableOf({ x: [0, 1, 2], y: [1, 0, 4], series: ["a", "a", "a"] });
  const whole = new Smoother(0.6).rows(table, 0).map((r) => r.y);
  const smoother = new Smoother(0.6);
  smoother.rows(tableOf({ x: [0, 1], y: [1, 0], series: ["a", "a"] }), 0);
  assert.deepEqual(smoother.rows(table, 2).map((r) => r.y), whole.slice(2));
});

test("colour lookup tables follow Vega's schemes, reversed on request, and two-colour ranges", () => {
  const viridis = colorLut({ scheme: "viridis" });
  assert.deepEqual(Array.from(viridis.subarray(0, 4)), [68, 1, 84, 255]);
  const reversed = colorLut({ scheme: "viridis", reverse: true });
  assert.deepEqual(Array.from(reversed.subarray(4 * 255, 4 * 256)), [68, 1, 84, 255]);
  const range = colorLut({ range: ["#000000", "#ffffff"] });
  assert.deepEqual(Array.from(range.subarray(0, 3)), [0, 0, 0]);
  assert.deepEqual(Array.from(range.subarray(4 * 255, 4 * 255 + 3)), [255, 255, 255]);
  assert.throws(() => colorLut({ scheme: "nope" }), /unknown colour scheme/);
});

test("painting maps values over [lo, hi] through the table and leaves non-finite cells clear", () => {
  const lut = colorLut({ range: ["#000000", "#ffffff"] });
  const rgba = paintValues([0, 10, NaN], 3, 0, 10, lut);
  assert.deepEqual(Array.from(rgba), [0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0]);
  assert.deepEqual(parseColor("rgb(1, 2, 3)"), [1, 2, 3]);
  assert.deepEqual(parseColor("#0a0b0c"), [10, 11, 12]);
});

test("queued changes merge: appends extend, a replace wins, smoothing rides along", () => {
  const pending = new Map();
  mergeChange(pending, { name: "v", op: "append", start: 0, stop: 2 });
  mergeChange(pending, { name: "v", op: "append", start: 2, stop: 5 });
  assert.deepEqual(pending.get("v"), { op: "append", start: 0, stop: 5, resmooth: false });
  mergeChange(pending, { name: "v", op: "resmooth" });
  assert.equal(pending.get("v").resmooth, true);
  mergeChange(pending, { name: "v", op: "replace" });
  mergeChange(pending, { name: "v", op: "append", start: 5, stop: 6 });
  assert.deepEqual(pending.get("v"), { op: "replace", resmooth: true });
});
