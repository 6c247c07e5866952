import assert from "node:assert/strict";
import { test } from "node:test";
import { DataStore, decodeColumns } from "../src/store.js";
import { tableOf } from "./helpers.mjs";

const f64 = (values) => new Float64Array(values).buffer;

test("decodeColumns copies buffers into aligned typed arrays of the column's dtype", () => {
  const out = decodeColumns({ columns: { x: { dtype: "f64", buf: 0 } } }, [new DataView(f64([1, 2]))]);
  assert.deepEqual(Array.from(out.x.values), [1, 2]);
  assert.ok(out.x.values instanceof Float64Array);
});

test("an unknown dtype is an error naming it", () => {
  assert.throws(() => decodeColumns({ columns: { x: { dtype: "f16", buf: 0 } } }, [f64([1])]), /f16/);
});

test("appends extend the table and report the new range; a replace swaps it", () => {
  const store = new DataStore({ seq: 0, datasets: { v: { n: 1, columns: { x: { dtype: "f64", data: f64([1]) } } } } });
  const events = [];
  store.subscribe((e) => events.push(e));
  store.apply({ seq: 1, datasets: { v: { op: "append", n: 2, columns: { x: { dtype: "f64", buf: 0 } } } } }, [f64([2, 3])]);
  assert.deepEqual(store.tables.get("v").rows().map((r) => r.x), [1, 2, 3]);
  assert.deepEqual(events.at(-1).changes, [{ name: "v", op: "append", start: 1, stop: 3 }]);
  store.apply({ seq: 2, datasets: { v: { op: "replace", n: 1, columns: { x: { dtype: "f64", buf: 0 } } } } }, [f64([9])]);
  assert.deepEqual(store.tables.get("v").rows().map((r) => r.x), [9]);
  assert.deepEqual(events.at(-1).changes, [{ name: "v", op: "replace" }]);
});

test("a replacement in chunks shows only once its last chunk has arrived", () => {
  const store = new DataStore({ seq: 0, datasets: {} });
  const col = { x: { dtype: "f64", buf: 0 } };
  store.apply({ seq: 1, datasets: { v: { op: "replace", n: 2, more: true, columns: col } } }, [f64([1, 2])]);
  assert.equal(store.tables.get("v"), undefined);
  store.apply({ seq: 2, datasets: { v: { op: "append", n: 1, columns: col } } }, [f64([3])]);
  assert.deepEqual(store.tables.get("v").rows().map((r) => r.x), [1, 2, 3]);
});

test("a message out of sequence is not expected (the view asks for a resync)", () => {
  const store = new DataStore({ seq: 4, datasets: {} });
  assert.equal(store.expects(5), true);
  assert.equal(store.expects(7), false);
});

test("trim keeps the last rows of each series, in order", () => {
  const table = tableOf({ x: [0, 1, 2, 3, 4, 5], y: [0, 0, 0, 0, 0, 0], series: ["a", "b", "a", "a", "b", "a"] });
  assert.equal(table.trim(2), true);
  assert.deepEqual(table.rows().map((r) => [r.series, r.x]), [["b", 1], ["a", 3], ["b", 4], ["a", 5]]);
  assert.equal(table.trim(2), false);
});
