// What a view embeds: the kernel's spec with the view's local choices applied. Pure.
import { HOVER_PARAM } from "../contract.js";

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

/** Datasets of a spec drawn by the line layer (runtime/line-layer.js). */
export const LINE_EXTENT = "nbvis_extent";
export const LINE_HOVER = "nbvis_hover";
export const LINE_RULE = "nbvis_hover_rule";
export const LINE_HIDDEN = "nbvis_hidden";

const markType = (layer) => (typeof layer.mark === "string" ? layer.mark : layer.mark?.type);

/**
 * Whether a line chart's level of detail can be drawn by the line layer: a layered
 * spec whose x is quantitative or temporal and whose y is quantitative.
 */
export function canvasLines(spec, meta) {
  if (meta.lod?.kind !== "line" || meta.lod.draw === "vega" || !Array.isArray(spec?.layer)) return false;
  const line = spec.layer.find((l) => l.data?.name === meta.lod.dataset && markType(l) === "line");
  const x = line?.encoding?.x;
  const y = line?.encoding?.y;
  return Boolean(x && y && ["quantitative", "temporal"].includes(x.type) && y.type === "quantitative");
}

/**
 * A live spec with its big lines left to the line layer: the line layers keep their
 * encodings (legend, axes, colours) but no rows; an invisible layer over a few extreme
 * rows (dataset LINE_EXTENT) gives the scales the domain every row would; the hover rule
 * and points read LINE_RULE and LINE_HOVER, which the layer fills with the nearest point
 * of each series (no Voronoi over every row); the legend dims the series in LINE_HIDDEN.
 * Pure.
 * @returns {{ spec: object, lines: {index: number, source: string}[], logY: boolean,
 *   xDomain: number[] | null }} (the x domain the spec fixes, if any)
 */
export function canvasSpec(spec, meta) {
  const out = structuredClone(spec);
  const dataset = meta.lod.dataset;
  const smoothed = meta.smooth?.target;
  const lines = [];
  let base = null;
  out.layer = out.layer.map((layer, index) => {
    const name = layer.data?.name;
    const type = markType(layer);
    if (type === "line" && (name === dataset || (smoothed && name === smoothed))) {
      lines.push({ index, source: name === dataset ? "raw" : "smooth" });
      base ??= layer;
      return layer; // its rows stay empty: the line layer draws them
    }
    if (name === dataset && (type === "rule" || type === "point")) {
      const { params, transform, ...rest } = layer;
      const encoding = { ...rest.encoding };
      const opacity = encoding.opacity;
      if (opacity?.condition && "value" in opacity.condition) encoding.opacity = { value: opacity.condition.value };
      // a zoom param on a hover layer stays; the hover selection itself is the layer's
      const kept = (params ?? []).filter((p) => p.name !== HOVER_PARAM);
      return { ...rest, ...(kept.length ? { params: kept } : {}), data: { name: type === "rule" ? LINE_RULE : LINE_HOVER, format: { parse: null } },
               encoding };
    }
    return layer;
  });
  if (base) {
    out.layer.push({
      data: { name: LINE_EXTENT, format: { parse: null } },
      mark: { type: "point", opacity: 0, size: 0 },
      encoding: { x: base.encoding.x, y: base.encoding.y },
    });
    const color = base.encoding.color;
    if (color?.legend) {
      const dim = { signal: `indexof(${LINE_HIDDEN}, datum.value) >= 0 ? 0.25 : 1` };
      const symbols = color.legend.encode?.symbols?.update ?? {};
      color.legend = {
        ...color.legend,
        // entries take clicks and pointing (Vega's legends ignore events by default)
        encode: { symbols: { interactive: true, update: { ...symbols, opacity: dim } },
                  labels: { interactive: true, update: { opacity: dim } } },
      };
    }
  }
  out.params = [...(out.params ?? []), { name: LINE_HIDDEN, value: [] }];
  const xDomain = base?.encoding?.x?.scale?.domain;
  return { spec: out, lines, logY: base?.encoding?.y?.scale?.type === "log",
           xDomain: Array.isArray(xDomain) && xDomain.length === 2 ? xDomain : null };
}

/** Whether a scatter plot's binned density can be drawn by the density layer. */
export function canvasPoints(spec, meta) {
  if (meta.lod?.kind !== "points" || meta.lod.draw === "vega" || !Array.isArray(spec?.layer)) return false;
  const layer = spec.layer[0];
  const { x, y } = layer?.encoding ?? {};
  return Boolean(layer?.data?.name === meta.lod.dataset && x?.type === "quantitative" && y?.type === "quantitative");
}

/**
 * A live scatter spec whose binned density the density layer draws: the point layer keeps
 * its rows only while single points are shown; an invisible layer over two extreme rows
 * (LINE_EXTENT) keeps the scales' domains; a copy of the point layer over LINE_HOVER
 * shows the hovered cell's point and its tooltip. Pure.
 */
export function canvasPointsSpec(spec) {
  const out = structuredClone(spec);
  const base = out.layer[0];
  const encoding = { ...base.encoding };
  delete encoding.opacity; // the hovered point is drawn as it is
  out.layer.push(
    { data: { name: LINE_EXTENT, format: { parse: null } }, mark: { type: "point", opacity: 0, size: 0 },
      encoding: { x: base.encoding.x, y: base.encoding.y } },
    { data: { name: LINE_HOVER, format: { parse: null } }, mark: { ...(typeof base.mark === "string" ? { type: base.mark } : base.mark), opacity: 1 },
      encoding },
  );
  return out;
}
