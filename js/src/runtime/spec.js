// What a view embeds: the kernel's spec with the view's local choices applied. Pure.

/** Names of the datasets a Vega-Lite spec refers to by name. */
export function namedDatasets(spec, found = new Set()) {
  if (Array.isArray(spec)) {
    for (const item of spec) namedDatasets(item, found);
  } else if (spec && typeof spec === "object") {
    if (spec.data && typeof spec.data.name === "string") found.add(spec.data.name);
    for (const [key, value] of Object.entries(spec)) {
      if (key !== "datasets" && value && typeof value === "object") namedDatasets(value, found);
    }
  }
  return found;
}

/**
 * A copy of the spec to embed live: named data are not parsed (the store's rows already
 * have their types; Vega-Lite's parse would be a formula, which makes Vega keep a derived
 * copy of every row it ever saw — an endless stream would grow without bound), and the
 * view's log-scale toggle is applied to y.
 */
export function liveSpec(spec, { logY }) {
  const out = structuredClone(spec);
  const visit = (node) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === "object") {
      if (node.data && typeof node.data.name === "string" && !node.data.format) {
        node.data = { ...node.data, format: { parse: null } };
      }
      const y = node.encoding?.y;
      if (logY && y && y.field === "y") {
        const { domain, zero, ...rest } = y.scale ?? {};
        y.scale = { ...rest, type: "log" };
      }
      if (node.layer) visit(node.layer);
    }
  };
  visit(out);
  return out;
}
