"""What every Vega-Lite spec builder shares: the top of a spec and the font config."""

from __future__ import annotations

from typing import Any

from .._contract import VEGA_LITE_SCHEMA
from .._validate import check_font_size, check_size, check_text

__all__ = ["TITLE_LIMIT", "big_number_labels", "font_config", "title_of", "top_level"]

#: Longest x-axis title, in pixels, of a chart whose width follows its container.
TITLE_LIMIT = 400


def big_number_labels(scale: str) -> str:
    """A quantitative axis's ``labelExpr``: Vega's own tick labels, but while the axis reaches
    a million, every label with three significant digits ("2.5e+6", "1e+33"; d3's labels
    would be "2,500,000" and "1.0000000000000001e+33", which a diverging loss reaches)."""
    return (f"max(abs(domain('{scale}')[0]), abs(domain('{scale}')[1])) >= 1e6 "
            "? format(datum.value, '.3~g') : datum.label")


def font_config(font_size: Any) -> dict[str, Any]:
    """Vega-Lite config that applies one font size to axes, legends and text."""
    font_size = check_font_size(font_size)
    return {
        "axis": {"labelFontSize": font_size, "titleFontSize": font_size},
        "legend": {"labelFontSize": font_size, "titleFontSize": font_size},
        "text": {"fontSize": font_size},
        "view": {"stroke": None},
    }


def title_of(title: Any, font_size: float) -> dict[str, Any]:
    """``{"title": ...}`` for a chart's ``title`` (text, never markup), or ``{}`` for None."""
    text = check_text(title, arg="title")
    if not text:
        return {}
    return {"title": {"text": text, "anchor": "start", "fontSize": font_size + 2, "limit": 0}}


def top_level(
    width: Any, height: Any, *, default_height: int, font_size: float, band_gaps: bool = True, title: Any = None
) -> dict[str, Any]:
    """The top of every chart spec: schema, title, size (width follows the output by
    default), fit-to-size autosizing and the font config; ``band_gaps=False`` makes cells touch."""
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
        **title_of(title, font_size),
        "width": width if width is not None else "container",
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": config,
    }
