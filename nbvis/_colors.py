"""Colour maps: one registry of names for every ``color_map``/``cmap`` argument of nbvis.

A name is a Vega continuous scheme (``"viridis"``, ``"blues"``, ...) or tfjs-vis's
``"greyscale"``, optionally with ``"_r"`` to reverse it, or a ``[low, high]`` pair of CSS
colours. Charts drawn by Vega use the scheme itself (:func:`color_scale`); pixels coloured
in numpy (image grids, CAM overlays) use a 256-entry table (:func:`colormap`), which
nbvis has for the names in :data:`COLORMAPS`.
"""

from __future__ import annotations

import difflib
from typing import Any

import numpy as np

from ._contract import ColorMeta

__all__ = ["COLORMAPS", "SCHEMES", "color_scale", "colormap"]

#: Vega's continuous colour schemes (vega-scale 6), any of which can be a colour map.
SCHEMES = (
    "viridis", "magma", "inferno", "plasma", "cividis", "turbo", "blues", "greens", "greys",
    "oranges", "purples", "reds", "bluegreen", "bluepurple", "goldgreen", "goldorange", "goldred",
    "greenblue", "orangered", "purplebluegreen", "purpleblue", "purplered", "redpurple",
    "yellowgreenblue", "yellowgreen", "yelloworangebrown", "yelloworangered", "darkblue", "darkgold",
    "darkgreen", "darkmulti", "darkred", "lightgreyred", "lightgreyteal", "lightmulti", "lightorange",
    "lighttealblue", "blueorange", "brownbluegreen", "purplegreen", "pinkyellowgreen", "purpleorange",
    "redblue", "redgrey", "redyellowblue", "redyellowgreen", "spectral", "rainbow", "sinebow", "warmgreys",
)
#: tfjs-vis names that are not Vega scheme names: (scheme, reversed).
_ALIASES = {"greyscale": ("greys", True), "grayscale": ("greys", True), "gray": ("greys", True)}

#: Anchor colours of the lookup tables (evenly spaced, interpolated in RGB).
_ANCHORS = {
    "jet": ("#000080", "#0000ff", "#0080ff", "#00ffff", "#80ff80", "#ffff00", "#ff8000", "#ff0000", "#800000"),
    "viridis": ("#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"),
    "inferno": ("#000004", "#1b0c41", "#4a0c6b", "#781c6d", "#a52c60", "#cf4446", "#ed6925", "#fb9b06", "#fcffa4"),
    "gray": ("#000000", "#ffffff"),
}
#: Names :func:`colormap` has a lookup table for.
COLORMAPS = tuple(sorted(_ANCHORS))


def color_scale(color_map: Any, *, arg: str = "color_map") -> ColorMeta:
    """The Vega-Lite scale properties of a continuous colour map.

    Examples
    --------
    >>> color_scale("viridis_r")
    {'scheme': 'viridis', 'reverse': True}
    """
    if isinstance(color_map, str):
        name, reverse = color_map.lower(), False
        if name.endswith("_r"):
            name, reverse = name[:-2], True
        if name in _ALIASES:
            name, flip = _ALIASES[name]
            reverse = reverse != flip
        if name not in SCHEMES:
            close = difflib.get_close_matches(name, (*SCHEMES, *_ALIASES), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            msg = (
                f"{arg}: unknown colour map {color_map!r}; expected a Vega scheme name such as "
                f"'viridis', 'blues' or 'greyscale' (append '_r' to reverse), or [low, high] colours.{hint}"
            )
            raise ValueError(msg)
        return ColorMeta(scheme=name, reverse=True) if reverse else ColorMeta(scheme=name)
    if (
        isinstance(color_map, (list, tuple))
        and len(color_map) == 2
        and all(isinstance(c, str) and c for c in color_map)
    ):
        return ColorMeta(range=list(color_map))
    msg = f"{arg}: expected a colour map name or [low, high] colours, got {color_map!r}"
    raise TypeError(msg)


def colormap(name: str, *, arg: str = "cmap") -> np.ndarray:
    """A 256 x 3 uint8 lookup table for one of :data:`COLORMAPS`.

    Examples
    --------
    >>> colormap("gray")[[0, 255]].tolist()
    [[0, 0, 0], [255, 255, 255]]
    """
    if not isinstance(name, str) or name not in _ANCHORS:
        msg = f"{arg}: expected one of {list(COLORMAPS)}, got {name!r}"
        raise ValueError(msg)
    anchors = np.array([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in _ANCHORS[name]], float)
    stops = np.linspace(0, 1, len(anchors))
    t = np.linspace(0, 1, 256)
    return np.stack([np.interp(t, stops, anchors[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)
