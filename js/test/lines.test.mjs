import assert from "node:assert/strict";
import { test } from "node:test";
import * as vl from "vega-lite";
import { Smoother } from "../src/derive/smooth.js";
import { Pyramid } from "../src/lines/pyramid.js";
import { Raster, Spans, axisMap, parseColor } from "../src/lines/raster.js";
import { LineIndex } from "../src/lines/series.js";
import { trace } from "../src/lines/trace.js";
import { LINE_EXTENT, LINE_HIDDEN, LINE_HOVER, LINE_RULE, canvasSpec } from "../src/runtime/spec.js";
import { tableOf } from "./helpers.mjs";

/** A seeded pseudo-random sequence (mulberry32). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("the pyramid's min, max and smallest positive equal a scan over any range", () => {
  const rnd = random(1);
  const values = Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? NaN : i % 89 === 0 ? Infinity : rnd() * 4 - 2));
  const built = new Pyramid();
  built.build(values, null, values.length);
  const grown = new Pyramid(); // the same values appended in uneven pieces
  for (let from = 0; from < values.length; ) {
    const to = Math.min(values.length, from + 1 + Math.floor(rnd() * 700));
    grown.append(values, null, from, to);
    from = to;
  }
  const out = new Float64Array(3);
  for (let k = 0; k < 300; k++) {
    const a = Math.floor(rnd() * values.length);
    const b = a + Math.floor(rnd() * (values.length - a + 1));
    const finite = values.slice(a, b).filter(Number.isFinite);
    const expected = [Math.min(Infinity, ...finite), Math.max(-Infinity, ...finite),
                      Math.min(Infinity, ...finite.filter((v) => v > 0))];
    assert.deepEqual([...built.range(values, null, a, b, out)], expected, `[${a}, ${b})`);
    assert.deepEqual([...grown.range(values, null, a, b, out)], expected, `grown [${a}, ${b})`);
  }
});

/** Per series: the x of its rows in index order. */
function xsBySeries(index, table) {
  const xs = table.columns.get("x").data;
  return index.series.filter(Boolean).map((s) => [s.name, Array.from({ length: s.n }, (_, p) => xs[s.row(p)])]);
}

test("a line index extended by appends equals one rebuilt from scratch", () => {
  const rnd = random(2);
  const rows = { x: [], y: [], series: [] };
  for (let i = 0; i < 3000; i++) {
    rows.x.push(Math.floor(i / 3));
    rows.y.push(rnd());
    rows.series.push(["a", "b", "c"][i % 3]);
  }
  const whole = tableOf(rows);
  const fresh = new LineIndex();
  fresh.setSmoothing(0.6);
  fresh.sync(whole);

  const live = new LineIndex();
  live.setSmoothing(0.6);
  const part = tableOf({ x: rows.x.slice(0, 1000), y: rows.y.slice(0, 1000), series: rows.series.slice(0, 1000) });
  assert.equal(live.sync(part), null); // first sight: built
  // the other 2000 rows as one append message would bring them
  part.write(1000, 2000, Object.fromEntries([...whole.columns].map(([k, c]) =>
    [k, { values: c.data.subarray(1000, 3000), categories: c.categorical ? c.categories : null }])));
  const touched = live.sync(part);
  assert.deepEqual([...touched.entries()].sort(), [[0, 334], [1, 333], [2, 333]]); // first new position per series
  assert.deepEqual(xsBySeries(live, part), xsBySeries(fresh, whole));
  const out1 = new Float64Array(3);
  const out2 = new Float64Array(3);
  for (let c = 0; c < 3; c++) {
    const a = live.series[c];
    const b = fresh.series[c];
    assert.deepEqual([...a.smooth.values.subarray(0, a.n)], [...b.smooth.values.subarray(0, b.n)]);
    const ys = part.columns.get("y").data;
    assert.deepEqual([...a.pyramid.range(ys, a.identity ? null : a.rows, 10, 900, out1)],
                     [...b.pyramid.range(whole.columns.get("y").data, b.identity ? null : b.rows, 10, 900, out2)]);
  }
});

test("the line layer's smoothed values are the charts' smoothing, series by series", () => {
  const rows = { x: [0, 0, 1, 1, 2, 2, 3, 3], y: [1, 10, NaN, 20, 3, 30, 4, 40], series: ["a", "b", "a", "b", "a", "b", "a", "b"] };
  const table = tableOf(rows);
  const index = new LineIndex();
  index.setSmoothing(0.6);
  index.sync(table);
  const expected = new Smoother(0.6).rows(table, 0);
  for (const s of index.series) {
    const got = Array.from({ length: s.n }, (_, p) => s.smooth.values[p]).filter(Number.isFinite);
    assert.deepEqual(got, expected.filter((r) => r.series === s.name).map((r) => r.y));
  }
});

test("rows that go back in x, or a trimmed window, rebuild the index in x order", () => {
  const table = tableOf({ x: [0, 1, 2, 3], y: [1, 2, 3, 4], series: ["a", "a", "a", "a"] });
  const index = new LineIndex();
  index.sync(table);
  assert.equal(index.series[0].identity, true); // one series in order: no row list at all
  table.write(4, 2, { x: { values: Float64Array.from([1.5, 9]), categories: null },
                      y: { values: Float32Array.from([7, 8]), categories: null },
                      series: { values: Uint8Array.from([0, 0]), categories: ["a"] } });
  assert.equal(index.sync(table), null);
  assert.deepEqual(xsBySeries(index, table), [["a", [0, 1, 1.5, 2, 3, 9]]]);
  table.trim(3);
  assert.equal(index.sync(table), null);
  assert.deepEqual(xsBySeries(index, table), [["a", [3, 1.5, 9].sort((p, q) => p - q)]]);
});

/** Spans of the polyline through every finite sample, column by column (the definition). */
function bruteSpans(xs, ys, x, y, width) {
  const spans = new Spans(width);
  const points = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(ys[i])) points.push([x.to(xs[i]), y.to(ys[i])]);
  for (let i = 1; i < points.length; i++) spans.segment(...points[i - 1], ...points[i], 0, width - 1);
  return spans;
}

test("the pyramid path traces the same spans as the polyline through every sample", () => {
  const rnd = random(3);
  const n = 20000;
  const xs = Array.from({ length: n }, (_, i) => i + rnd() * 0.5);
  const ys = Array.from({ length: n }, (_, i) => (i === 12345 ? 40 : i % 501 === 0 ? NaN : Math.sin(i / 300) + rnd()));
  const table = tableOf({ x: xs, y: ys, series: xs.map(() => "s") });
  const index = new LineIndex();
  index.sync(table);
  const s = index.series[0];
  const yArr = table.columns.get("y").data;
  for (const [lo, hi] of [[0, n], [5000, 15000], [12000, 12700]]) {
    const width = 300;
    const x = axisMap([lo, hi], [0, width]);
    const y = axisMap([-2, 41], [200, 0]);
    const base = { series: s, xs: table.columns.get("x").data, values: yArr, byRow: true, pyramid: s.pyramid, x, y };
    const dense = new Spans(width);
    trace({ ...base, dense: true }, dense);
    const sparse = new Spans(width);
    trace({ ...base, dense: false }, sparse);
    const inView = xs.map((v, i) => [v, yArr[i]]).filter(([v], i, all) =>
      (v >= lo && v <= hi) || (all[i + 1] && all[i + 1][0] >= lo && v < lo) || (all[i - 1] && all[i - 1][0] <= hi && v > hi));
    const brute = bruteSpans(inView.map((r) => r[0]), inView.map((r) => r[1]), x, y, width);
    for (let c = 0; c < width; c++) {
      for (const [name, got] of [["dense", dense], ["sparse", sparse]]) {
        assert.ok(Math.abs(got.lo[c] - brute.lo[c]) < 1e-3 && Math.abs(got.hi[c] - brute.hi[c]) < 1e-3,
                  `${name} column ${c} of [${lo}, ${hi}]: ${got.lo[c]}..${got.hi[c]} vs ${brute.lo[c]}..${brute.hi[c]}`);
      }
    }
    if (lo <= 12345 && 12345 <= hi) {
      const c = Math.floor(x.to(xs[12345]));
      assert.ok(Math.abs(dense.lo[c] - y.to(40)) < 1e-3, "the one-sample spike is in its column");
    }
  }
});

test("a log y axis leaves out values it cannot show and maps the rest like Vega's log scale", () => {
  const table = tableOf({ x: [0, 1, 2, 3], y: [10, -1, 0, 1000], series: ["a", "a", "a", "a"] });
  const index = new LineIndex();
  index.sync(table);
  const s = index.series[0];
  const ys = table.columns.get("y").data;
  const y = axisMap([1, 1000], [300, 0], true);
  assert.equal(y.to(10), 200);
  const spans = new Spans(4);
  trace({ series: s, xs: table.columns.get("x").data, values: ys, byRow: true, pyramid: s.pyramid,
          x: axisMap([0, 4], [0, 4]), y }, spans);
  // 10 at x=0 joins 1000 at x=3 directly: -1 and 0 are not on a log scale
  assert.ok(spans.lo[0] <= 200 && spans.hi[0] === 200);
  assert.ok(Math.abs(spans.lo[3] - 0) < 1e-9);
});

test("the raster paints anti-aliased spans over each other and writes straight alpha", () => {
  const raster = new Raster(3, 10);
  const spans = new Spans(3);
  spans.add(1, 4.5);
  raster.stroke(spans, [1, 0, 0], 1, 1, 0, 2);
  const image = { data: new Uint8ClampedArray(3 * 10 * 4) };
  raster.paint(image);
  const alpha = (c, y) => image.data[(y * 3 + c) * 4 + 3];
  assert.equal(alpha(1, 4), 255); // a 1-pixel line centred at 4.5 fills row 4
  assert.equal(alpha(1, 3) + alpha(1, 5) + alpha(0, 4) + alpha(2, 4), 0); // and nothing else
  const half = new Raster(1, 4);
  const one = new Spans(1);
  one.add(0, 2);
  half.stroke(one, [0, 0, 1], 0.5, 1);
  half.stroke(one, [1, 0, 0], 0.5, 1);
  const out = { data: new Uint8ClampedArray(16) };
  half.paint(out);
  // rows 1 and 2 half covered by the 1-px line at y=2; red over blue at 50% each
  assert.deepEqual([...out.data.subarray(4, 8)].map((v) => Math.round(v)), [146, 0, 109, 112]);
  assert.deepEqual(parseColor("#4c78a8"), [0x4c / 255, 0x78 / 255, 0xa8 / 255]);
});

/** The stroke as three runs painted in turn (span, then the band below and above it). */
function strokeInTurn(raster, spans, [r, g, b], opacity, width) {
  const H = raster.height;
  const run = (c, a, z, alpha) => {
    if (!(z > a) || alpha <= 0) return;
    for (let y = Math.max(0, Math.floor(a)); y <= Math.min(H - 1, Math.ceil(z) - 1); y++) {
      const s = alpha * ((y + 1 < z ? y + 1 : z) - (y > a ? y : a));
      const i = (c * H + y) * 4;
      const px = raster.acc;
      [px[i], px[i + 1], px[i + 2], px[i + 3]] = [r * s + px[i] * (1 - s), g * s + px[i + 1] * (1 - s),
        b * s + px[i + 2] * (1 - s), s + px[i + 3] * (1 - s)];
    }
  };
  const half = width / 2;
  const side = Math.min(1, Math.max(0, (width - 1) / 2));
  const { lo, hi } = spans;
  for (let c = 0; c < raster.width; c++) {
    let nLo = Infinity;
    let nHi = -Infinity;
    for (const n of [c - 1, c + 1]) {
      if (side > 0 && n >= 0 && n < raster.width && lo[n] <= hi[n]) {
        nLo = Math.min(nLo, lo[n]);
        nHi = Math.max(nHi, hi[n]);
      }
    }
    if (!(lo[c] <= hi[c])) {
      if (nLo <= nHi) run(c, nLo - half, nHi + half, opacity * side);
      continue;
    }
    const a = lo[c] - half;
    const z = hi[c] + half;
    run(c, a, z, opacity);
    if (nLo - half < a) run(c, nLo - half, a, opacity * side);
    if (nHi + half > z) run(c, z, nHi + half, opacity * side);
  }
}

test("a stroke paints in one pass what its span and its neighbours' band painted in turn do", () => {
  const rnd = random(11);
  for (const width of [1, 1.5, 2, 3]) {
    for (const opacity of [1, 0.6, 0.25]) {
      const fused = new Raster(40, 30);
      const inTurn = new Raster(40, 30);
      for (let line = 0; line < 6; line++) { // lines over each other, some columns empty
        const spans = new Spans(40);
        for (let c = 0; c < 40; c++) {
          if (rnd() < 0.15) continue;
          const y = -2 + rnd() * 34; // some beyond the raster's edges
          spans.add(c, y);
          spans.add(c, y + (rnd() < 0.5 ? 0 : rnd() * 6));
        }
        const color = [rnd(), rnd(), rnd()];
        fused.stroke(spans, color, opacity, width);
        strokeInTurn(inTurn, spans, color, opacity, width);
      }
      for (let i = 0; i < fused.acc.length; i++) {
        assert.ok(Math.abs(fused.acc[i] - inTurn.acc[i]) < 1e-5, `width ${width} opacity ${opacity} at ${i}`);
      }
    }
  }
});

test("the canvas spec keeps the line layers' encodings and moves the hover marks to their own datasets", () => {
  const spec = {
    layer: [
      { data: { name: "values" }, mark: { type: "line", opacity: 0.3 }, params: [{ name: "zoom", select: "interval", bind: "scales" }],
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" },
                    color: { field: "series", type: "nominal", scale: { domain: ["a", "b"] }, legend: { title: null } } } },
      { data: { name: "smoothed" }, mark: { type: "line", strokeWidth: 2 },
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" },
                    color: { field: "series", type: "nominal", scale: { domain: ["a", "b"] } } } },
      { data: { name: "values" }, transform: [{ filter: "!datum.nbvis_thin" }],
        params: [{ name: "hover", select: { type: "point", encodings: ["x"], nearest: true, on: "pointermove" } }],
        mark: "rule", encoding: { x: { field: "x", type: "quantitative" },
                                  opacity: { condition: { param: "hover", empty: false, value: 0.6 }, value: 0 } } },
      { data: { name: "values" }, transform: [{ filter: "!datum.nbvis_thin" }], mark: "point",
        encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" },
                    opacity: { condition: { param: "hover", empty: false, value: 1 }, value: 0 } } },
    ],
  };
  const meta = { lod: { dataset: "values", kind: "line" }, smooth: { source: "values", target: "smoothed" } };
  const { spec: out, lines } = canvasSpec(spec, meta);
  assert.deepEqual(lines, [{ index: 0, source: "raw" }, { index: 1, source: "smooth" }]);
  assert.equal(out.layer[2].data.name, LINE_RULE);
  assert.equal(out.layer[3].data.name, LINE_HOVER);
  assert.deepEqual(out.layer[3].encoding.opacity, { value: 1 }); // what it holds is what is hovered
  assert.equal(out.layer[2].params, undefined); // no Voronoi over every row
  assert.equal(out.layer[4].data.name, LINE_EXTENT);
  assert.equal(spec.layer[2].data.name, "values"); // pure: the input is untouched
  const compiled = vl.compile(out).spec;
  assert.ok(compiled.signals.some((s) => s.name === LINE_HIDDEN));
  assert.ok(!JSON.stringify(compiled).includes("voronoi"));
});

test("the density spec keeps the scatter's layer and adds the extent and hover layers", async () => {
  const { canvasPointsSpec, canvasPoints } = await import("../src/runtime/spec.js");
  const spec = {
    layer: [{ data: { name: "values" }, mark: { type: "point", filled: true, size: 30 }, params: [{ name: "zoom", select: "interval", bind: "scales" }],
              encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" },
                          color: { field: "series", type: "nominal" }, shape: { field: "series", type: "nominal" },
                          opacity: { condition: { test: "datum.nbvis_count > 1", field: "nbvis_alpha", type: "quantitative" }, value: 0.8 },
                          tooltip: [{ field: "x", type: "quantitative" }] } }],
  };
  const meta = { lod: { dataset: "values", kind: "points" } };
  assert.ok(canvasPoints(spec, meta));
  assert.ok(!canvasPoints(spec, { lod: { ...meta.lod, draw: "vega" } }));
  const out = canvasPointsSpec(spec);
  assert.deepEqual(out.layer.map((l) => l.data.name), ["values", LINE_EXTENT, LINE_HOVER]);
  assert.equal(out.layer[2].mark.opacity, 1);
  assert.equal(out.layer[2].encoding.opacity, undefined);
  assert.deepEqual(out.layer[2].encoding.tooltip, spec.layer[0].encoding.tooltip);
  assert.equal(spec.layer.length, 1); // pure
  vl.compile(out); // valid Vega-Lite
});
