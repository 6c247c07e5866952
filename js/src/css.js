// The one way nbvis adds CSS: a <style> element, once per root, in the root a node lives
// in (the page's <head>, or the shadow root a host such as marimo draws widgets in).

/**
 * The <style> element `id` of the root `node` lives in (`node.getRootNode()`: a shadow
 * root, or else the page — `document` itself, or a node not attached yet), inserted there
 * with `css` the first time. Later calls return it as it is; a caller may add rules.
 * @returns {HTMLStyleElement}
 */
export function addStyle(node, id, css) {
  const root = node.getRootNode?.() ?? document;
  const shadow = root.nodeType === 11 && root.host ? root : null; // a ShadowRoot
  let style = (shadow ?? document).getElementById(id);
  if (!style) {
    style = document.createElement("style");
    style.id = id;
    style.textContent = css;
    (shadow ?? document.head).append(style);
  }
  return style;
}
