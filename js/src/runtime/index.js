// The page-wide Vega runtime: vega, vega-lite and vega-embed plus the code that draws
// one chart view. It is shipped once per kernel as the shared runtime model's bundle
// and imported once per page; every chart view calls `renderChart`.
import * as vega from "vega";
import vegaEmbed from "vega-embed";

export { renderChart } from "./view.js";
export { vega, vegaEmbed };
