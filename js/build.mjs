// Bundles the front end into nbvis/static/ (run by `npm run build`, and by
// `pip install` through hatch-jupyter-builder); the bundles are listed in entries.mjs.
import * as esbuild from "esbuild";
import { ENTRIES } from "./entries.mjs";

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

await Promise.all(Object.entries(ENTRIES).map(([name, entry]) => esbuild.build({
  ...common,
  ...(name === "runtime.js" ? { alias: runtimeAlias } : {}),
  entryPoints: [entry],
  outfile: `../nbvis/static/${name}`,
})));
