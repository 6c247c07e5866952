// Bundles the front end into nbvis/static/ (run by `npm run build`, and by
// `pip install` through hatch-jupyter-builder):
//   runtime.js  vega + vega-lite + vega-embed + the chart view code, shipped once per page
//   chart.js    the small per-chart module (every chart instance carries it)
//   table.js    the table widget's module (an HTML table, no Vega)
//   inspector.js  the model inspector's view (canvases, no Vega)
//   board.js    the runs board (canvas charts drawn with d3-scale's ticks, no Vega)
//   panel.js    boxes of widgets (views, the training panel, the Visor) for every host
import * as esbuild from "esbuild";

const dev = process.argv.includes("--dev");
const common = {
  bundle: true,
  format: "esm",
  minify: !dev,
  sourcemap: dev ? "inline" : false,
  legalComments: "none",
  target: ["es2022"],
  logLevel: "info",
};

// Parts of vega-embed that nbvis never calls (themes, the CSP interpreter) are left out:
// every saved notebook carries the runtime once (BENCHMARKS.md, page weight).
const runtimeAlias = {
  "vega-themes": "./src/stubs/vega-themes.js",
  "vega-interpreter": "./src/stubs/vega-interpreter.js",
};

await Promise.all([
  esbuild.build({ ...common, alias: runtimeAlias, entryPoints: ["src/runtime/index.js"],
                  outfile: "../nbvis/static/runtime.js" }),
  esbuild.build({ ...common, entryPoints: ["src/table.js"], outfile: "../nbvis/static/table.js" }),
  esbuild.build({ ...common, entryPoints: ["src/chart.js"], outfile: "../nbvis/static/chart.js" }),
  esbuild.build({ ...common, entryPoints: ["src/inspector.js"], outfile: "../nbvis/static/inspector.js" }),
  esbuild.build({ ...common, entryPoints: ["src/board/index.js"], outfile: "../nbvis/static/board.js" }),
  esbuild.build({ ...common, entryPoints: ["src/panel.js"], outfile: "../nbvis/static/panel.js" }),
]);
