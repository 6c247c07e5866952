"""The contract between a chart's Python side and its JavaScript side.

A chart spec is Vega-Lite (of :data:`VEGA_LITE_VERSION`) plus ``usermeta.nbvis``: what the browser derives or draws
itself around Vega (level of detail, smoothing, painted images, the stats row). This
module is the only Python code that writes or reads that block; ``js/src/contract.js``
is the only JavaScript that reads it. Datasets are named by the constants below, never
by string literals elsewhere.

>>> spec = with_meta({"layer": []}, ChartMeta(lod=LodMeta(dataset=VALUES, kind="line")))
>>> chart_meta(spec)["lod"]["kind"]
'line'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

__all__ = [
    "BINS",
    "CELLS",
    "EVENTS",
    "HOVER_PARAM",
    "IMAGES",
    "MATRIX",
    "PIXELS",
    "RASTER",
    "ROWS",
    "SCALARS",
    "SMOOTHED",
    "STATS",
    "THIN_FIELD",
    "TILES",
    "VALUES",
    "VEGA_LITE_SCHEMA",
    "VEGA_LITE_VERSION",
    "X_AXES",
    "ZOOM_PARAM",
    "ChartMeta",
    "ColorMeta",
    "ImagesMeta",
    "LodMeta",
    "RasterMeta",
    "SmoothMeta",
    "chart_meta",
    "with_meta",
    "without_meta",
]

#: The Vega-Lite version bundled into the front end: the one place it is pinned on the
#: Python side (a test checks it against js/package.json and the vendored schema).
VEGA_LITE_VERSION = "6.4.1"
VEGA_LITE_SCHEMA = f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE_VERSION.split('.')[0]}.json"

# -- dataset names ------------------------------------------------------------------------
#: Long ``x, y, series`` rows of line charts and scatter plots.
VALUES = "values"
#: EMA-smoothed lines, derived in the browser (and for pictures in Python) from VALUES.
SMOOTHED = "smoothed"
#: Marked x positions (``x``, ``label``), e.g. where a loss became NaN.
EVENTS = "events"
#: Histogram bins (``start``, ``end``, ``count``; ``choice`` for drop-down histograms).
BINS = "bins"
#: A histogram's stats row (``label``, ``text``), drawn as an HTML row above the chart.
STATS = "stats"
#: Heatmap / confusion-matrix cells, one row per cell.
CELLS = "cells"
#: A big heatmap's row-major values (``value``), painted as one image.
MATRIX = "matrix"
#: The painted image of MATRIX (``url``, box, ``v``), derived in the browser.
RASTER = "raster"
#: Image-grid layout (``label``, ``h``, ``w``, ``c``, ``offset``, ``px``, ``py``, ``cx``, ``ly``).
IMAGES = "images"
#: Image-grid pixels: one uint8 column ``v``.
PIXELS = "pixels"
#: Image-grid tiles (IMAGES rows plus ``url``), derived in the browser.
TILES = "tiles"
#: Table rows (``c0``, ``c1``, ...; ``depth``, ``parent`` for tree tables).
ROWS = "rows"
#: A runs board's long rows (``run``, ``tag``, ``step``, ``time``, ``value``).
SCALARS = "scalars"

# -- names both sides use (js/src/contract.js has these; tests/unit/test_contract.py checks them) ----
# The browser finds a chart's datasets from its spec and ``usermeta.nbvis``, so it needs
# none of the dataset names above but ROWS and SCALARS (widgets of their own, no spec).
#: The runs board's x axes: steps, time since the run began, wall-clock time.
X_AXES = ("step", "relative", "wall")
#: The interval param of an XY chart bound to its scales; the browser sets its signals
#: ``zoom_x`` and ``zoom_y`` (Shift-drag box zoom).
ZOOM_PARAM = "zoom"
#: The hover selection of an XY chart's rule and points, which the line layer replaces.
HOVER_PARAM = "hover"
#: The row field the browser sets on the rows it thins out for hovering a big line.
THIN_FIELD = "nbvis_thin"


class _LodKeys(TypedDict):
    dataset: str
    kind: Literal["line", "points"]


class LodMeta(_LodKeys, total=False):
    """A dataset drawn with a level of detail in the browser (see ``js/src/lod.js``).

    ``draw`` says how big lines are drawn: ``"canvas"`` (the default: nbvis's line layer,
    ``js/src/runtime/line-layer.js``) or ``"vega"`` (decimated rows through Vega's marks,
    what ``bench/lod.py`` compares against).
    """

    draw: Literal["canvas", "vega"]


class SmoothMeta(TypedDict):
    """TensorBoard smoothing of ``source`` into ``target`` with an initial ``weight``."""

    source: str
    target: str
    weight: float


class ColorMeta(TypedDict, total=False):
    """A continuous colour scale: a Vega scheme (maybe reversed) or a [low, high] range."""

    scheme: str
    reverse: bool
    range: list[str]


class RasterMeta(TypedDict):
    """A matrix painted as one image through the colour scale of its legend."""

    source: str
    target: str
    rows: int
    cols: int
    color: ColorMeta
    domain: list[float] | None


class ImagesMeta(TypedDict):
    """Image-grid tiles painted from a layout dataset and a pixel dataset."""

    meta: str
    pixels: str
    target: str


class ChartMeta(TypedDict, total=False):
    """``usermeta.nbvis`` of a chart spec. Every key is optional."""

    lod: LodMeta
    smooth: SmoothMeta
    log_toggle: bool
    raster: RasterMeta
    images: ImagesMeta
    stats: str


def with_meta(spec: dict[str, Any], meta: ChartMeta) -> dict[str, Any]:
    """``spec`` with ``meta`` as its ``usermeta.nbvis`` (the spec is changed and returned)."""
    spec["usermeta"] = {"nbvis": dict(meta)}
    return spec


def chart_meta(spec: Mapping[str, Any]) -> ChartMeta:
    """The ``usermeta.nbvis`` block of a spec (empty when it has none)."""
    usermeta = spec.get("usermeta")
    block = usermeta.get("nbvis") if isinstance(usermeta, Mapping) else None
    return ChartMeta(**block) if isinstance(block, Mapping) else ChartMeta()


def without_meta(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``spec`` without ``usermeta`` (for standalone Vega-Lite)."""
    return {k: v for k, v in spec.items() if k != "usermeta"}
