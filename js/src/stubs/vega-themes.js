// vega-embed reads a theme from vega-themes only when asked for one (`theme:`), which nbvis
// never does: the ~10 KB of themes stay out of the page-wide runtime (build.mjs aliases it).
export {};
