"""Datasets the browser derives from others, computed here for pictures and files.

Each rule has a JavaScript twin that draws the live chart; ``tests/unit/test_shared_rules.py``
runs both on the same input and checks they agree:

* :func:`smoothed` — ``js/src/derive/smooth.js`` (TensorBoard's debiased EMA);
* :func:`raster_blocks` — a big heatmap as block means (the browser paints every cell,
  ``js/src/derive/paint.js``; a picture needs far fewer marks);
* :func:`tiles` — image-grid tiles as PNG data URLs (the browser paints canvases).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._contract import ImagesMeta, RasterMeta
from .._png import png_data_url
from .snapshot import Snapshot, rows_of

__all__ = ["RASTER_BLOCKS", "raster_blocks", "smoothed", "tiles"]

#: A raster heatmap's picture has at most this many cells per side.
RASTER_BLOCKS = 80


def smoothed(rows: Sequence[dict[str, Any]], weight: float) -> list[dict[str, Any]]:
    """TensorBoard's smoothing: a debiased exponential moving average per series, in row
    order; rows whose ``y`` is not finite (``None``) are skipped, so a NaN never poisons
    the line.

    Examples
    --------
    >>> [r["y"] for r in smoothed([{"series": "a", "y": 1.0}, {"series": "a", "y": 0.0}], 0.5)]
    [1.0, 0.3333333333333333]
    """
    state: dict[str, tuple[float, int]] = {}
    out = []
    for row in rows:
        y = row["y"]
        if y is None or not np.isfinite(y):
            continue
        last, n = state.get(row["series"], (0.0, 0))
        last, n = last * weight + (1 - weight) * y, n + 1
        state[row["series"]] = (last, n)
        out.append({**row, "y": last / (1 - weight**n) if weight else last})
    return out


def raster_blocks(snapshot: Snapshot, meta: RasterMeta) -> list[dict[str, Any]]:
    """A raster heatmap as rows of block means (``x0, x1, y0, y1, v``), at most
    :data:`RASTER_BLOCKS` blocks per side; a block without finite values has ``v=None``."""
    rows, cols = meta["rows"], meta["cols"]
    m = snapshot.tables[meta["source"]].column("value").reshape(rows, cols)
    fy, fx = -(-rows // RASTER_BLOCKS), -(-cols // RASTER_BLOCKS)
    out = []
    for r0 in range(0, rows, fy):
        for c0 in range(0, cols, fx):
            block = m[r0 : r0 + fy, c0 : c0 + fx]
            finite = block[np.isfinite(block)]
            v = float(finite.mean()) if finite.size else None
            out.append({"x0": c0, "x1": min(c0 + fx, cols), "y0": r0, "y1": min(r0 + fy, rows), "v": v})
    return out


def tiles(snapshot: Snapshot, meta: ImagesMeta) -> list[dict[str, Any]]:
    """Image-grid tiles: each layout row with its image as a PNG data URL."""
    pixels = snapshot.tables[meta["pixels"]].column("v")
    out = []
    for row in rows_of(snapshot.tables[meta["meta"]]):
        h, w, c, offset = (int(row[k]) for k in ("h", "w", "c", "offset"))
        image = pixels[offset : offset + h * w * c].reshape(h, w, c)
        out.append({**row, "url": png_data_url(image)})
    return out
