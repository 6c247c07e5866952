"""Scatter plot spec (tfjs-vis ``render.scatterplot``), in long format: x, y, series."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._common import check_domain, check_text, top_level
from ._line import PAN, FieldType, _check_colors, _check_type, xy_parts

__all__ = ["scatter_spec"]


def scatter_spec(
    series: Sequence[str],
    *,
    dataset: str = "values",
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = "x",
    y_label: str | None = "y",
    x_type: FieldType = "quantitative",
    y_type: FieldType = "quantitative",
    font_size: int = 11,
    x_axis_domain: Sequence[float] | None = None,
    y_axis_domain: Sequence[float] | None = None,
    zoom_to_fit: bool = False,
    log_y: bool = False,
    series_colors: Sequence[str] | None = None,
    point_size: float = 30,
    opacity: float = 0.8,
    interactive: bool = True,
) -> dict[str, Any]:
    """Vega-Lite spec of a multi-series scatter plot over the named dataset ``dataset``.

    Series differ by colour *and* shape (readable in grey print and by colour-blind
    readers), in the given order. The options are :func:`line_spec`'s; both axes honour
    ``zoom_to_fit`` and their domain.

    Examples
    --------
    >>> spec = scatter_spec(["train", "test"], x_label="GDP")
    >>> spec["layer"][0]["mark"]["type"], spec["layer"][0]["encoding"]["shape"]["field"]
    ('point', 'series')
    """
    names = list(series)
    if isinstance(point_size, bool) or not isinstance(point_size, (int, float)) or point_size <= 0:
        msg = f"point_size: expected a positive area in square pixels, got {point_size!r}"
        raise ValueError(msg)
    if isinstance(opacity, bool) or not isinstance(opacity, (int, float)) or not 0 < opacity <= 1:
        msg = f"opacity: expected a number in (0, 1], got {opacity!r}"
        raise ValueError(msg)
    encoding, tooltip = xy_parts(
        names,
        x_label=check_text(x_label, arg="x_label"),
        y_label=check_text(y_label, arg="y_label"),
        x_type=_check_type(x_type, arg="x_type"),
        y_type=_check_type(y_type, arg="y_type"),
        x_domain=check_domain(x_axis_domain, arg="x_axis_domain"),
        y_domain=check_domain(y_axis_domain, arg="y_axis_domain"),
        zoom_to_fit=zoom_to_fit,
        log_y=log_y,
        series_colors=_check_colors(series_colors, len(names)),
        shape=True,
    )
    # a binned-density mark (see usermeta.lod) is shaded by how many points it stands for
    density = {"test": "datum.nbvis_count > 1", "field": "nbvis_alpha", "type": "quantitative", "scale": None}
    layer: dict[str, Any] = {
        "data": {"name": dataset},
        "mark": {"type": "point", "clip": True, "filled": True, "size": point_size},
        "encoding": {**encoding, "opacity": {"condition": density, "value": opacity}, "tooltip": tooltip},
    }
    if interactive:
        layer["params"] = [
            {"name": "zoom", "select": {"type": "interval", "encodings": ["x", "y"], "translate": PAN}, "bind": "scales"}
        ]
    return {
        **top_level(width, height, default_height=250, font_size=font_size),
        "layer": [layer],
        # above a few ten thousand visible points the browser draws a binned density
        "usermeta": {"nbvis": {"lod": {"dataset": dataset, "kind": "points"}}},
    }
