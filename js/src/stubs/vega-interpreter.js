// vega-embed uses vega-interpreter only for `ast: true` (pages whose CSP forbids eval),
// which nbvis never asks for: it stays out of the runtime (build.mjs aliases it).
export function expressionInterpreter() {
  throw new Error("nbvis: Vega's CSP expression interpreter is not bundled");
}
