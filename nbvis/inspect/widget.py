"""The Inspector widget: a layer browser with feature maps, predictions and attribution overlays.

All computing happens here (with the engine in this package); the browser receives
uint8 pictures in binary buffers and draws them on canvases. Its output also carries a
picture of the current view (the overlay, the predictions and the feature maps), which
is what a notebook reopened without widget state, or exported to HTML, shows.
"""

from __future__ import annotations

import html
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from .._bundle import Module
from .._inputs import to_uint8
from .._layers import list_layers, resolve_layer
from .._png import png_data_url
from .._validate import strict_kwargs
from ..widgets import Pictured
from .activations import Activations
from .cam import GradCAM, GradCAMPlusPlus, LayerCAM, ScoreCAM
from .gradients import IntegratedGradients, Saliency, SmoothGrad
from .maximize import MaximizeActivation
from .pictures import colorize, normalize, upsample

__all__ = ["METHODS", "Inspector", "inspect"]

#: The attribution methods the inspector offers, by the name its selector shows.
METHODS: dict[str, Callable[[Any], Any]] = {
    "Grad-CAM": lambda model: GradCAM(model),
    "Grad-CAM++": lambda model: GradCAMPlusPlus(model),
    "Layer-CAM": lambda model: LayerCAM(model),
    "Score-CAM": lambda model: ScoreCAM(model, batch_size=64),
    "Saliency": lambda model: Saliency(model),
    "SmoothGrad": lambda model: SmoothGrad(Saliency(model), samples=32, noise=0.15, seed=0),
    "Integrated Gradients": lambda model: IntegratedGradients(model, steps=64, batch_size=64),
}
#: Methods that take many forward passes: they report progress while they work.
SLOW = frozenset({"Score-CAM", "SmoothGrad", "Integrated Gradients"})

_THUMB = 64
_MAX_TILES = 64  # feature maps per page
_TILE = 48  # pixels per feature-map tile side


def _as_uint8_images(images: np.ndarray) -> np.ndarray:
    """(N, H, W, 3) uint8 for display (pixels by :func:`nbvis._inputs.to_uint8`)."""
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.shape[-1] == 1:
        x = np.repeat(x, 3, axis=-1)
    return to_uint8(x[..., :3])


def _resize_nearest(img: np.ndarray, size: int) -> np.ndarray:
    h, w = img.shape[:2]
    scale = size / max(h, w)
    rows = np.minimum((np.arange(max(1, round(h * scale))) / scale).astype(int), h - 1)
    cols = np.minimum((np.arange(max(1, round(w * scale))) / scale).astype(int), w - 1)
    return img[rows][:, cols]


class Inspector(Pictured, anywidget.AnyWidget):
    """Browse a model's insides for a few images: feature maps, top-k, Grad-CAM, max-activation.

    Use :func:`nbvis.inspect.inspect` to make one.
    """

    _esm = Module("inspector.js")

    layer = t.Unicode("").tag(sync=True)
    image = t.Int(0).tag(sync=True)
    target = t.Int(-1).tag(sync=True)  # -1: the top class
    per_tile = t.Bool(False).tag(sync=True)
    page = t.Int(0).tag(sync=True)
    cmap = t.Enum(["jet", "viridis", "inferno"], "jet").tag(sync=True)
    method = t.Enum(list(METHODS), "Grad-CAM").tag(sync=True)

    _layers: t.List[Any] = t.List().tag(sync=True)
    _labels: t.List[Any] = t.List().tag(sync=True)  # true class name per image (text), or empty
    _thumbs = t.Dict().tag(sync=True)
    _grid = t.Dict().tag(sync=True)
    _preds: t.List[Any] = t.List().tag(sync=True)
    _cam = t.Dict().tag(sync=True)
    _gallery = t.Dict().tag(sync=True)
    _status = t.Dict().tag(sync=True)
    _methods = t.List(list(METHODS)).tag(sync=True)
    _uid = t.Unicode().tag(sync=True)

    def __init__(self, model: Any, images: Any, *, class_names: Sequence[str] | None = None,
                 labels: Sequence[int] | None = None, layers: Sequence[Any] | None = None, top_k: int = 3) -> None:
        x = np.asarray(images)
        if x.ndim not in (3, 4) or len(x) == 0:
            msg = f"images: expected a batch (N, H, W[, C]) of at least one image, got shape {x.shape}"
            raise ValueError(msg)
        if x.ndim == 3 and getattr(model, "inputs", None) is not None and len(model.inputs[0].shape) == 4:
            x = x[..., None]
        self.model = model
        self.images = x.astype(np.float32) if x.dtype != np.float32 else x
        self.class_names = list(class_names) if class_names is not None else None
        self.labels = None if labels is None else [int(v) for v in labels]
        self.top_k = top_k
        infos = list_layers(model, self.images[:1])
        if layers is not None:
            chosen = {id(resolve_layer(model, spec, arg="layers").layer) for spec in layers}
            infos = [i for i in infos if id(i.layer) in chosen]
        self._infos = [i for i in infos if not i.is_model]
        thumbs = np.stack([_resize_nearest(img, _THUMB) for img in _as_uint8_images(self.images)])
        self._acts: dict[str, Activations] = {}
        self._engines: dict[str, Any] = {"Grad-CAM": GradCAM(model)}
        self._cam_engine = self._engines["Grad-CAM"]
        # (image, class asked for, method) -> (map in [0, 1] at the image's size, class, layer)
        self._maps: dict[tuple[int, int, str], tuple[np.ndarray, int, str]] = {}
        self._init_picture()
        self._probs: np.ndarray | None = None
        names = [self._name(v) for v in self.labels] if self.labels is not None else []
        if self.labels is not None and len(self.labels) != len(self.images):
            msg = f"labels: got {len(self.labels)} labels for {len(self.images)} images"
            raise ValueError(msg)
        super().__init__(
            _labels=names,
            _layers=[{"path": i.path, "kind": i.kind, "shape": list(i.output_shape or [])} for i in self._infos],
            _thumbs={"n": len(thumbs), "h": thumbs.shape[1], "w": thumbs.shape[2], "data": memoryview(np.ascontiguousarray(thumbs).data)},
            _status={"state": "idle", "device": self._cam_engine.device, "message": "", "ms": {}},
            _uid=uuid.uuid4().hex,
        )
        self.on_msg(self._on_request)
        spatial = [i for i in self._infos if i.output_shape and len(i.output_shape) == 4]
        self.layer = (spatial or self._infos)[0].path
        self.observe(self._update_grid, names=["layer", "image", "per_tile", "page"])
        self.observe(self._update_cam, names=["image", "target", "cmap", "method"])
        self._update_all()

    # -- computing -------------------------------------------------------------------

    def _timed(self, what: str, fn: Any) -> Any:
        """Run one task, timed; its error stays shown until that task next succeeds (a
        later task that succeeds does not hide it)."""
        start = time.perf_counter()
        errors = dict(self._status.get("errors") or {})
        self._status = {**self._status, "state": "computing", "message": what}
        try:
            out = fn()
        except Exception as exc:  # shown inside the widget, not lost in a log
            errors[what] = f"{type(exc).__name__}: {exc}"
            self._status = {**self._status, "state": "error", "message": errors[what], "errors": errors,
                            "trace": traceback.format_exc(limit=3), "progress": None}
            return None
        errors.pop(what, None)
        ms = dict(self._status.get("ms", {}))
        ms[what] = round((time.perf_counter() - start) * 1e3, 1)
        state, message = ("error", next(iter(errors.values()))) if errors else ("idle", "")
        self._status = {**self._status, "state": state, "message": message, "ms": ms, "progress": None,
                        "errors": errors}
        return out

    def _update_all(self) -> None:
        self._update_grid()
        self._update_predictions()
        self._update_cam()

    def activations(self, layer: str, image: int) -> np.ndarray:
        """One image's activations of one layer, as the widget shows them (for tests too)."""
        engine = self._acts.get(layer)
        if engine is None:
            engine = self._acts[layer] = Activations(self.model, [layer])
        out = engine.attribute(self.images[image : image + 1])
        return np.asarray(next(iter(out.values())))[0].astype(np.float32)

    def _update_grid(self, _change: Any = None) -> None:
        def work() -> dict[str, Any]:
            a = self.activations(self.layer, self.image)
            if a.ndim == 3:  # conv: one tile per channel
                channels = a.shape[-1]
                pages = max(1, -(-channels // _MAX_TILES))
                page = min(max(self.page, 0), pages - 1)
                idx = np.arange(page * _MAX_TILES, min(channels, (page + 1) * _MAX_TILES))
                maps = np.moveaxis(a[..., idx], -1, 0)  # (T, h, w)
                means = a.mean(axis=(0, 1))
                if self.per_tile:
                    tiles = normalize(maps)
                else:
                    low, high = float(a.min()), float(a.max())
                    tiles = (maps - low) / max(high - low, 1e-12)
                tiles = np.stack([_resize_nearest(m, _TILE) for m in tiles])
                atlas = np.round(np.clip(tiles, 0, 1) * 255).astype(np.uint8)
                return {"layer": self.layer, "image": self.image, "kind": "conv", "channels": int(channels),
                        "first": int(idx[0]), "page": page, "pages": pages, "tile_h": atlas.shape[1],
                        "tile_w": atlas.shape[2], "n": len(idx), "means": [float(m) for m in means[idx]],
                        "data": memoryview(np.ascontiguousarray(atlas).data)}
            flat = a.reshape(-1)[:512]
            return {"layer": self.layer, "image": self.image, "kind": "dense", "n": len(flat),
                    "values": [float(v) for v in flat], "data": memoryview(b"")}

        grid = self._timed("feature maps", work)
        if grid is not None:
            self._grid = grid
            self.refresh_picture()

    def _update_predictions(self) -> None:
        def work() -> np.ndarray:
            out = self.model(self.images, training=False)
            out = out[0] if isinstance(out, (list, tuple)) else out
            host = self._cam_engine._backend.numpy(out)  # PyTorch: detached from autograd first
            return host.astype(np.float32).reshape(len(self.images), -1)

        probs = self._timed("predictions", work)
        if probs is not None:
            self._probs = probs
            self._publish_predictions()

    def _publish_predictions(self) -> None:
        if self._probs is None:
            return
        row = self._probs[self.image]
        order = np.argsort(-row)[: self.top_k]
        self._preds = [{"index": int(c), "name": self._name(int(c)), "prob": float(row[c])} for c in order]

    def _name(self, c: int) -> str:
        return str(self.class_names[c]) if self.class_names and 0 <= c < len(self.class_names) else f"Class {c}"

    def attribution(self, image: int, target: int, method: str) -> tuple[np.ndarray, int, str]:
        """One image's map by ``method`` for class ``target`` (``-1``: the top class), in
        [0, 1] at the image's size, as the widget shows it; the class explained; and the
        layer it comes from (``"input"`` for the input-space methods). Cached."""
        key = (image, target, method)
        cached = self._maps.get(key)
        if cached is not None:
            return cached
        engine = self._engines.get(method)
        if engine is None:
            engine = self._engines[method] = METHODS[method](self.model)
        img = self.images[image : image + 1]
        kwargs: dict[str, Any] = {}
        if method in SLOW:
            kwargs["progress"] = self._progress(method)
        result = engine.attribute(img, target=None if target < 0 else [target], **kwargs)
        maps = np.abs(result.maps)  # where it points: signed maps (Integrated Gradients) by magnitude
        if maps.shape[1:] != img.shape[1:3]:
            maps = upsample(maps, img.shape[1:3])
        layer = result.layer.path if hasattr(result, "layer") else "input"
        out = self._maps[key] = (normalize(maps)[0], int(result.targets[0]), layer)
        return out

    def _progress(self, what: str) -> Callable[[int, int], None]:
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = time.perf_counter()
            if done == total or now - last[0] > 0.1:  # at most ten updates a second
                last[0] = now
                self._status = {**self._status, "progress": done / max(total, 1), "message": what}

        return report

    def _update_cam(self, _change: Any = None) -> None:
        self._publish_predictions()

        def work() -> dict[str, Any]:
            heat, target, layer = self.attribution(self.image, self.target, self.method)
            hot = np.unravel_index(int(np.argmax(heat)), heat.shape)
            rgb = colorize(heat, self.cmap)
            return {"image": self.image, "target": target, "method": self.method,
                    "layer": layer, "h": heat.shape[0], "w": heat.shape[1],
                    "hot": [int(hot[0]), int(hot[1])], "data": memoryview(np.ascontiguousarray(rgb).data)}

        cam = self._timed(self.method, work)
        if cam is not None:
            self._cam = cam
            self.refresh_picture()

    # -- the picture -------------------------------------------------------------------

    def picture_html(self) -> str:
        """The current view as HTML (PNG images, every name escaped): what shows where no
        live view can be drawn."""
        parts = []
        cam = self._cam
        if cam.get("data") is not None:
            img = _as_uint8_images(self.images[cam["image"] : cam["image"] + 1])[0].astype(np.float32)
            heat = np.frombuffer(cam["data"], np.uint8).reshape(cam["h"], cam["w"], 3).astype(np.float32)
            blend = np.round(0.5 * img + 0.5 * heat).astype(np.uint8)
            big = _resize_nearest(blend, 192)
            where = "the input" if cam["layer"] == "input" else f"layer {cam['layer']}"
            caption = f"{cam['method']} of {self._name(cam['target'])} ({where}), image {cam['image']}"
            parts.append(f'<div><img src="{png_data_url(big)}" style="image-rendering:pixelated"/>'
                         f"<br/>{html.escape(caption)}</div>")
        if self._preds:
            rows = "".join(f"<li>{html.escape(p['name'])}: {100 * p['prob']:.1f}%</li>" for p in self._preds)
            parts.append(f"<div><b>Predictions</b><ol>{rows}</ol></div>")
        grid = self._grid
        if grid.get("kind") == "conv" and grid.get("n"):
            tiles = np.frombuffer(grid["data"], np.uint8).reshape(grid["n"], grid["tile_h"], grid["tile_w"])
            cols = min(8, len(tiles))
            rows_n = -(-len(tiles) // cols)
            atlas = np.full((rows_n * (grid["tile_h"] + 2), cols * (grid["tile_w"] + 2)), 255, np.uint8)
            for i, tile in enumerate(tiles):
                r, c = divmod(i, cols)
                atlas[r * (grid["tile_h"] + 2) : r * (grid["tile_h"] + 2) + grid["tile_h"],
                      c * (grid["tile_w"] + 2) : c * (grid["tile_w"] + 2) + grid["tile_w"]] = tile
            title = f"Feature maps of {grid['layer']} (channels {grid['first']}-{grid['first'] + grid['n'] - 1})"
            parts.append(f"<div><b>{html.escape(title)}</b><br/><img src=\"{png_data_url(atlas)}\"/></div>")
        body = "".join(parts)
        return f'<div style="display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start">{body}</div>'

    def __repr__(self) -> str:
        return f"<nbvis inspector: {len(self.images)} images, {len(self._infos)} layers>"

    def _on_request(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "maximize":
            self.maximize(int(content.get("count", 8)))

    def maximize(self, count: int = 8, steps: int = 64) -> None:
        """Compute max-activation images for the first ``count`` filters of the current layer."""
        def work() -> None:
            optimizer = MaximizeActivation(self.model, self.layer, input_shape=self.images.shape[1:])
            channels = optimizer.channels()
            filters = list(range(min(count, channels)))
            low, high = float(self.images.min()), float(self.images.max())
            done: list[np.ndarray] = []
            for start in range(0, len(filters), 4):  # results appear as they finish
                chunk = filters[start : start + 4]

                def progress(step: int, total: int, _start: int = start, _size: int = len(chunk)) -> None:
                    self._gallery = {**self._gallery, "progress": (_start + _size * step / total) / len(filters)}

                result = optimizer.attribute(chunk, steps=steps, input_range=(low, high), progress=progress)
                done.extend(_resize_nearest(img, _THUMB) for img in _as_uint8_images(result.images))
                atlas = np.stack(done)
                self._gallery = {"layer": self.layer, "filters": filters[: len(done)], "total": len(filters),
                                 "progress": len(done) / len(filters), "h": atlas.shape[1], "w": atlas.shape[2],
                                 "data": memoryview(np.ascontiguousarray(atlas).data)}

        self._timed("max-activation", work)


@strict_kwargs
def inspect(model: Any, images: Any, *, labels: Sequence[int] | None = None,
            class_names: Sequence[str] | None = None, layers: Sequence[Any] | None = None) -> Inspector:
    """An interactive inspector of ``model`` on ``images``.

    Examples
    --------
    >>> nbvis.inspect.inspect(model, x_test[:8], labels=y_test[:8], class_names=names)
    """
    return Inspector(model, images, labels=labels, class_names=class_names, layers=layers)
