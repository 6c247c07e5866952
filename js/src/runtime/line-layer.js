// The line layer: a big line chart's lines drawn on a canvas of nbvis's own over Vega's
// plot area, with Vega's own scales (read from the view), so that a sample lands on the
// pixel Vega would put it. Vega keeps the axes, grid, legend, rules, hover marks and
// tooltips; it sees only a few extreme rows (for its scale domains) and the hovered ones.
import { LineIndex } from "../lines/series.js";
import { Raster, Spans, axisMap, parseColor } from "../lines/raster.js";
import { trace } from "../lines/trace.js";
import { overlayCanvas, placeOverlay } from "./origin.js";
import { LINE_HIDDEN } from "./spec.js";

/** CSS pixels within which a series' nearest sample joins the hovered ones. */
const HOVER_REACH = 8;

/** A line mark's stroke width and opacity in the compiled Vega spec (its defaults too). */
function markStyle(vgSpec, index) {
  let found = null;
  const visit = (node) => {
    for (const mark of node?.marks ?? []) {
      if (mark.name === `layer_${index}_marks`) found = mark;
      else visit(mark);
    }
  };
  visit(vgSpec);
  const update = found?.encode?.update ?? {};
  const value = (channel, fallback) => {
    const v = update[channel];
    return v && typeof v.value === "number" ? v.value : fallback;
  };
  const lineConfig = vgSpec?.config?.line ?? {};
  return {
    width: value("strokeWidth", lineConfig.strokeWidth ?? 2),
    opacity: value("opacity", lineConfig.opacity ?? 1) * value("strokeOpacity", lineConfig.strokeOpacity ?? 1),
  };
}

export class LineLayer {
  /**
   * @param {string} dataset the level-of-detail dataset (x, y, series)
   * @param {number | null} smoothing weight of the smoothed lines, or null
   */
  constructor(dataset, smoothing) {
    this.dataset = dataset;
    this.index = new LineIndex();
    this.index.setSmoothing(smoothing ?? null);
    this.tracks = []; // the line layers of the spec: {index, source, width, opacity}
    this.spans = new Map(); // `${code}|${source}` -> Spans of the last draw
    this.hidden = new Set();
    this.soloed = null;
    this.highlighted = null;
    this.canvas = null;
    this.view = null;
    this.raster = null;
    this.image = null;
    this.drawn = null; // the scales and size of the last full draw
    this.probe = null;
    this.logY = false; // whether the y scale is a log scale (set on each embed)
    this.xDomain = null; // the spec's own x domain, if it fixes one (set on each embed)
    this.visible = 0; // samples in the x range of the last extentRows
    this.colors = new Map();
    this.info = { draws: 0, full: 0, partial: 0, columns: null, ms: 0, traced: 0, series: 0,
                  width: 0, height: 0, hidden: [], solo: null, highlight: null };
  }

  /** Draw into the Vega view `view` embedded in `container` (after each embed). */
  attach(view, container, vgSpec, lines) {
    this.detach();
    this.view = view;
    this.tracks = lines.map((l) => ({ ...l, ...markStyle(vgSpec, l.index) }));
    this.canvas = overlayCanvas(container, "nbvis-lines");
    this.drawn = null;
    this.colors.clear();
    this.applyLegend();
  }

  detach() {
    this.canvas?.remove();
    this.canvas = null;
    this.view = null;
    this.drawn = null;
  }

  /** Keep the canvas on the plot area (its size and scales unchanged since the last draw). */
  place() {
    if (this.canvas && this.view) placeOverlay(this.canvas, this.view);
  }

  /** Bring the index up to date; the per-series first new positions (null: rebuilt). */
  sync(table) {
    return this.index.sync(table);
  }

  setSmoothing(weight) {
    this.index.setSmoothing(weight);
  }

  /** The series drawn now, in drawing order (the highlighted one last). */
  visibleSeries() {
    const all = this.index.series.filter(Boolean);
    const shown = all.filter((s) => (this.soloed !== null ? s.name === this.soloed : !this.hidden.has(s.name)));
    if (this.highlighted === null) return shown;
    return [...shown.filter((s) => s.name !== this.highlighted), ...shown.filter((s) => s.name === this.highlighted)];
  }

  /**
   * A few rows whose extent is the extent of every row in view (x in `zoomX`, or all):
   * Vega's scales get the domains the full level of detail would give them.
   */
  extentRows(table, zoomX) {
    if (!table) return [];
    const xs = table.columns.get("x")?.data;
    const ys = table.columns.get("y")?.data;
    if (!xs || !ys) return [];
    let x0 = Infinity;
    let x1 = -Infinity;
    let min = Infinity;
    let max = -Infinity;
    let pos = Infinity;
    const out = new Float64Array(3);
    let visible = 0;
    for (const s of this.index.series) {
      if (!s || s.n === 0) continue;
      const first = xs[s.row(0)];
      const last = xs[s.row(s.n - 1)];
      if (first < x0) x0 = first;
      if (last > x1) x1 = last;
      const a = zoomX ? Math.max(0, s.lowerBound(xs, zoomX[0]) - 1) : 0;
      const b = zoomX ? Math.min(s.n, s.upperBound(xs, zoomX[1]) + 1) : s.n;
      if (b <= a) continue;
      visible += b - a;
      s.pyramid.range(ys, s.identity ? null : s.rows, a, b, out);
      if (out[0] < min) min = out[0];
      if (out[1] > max) max = out[1];
      if (out[2] < pos) pos = out[2];
    }
    this.visible = visible;
    // a fixed x domain (zoomed, or given in the spec) is Vega's whatever the rows say:
    // rows at its ends do not change while points arrive, so Vega need not run again
    if (zoomX) [x0, x1] = zoomX;
    // a log scale shows only positive values (Vega would take a 0 into its domain)
    const low = this.logY ? pos : min;
    if (!(x0 <= x1) || !(low <= max)) return [];
    return [{ x: x0, y: low }, { x: x1, y: max }];
  }

  /** The device-pixel maps of Vega's scales now, and the plot's size. */
  geometry() {
    const view = this.view;
    const ratio = globalThis.devicePixelRatio || 1;
    const width = view.width();
    const height = view.height();
    const sx = view.scale("x");
    const sy = view.scale("y");
    const xRange = sx.range().map((v) => v * ratio);
    const yRange = sy.range().map((v) => v * ratio);
    const yLog = sy.type === "log";
    return {
      ratio, width, height, W: Math.max(1, Math.round(width * ratio)), H: Math.max(1, Math.round(height * ratio)),
      xDomain: sx.domain().map(Number), yDomain: sy.domain().map(Number), yLog,
      x: axisMap(sx.domain(), xRange), y: axisMap(sy.domain(), yRange, yLog),
    };
  }

  /** Whether the scales or the size changed since the last full draw. */
  moved() {
    if (!this.drawn || !this.view) return true;
    const g = this.geometry();
    const d = this.drawn;
    return g.W !== d.W || g.H !== d.H || g.yLog !== d.yLog ||
      g.xDomain.some((v, i) => v !== d.xDomain[i]) || g.yDomain.some((v, i) => v !== d.yDomain[i]);
  }

  colorOf(name) {
    let c = this.colors.get(name);
    if (!c) {
      let css = "#4c78a8";
      try {
        css = this.view.scale("color")(name) ?? css;
      } catch {
        // no colour scale
      }
      this.probe ??= document.createElement("canvas").getContext("2d");
      c = parseColor(css, this.probe);
      this.colors.set(name, c);
    }
    return c;
  }

  /**
   * Draw every series (columns null) or only columns [c0, c1] of the last draw (a live
   * update that did not move the scales).
   */
  draw(table, columns = null) {
    if (!this.view || !this.canvas || !table) return;
    const t0 = performance.now();
    let g = this.drawn;
    if (!columns || !g) {
      g = this.geometry();
      columns = null;
      placeOverlay(this.canvas, this.view); // the same size as geometry() measured
      if (!this.raster || this.raster.width !== g.W || this.raster.height !== g.H) {
        this.raster = new Raster(g.W, g.H);
        this.image = new ImageData(g.W, g.H);
        this.spans.clear();
      }
      this.drawn = g;
    }
    const xs = table.columns.get("x").data;
    const ys = table.columns.get("y").data;
    const [c0, c1] = columns ?? [0, g.W - 1];
    const raster = this.raster;
    raster.clear(c0, c1);
    // spans of the columns around the painted ones too: a stroke reaches into them
    const t0c = Math.max(0, c0 - 1);
    const t1c = Math.min(g.W - 1, c1 + 1);
    let traced = 0;
    const series = this.visibleSeries();
    for (const track of this.tracks) {
      for (const s of series) {
        const smooth = track.source === "smooth";
        if (smooth && !s.smooth) continue;
        const key = `${s.code}|${track.source}`;
        let spans = this.spans.get(key);
        if (!spans || spans.width !== g.W) {
          spans = new Spans(g.W);
          this.spans.set(key, spans);
          if (columns) traced += trace(this.traceOf(s, smooth, xs, ys, g), spans); // first time: all of it
        }
        traced += trace(this.traceOf(s, smooth, xs, ys, g), spans, t0c, t1c);
        const strong = this.highlighted !== null && s.name === this.highlighted;
        const dim = this.highlighted !== null && !strong;
        raster.stroke(spans, this.colorOf(s.name), track.opacity * (dim ? 0.25 : 1),
                      track.width + (strong ? 1 : 0), c0, c1);
      }
    }
    raster.paint(this.image, c0, c1);
    this.canvas.getContext("2d").putImageData(this.image, 0, 0, c0, 0, c1 - c0 + 1, g.H);
    const info = this.info;
    info.draws += 1;
    if (columns) info.partial += 1;
    else info.full += 1;
    info.columns = [c0, c1];
    info.traced = traced;
    info.series = series.length;
    info.width = g.W;
    info.height = g.H;
    info.ms = performance.now() - t0;
  }

  traceOf(s, smooth, xs, ys, g) {
    if (smooth) return { series: s, xs, values: s.smooth.values, byRow: false, pyramid: s.smooth.pyramid, x: g.x, y: g.y };
    return { series: s, xs, values: ys, byRow: true, pyramid: s.pyramid, x: g.x, y: g.y };
  }

  /**
   * The device columns new rows touch (positions from `touched`, a sync's result), or
   * null when they touch none of the plot.
   */
  touchedColumns(table, touched) {
    const g = this.drawn;
    if (!g) return null;
    const xs = table.columns.get("x").data;
    let c0 = Infinity;
    let c1 = -Infinity;
    for (const [code, first] of touched) {
      const s = this.index.series[code];
      if (!s || s.n === 0) continue;
      // from the sample before the new ones (the segment that joins them) to the last
      const a = Math.floor(g.x.to(xs[s.row(Math.max(0, first - 1))]));
      const b = Math.floor(g.x.to(xs[s.row(s.n - 1)]));
      const lo = Math.max(0, Math.min(a, b));
      const hi = Math.min(g.W - 1, Math.max(a, b));
      if (hi < lo) continue;
      if (lo < c0) c0 = lo;
      if (hi > c1) c1 = hi;
    }
    return c0 <= c1 ? [c0, c1] : null;
  }

  /**
   * What the hover marks show at CSS pixel `px` of the plot: the rule at the nearest
   * sample's x, and each drawn series' sample nearest to it (within a few pixels).
   */
  hoverAt(table, px) {
    const g = this.drawn;
    if (!g || !table) return { rule: [], points: [] };
    const xs = table.columns.get("x").data;
    const ys = table.columns.get("y").data;
    const xv = g.x.from(px * g.ratio);
    let best = null;
    const series = this.visibleSeries();
    for (const s of series) {
      const p = s.nearest(xs, xv);
      if (p < 0) continue;
      const x = xs[s.row(p)];
      if (best === null || Math.abs(x - xv) < Math.abs(best - xv)) best = x;
    }
    if (best === null) return { rule: [], points: [] };
    const at = g.x.to(best);
    if (at < 0 || at > g.W) return { rule: [], points: [] };
    const points = [];
    for (const s of series) {
      const p = s.nearest(xs, best);
      if (p < 0) continue;
      const i = s.row(p);
      const y = ys[i];
      if (!Number.isFinite(y) || Math.abs(g.x.to(xs[i]) - at) > HOVER_REACH * g.ratio) continue;
      points.push({ x: xs[i], y, series: s.name });
    }
    return { rule: [{ x: best }], points };
  }

  // -- which series are drawn: hide, solo, highlight (no re-embed) --------------------

  /** Hide (or show again) the series `names`. */
  hide(names, hidden = true) {
    for (const name of names) {
      if (hidden) this.hidden.add(name);
      else this.hidden.delete(name);
    }
    this.restyled();
  }

  /** Draw only series `name` (null: all that are not hidden). */
  solo(name) {
    this.soloed = name ?? null;
    this.restyled();
  }

  /** Draw series `name` on top and bolder, the others faint (null: none). */
  highlight(name) {
    this.highlighted = name ?? null;
    this.restyled();
  }

  restyled() {
    const info = this.info;
    info.hidden = [...this.hidden];
    info.solo = this.soloed;
    info.highlight = this.highlighted;
    this.onRestyle?.();
  }

  /** The names the legend shows dimmed. */
  dimmed() {
    const names = this.index.series.filter(Boolean).map((s) => s.name);
    return this.soloed !== null ? names.filter((n) => n !== this.soloed) : names.filter((n) => this.hidden.has(n));
  }

  applyLegend() {
    try {
      this.view?.signal(LINE_HIDDEN, this.dimmed());
    } catch {
      // a spec without the legend signal
    }
  }
}
