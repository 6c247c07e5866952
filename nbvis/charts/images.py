"""The image-grid kind (tfjs issue #1228, never built there).

An image grid is Vega-Lite ``image`` marks at pixel positions (no axes). The kernel lays
the tiles out (dataset :data:`~nbvis._contract.IMAGES`: ``label``, ``h``, ``w``, ``c``,
``offset``, ``px``, ``py``, ``cx``, ``ly``) and sends the pixels as one uint8 buffer
(dataset :data:`~nbvis._contract.PIXELS`); the browser paints each image on a canvas
and hands Vega its URL (dataset :data:`~nbvis._contract.TILES`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._colors import colormap
from .._columns import ColumnSpec, Table
from .._contract import IMAGES, PIXELS, TILES, VEGA_LITE_SCHEMA, ChartMeta, ImagesMeta, with_meta
from .._inputs import image_batch
from .._validate import check_positive_int, check_size, strict_kwargs, text_list
from ..widgets import Change, ChartWidget, FunctionAdapter
from ._common import font_config, title_of

__all__ = ["LABEL_HEIGHT", "grid_layout", "image_grid", "image_grid_spec"]

LABEL_HEIGHT = 18
GAP = 8


def grid_layout(n: int, columns: int, tile: int, *, labels: bool) -> list[tuple[int, int, int, int]]:
    """Pixel positions ``(px, py, cx, ly)`` of ``n`` tiles: image corner, label centre/top."""
    row_height = tile + (LABEL_HEIGHT if labels else 0) + GAP
    out = []
    for i in range(n):
        r, c = divmod(i, columns)
        px, py = c * (tile + GAP), r * row_height
        out.append((px, py, px + tile // 2, py + tile + 2))
    return out


def image_grid_spec(
    n: int, *, columns: int, tile: int, labels: bool, smooth: bool, font_size: int = 11, title: str | None = None
) -> dict[str, Any]:
    """Vega-Lite spec of ``n`` images in ``columns`` columns of ``tile``-pixel boxes.

    Examples
    --------
    >>> image_grid_spec(10, columns=4, tile=64, labels=True, smooth=False)["width"]
    280
    """
    tile = check_size(tile, arg="size") or 64
    rows = max(1, math.ceil(n / columns))
    shown = min(n, columns) if n else columns
    pixel = {"type": "quantitative", "scale": None}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "image", "width": tile, "height": tile, "align": "left", "baseline": "top",
                     "aspect": True, "smooth": smooth},
            "encoding": {"x": {"field": "px", **pixel}, "y": {"field": "py", **pixel},
                         "url": {"field": "url", "type": "nominal"},
                         "tooltip": [{"field": "label", "type": "nominal", "title": "label"}] if labels else []},
        }
    ]
    if labels:
        layers.append(
            {
                "mark": {"type": "text", "align": "center", "baseline": "top", "limit": tile + GAP - 2},
                "encoding": {"x": {"field": "cx", **pixel}, "y": {"field": "ly", **pixel},
                             "text": {"field": "label", "type": "nominal"}},
            }
        )
    spec = {
        "$schema": VEGA_LITE_SCHEMA,
        **title_of(title, font_size),
        "width": shown * (tile + GAP) - GAP,
        "height": rows * (tile + (LABEL_HEIGHT if labels else 0) + GAP) - GAP,
        "padding": 4,
        "config": font_config(font_size),
        "data": {"name": TILES},
        "layer": layers,
    }
    return with_meta(spec, ChartMeta(images=ImagesMeta(meta=IMAGES, pixels=PIXELS, target=TILES)))


_IMAGE_COLUMNS = {
    "label": ColumnSpec("category"),
    **{n: ColumnSpec("number", "exact") for n in ("h", "w", "c", "offset", "px", "py", "cx", "ly")},
}
_PIXEL_COLUMNS = {"v": ColumnSpec("number", "u8")}


@strict_kwargs
def image_grid(
    images: Any,
    *,
    labels: Sequence[Any] | None = None,
    columns: int | None = None,
    size: int | None = None,
    color_map: str | None = None,
    font_size: int = 11,
    title: str | None = None,
) -> ChartWidget:
    """A grid of images with text labels; pixels travel as bytes, never as JSON.

    Parameters
    ----------
    images : (N, H, W) or (N, H, W, C) array or tensor, or a list of images
        NHWC; uint8 pixels are shown as they are, floats in [0, 1] are scaled by 255;
        1 (grey), 3 (RGB) or 4 (RGBA) channels; a list may mix sizes.
    labels : list, optional
        One label per image, shown under it as text.
    columns : int, optional
        Images per row (default: up to 8).
    size : int, optional
        Side of each image's box in pixels (default: the image size, between 64 and 160).
    color_map : {"viridis", "jet", "inferno", "gray"}, optional
        Colours for single-channel images (default: grey levels).
    title : str, optional
        A title above the chart, as text (see :func:`linechart`).

    Returns
    -------
    ChartWidget
        ``append(images, labels=None)`` adds images, ``update(images, labels=None)``
        replaces them.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> d = load_digits()
    >>> nbvis.image_grid(d.images[:16] / 16, labels=d.target[:16], columns=8)
    """
    if columns is not None:
        columns = check_positive_int(columns, arg="columns")
    lut = colormap(color_map, arg="color_map") if color_map is not None else None

    def prepared(new: Any, new_labels: Any) -> tuple[list[np.ndarray], list[str]]:
        batch = image_batch(new)
        names = text_list(new_labels, arg="labels", length=len(batch))
        if lut is not None:
            batch = [lut[im[:, :, 0]] if im.shape[2] == 1 else im for im in batch]
        return batch, names if names is not None else [""] * len(batch)

    first, first_labels = prepared(images, labels)
    with_labels = labels is not None
    largest = max((max(im.shape[:2]) for im in first), default=64)
    tile = size if size is not None else int(min(160, max(64, largest)))
    n_columns = columns if columns is not None else max(1, min(8, len(first)))

    def spec_for(n: int) -> dict[str, Any]:
        return image_grid_spec(n, columns=n_columns, tile=tile, labels=with_labels,
                               smooth=tile < largest, font_size=font_size, title=title)

    def columns_for(batch: list[np.ndarray], names: list[str], start: int, offset: int) -> dict[str, dict[str, Any]]:
        layout = grid_layout(start + len(batch), n_columns, tile, labels=with_labels)[start:]
        sizes = [im.size for im in batch]
        offsets = offset + np.concatenate([[0], np.cumsum(sizes)[:-1]]) if batch else np.zeros(0)
        meta = {"label": names, "h": [im.shape[0] for im in batch], "w": [im.shape[1] for im in batch],
                "c": [im.shape[2] for im in batch], "offset": offsets,
                **{k: [p[i] for p in layout] for i, k in enumerate(("px", "py", "cx", "ly"))}}
        pixels = np.concatenate([im.reshape(-1) for im in batch]) if batch else np.zeros(0, np.uint8)
        return {IMAGES: meta, PIXELS: {"v": pixels}}

    tables = {IMAGES: Table(_IMAGE_COLUMNS), PIXELS: Table(_PIXEL_COLUMNS)}
    for name, cols in columns_for(first, first_labels, 0, 0).items():
        tables[name].append(cols)

    def update(_chart: ChartWidget, new: Any, labels: Any = None) -> Change:
        if with_labels and labels is None:
            msg = "labels: this grid shows labels; pass one per image"
            raise ValueError(msg)
        batch, names = prepared(new, labels)
        return Change(replace=columns_for(batch, names, 0, 0), spec=spec_for(len(batch)))

    def append(chart: ChartWidget, new: Any, labels: Any = None) -> Change:
        if with_labels and labels is None:
            msg = "labels: this grid shows labels; pass one per image"
            raise ValueError(msg)
        batch, names = prepared(new, labels)
        start = chart.tables[IMAGES].n
        return Change(append=columns_for(batch, names, start, chart.tables[PIXELS].n), spec=spec_for(start + len(batch)))

    return ChartWidget(spec_for(len(first)), tables, adapter=FunctionAdapter(update, append))
