// Where a Vega view's plot area starts on its canvas, and the canvases nbvis draws there.
// `view.origin()` alone leaves out the view's padding, which Vega's renderer and its event
// handler add (vega-view render-size.js).

/** The plot area's top-left corner on the view's canvas, in CSS pixels. */
export function plotOrigin(view) {
  const padding = view.padding();
  const [ox, oy] = view.origin();
  return [ox + (padding?.left ?? 0), oy + (padding?.top ?? 0)];
}

/** A canvas of nbvis's own over the Vega view in `container` (events pass through it). */
export function overlayCanvas(container, className) {
  const canvas = document.createElement("canvas");
  canvas.className = className;
  canvas.style.cssText = "position:absolute;pointer-events:none;left:0;top:0;";
  const host = container.querySelector(".vega-embed") ?? container;
  if (getComputedStyle(host).position === "static") host.style.position = "relative";
  host.append(canvas);
  return canvas;
}

/**
 * Size `canvas` to the view's plot area (device pixels) and lay it exactly on it.
 * @returns {{ ratio: number, width: number, height: number, W: number, H: number }}
 */
export function placeOverlay(canvas, view) {
  const ratio = globalThis.devicePixelRatio || 1;
  const width = view.width();
  const height = view.height();
  const W = Math.max(1, Math.round(width * ratio));
  const H = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== W || canvas.height !== H) {
    canvas.width = W;
    canvas.height = H;
  }
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const vegaCanvas = canvas.parentElement?.querySelector("canvas.marks");
  const [ox, oy] = plotOrigin(view);
  canvas.style.left = `${(vegaCanvas?.offsetLeft ?? 0) + ox}px`;
  canvas.style.top = `${(vegaCanvas?.offsetTop ?? 0) + oy}px`;
  return { ratio, width, height, W, H };
}
