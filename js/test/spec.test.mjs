import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as vega from "vega";
import * as vl from "vega-lite";
import { liveSpec, namedDatasets } from "../src/runtime/spec.js";

// Python's line_spec(["loss", "val_loss"]), as tests/unit/test_contract.py keeps it
const LINE = JSON.parse(readFileSync(new URL("./fixtures/line_spec.json", import.meta.url), "utf8"));

/** The largest per-tuple lookup any operator holds after `replaces` replacements of 500 rows. */
async function largestLookup(spec, replaces) {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  await view.runAsync();
  for (let k = 0; k < replaces; k++) {
    const rows = Array.from({ length: 500 }, (_, i) => ({ x: k + i, y: Math.sin(i) }));
    view.change("values", vega.changeset().remove(() => true).insert(rows));
    await view.runAsync();
  }
  let most = 0;
  for (const op of Object.values(view._runtime.nodes)) {
    const v = op.value;
    if (v && typeof v === "object" && !Array.isArray(v)) most = Math.max(most, Object.keys(v).length);
  }
  view.finalize();
  return most;
}

test("a live view keeps no per-row state that grows as rows are replaced", async () => {
  // Vega-Lite parses named data with a formula, and Vega then keeps a derived copy of
  // every tuple it ever saw (Relay); the live spec turns parsing off
  assert.ok((await largestLookup(LINE, 40)) >= 40 * 500);
  assert.ok((await largestLookup(liveSpec(LINE, { logY: false }), 40)) <= 500);
});

test("the live spec applies the log toggle to y and leaves the kernel's spec alone", () => {
  const spec = { layer: [{ data: { name: "values" }, encoding: { y: { field: "y", scale: { domain: [0, 1], zero: false } } } }] };
  const live = liveSpec(spec, { logY: true });
  assert.deepEqual(live.layer[0].encoding.y.scale, { type: "log" });
  assert.deepEqual(live.layer[0].data, { name: "values", format: { parse: null } });
  assert.deepEqual(spec.layer[0].data, { name: "values" });
  assert.deepEqual([...namedDatasets(live)], ["values"]);
});
