"""A snapshot as one standalone Vega-Lite spec: every dataset inline, derivations done."""

from __future__ import annotations

import copy
from typing import Any

from .._contract import CELLS, MATRIX, PIXELS, VEGA_LITE_VERSION, chart_meta, without_meta
from .derive import raster_blocks, smoothed, tiles
from .snapshot import Snapshot, rows_of

__all__ = ["STATIC_WIDTH", "VL_VERSION", "full_spec"]

#: vl-convert takes the Vega-Lite version as "major.minor".
VL_VERSION = ".".join(VEGA_LITE_VERSION.split(".")[:2])
#: The width of a picture of a chart whose width follows its container.
STATIC_WIDTH = 480
_BLOCKS = "raster_blocks"


def _interactive_only(layer: dict[str, Any]) -> bool:
    """Layers drawn only on hover (the hover rule and points): invisible in a picture."""
    opacity = layer.get("encoding", {}).get("opacity", {})
    return isinstance(opacity, dict) and opacity.get("condition", {}).get("param") == "hover"


def _raster_layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The raster image and its legend layer, as rects of block means."""
    image, legend = spec["layer"]
    position = {k: v for k, v in image["encoding"].items() if k in ("x", "x2", "y", "y2")}
    color = legend["encoding"]["color"]
    return [{"data": {"name": _BLOCKS}, "mark": {"type": "rect", "strokeWidth": 0.5},
             "encoding": {**position, "color": color, "stroke": {**color, "legend": None}}}]


def full_spec(snapshot: Snapshot, *, width: int | None = STATIC_WIDTH) -> dict[str, Any]:
    """A standalone Vega-Lite spec of the snapshot: every named dataset inline,
    browser-side derivations (smoothing, painted images, the stats row) computed here,
    a ``"container"`` width fixed to ``width``.

    Examples
    --------
    >>> spec = full_spec(chart.snapshot())
    >>> sorted(spec["datasets"])
    ['events', 'smoothed', 'values']
    """
    meta = chart_meta(snapshot.spec)
    spec = copy.deepcopy(without_meta(snapshot.spec))
    datasets = {name: rows_of(t) for name, t in snapshot.tables.items() if name not in (MATRIX, PIXELS)}
    if "smooth" in meta:
        smooth = meta["smooth"]
        datasets[smooth["target"]] = smoothed(datasets[smooth["source"]], smooth["weight"])
    if "raster" in meta:
        datasets[_BLOCKS] = raster_blocks(snapshot, meta["raster"])
        datasets.pop(CELLS, None)
        spec["layer"] = _raster_layers(spec)
    if "images" in meta:
        images = meta["images"]
        datasets[images["target"]] = tiles(snapshot, images)
        datasets.pop(images["meta"], None)
    if "stats" in meta:
        line = "  ·  ".join(f"{r['label']}: {r['text']}" for r in datasets.pop(meta["stats"], []))
        if "title" in spec:  # the chart's own title, the stats row under it
            spec["title"] = {**spec["title"], "subtitle": line, "subtitleFontSize": 11}
        else:
            spec["title"] = {"text": line, "anchor": "start", "fontSize": 11, "fontWeight": "normal"}
    if "layer" in spec:
        spec["layer"] = [layer for layer in spec["layer"] if not _interactive_only(layer)]
    spec["datasets"] = datasets
    if spec.get("width") == "container" and width is not None:
        spec["width"] = width
    return spec
