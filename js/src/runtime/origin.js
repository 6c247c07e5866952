// Where a Vega view's plot area starts on its canvas. `view.origin()` alone leaves out the
// view's padding, which Vega's renderer and its event handler add (vega-view render-size.js).

/** The plot area's top-left corner on the view's canvas, in CSS pixels. */
export function plotOrigin(view) {
  const padding = view.padding();
  const [ox, oy] = view.origin();
  return [ox + (padding?.left ?? 0), oy + (padding?.top ?? 0)];
}
