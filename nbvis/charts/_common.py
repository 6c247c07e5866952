"""What every spec builder shares: the schema URL, option checks and the font config."""

from __future__ import annotations

from typing import Any

__all__ = ["VEGA_LITE_SCHEMA", "check_size", "check_text", "font_config"]

#: The Vega-Lite major version bundled in js/package.json (checked by a test).
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def check_size(value: Any, *, arg: str) -> int | None:
    """``None`` or a positive whole number of pixels."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        msg = f"{arg}: expected a whole number of pixels or None, got {value!r}"
        raise TypeError(msg)
    if value <= 0:
        msg = f"{arg}: expected a positive number of pixels, got {value!r}"
        raise ValueError(msg)
    return int(value)


def check_text(value: Any, *, arg: str) -> str | None:
    """``None`` or a string (shown as text, never parsed as markup or expressions)."""
    if value is None or isinstance(value, str):
        return value
    msg = f"{arg}: expected a string or None, got {type(value).__name__}"
    raise TypeError(msg)


def font_config(font_size: int) -> dict[str, Any]:
    """Vega-Lite config that applies one font size to axes, legends and text."""
    return {
        "axis": {"labelFontSize": font_size, "titleFontSize": font_size},
        "legend": {"labelFontSize": font_size, "titleFontSize": font_size},
        "text": {"fontSize": font_size},
        "view": {"stroke": None},
    }
