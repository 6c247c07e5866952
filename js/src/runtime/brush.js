// Shift-drag zoom: a box over the plot; on release the view zooms to its x range (and
// its y range for points). Vega's own drag pans only without Shift (see the spec's PAN).
import { ZOOM_PARAM } from "../contract.js";
import { plotOrigin } from "./origin.js";

const ZOOM_X = `${ZOOM_PARAM}_x`;
const ZOOM_Y = `${ZOOM_PARAM}_y`;

/**
 * Listen for Shift-drags on `container`. `getView()` is the current Vega view or null.
 * @returns {() => void} stop listening
 */
export function installBrush(container, getView, { points }) {
  let brush = null;
  function onBrushStart(event) {
    const view = getView();
    if (!event.shiftKey || !view || event.button !== 0) return;
    try {
      view.signal(ZOOM_X);
    } catch {
      return; // a chart without zoom
    }
    const canvas = container.querySelector("canvas");
    if (!canvas) return;
    const box = canvas.getBoundingClientRect();
    const [ox, oy] = plotOrigin(view);
    const [w, h] = [view.width(), view.height()];
    const px = event.clientX - box.left - ox;
    const py = event.clientY - box.top - oy;
    if (px < 0 || px > w || py < 0 || py > h) return;
    const overlay = document.createElement("div");
    overlay.className = "nbvis-brush";
    overlay.style.cssText =
      "position:absolute;pointer-events:none;background:rgba(70,130,180,.15);border:1px solid steelblue;";
    container.style.position = "relative";
    container.append(overlay);
    brush = { px, py, qx: px, qy: py };
    const place = () => {
      const x0 = Math.min(brush.px, brush.qx);
      const y0 = points ? Math.min(brush.py, brush.qy) : 0;
      const x1 = Math.max(brush.px, brush.qx);
      const y1 = points ? Math.max(brush.py, brush.qy) : h;
      Object.assign(overlay.style, {
        left: `${ox + x0}px`,
        top: `${oy + y0}px`,
        width: `${x1 - x0}px`,
        height: `${y1 - y0}px`,
      });
    };
    const move = (e) => {
      brush.qx = Math.min(w, Math.max(0, e.clientX - box.left - ox));
      brush.qy = Math.min(h, Math.max(0, e.clientY - box.top - oy));
      place();
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      overlay.remove();
      const b = brush;
      brush = null;
      const current = getView();
      if (!current || Math.abs(b.qx - b.px) < 3) return;
      const sx = current.scale("x");
      current.signal(ZOOM_X, [sx.invert(Math.min(b.px, b.qx)), sx.invert(Math.max(b.px, b.qx))]);
      if (points && Math.abs(b.qy - b.py) >= 3) {
        const sy = current.scale("y");
        try {
          current.signal(ZOOM_Y, [sy.invert(Math.max(b.py, b.qy)), sy.invert(Math.min(b.py, b.qy))]);
        } catch {
          // no zoom on y
        }
      }
      current.runAsync();
    };
    place();
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    event.preventDefault();
    event.stopPropagation();
  }
  container.addEventListener("pointerdown", onBrushStart, true);
  return () => container.removeEventListener("pointerdown", onBrushStart, true);
}
