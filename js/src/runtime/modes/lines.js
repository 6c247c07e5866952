// "lines" mode: a big line chart's lines are drawn by the line layer (line-layer.js),
// outside Vega's dataflow. Vega gets a few extreme rows for its scales (LINE_EXTENT), the
// hover rule and points (LINE_RULE, LINE_HOVER) and the legend; the legend's entries
// solo, hide and highlight series on the layer (no re-embed).
import { onceNextFrame } from "../frame.js";
import { LineLayer } from "../line-layer.js";
import { LINE_EXTENT, LINE_HOVER, LINE_RULE, canvasSpec } from "../spec.js";
import { hoverMarks, replace, vegaMode } from "./vega.js";

/** The series a legend item (its symbol or label) names, or null. Pure. */
export function legendName(item) {
  const role = item?.mark?.role;
  return role === "legend-symbol" || role === "legend-label" ? (item.datum?.value ?? null) : null;
}

export function lineMode(ctx) {
  const { lod, store, debug, container, smoother, schedule, zoomDomain, currentView } = ctx;
  let layer = null; // the LineLayer (made by the first embed's spec)
  let tracks = null; // the line layers of the spec being embedded
  let extent = "[]"; // the extent rows Vega has now (JSON)
  let change; // of the owned dataset since the last drain: null redraw all; Map first new positions
  const table = () => store.tables.get(lod.dataset);

  /** Draw the line layer (every column, or columns [c0, c1]) and record what it did. */
  function draw(t, columns = null) {
    if (!t) return;
    layer.draw(t, columns);
    lod.debug.drawn = layer.info.traced;
    lod.debug.n = t.n;
    lod.debug.full = t.full;
    lod.debug.domain = layer.drawn ? layer.drawn.xDomain : null;
  }

  /** Give Vega the extent rows of what is in view; true if they changed. */
  function setExtent(view, t) {
    const rows = layer.extentRows(t, zoomDomain("x") ?? layer.xDomain);
    lod.debug.visible = layer.visible;
    const text = JSON.stringify(rows);
    if (text === extent) return false;
    extent = text;
    replace(view, LINE_EXTENT, rows);
    return true;
  }

  // Hover: the nearest sample of each series from the line layer's index (no Voronoi).
  const hover = hoverMarks(debug, (view, { rule, points }) => {
    replace(view, LINE_RULE, rule);
    replace(view, LINE_HOVER, points);
  });

  // Resizes come in bursts (the container settles over a frame or two): one draw after.
  let drawRequested = false;
  function requestDraw() {
    if (drawRequested) return;
    drawRequested = true;
    onceNextFrame(() =>
      schedule(() => {
        drawRequested = false;
        if (!currentView()) return;
        // a resize that left the plot's size and scales as drawn needs no redraw (the
        // canvas only follows the plot's origin)
        if (layer.moved()) draw(table());
        else layer.place();
      }),
    );
  }

  // The legend: click an entry to show only that series (again: all), Shift- or
  // Alt-click to hide or show it; pointing at an entry highlights its series.
  function onLegendClick(event, item) {
    const name = legendName(item);
    if (name === null) return;
    if (event.shiftKey || event.altKey) layer.hide([name], !layer.hidden.has(name));
    else layer.solo(layer.soloed === name ? null : name);
  }
  function onLegendOver(event, item) {
    const name = legendName(item);
    if (name !== null && layer.highlighted !== name) layer.highlight(name);
  }
  function onLegendOut(event, item) {
    if (legendName(item) !== null && layer.highlighted !== null) layer.highlight(null);
  }
  function restyle() {
    schedule(async () => {
      const view = currentView();
      if (!view) return;
      layer.applyLegend();
      await view.runAsync();
      draw(table());
    });
  }

  return {
    ...vegaMode(ctx),
    kind: "lines",
    followsZoom: true,
    perFrame: true, // messages that arrive within one frame are drawn once
    drawsSmooth: true,
    spec(spec, meta) {
      const out = canvasSpec(spec, meta);
      tracks = out.lines;
      layer ??= new LineLayer(lod.dataset, meta.smooth ? smoother.weight : null);
      layer.logY = out.logY;
      layer.xDomain = out.xDomain;
      layer.onRestyle = restyle;
      debug.lines = layer;
      return out.spec;
    },
    fill(datasets, name, t) {
      if (name !== lod.dataset) return false;
      lod.applies(name, t);
      datasets[name] = []; // drawn by the line layer
      if (t) layer.sync(t);
      const rows = layer.extentRows(t, layer.xDomain);
      extent = JSON.stringify(rows);
      datasets[LINE_EXTENT] = rows;
      lod.debug.visible = layer.visible;
      return true;
    },
    attach(view, vgSpec) {
      layer.attach(view, container, vgSpec, tracks);
      view.addEventListener("click", onLegendClick);
      view.addEventListener("pointerover", onLegendOver);
      view.addEventListener("pointerout", onLegendOut);
    },
    fitted: () => draw(table()),
    resized: requestDraw,
    owns: (name) => name === lod.dataset,
    apply(view, t, { op }) {
      if (op === "resmooth") layer.setSmoothing(smoother.weight);
      const touched = layer.sync(t);
      change = op === "resmooth" || touched === null ? null : touched;
      lod.applies(lod.dataset, t);
      return setExtent(view, t);
    },
    drained() {
      const touched = change;
      change = undefined;
      if (touched === undefined) return;
      const t = table();
      // the scales did not move: only the columns the new rows touch are drawn again
      if (!touched || layer.moved()) draw(t);
      else {
        const columns = layer.touchedColumns(t, touched);
        if (columns) draw(t, columns);
      }
    },
    async zoom(view, t) {
      const extentMoved = setExtent(view, t);
      replace(view, LINE_RULE, []);
      replace(view, LINE_HOVER, []);
      hover.reset();
      await view.runAsync();
      // the zoom signal also fires when Vega first sets it: nothing moved, nothing to draw
      if (!extentMoved && layer.drawn && !layer.moved()) return false;
      draw(t);
      return true;
    },
    hover: (view, px) => hover(view, px === null ? { rule: [], points: [] } : layer.hoverAt(table(), px)),
    detach: () => layer.detach(),
  };
}
