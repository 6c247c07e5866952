// One chart of the board: a tag's runs drawn on a canvas (lines decimated per pixel
// column and painted by the line layer's rasteriser, axes and grid from d3-scale's
// ticks), a second canvas for the hover rule and points, and a tooltip of text nodes.
import { scaleLinear, scaleLog, scaleTime } from "d3-scale";
import { format } from "d3-format";
import { Raster, Spans, parseColor } from "../lines/raster.js";
import { decimate, nearest } from "./series.js";

const MARGIN = { top: 8, right: 12, bottom: 26, left: 52 };
const FONT = "10px sans-serif";
const AXIS = "#888";
const GRID = "#e6e6e6";
const LABEL = "#333";
const stepFormat = format("~s");
const valueFormat = format(".4~g");

/** Seconds as a short duration in the unit that fits the span ("90s", "12.5m", "3h"). */
export function durationUnit(span) {
  if (span < 120) return { unit: 1, suffix: "s" };
  if (span < 2 * 3600) return { unit: 60, suffix: "m" };
  if (span < 2 * 86400) return { unit: 3600, suffix: "h" };
  return { unit: 86400, suffix: "d" };
}

/** The x scale and its ticks for a mode over a domain and a pixel range. */
export function xAxis(mode, domain, range) {
  if (mode === "wall") {
    const scale = scaleTime().domain(domain.map((v) => new Date(v))).range(range);
    const ticks = scale.ticks(Math.max(2, Math.floor((range[1] - range[0]) / 90)));
    const fmt = scale.tickFormat();
    return { scale: (v) => scale(new Date(v)), invert: (p) => +scale.invert(p),
      ticks: ticks.map((t) => ({ value: +t, label: fmt(t) })) };
  }
  const scale = scaleLinear().domain(domain).range(range);
  const count = Math.max(2, Math.floor((range[1] - range[0]) / 80));
  if (mode === "relative") {
    const { unit, suffix } = durationUnit(domain[1] - domain[0]);
    const inUnits = scaleLinear().domain([domain[0] / unit, domain[1] / unit]);
    const ticks = inUnits.ticks(count).map((t) => ({ value: t * unit, label: `${format("~g")(t)}${suffix}` }));
    return { scale, invert: (p) => scale.invert(p), ticks };
  }
  // steps are integers: no "1.5" and no "1.000000" tick
  const ticks = scale
    .ticks(count)
    .filter((t) => Number.isInteger(t))
    .map((t) => ({ value: t, label: Math.abs(t) >= 1e4 ? stepFormat(t) : String(t) }));
  return { scale, invert: (p) => scale.invert(p), ticks };
}

/** The y scale over [lo, hi] (padded; log where asked and possible) and its ticks. */
export function yAxis(lo, hi, range, log) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (log && lo > 0) {
    const scale = scaleLog().domain([lo, hi === lo ? lo * 10 : hi]).range(range).nice();
    const count = Math.max(2, Math.floor(Math.abs(range[0] - range[1]) / 40));
    const fmt = scale.tickFormat(count, ".2~g");
    const ticks = scale.ticks(count).map((t) => ({ value: t, label: fmt(t) })).filter((t) => t.label !== "");
    return { scale, ticks, log: true };
  }
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.05 || 0.5;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.04;
    lo -= pad;
    hi += pad;
  }
  const scale = scaleLinear().domain([lo, hi]).range(range).nice();
  const count = Math.max(2, Math.floor(Math.abs(range[0] - range[1]) / 40));
  const fmt = scale.tickFormat(count, "~g");
  return { scale, ticks: scale.ticks(count).map((t) => ({ value: t, label: fmt(t) })), log: false };
}

function sized(canvas, width, height) {
  const ratio = globalThis.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

export class Plot {
  constructor(tag) {
    this.tag = tag;
    this.decimated = new WeakMap(); // Series -> { key, raw, smooth }
    this.el = document.createElement("div");
    this.el.className = "nbvis-board-chart";
    this.el.dataset.tag = tag;
    const title = document.createElement("div");
    title.className = "nbvis-board-title";
    title.textContent = tag;
    this.frame = document.createElement("div");
    this.frame.className = "nbvis-board-frame";
    this.lines = document.createElement("canvas");
    this.overlay = document.createElement("canvas");
    this.overlay.className = "nbvis-board-overlay";
    this.tooltip = document.createElement("div");
    this.tooltip.className = "nbvis-board-tooltip";
    this.tooltip.hidden = true;
    this.frame.append(this.lines, this.overlay, this.tooltip);
    this.el.append(title, this.frame);
    this.drawn = null; // what the last draw used: scales, series drawn, sizes
  }

  get plotBox() {
    const { width, height } = this.size;
    return { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  }

  /**
   * Draw the visible runs of this tag.
   * @param {object} s board state: data, mode, domain ([x0, x1] or null), smoothing,
   *   visible (run names), colors (Map), starts (Map), highlight, logY, width, height
   */
  draw(s) {
    this.size = { width: s.width, height: s.height };
    const box = this.plotBox;
    const runs = s.visible.map((name) => s.data.get(name, this.tag)).filter(Boolean);
    const domain = s.domain ?? this.fullDomain(runs, s);
    const x = xAxis(s.mode, domain, [box.left, box.right]);
    const width = box.right - box.left;
    // decimate first (the y domain is the extent of what is in the x domain)
    let lo = Infinity;
    let hi = -Infinity;
    const drawn = [];
    for (const series of runs) {
      const start = s.starts.get(series.run) ?? 0;
      const xs = series.xs(s.mode, start);
      const sorted = series.isMonotone(s.mode);
      // a series that did not change keeps its decimation: a board that is still
      // filling only decimates what arrived
      const key = `${s.mode}|${start}|${domain[0]}|${domain[1]}|${width}|${series.version}|${s.smoothing}`;
      let cached = this.decimated.get(series);
      if (!cached || cached.key !== key) {
        cached = {
          key,
          raw: decimate(xs, series.value.data, series.n, domain[0], domain[1], width, sorted),
          smooth: s.smoothing > 0
            ? decimate(xs, series.smoothed(s.smoothing), series.n, domain[0], domain[1], width, sorted)
            : null,
        };
        this.decimated.set(series, cached);
      }
      const { raw, smooth } = cached;
      const positive = s.logY ? this.minPositive(raw) : Infinity;
      lo = Math.min(lo, s.logY ? positive : raw.lo);
      hi = Math.max(hi, raw.hi);
      drawn.push({ series, xs, sorted, raw, smooth, n: series.n }); // n: the points this draw shows
    }
    const y = yAxis(lo, hi, [box.bottom, box.top], s.logY);
    const ctx = sized(this.lines, s.width, s.height);
    ctx.clearRect(0, 0, s.width, s.height);
    this.axes(ctx, x, y, box);
    const highlight = s.highlight;
    // the highlighted run last, on top
    const order = highlight ? [...drawn.filter((d) => d.series.run !== highlight), ...drawn.filter((d) => d.series.run === highlight)] : drawn;
    this.paintLines(ctx, order, x.scale, y, box, s);
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.left, box.top, width, box.bottom - box.top);
    ctx.clip();
    for (const d of order) this.single(ctx, d, x.scale, y.scale, s.colors.get(d.series.run) ?? "#4c78a8", y.log);
    ctx.restore();
    // non-finite values: a mark on the top edge in the run's colour
    for (const d of drawn) {
      ctx.fillStyle = s.colors.get(d.series.run) ?? "#4c78a8";
      for (const mx of d.raw.marks) {
        const px = x.scale(mx);
        if (px < box.left - 1 || px > box.right + 1) continue;
        ctx.beginPath();
        ctx.moveTo(px - 4, box.top);
        ctx.lineTo(px + 4, box.top);
        ctx.lineTo(px, box.top + 7);
        ctx.closePath();
        ctx.fill();
      }
    }
    this.drawn = { x, y, box, drawn, domain, mode: s.mode, smoothing: s.smoothing };
    if (runs.length === 0) {
      ctx.fillStyle = AXIS;
      ctx.font = FONT;
      ctx.textAlign = "center";
      ctx.fillText("no visible run", (box.left + box.right) / 2, (box.top + box.bottom) / 2);
    }
  }

  minPositive(d) {
    let out = Infinity;
    for (let i = 0; i < d.n; i++) if (d.y[i] > 0 && d.y[i] < out) out = d.y[i];
    return out;
  }

  fullDomain(runs, s) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const series of runs) {
      const xs = series.xs(s.mode, s.starts.get(series.run) ?? 0);
      if (series.n === 0) continue;
      if (series.isMonotone(s.mode)) {
        lo = Math.min(lo, xs[0]);
        hi = Math.max(hi, xs[series.n - 1]);
      } else {
        for (let i = 0; i < series.n; i++) {
          lo = Math.min(lo, xs[i]);
          hi = Math.max(hi, xs[i]);
        }
      }
    }
    if (!Number.isFinite(lo)) return s.mode === "wall" ? [Date.now() - 60000, Date.now()] : [0, 1];
    if (lo === hi) return [lo - 1, hi + 1]; // one point: centred, visible
    return [lo, hi];
  }

  /**
   * The runs' lines, painted into a pixel buffer of the plot area (lines/raster.js: a
   * rectangle per pixel column cost headless Chromium ~1.5 us each through the 2D
   * canvas, a hundred runs of 800 columns a tenth of a second) and drawn in one image.
   */
  paintLines(ctx, order, sx, y, box, s) {
    const ratio = globalThis.devicePixelRatio || 1;
    const W = Math.max(1, Math.round((box.right - box.left) * ratio));
    const H = Math.max(1, Math.round((box.bottom - box.top) * ratio));
    if (!this.raster || this.raster.width !== W || this.raster.height !== H) {
      this.raster = new Raster(W, H);
      this.spans = new Spans(W);
      this.image = new ImageData(W, H);
      this.offscreen = document.createElement("canvas");
      this.offscreen.width = W;
      this.offscreen.height = H;
    }
    const { raster, spans } = this;
    raster.clear();
    this.probe ??= document.createElement("canvas").getContext("2d");
    const highlight = s.highlight;
    const line = (d, rgb, alpha, width) => {
      spans.clear(0, W - 1);
      let have = false;
      let px = 0;
      let py = 0;
      let lone = true;
      for (let i = 0; i < d.n; i++) {
        const v = d.y[i];
        if (!Number.isFinite(v) || (y.log && v <= 0)) continue;
        const qx = (sx(d.x[i]) - box.left) * ratio;
        const qy = (y.scale(v) - box.top) * ratio;
        if (have) {
          spans.segment(px, py, qx, qy, 0, W - 1);
          lone = false;
        }
        px = qx;
        py = qy;
        have = true;
      }
      if (have && lone) return; // a dot: drawn by single()
      raster.stroke(spans, rgb, alpha, width * ratio);
    };
    for (const d of order) {
      const rgb = parseColor(s.colors.get(d.series.run) ?? "#4c78a8", this.probe);
      const dim = highlight && d.series.run !== highlight;
      const strong = highlight && d.series.run === highlight;
      if (d.smooth) {
        line(d.raw, rgb, dim ? 0.08 : 0.25, 1);
        line(d.smooth, rgb, dim ? 0.2 : 1, strong ? 2.5 : 1.5);
      } else {
        line(d.raw, rgb, dim ? 0.2 : 1, strong ? 2.5 : 1.5);
      }
    }
    raster.paint(this.image);
    this.offscreen.getContext("2d").putImageData(this.image, 0, 0);
    ctx.drawImage(this.offscreen, box.left, box.top, W / ratio, H / ratio);
  }

  /** A series of one finite point (the first epoch) is a dot, not an invisible line. */
  single(ctx, d, sx, sy, color, log) {
    let finite = -1;
    let count = 0;
    for (let i = 0; i < d.raw.n && count < 2; i++) {
      const v = d.raw.y[i];
      if (Number.isFinite(v) && !(log && v <= 0)) {
        finite = i;
        count += 1;
      }
    }
    if (count !== 1) return;
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(sx(d.raw.x[finite]), sy(d.raw.y[finite]), 3, 0, 2 * Math.PI);
    ctx.fill();
  }

  axes(ctx, x, y, box) {
    ctx.font = FONT;
    ctx.lineWidth = 1;
    ctx.strokeStyle = GRID;
    ctx.beginPath();
    for (const t of y.ticks) {
      const py = Math.round(y.scale(t.value)) + 0.5;
      ctx.moveTo(box.left, py);
      ctx.lineTo(box.right, py);
    }
    for (const t of x.ticks) {
      const px = Math.round(x.scale(t.value)) + 0.5;
      ctx.moveTo(px, box.top);
      ctx.lineTo(px, box.bottom);
    }
    ctx.stroke();
    ctx.strokeStyle = AXIS;
    ctx.beginPath();
    ctx.moveTo(box.left + 0.5, box.top);
    ctx.lineTo(box.left + 0.5, box.bottom + 0.5);
    ctx.lineTo(box.right, box.bottom + 0.5);
    ctx.stroke();
    ctx.fillStyle = LABEL;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const t of y.ticks) ctx.fillText(t.label, box.left - 4, y.scale(t.value));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const t of x.ticks) ctx.fillText(t.label, x.scale(t.value), box.bottom + 4);
  }

  /** The points nearest to pixel `px` of every drawn run, sorted by value (largest first). */
  pointsAt(px) {
    const d = this.drawn;
    if (!d) return null;
    const xv = d.x.invert(px);
    const rows = [];
    for (const { series, xs, sorted } of d.drawn) {
      const i = nearest(xs, series.n, xv, sorted);
      if (i < 0) continue;
      const raw = series.value.data[i];
      const smooth = d.smoothing > 0 ? series.smoothed(d.smoothing)[i] : raw;
      rows.push({ run: series.run, index: i, x: xs[i], step: series.step.data[i], raw, value: smooth });
    }
    const key = (r) => (Number.isFinite(r.value) ? r.value : -Infinity);
    rows.sort((a, b) => key(b) - key(a));
    return { x: xv, rows };
  }

  /** The hover rule and points at data x `xv` (null clears them). */
  hover(xv, s, band = null) {
    const ctx = sized(this.overlay, s.width, s.height);
    ctx.clearRect(0, 0, s.width, s.height);
    const d = this.drawn;
    if (!d) return;
    const { box } = d;
    if (band) {
      ctx.fillStyle = "rgba(76,120,168,0.15)";
      ctx.fillRect(Math.min(band[0], band[1]), box.top, Math.abs(band[1] - band[0]), box.bottom - box.top);
    }
    if (xv === null || xv === undefined) return;
    const px = d.x.scale(xv);
    if (px < box.left || px > box.right) return;
    ctx.strokeStyle = "#999";
    ctx.beginPath();
    ctx.moveTo(Math.round(px) + 0.5, box.top);
    ctx.lineTo(Math.round(px) + 0.5, box.bottom);
    ctx.stroke();
    const at = this.pointsAt(px);
    for (const r of at.rows) {
      if (!Number.isFinite(r.value)) continue;
      ctx.fillStyle = s.colors.get(r.run) ?? "#4c78a8";
      ctx.beginPath();
      ctx.arc(d.x.scale(r.x), d.y.scale(r.value), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  /** Fill the tooltip (text only) for pixel px, or hide it. */
  showTooltip(px, py, s) {
    const at = px === null ? null : this.pointsAt(px);
    if (!at || at.rows.length === 0) {
      this.tooltip.hidden = true;
      return;
    }
    const tip = this.tooltip;
    tip.replaceChildren();
    const head = document.createElement("div");
    head.className = "nbvis-board-tooltip-head";
    const first = at.rows[0];
    head.textContent = s.mode === "step" ? `${this.tag} · step ${first.step}` : `${this.tag}`;
    tip.append(head);
    const table = document.createElement("table");
    const limit = 20;
    for (const r of at.rows.slice(0, limit)) {
      const tr = document.createElement("tr");
      const swatch = document.createElement("td");
      const dot = document.createElement("span");
      dot.className = "nbvis-board-swatch";
      dot.style.background = s.colors.get(r.run) ?? "#4c78a8";
      swatch.append(dot);
      const name = document.createElement("td");
      name.textContent = r.run;
      const value = document.createElement("td");
      value.className = "nbvis-board-num";
      value.textContent = Number.isFinite(r.value) ? valueFormat(r.value) : String(r.raw).toLowerCase();
      const rest = document.createElement("td");
      rest.className = "nbvis-board-num nbvis-board-dim";
      const parts = [];
      if (s.smoothing > 0 && Number.isFinite(r.raw)) parts.push(`raw ${valueFormat(r.raw)}`);
      if (s.mode !== "step" || r.step !== first.step) parts.push(`step ${r.step}`);
      rest.textContent = parts.join(" · ");
      tr.append(swatch, name, value, rest);
      table.append(tr);
    }
    tip.append(table);
    if (at.rows.length > limit) {
      const more = document.createElement("div");
      more.className = "nbvis-board-dim";
      more.textContent = `… ${at.rows.length - limit} more`;
      tip.append(more);
    }
    tip.hidden = false;
    const { width } = this.size;
    const left = px + 14 + tip.offsetWidth > width ? Math.max(0, px - 14 - tip.offsetWidth) : px + 14;
    tip.style.left = `${left}px`;
    tip.style.top = `${Math.max(0, py - 10)}px`;
  }
}
