"""The Inspector widget: a layer browser with feature maps, predictions and CAM overlays.

All computing happens here (with the engine in this package); the browser receives
uint8 pictures in binary buffers and draws them on canvases.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Sequence
from typing import Any

import anywidget
import numpy as np
import traitlets as t

from .._inputs import to_uint8
from .._layers import list_layers, resolve_layer
from ..widgets import Module
from .activations import Activations
from .cam import GradCAM, colorize, normalize, upsample
from .maximize import MaximizeActivation

__all__ = ["Inspector", "inspect"]

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


class Inspector(anywidget.AnyWidget):
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

    _layers: t.List[Any] = t.List().tag(sync=True)
    _labels: t.List[Any] = t.List().tag(sync=True)  # true class name per image (text), or empty
    _thumbs = t.Dict().tag(sync=True)
    _grid = t.Dict().tag(sync=True)
    _preds: t.List[Any] = t.List().tag(sync=True)
    _cam = t.Dict().tag(sync=True)
    _gallery = t.Dict().tag(sync=True)
    _status = t.Dict().tag(sync=True)

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
        self._cams: dict[str, GradCAM] = {}
        self._cam_engine = GradCAM(model)
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
        )
        self.on_msg(self._on_request)
        spatial = [i for i in self._infos if i.output_shape and len(i.output_shape) == 4]
        self.layer = (spatial or self._infos)[0].path
        self.observe(self._update_grid, names=["layer", "image", "per_tile", "page"])
        self.observe(self._update_cam, names=["image", "target", "cmap"])
        self._update_all()

    # -- computing -------------------------------------------------------------------

    def _timed(self, what: str, fn: Any) -> Any:
        start = time.perf_counter()
        self._status = {**self._status, "state": "computing", "message": what}
        try:
            out = fn()
        except Exception as exc:  # shown inside the widget, not lost in a log
            self._status = {**self._status, "state": "error", "message": f"{type(exc).__name__}: {exc}",
                            "trace": traceback.format_exc(limit=3)}
            return None
        ms = dict(self._status.get("ms", {}))
        ms[what] = round((time.perf_counter() - start) * 1e3, 1)
        self._status = {**self._status, "state": "idle", "message": "", "ms": ms}
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

    def _update_predictions(self) -> None:
        def work() -> np.ndarray:
            out = self.model(self.images, training=False)
            out = out[0] if isinstance(out, (list, tuple)) else out
            return np.asarray(out, dtype=np.float32).reshape(len(self.images), -1)

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

    def _update_cam(self, _change: Any = None) -> None:
        self._publish_predictions()

        def work() -> dict[str, Any]:
            img = self.images[self.image : self.image + 1]
            target = None if self.target < 0 else [self.target]
            result = self._cam_engine.attribute(img, target=target)
            heat = normalize(upsample(result.maps, img.shape[1:3]))[0]
            hot = np.unravel_index(int(np.argmax(heat)), heat.shape)
            rgb = colorize(heat, self.cmap)
            return {"image": self.image, "target": int(result.targets[0]),
                    "layer": result.layer.path, "h": heat.shape[0], "w": heat.shape[1],
                    "hot": [int(hot[0]), int(hot[1])], "data": memoryview(np.ascontiguousarray(rgb).data)}

        cam = self._timed("Grad-CAM", work)
        if cam is not None:
            self._cam = cam

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


def inspect(model: Any, images: Any, *, labels: Sequence[int] | None = None,
            class_names: Sequence[str] | None = None, layers: Sequence[Any] | None = None) -> Inspector:
    """An interactive inspector of ``model`` on ``images``.

    Examples
    --------
    >>> nbvis.inspect.inspect(model, x_test[:8], labels=y_test[:8], class_names=names)
    """
    return Inspector(model, images, labels=labels, class_names=class_names, layers=layers)
