// The Inspector widget's view: layer list, image picker, feature-map grid, top-k,
// attribution overlay (a method selector: Grad-CAM, Score-CAM, SmoothGrad, ...) and
// max-activation gallery. The kernel computes; this draws uint8 pictures from binary
// buffers on canvases. Every label is set as text, never as HTML.

import { addStyle } from "./css.js";
import { hidePictures } from "./model.js";

const STYLE_ID = "nbvis-inspector-style";
const CSS = `
.nbvis-insp{font:12px/1.4 sans-serif;display:grid;grid-template-columns:minmax(320px,1fr) 300px;gap:10px;max-width:980px}
.nbvis-insp .row{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin:4px 0}
.nbvis-insp canvas{image-rendering:pixelated}
.nbvis-insp .thumb{border:2px solid transparent;cursor:pointer}
.nbvis-insp .thumb.on{border-color:#1f77b4}
.nbvis-insp .pred{display:block;width:100%;text-align:left;margin:2px 0;cursor:pointer}
.nbvis-insp .pred.on{font-weight:bold;outline:2px solid #1f77b4}
.nbvis-insp .status{grid-column:1/3;color:#555}
.nbvis-insp .status.error{color:#b00020;white-space:pre-wrap}
.nbvis-insp .status.busy{color:#b36b00}
.nbvis-insp progress{width:160px}
`;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function bytes(view) {
  if (!view) return new Uint8Array(0);
  if (view instanceof ArrayBuffer) return new Uint8Array(view);
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Draw an (n, h, w[, 3]) uint8 atlas entry i on a canvas, scaled by `scale`. */
function drawImage(canvas, data, n, h, w, channels, i, scale = 1) {
  canvas.width = w * scale;
  canvas.height = h * scale;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(w, h);
  const offset = i * h * w * channels;
  for (let p = 0; p < h * w; p++) {
    const v = offset + p * channels;
    img.data[4 * p] = data[v];
    img.data[4 * p + 1] = data[channels === 3 ? v + 1 : v];
    img.data[4 * p + 2] = data[channels === 3 ? v + 2 : v];
    img.data[4 * p + 3] = 255;
  }
  if (scale === 1) {
    ctx.putImageData(img, 0, 0);
    return;
  }
  const tmp = el("canvas", { width: w, height: h });
  tmp.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, w * scale, h * scale);
}

function render({ model, el: root }) {
  addStyle(root, STYLE_ID, CSS);
  const layerSelect = el("select", { className: "nbvis-layer" });
  const perTile = el("input", { type: "checkbox", className: "nbvis-per-tile" });
  const prev = el("button", { textContent: "◀", className: "nbvis-prev" });
  const next = el("button", { textContent: "▶", className: "nbvis-next" });
  const pageText = el("span");
  const thumbs = el("div", { className: "row nbvis-thumbs" });
  const grid = el("canvas", { className: "nbvis-grid" });
  const zoom = el("canvas", { className: "nbvis-zoom" });
  const zoomText = el("div");
  const camCanvas = el("canvas", { className: "nbvis-cam" });
  const heatCanvas = el("canvas", { className: "nbvis-heat", style: "display:none" });
  const opacity = el("input", { type: "range", min: "0", max: "1", step: "0.05", value: "0.5", className: "nbvis-opacity" });
  const preds = el("div", { className: "nbvis-preds" });
  const cmap = el("select", { className: "nbvis-cmap" },
    ...["jet", "viridis", "inferno"].map((name) => el("option", { value: name, textContent: name })));
  const method = el("select", { className: "nbvis-method" },
    ...(model.get("_methods") || []).map((name) => el("option", { value: name, textContent: name })));
  const camProgress = el("progress", { max: 1, value: 0, className: "nbvis-cam-progress", style: "display:none" });
  const camCaption = el("div", { className: "nbvis-cam-caption" });
  const maxButton = el("button", { textContent: "Max-activation: first 8 filters", className: "nbvis-maximize" });
  const progress = el("progress", { max: 1, value: 0 });
  const gallery = el("div", { className: "row nbvis-gallery" });
  const status = el("div", { className: "status nbvis-status" });

  const left = el(
    "div",
    {},
    el("div", { className: "row" }, el("span", { textContent: "Layer " }), layerSelect),
    thumbs,
    el("div", { className: "row" }, el("label", {}, perTile, document.createTextNode(" normalise each tile")),
      prev, pageText, next),
    grid,
    el("div", { className: "row" }, zoom, zoomText),
    el("div", { className: "row" }, maxButton, progress),
    gallery,
  );
  const right = el(
    "div",
    {},
    el("div", { className: "row" }, el("span", { textContent: "Method " }), method, camProgress),
    camCanvas,
    heatCanvas,
    camCaption,
    el("div", { className: "row" }, el("span", { textContent: "Map opacity " }), opacity, cmap),
    el("div", { textContent: "Predictions (click one to explain it)" }),
    preds,
  );
  const box = el("div", { className: "nbvis-insp" }, left, right, status);
  root.append(box);

  const debug = { cols: 0, tiles: 0 };
  root.__nbvis_inspector = debug;
  let busyTimer = null;

  const request = (name, value) => {
    model.set(name, value);
    model.save_changes();
    clearTimeout(busyTimer);
    busyTimer = setTimeout(() => {
      status.className = "status nbvis-status busy";
      status.textContent = "The kernel is busy or not running: this view updates when it answers.";
    }, 1500);
  };
  const answered = () => clearTimeout(busyTimer);

  function drawLayers() {
    layerSelect.replaceChildren(
      ...model.get("_layers").map((l) =>
        el("option", { value: l.path, textContent: `${l.path} — ${l.kind} ${JSON.stringify(l.shape)}` }),
      ),
    );
    layerSelect.value = model.get("layer");
  }

  function drawThumbs() {
    const t = model.get("_thumbs");
    const data = bytes(t.data);
    thumbs.replaceChildren();
    const labels = model.get("_labels") || [];
    for (let i = 0; i < t.n; i++) {
      const c = el("canvas", { className: `thumb${i === model.get("image") ? " on" : ""}` });
      drawImage(c, data, t.n, t.h, t.w, 3, i, 1);
      c.addEventListener("click", () => request("image", i));
      thumbs.append(labels.length ? el("div", { className: "nbvis-thumb" }, c, el("div", { textContent: labels[i] })) : c);
    }
  }

  function drawGrid() {
    answered();
    const g = model.get("_grid");
    if (!g || !g.kind) return;
    const ctx = grid.getContext("2d");
    if (g.kind === "dense") {
      const vals = g.values;
      const w = Math.max(320, Math.min(640, vals.length * 4));
      grid.width = w;
      grid.height = 140;
      ctx.clearRect(0, 0, w, 140);
      const hi = Math.max(1e-12, ...vals.map(Math.abs));
      const bw = w / vals.length;
      vals.forEach((v, i) => {
        ctx.fillStyle = v >= 0 ? "#1f77b4" : "#d62728";
        const hgt = (Math.abs(v) / hi) * 65;
        ctx.fillRect(i * bw, v >= 0 ? 70 - hgt : 70, Math.max(1, bw - 1), hgt);
      });
      Object.assign(debug, { kind: "dense", tiles: vals.length, cols: vals.length });
      pageText.textContent = `${vals.length} units`;
      return;
    }
    const data = bytes(g.data);
    const cols = Math.min(8, g.n);
    const rows = Math.ceil(g.n / cols);
    const pad = 2;
    grid.width = cols * (g.tile_w + pad);
    grid.height = rows * (g.tile_h + pad);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, grid.width, grid.height);
    const tile = el("canvas");
    for (let i = 0; i < g.n; i++) {
      drawImage(tile, data, g.n, g.tile_h, g.tile_w, 1, i, 1);
      ctx.drawImage(tile, (i % cols) * (g.tile_w + pad), Math.floor(i / cols) * (g.tile_h + pad));
    }
    Object.assign(debug, { kind: "conv", tiles: g.n, cols, tileW: g.tile_w, tileH: g.tile_h, pad, first: g.first });
    pageText.textContent = ` filters ${g.first}–${g.first + g.n - 1} of ${g.channels} (page ${g.page + 1}/${g.pages}) `;
    prev.disabled = g.page === 0;
    next.disabled = g.page >= g.pages - 1;
    grid.onclick = (event) => {
      const r = grid.getBoundingClientRect();
      const i = Math.floor((event.clientY - r.top) / (g.tile_h + pad)) * cols +
        Math.floor((event.clientX - r.left) / (g.tile_w + pad));
      if (i < 0 || i >= g.n) return;
      drawImage(zoom, data, g.n, g.tile_h, g.tile_w, 1, i, 3);
      zoomText.textContent = `filter ${g.first + i}: mean activation ${g.means[i].toPrecision(4)}`;
      debug.zoomed = g.first + i;
    };
  }

  function drawCam() {
    answered();
    const c = model.get("_cam");
    if (!c || !c.data) return;
    const t = model.get("_thumbs");
    const heat = bytes(c.data);
    drawImage(heatCanvas, heat, 1, c.h, c.w, 3, 0, 1);
    // the image, at the CAM's resolution, from the original thumbnails' source size
    const scale = Math.max(1, Math.floor(240 / Math.max(c.h, c.w)));
    camCanvas.width = c.w * scale;
    camCanvas.height = c.h * scale;
    const ctx = camCanvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    const thumb = el("canvas");
    drawImage(thumb, bytes(t.data), t.n, t.h, t.w, 3, c.image, 1);
    ctx.drawImage(thumb, 0, 0, camCanvas.width, camCanvas.height);
    ctx.globalAlpha = Number(opacity.value);
    ctx.drawImage(heatCanvas, 0, 0, camCanvas.width, camCanvas.height);
    ctx.globalAlpha = 1;
    // user text (class names, layer paths) goes in as text, never as HTML
    const where = c.layer === "input" ? "input gradients" : `layer ${c.layer}`;
    camCaption.textContent = `${c.method ?? "Grad-CAM"} · ${where}`;
    Object.assign(debug, { camTarget: c.target, camImage: c.image, hot: c.hot, camMethod: c.method });
    drawPreds();
  }

  function drawPreds() {
    const c = model.get("_cam") || {};
    const truth = (model.get("_labels") || [])[model.get("image")];
    preds.replaceChildren(
      ...(truth === undefined ? [] : [el("div", { className: "nbvis-truth", textContent: `true class: ${truth}` })]),
      ...model.get("_preds").map((p) => {
        const b = el("button", {
          className: `pred${p.index === c.target ? " on" : ""}`,
          textContent: `${p.name}  ${(100 * p.prob).toFixed(1)}%`,
        });
        b.addEventListener("click", () => request("target", p.index));
        return b;
      }),
    );
  }

  function drawGallery() {
    const g = model.get("_gallery");
    progress.value = g?.progress ?? 0;
    if (!g || !g.data) return;
    const data = bytes(g.data);
    gallery.replaceChildren(
      ...g.filters.map((f, i) => {
        const c = el("canvas", { title: `filter ${f}` });
        drawImage(c, data, g.filters.length, g.h, g.w, 3, i, 1);
        return el("div", {}, c, el("div", { textContent: `filter ${f}` }));
      }),
    );
    debug.gallery = g.filters.length;
  }

  function drawStatus() {
    const s = model.get("_status") || {};
    const ms = Object.entries(s.ms || {}).map(([k, v]) => `${k} ${v} ms`).join(" · ");
    if (s.state === "error") {
      status.className = "status nbvis-status error";
      status.textContent = `Error: ${s.message}`;
    } else {
      status.className = "status nbvis-status";
      status.textContent = `${s.state === "computing" ? `computing ${s.message}… · ` : ""}device ${s.device} · ${ms}`;
    }
    debug.status = s.state;
    const busy = s.state === "computing" && typeof s.progress === "number";
    camProgress.style.display = busy ? "" : "none";
    camProgress.value = busy ? s.progress : 0;
    if (busy) debug.progressSeen = Math.max(debug.progressSeen ?? 0, s.progress);
  }

  layerSelect.addEventListener("change", () => { request("page", 0); request("layer", layerSelect.value); });
  perTile.addEventListener("change", () => request("per_tile", perTile.checked));
  prev.addEventListener("click", () => request("page", Math.max(0, model.get("page") - 1)));
  next.addEventListener("click", () => request("page", model.get("page") + 1));
  opacity.addEventListener("input", drawCam);
  cmap.value = model.get("cmap");
  cmap.addEventListener("change", () => request("cmap", cmap.value));
  method.value = model.get("method");
  method.addEventListener("change", () => request("method", method.value));
  maxButton.addEventListener("click", () => model.send({ type: "maximize", count: 8 }));

  const handlers = {
    "change:_grid": drawGrid,
    "change:_cam": drawCam,
    "change:_preds": drawPreds,
    "change:_gallery": drawGallery,
    "change:_status": drawStatus,
    "change:image": drawThumbs,
    "change:layer": drawLayers,
    "change:method": () => { method.value = model.get("method"); },
  };
  for (const [event, fn] of Object.entries(handlers)) model.on(event, fn);
  drawLayers();
  drawThumbs();
  drawGrid();
  drawCam();
  drawGallery();
  drawStatus();
  hidePictures(model.get("_uid"));
  return () => {
    clearTimeout(busyTimer);
    for (const [event, fn] of Object.entries(handlers)) model.off(event, fn);
  };
}

export default { render };
