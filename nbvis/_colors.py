"""Colour lookup tables (256 x 3 uint8) for pixels coloured in numpy."""

from __future__ import annotations

import numpy as np

__all__ = ["COLORMAPS", "colormap"]

_ANCHORS = {
    "jet": ("#000080", "#0000ff", "#0080ff", "#00ffff", "#80ff80", "#ffff00", "#ff8000", "#ff0000", "#800000"),
    "viridis": ("#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"),
    "inferno": ("#000004", "#1b0c41", "#4a0c6b", "#781c6d", "#a52c60", "#cf4446", "#ed6925", "#fb9b06", "#fcffa4"),
    "gray": ("#000000", "#ffffff"),
}
#: Names :func:`colormap` accepts.
COLORMAPS = tuple(sorted(_ANCHORS))


def colormap(name: str, *, arg: str = "cmap") -> np.ndarray:
    """A 256 x 3 uint8 lookup table (``jet``, ``viridis``, ``inferno``, ``gray``).

    Examples
    --------
    >>> colormap("gray")[[0, 255]].tolist()
    [[0, 0, 0], [255, 255, 255]]
    """
    if name not in _ANCHORS:
        msg = f"{arg}: expected one of {list(COLORMAPS)}, got {name!r}"
        raise ValueError(msg)
    anchors = np.array([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in _ANCHORS[name]], float)
    stops = np.linspace(0, 1, len(anchors))
    t = np.linspace(0, 1, 256)
    return np.stack([np.interp(t, stops, anchors[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)
