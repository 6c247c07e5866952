"""What every Vega-Lite spec builder shares: the top of a spec and the font config."""

from __future__ import annotations

from typing import Any

from .._contract import VEGA_LITE_SCHEMA
from .._validate import check_font_size, check_size

__all__ = ["TITLE_LIMIT", "font_config", "top_level"]

#: Longest x-axis title, in pixels, of a chart whose width follows its container.
TITLE_LIMIT = 400


def font_config(font_size: Any) -> dict[str, Any]:
    """Vega-Lite config that applies one font size to axes, legends and text."""
    font_size = check_font_size(font_size)
    return {
        "axis": {"labelFontSize": font_size, "titleFontSize": font_size},
        "legend": {"labelFontSize": font_size, "titleFontSize": font_size},
        "text": {"fontSize": font_size},
        "view": {"stroke": None},
    }


def top_level(width: Any, height: Any, *, default_height: int, font_size: float, band_gaps: bool = True) -> dict[str, Any]:
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
