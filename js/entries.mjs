// The front end's bundles, written once: build.mjs builds each entry into nbvis/static/<name>.
// tests/unit/test_build_facts.py checks that pyproject.toml (ensured-targets, skip-if-exists),
// every Module("<name>") in nbvis/ and scripts/env.sh agree with this list.
//   runtime.js    vega + vega-lite + vega-embed + the chart view code, shipped once per page
//   chart.js      the small per-chart module (every chart instance carries it)
//   table.js      the table widget's module (an HTML table, no Vega)
//   inspector.js  the model inspector's view (canvases, no Vega)
//   board.js      the runs board (canvas charts drawn with d3-scale's ticks, no Vega)
//   panel.js      boxes of widgets (views, the training panel, the Visor) for every host
export const ENTRIES = {
  "runtime.js": "src/runtime/index.js",
  "chart.js": "src/chart.js",
  "table.js": "src/table.js",
  "inspector.js": "src/inspector.js",
  "board.js": "src/board/index.js",
  "panel.js": "src/panel.js",
};

// `node entries.mjs` prints the bundle names, one a line (scripts/env.sh checks the build with them)
if (import.meta.url === `file://${process.argv[1]}`) console.log(Object.keys(ENTRIES).join("\n"));
