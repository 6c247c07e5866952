// The JS side of tests/unit/test_contract.py: reads Python's real specs as JSON (stdin) and
// prints contract.js's constants and what the browser's spec rewriting makes of each spec.
import * as vl from "vega-lite";
import * as contract from "../src/contract.js";
import { canvasPoints, canvasPointsSpec, canvasSpec, liveSpec, namedDatasets } from "../src/runtime/spec.js";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));

/** Param names a spec defines, and the ones its encodings refer to. */
function params(spec) {
  const defined = new Set();
  const used = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    for (const p of node.params ?? []) defined.add(p.name);
    if (typeof node.param === "string") used.add(node.param);
    Object.values(node).forEach(walk);
  };
  walk(spec);
  return { defined: [...defined].sort(), used: [...used].sort() };
}

/** Signal names of the compiled Vega spec (throws where Vega-Lite refuses the spec). */
function signals(spec) {
  const names = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    for (const s of node.signals ?? []) names.add(s.name);
    Object.values(node).forEach(walk);
  };
  walk(vl.compile(spec).spec);
  return [...names].sort();
}

const out = {
  constants: Object.fromEntries(Object.entries(contract).filter(([, value]) => typeof value !== "function")),
  specs: {},
};
for (const [name, spec] of Object.entries(input.specs)) {
  const meta = contract.chartMeta(spec);
  const result = { meta, datasets: [...namedDatasets(spec)].sort(), params: params(spec), signals: signals(spec),
                   live: signals(liveSpec(spec, { logY: true })).length > 0 };
  if (meta.lod?.kind === "line") {
    const canvas = canvasSpec(spec, meta);
    result.canvas = { lines: canvas.lines, params: params(canvas.spec), signals: signals(canvas.spec),
                      datasets: [...namedDatasets(canvas.spec)].sort() };
  }
  if (meta.lod?.kind === "points") {
    result.points = canvasPoints(spec, meta);
    result.pointsSignals = signals(canvasPointsSpec(spec));
  }
  out.specs[name] = result;
}
console.log(JSON.stringify(out));
