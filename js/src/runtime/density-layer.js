// The binned density of a big scatter plot, drawn on a canvas of nbvis's own over Vega's
// plot (as the line layer draws big lines): one symbol per occupied cell, in its series'
// colour and shape, shaded by how many points it stands for. Vega keeps the axes, legend,
// the single points once zoomed in, and the hovered cell's point with its tooltip.
import * as vega from "vega";
import { overlayCanvas, placeOverlay } from "./origin.js";

/** CSS pixels within which the pointer picks a cell's point. */
const HOVER_REACH = 6;

export class DensityLayer {
  constructor() {
    this.view = null;
    this.canvas = null;
    this.cells = null; // rows of the binned density (nbvis_count, nbvis_alpha), or null
    this.style = { size: 30, opacity: 0.8 };
    this.paths = new Map(); // shape -> Path2D of the symbol at the mark's size
    this.drawn = null; // [{px, py, row}] of the last draw, for hover
    this.info = { draws: 0, cells: 0, ms: 0 };
  }

  /** Draw into the Vega view `view` in `container` (after each embed). */
  attach(view, container, vgSpec) {
    this.detach();
    this.view = view;
    this.style = symbolStyle(vgSpec);
    this.paths.clear();
    this.canvas = overlayCanvas(container, "nbvis-density");
  }

  detach() {
    this.canvas?.remove();
    this.canvas = null;
    this.view = null;
    this.drawn = null;
  }

  /**
   * The rows Vega should draw of a level-of-detail selection: none while it is a binned
   * density (this layer draws the cells), all of them otherwise.
   */
  take(rows, binned) {
    this.cells = binned ? rows : null;
    return binned ? [] : rows;
  }

  path(shape) {
    let p = this.paths.get(shape);
    if (!p) {
      p = new Path2D();
      vega.pathSymbols(shape ?? "circle").draw(p, this.style.size);
      this.paths.set(shape, p);
    }
    return p;
  }

  /** Paint the cells with the view's scales (clears the canvas when there are none). */
  draw() {
    const { view, canvas } = this;
    if (!view || !canvas) return;
    const t0 = performance.now();
    const { ratio, width, height, W, H } = placeOverlay(canvas, view);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, W, H);
    this.drawn = [];
    const cells = this.cells;
    if (cells && cells.length) {
      const sx = view.scale("x");
      const sy = view.scale("y");
      const color = safeScale(view, "color");
      const shape = safeScale(view, "shape");
      const colors = new Map();
      for (const row of cells) {
        const px = sx(row.x);
        const py = sy(row.y);
        if (!(px >= 0 && px <= width && py >= 0 && py <= height)) continue;
        let fill = colors.get(row.series);
        if (!fill) {
          fill = { color: color ? color(row.series) : "#4c78a8", path: this.path(shape ? shape(row.series) : "circle") };
          colors.set(row.series, fill);
        }
        ctx.setTransform(ratio, 0, 0, ratio, px * ratio, py * ratio);
        ctx.globalAlpha = row.nbvis_count > 1 ? row.nbvis_alpha : this.style.opacity;
        ctx.fillStyle = fill.color;
        ctx.fill(fill.path);
        this.drawn.push({ px, py, row });
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalAlpha = 1;
    }
    this.info.draws += 1;
    this.info.cells = this.drawn.length;
    this.info.ms = performance.now() - t0;
  }

  /** The drawn cell's point nearest to CSS pixel (px, py) of the plot, within reach. */
  hoverAt(px, py) {
    let best = null;
    let dist = HOVER_REACH * HOVER_REACH;
    for (const cell of this.drawn ?? []) {
      const d = (cell.px - px) ** 2 + (cell.py - py) ** 2;
      if (d <= dist) {
        dist = d;
        best = cell.row;
      }
    }
    return best ? [best] : [];
  }
}

function safeScale(view, name) {
  try {
    return view.scale(name);
  } catch {
    return null;
  }
}

/** The scatter's symbol size and opacity in the compiled Vega spec. */
function symbolStyle(vgSpec) {
  let found = null;
  const visit = (node) => {
    for (const mark of node?.marks ?? []) {
      if (mark.name === "layer_0_marks") found = mark;
      else visit(mark);
    }
  };
  visit(vgSpec);
  const update = found?.encode?.update ?? {};
  const size = typeof update.size?.value === "number" ? update.size.value : 30;
  const op = Array.isArray(update.opacity) ? update.opacity[update.opacity.length - 1] : update.opacity;
  return { size, opacity: typeof op?.value === "number" ? op.value : 0.8 };
}
