// Runs the browser's shared rules on JSON input (stdin) and prints the results (stdout),
// so tests/unit/test_shared_rules.py can compare them with the Python twins.
import { LineLod } from "../src/lod.js";
import { Spans, axisMap } from "../src/lines/raster.js";
import { LineIndex } from "../src/lines/series.js";
import { trace } from "../src/lines/trace.js";
import { Smoother } from "../src/derive/smooth.js";
import { tableOf } from "./helpers.mjs";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));

const out = {};
if (input.smooth) {
  const { x, y, series, weight } = input.smooth;
  out.smooth = new Smoother(weight).rows(tableOf({ x, y, series }), 0).map((r) => r.y);
}
if (input.window) {
  const { x, y, series, n } = input.window;
  const table = tableOf({ x, y, series });
  table.trim(n);
  out.window = table.rows().map((r) => r.x);
}
if (input.lod) {
  // per pixel column of each series, the smallest and largest y the view draws
  out.lod = input.lod.tables.map(({ x, y, series }) => {
    const table = tableOf({ x, y, series });
    const lod = new LineLod();
    const [lo, hi] = input.lod.domain;
    const width = input.lod.width;
    const rows = table.pick(lod.select(table, lo, hi, width).rows);
    const extremes = {};
    for (const row of rows) {
      const column = Math.min(width - 1, Math.max(0, Math.floor(((row.x - lo) / (hi - lo)) * width)));
      if (!Number.isFinite(row.y) || row.x < lo || row.x > hi) continue;
      const key = `${row.series}:${column}`;
      const e = (extremes[key] ??= [Infinity, -Infinity]);
      e[0] = Math.min(e[0], row.y);
      e[1] = Math.max(e[1], row.y);
    }
    return extremes;
  });
}
if (input.lines) {
  // the line layer's span per pixel column of each series (in data units of y)
  out.lines = input.lines.tables.map(({ x, y, series }) => {
    const table = tableOf({ x, y, series });
    const index = new LineIndex();
    index.sync(table);
    const ys = table.columns.get("y").data;
    const { domain, width } = input.lines;
    const spans = {};
    for (const s of index.series.filter(Boolean)) {
      const cols = new Spans(width);
      trace({ series: s, xs: table.columns.get("x").data, values: ys, byRow: true, pyramid: s.pyramid,
              x: axisMap(domain, [0, width]), y: axisMap([0, 1], [0, 1]) }, cols);
      spans[s.name] = Array.from({ length: width }, (_, c) => [cols.lo[c], cols.hi[c]]);
    }
    return spans;
  });
}
process.stdout.write(JSON.stringify(out));
