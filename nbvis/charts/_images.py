"""Image grid (tfjs issue #1228, never built there) and table specs.

An image grid is Vega-Lite ``image`` marks at pixel positions (no axes). The kernel lays
the tiles out (dataset ``"images"``: ``label``, ``h``, ``w``, ``c``, ``offset``, ``px``,
``py``, ``cx``, ``ly``) and sends the pixels as one uint8 buffer (dataset ``"pixels"``);
the browser paints each image on a canvas and hands Vega its URL (dataset ``"tiles"``).

A table is not a Vega chart: it is drawn as an HTML table whose cells are set as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ._common import VEGA_LITE_SCHEMA, check_size, font_config

__all__ = ["LABEL_HEIGHT", "grid_layout", "image_grid_spec", "table_spec"]

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


def image_grid_spec(n: int, *, columns: int, tile: int, labels: bool, smooth: bool, font_size: int = 11) -> dict[str, Any]:
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
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": shown * (tile + GAP) - GAP,
        "height": rows * (tile + (LABEL_HEIGHT if labels else 0) + GAP) - GAP,
        "padding": 4,
        "config": font_config(font_size),
        "data": {"name": "tiles"},
        "layer": layers,
        "usermeta": {"nbvis": {"images": {"meta": "images", "pixels": "pixels", "target": "tiles"}}},
    }


def table_spec(
    headers: list[str], align: list[str], *, font_size: int = 14, tree: bool = False,
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """The description of a table (not Vega-Lite): headers, column alignment, font size.

    Rows are dataset ``"rows"`` with one text column per header (``c0``, ``c1``, ...).
    With ``tree``, rows also have ``depth`` and ``parent`` (a row index, -1 at the top):
    rows with children get an expand/collapse toggle and start collapsed. ``notes`` are
    lines of text under the table.
    """
    meta: dict[str, Any] = {"kind": "table", "headers": list(headers), "align": list(align),
                            "dataset": "rows", "font_size": font_size}
    if tree:
        meta["tree"] = True
    if notes:
        meta["notes"] = [str(n) for n in notes]
    return {"usermeta": {"nbvis": meta}}
