"""What every spec builder shares: the schema URL, option checks and the font config."""

from __future__ import annotations

import difflib
import math
from typing import Any

import numpy as np

__all__ = [
    "VEGA_LITE_SCHEMA",
    "VEGA_LITE_VERSION",
    "check_choice",
    "check_domain",
    "check_font_size",
    "check_size",
    "check_text",
    "color_scale",
    "font_config",
    "text_list",
    "top_level",
]

#: The Vega-Lite version bundled into the front end: the one place it is pinned on the
#: Python side (a test checks it against js/package.json and the vendored schema).
VEGA_LITE_VERSION = "6.4.1"
VEGA_LITE_SCHEMA = f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE_VERSION.split('.')[0]}.json"

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


#: The largest chart side accepted, in pixels (browsers cap canvases near 32,767).
MAX_PIXELS = 16_000
#: Longest x-axis title, in pixels, of a chart whose width follows its container.
TITLE_LIMIT = 400


def check_size(value: Any, *, arg: str) -> int | None:
    """``None`` or a positive whole number of pixels."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        msg = f"{arg}: expected a whole number of pixels or None, got {value!r}"
        raise TypeError(msg)
    if not math.isfinite(value) or value != int(value) or not 0 < value <= MAX_PIXELS:
        msg = f"{arg}: expected a whole number of pixels from 1 to {MAX_PIXELS:,} or None, got {value!r}"
        raise ValueError(msg)
    return int(value)


def check_font_size(value: Any, *, arg: str = "font_size") -> float:
    """A font size in pixels: a number from 1 to 200."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        msg = f"{arg}: expected a number of pixels, got {value!r}"
        raise TypeError(msg)
    if not 1 <= value <= 200:  # also refuses NaN
        msg = f"{arg}: expected a font size from 1 to 200 pixels, got {value!r}"
        raise ValueError(msg)
    return int(value) if value == int(value) else float(value)


def check_text(value: Any, *, arg: str) -> str | None:
    """``None`` or a string (shown as text, never parsed as markup or expressions)."""
    if value is None or isinstance(value, str):
        return value
    msg = f"{arg}: expected a string or None, got {type(value).__name__}"
    raise TypeError(msg)


def font_config(font_size: int) -> dict[str, Any]:
    """Vega-Lite config that applies one font size to axes, legends and text."""
    font_size = check_font_size(font_size)
    return {
        "axis": {"labelFontSize": font_size, "titleFontSize": font_size},
        "legend": {"labelFontSize": font_size, "titleFontSize": font_size},
        "text": {"fontSize": font_size},
        "view": {"stroke": None},
    }


def check_choice(value: Any, choices: tuple[Any, ...], *, arg: str) -> Any:
    """``value`` if it is one of ``choices``, else a ValueError listing them."""
    if value not in choices:
        msg = f"{arg}: expected one of {list(choices)}, got {value!r}"
        raise ValueError(msg)
    return value


def check_domain(value: Any, *, arg: str) -> list[float] | None:
    """``None`` or ``[min, max]`` with finite ``min < max``."""
    if value is None:
        return None
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        msg = f"{arg}: expected [min, max] numbers or None, got {value!r}"
        raise TypeError(msg) from None
    if not low < high or not all(map(math.isfinite, (low, high))):
        msg = f"{arg}: expected finite numbers with min < max, got {value!r}"
        raise ValueError(msg)
    return [low, high]


def text_list(values: Any, *, arg: str, length: int | None = None) -> list[str] | None:
    """``None`` or a list of labels (numbers allowed, shown as text), optionally of a length."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        msg = f"{arg}: expected a list of labels, got {type(values).__name__}"
        raise TypeError(msg)
    out = []
    for i, v in enumerate(values):
        if not isinstance(v, (str, int, float)) or isinstance(v, bool):
            msg = f"{arg}[{i}]: expected a string or a number, got {type(v).__name__}"
            raise TypeError(msg)
        out.append(str(v))
    if length is not None and len(out) != length:
        msg = f"{arg}: expected {length} labels, got {len(out)}"
        raise ValueError(msg)
    return out


def color_scale(color_map: Any, *, arg: str = "color_map") -> dict[str, Any]:
    """The Vega-Lite scale properties of a continuous colour map.

    Accepted: any Vega continuous scheme name (``"viridis"``, ``"blues"``, ...), tfjs-vis's
    ``"greyscale"`` (black to white), either with ``"_r"`` appended to reverse it, or a
    ``[low, high]`` pair of CSS colours.

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
        return {"scheme": name, "reverse": True} if reverse else {"scheme": name}
    if (
        isinstance(color_map, (list, tuple))
        and len(color_map) == 2
        and all(isinstance(c, str) and c for c in color_map)
    ):
        return {"range": list(color_map)}
    msg = f"{arg}: expected a colour map name or [low, high] colours, got {color_map!r}"
    raise TypeError(msg)


def top_level(width: Any, height: Any, *, default_height: int, font_size: int, band_gaps: bool = True) -> dict[str, Any]:
    """The top of every chart spec: schema, size (width follows the output by default),
    fit-to-size autosizing and the font config; ``band_gaps=False`` makes cells touch."""
    width = check_size(width, arg="width")
    height = check_size(height, arg="height") or default_height
    config = font_config(font_size)
    # A long axis title is cut with "…" rather than squeezing the plot to nothing (with
    # fit autosizing a title longer than its axis takes the plot's room).
    config["axisX"] = {"titleLimit": width or TITLE_LIMIT}
    config["axisY"] = {"titleLimit": height}
    if not band_gaps:
        config["scale"] = {"bandPaddingInner": 0, "bandPaddingOuter": 0}
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": width if width is not None else "container",
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": config,
    }
