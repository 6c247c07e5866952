// One chart of the board: a tag's runs drawn on a canvas (lines decimated per pixel
// column, axes and grid from d3-scale's ticks), a second canvas for the hover rule and
// points, and a tooltip made of text nodes.
import { scaleLinear, scaleLog, scaleTime } from "d3-scale";
import { format } from "d3-format";
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

function withAlpha(color, alpha) {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const v = parseInt(hex[1], 16);
  return `rgba(${(v >> 16) & 255},${(v >> 8) & 255},${v & 255},${alpha})`;
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
      drawn.push({ series, xs, sorted, raw, smooth });
    }
    const y = yAxis(lo, hi, [box.bottom, box.top], s.logY);
    const ctx = sized(this.lines, s.width, s.height);
    ctx.clearRect(0, 0, s.width, s.height);
    this.axes(ctx, x, y, box);
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.left, box.top, width, box.bottom - box.top);
    ctx.clip();
    const highlight = s.highlight;
    // the highlighted run last, on top
    const order = highlight ? [...drawn.filter((d) => d.series.run !== highlight), ...drawn.filter((d) => d.series.run === highlight)] : drawn;
    for (const d of order) {
      const color = s.colors.get(d.series.run) ?? "#4c78a8";
      const dim = highlight && d.series.run !== highlight;
      const strong = highlight && d.series.run === highlight;
      if (d.smooth) {
        this.stroke(ctx, d.raw, x.scale, y.scale, withAlpha(color, dim ? 0.08 : 0.25), 1, y.log);
        this.stroke(ctx, d.smooth, x.scale, y.scale, dim ? withAlpha(color, 0.2) : color, strong ? 2.5 : 1.5, y.log);
      } else {
        this.stroke(ctx, d.raw, x.scale, y.scale, dim ? withAlpha(color, 0.2) : color, strong ? 2.5 : 1.5, y.log);
      }
      this.single(ctx, d, x.scale, y.scale, color, y.log);
    }
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

  stroke(ctx, d, sx, sy, color, width, log) {
    const span = d.n > 1 ? Math.abs(sx(d.x[d.n - 1]) - sx(d.x[0])) : 0;
    if (d.n > 2 * Math.max(1, span)) {
      this.columns(ctx, d, sx, sy, color, width, log);
      return;
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.lineJoin = "bevel"; // round joins on thousands of vertices cost the rasteriser a lot
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < d.n; i++) {
      const v = d.y[i];
      if (!Number.isFinite(v) || (log && v <= 0)) {
        pen = false;
        continue;
      }
      const px = sx(d.x[i]);
      const py = sy(v);
      if (pen) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      pen = true;
    }
    ctx.stroke();
  }

  /**
   * A dense line (several points per pixel column) as one rectangle per column, from
   * the lowest to the highest y the line reaches there (joined to the previous column's
   * last point): the pixels a polyline through those points covers, at a fraction of
   * the cost of stroking a path that zigzags thousands of times. Columns further apart
   * (a sparse stretch) are joined by line segments.
   */
  columns(ctx, d, sx, sy, color, width, log) {
    ctx.fillStyle = color;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath(); // the segments between columns that are not adjacent
    let col = null;
    let lo = 0;
    let hi = 0;
    let prevY = 0;
    const flush = () => {
      if (col !== null) ctx.fillRect(col, lo - width / 2, 1, hi - lo + width);
    };
    for (let i = 0; i < d.n; i++) {
      const v = d.y[i];
      if (!Number.isFinite(v) || (log && v <= 0)) {
        flush();
        col = null;
        continue;
      }
      const px = Math.floor(sx(d.x[i]));
      const py = sy(v);
      if (px === col) {
        if (py < lo) lo = py;
        if (py > hi) hi = py;
      } else {
        flush();
        if (col !== null && Math.abs(px - col) === 1) {
          lo = Math.min(prevY, py);
          hi = Math.max(prevY, py);
        } else {
          if (col !== null) {
            ctx.moveTo(col + 0.5, prevY);
            ctx.lineTo(px + 0.5, py);
          }
          lo = py;
          hi = py;
        }
        col = px;
      }
      prevY = py;
    }
    flush();
    ctx.stroke();
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
