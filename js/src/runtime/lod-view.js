// The level of detail of one chart view: which rows of a big series Vega draws for the
// range in view (lod.js does the selection on the store's typed arrays).
import { THIN_FIELD } from "../contract.js";
import { LineLod, PointLod } from "../lod.js";

/** Rows above which a dataset is drawn with a level of detail (see lod.js). */
export const LOD_ROWS = { line: 20000, points: 50000 };
/** Pixel columns per hover target of a line drawn with a level of detail. */
const HOVER_PX = 4;

/** [min, max] of the finite values of a column's first n entries, or null. */
export function finiteExtent(data, n) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi && Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null;
}

/**
 * Hovering a big line snaps to one row per HOVER_PX columns per series: the hover
 * layers' cost (Vega's nearest-point Voronoi) stays small; the line keeps every row.
 */
export function thinForHover(rows, domain, width) {
  const scale = domain[1] > domain[0] ? width / (domain[1] - domain[0]) / HOVER_PX : 0;
  let last = null;
  let lastSeries = null;
  for (const row of rows) {
    const column = Math.floor((row.x - domain[0]) * scale);
    if (row.series === lastSeries && column === last) row[THIN_FIELD] = true;
    last = column;
    lastSeries = row.series;
  }
}

/** The level-of-detail state of one view of a `{dataset, kind}` dataset. */
export class LodView {
  constructor(meta, el) {
    this.dataset = meta.dataset;
    this.kind = meta.kind;
    this.engine = meta.kind === "points" ? new PointLod() : new LineLod();
    this.active = false;
    this.queued = false;
    this.extents = null;
    this.debug = { active: false, kind: meta.kind, drawn: 0, visible: 0, n: 0, full: null,
                   binned: false, ms: 0, redrawMs: 0, redraws: 0, domain: null };
    this.note = null;
    if (meta.kind === "points") {
      this.note = document.createElement("div");
      this.note.className = "nbvis-lod-note";
      this.note.style.cssText = "font:11px sans-serif;color:#555;margin:0 0 2px 4px;display:none;";
      el.append(this.note);
    }
  }

  /** Whether dataset `name` (table `table`) is drawn with a level of detail now. */
  applies(name, table) {
    if (name !== this.dataset || !table) return false;
    // an overview of a bigger series is redrawn at this view's own pixel width too
    this.active = table.n > LOD_ROWS[this.kind] || table.full !== null;
    this.debug.active = this.active;
    return this.active;
  }

  /**
   * The rows to draw for the x (and y) domain in view on a width x height plot;
   * a null domain means "everything".
   */
  rows(table, { zoomX, zoomY, width, height }) {
    const t0 = performance.now();
    const info = this.debug;
    let rows;
    if (this.kind === "points") {
      if (!this.extents || this.extents.table !== table || this.extents.version !== table.version) {
        this.extents = {
          table,
          version: table.version,
          x: finiteExtent(table.columns.get("x")?.data ?? [], table.n),
          y: finiteExtent(table.columns.get("y")?.data ?? [], table.n),
        };
      }
      const xd = zoomX ?? this.extents.x;
      const yd = zoomY ?? this.extents.y;
      const sel = xd && yd ? this.engine.select(table, xd, yd, width, height) : { rows: [], visible: 0, binned: false };
      rows = table.pick(sel.rows);
      if (sel.binned) {
        let most = 1;
        for (const c of sel.counts) if (c > most) most = c;
        const scale = Math.log(most) || 1;
        rows.forEach((row, k) => {
          row.nbvis_count = sel.counts[k];
          row.nbvis_alpha = 0.15 + 0.85 * (Math.log(sel.counts[k]) / scale);
        });
      }
      info.binned = sel.binned;
      info.domain = xd && yd ? [xd, yd] : null;
      info.visible = sel.visible;
      this.note.style.display = sel.binned ? "" : "none";
      this.note.textContent = sel.binned
        ? `Binned density: ${sel.visible.toLocaleString("en-US")} points in view drawn as ` +
          `${rows.length.toLocaleString("en-US")} cells of ${this.engine.cell} px, shaded by count; ` +
          "zoom in to see single points."
        : "";
    } else {
      const domain = zoomX ?? this.engine.extent(table);
      const sel = domain ? this.engine.select(table, domain[0], domain[1], width) : { rows: [], visible: 0 };
      rows = table.pick(sel.rows);
      if (domain) thinForHover(rows, domain, width);
      info.domain = domain;
      info.visible = sel.visible;
    }
    info.drawn = rows.length;
    info.n = table.n;
    info.full = table.full;
    info.ms = performance.now() - t0;
    return rows;
  }
}
