"""Heatmap and confusion-matrix specs (tfjs-vis ``render.heatmap`` / ``render.confusionMatrix``).

Cells are rows ``row``, ``col`` (integer positions; row 0 at the top) plus values. Tick
labels travel as parameter *values* (JSON data), looked up by position in the axis'
``labelExpr``: duplicates keep their place, numbers keep their order, and a label is
never parsed as markup or as a Vega expression.
"""

from __future__ import annotations

from typing import Any

from ._common import check_domain, check_text, color_scale, top_level

__all__ = ["RASTER", "RASTER_CELLS", "confusion_spec", "heatmap_spec"]

#: Heatmaps with at least this many cells are drawn as one image, not a rect per cell.
RASTER_CELLS = 10_000
#: Dataset of the image (``url``, ``x0``..``y1``, ``v``) that the browser paints from ``matrix``.
RASTER = "raster"


def _ticks_param(name: str, labels: list[str] | None) -> list[dict[str, Any]]:
    return [] if labels is None else [{"name": name, "value": labels}]


def _axis(labels: list[str] | None, param: str, *, quantitative: bool = False) -> dict[str, Any]:
    axis: dict[str, Any] = {"labelOverlap": True} if labels is None or len(labels) > 30 else {"labelOverlap": False}
    if labels is not None:
        index = "floor(datum.value)" if quantitative else "datum.value"
        axis["labelExpr"] = f"{param}[{index}]"
        if quantitative:
            axis["values"] = [i + 0.5 for i in range(len(labels))]
            axis["grid"] = False
    return axis


def heatmap_spec(
    rows: int,
    cols: int,
    *,
    x_tick_labels: list[str] | None = None,
    y_tick_labels: list[str] | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    color_map: Any = "viridis",
    domain: Any = None,
    raster: bool | None = None,
    width: int | None = None,
    height: int | None = None,
    font_size: int = 12,
) -> dict[str, Any]:
    """Vega-Lite spec of a ``rows`` x ``cols`` heatmap.

    Small matrices are a ``rect`` per cell over dataset ``"cells"`` (``row``, ``col``,
    ``value``, ``x_tick``, ``y_tick``), with tooltips. From :data:`RASTER_CELLS` cells
    on (or with ``raster=True``) the matrix is one image painted in the browser from
    dataset ``"matrix"`` (``value``, row-major) with the same colour scale as the legend.

    Examples
    --------
    >>> spec = heatmap_spec(2, 3, x_tick_labels=["a", "b", "a"], color_map="blues")
    >>> spec["encoding"]["color"]["scale"]
    {'scheme': 'blues'}
    """
    x_label = check_text(x_label, arg="x_label")
    y_label = check_text(y_label, arg="y_label")
    scale = color_scale(color_map)
    if "range" in scale:
        scale["interpolate"] = "rgb"
    dom = check_domain(domain, arg="domain")
    if dom is not None:
        scale["domain"] = dom
    use_raster = rows * cols >= RASTER_CELLS if raster is None else bool(raster)
    default_height = 300 if use_raster else min(400, max(120, 24 * rows))
    base = top_level(width, height, default_height=default_height, font_size=font_size, band_gaps=False)
    params = _ticks_param("nbvis_x_ticks", x_tick_labels) + _ticks_param("nbvis_y_ticks", y_tick_labels)
    if params:
        base["params"] = params
    legend = {"title": None, "gradientLength": 120}
    if not use_raster:
        return {
            **base,
            "data": {"name": "cells"},
            "mark": {"type": "rect", "tooltip": False},
            "encoding": {
                "x": {"field": "col", "type": "ordinal", "title": x_label, "axis": _axis(x_tick_labels, "nbvis_x_ticks")},
                "y": {"field": "row", "type": "ordinal", "title": y_label, "axis": _axis(y_tick_labels, "nbvis_y_ticks")},
                "color": {"field": "value", "type": "quantitative", "scale": scale, "legend": legend},
                "tooltip": [
                    {"field": "y_tick", "type": "nominal", "title": y_label or "row"},
                    {"field": "x_tick", "type": "nominal", "title": x_label or "column"},
                    {"field": "value", "type": "quantitative", "title": "value", "format": ".4~g"},
                ],
            },
        }
    position = {
        "x": {"field": "x0", "type": "quantitative", "title": x_label,
              "scale": {"domain": [0, cols], "nice": False, "zero": False},
              "axis": _axis(x_tick_labels, "nbvis_x_ticks", quantitative=True)},
        "x2": {"field": "x1"},
        "y": {"field": "y0", "type": "quantitative", "title": y_label,
              "scale": {"domain": [0, rows], "nice": False, "zero": False, "reverse": True},
              "axis": _axis(y_tick_labels, "nbvis_y_ticks", quantitative=True)},
        "y2": {"field": "y1"},
    }
    return {
        **base,
        "layer": [
            {
                "data": {"name": RASTER},
                "transform": [{"filter": "isValid(datum.url)"}],
                "mark": {"type": "image", "aspect": False, "smooth": False},
                "encoding": {**position, "url": {"field": "url", "type": "nominal"}},
            },
            {
                # an invisible mark that carries the colour legend of the painted image
                "data": {"name": RASTER},
                "mark": {"type": "point", "opacity": 0},
                "encoding": {
                    "x": position["x"], "y": position["y"],
                    "color": {"field": "v", "type": "quantitative", "scale": scale, "legend": legend},
                },
            },
        ],
        "usermeta": {
            "nbvis": {"raster": {"source": "matrix", "target": RASTER, "rows": rows, "cols": cols,
                                 "color": scale, "domain": dom}}
        },
    }


def confusion_spec(
    *,
    tick_labels: list[str],
    x_label: str | None = "prediction",
    y_label: str | None = "label",
    color_map: Any = "blues",
    show_text_overlay: bool = True,
    normalized: bool = False,
    width: int | None = None,
    height: int | None = None,
    font_size: int = 12,
) -> dict[str, Any]:
    """Vega-Lite spec of a confusion matrix over dataset ``"cells"``.

    Rows are true labels, columns predictions. Cell fields: ``row``, ``col``, ``count``,
    ``share`` (normalised value), ``shade`` (the value that colours the cell, null for
    an unshaded diagonal), ``text`` (the overlay), ``label``, ``prediction``. The
    overlay is white on dark cells and black on light ones, whatever the colour map.

    Examples
    --------
    >>> spec = confusion_spec(tick_labels=["cat", "dog"])
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['rect', 'rect', 'text']
    """
    scale = color_scale(color_map)
    if "range" in scale:
        scale["interpolate"] = "rgb"
    axis_x = _axis(tick_labels, "nbvis_ticks")
    axis_x["labelAngle"] = 0 if len(tick_labels) * max(map(len, tick_labels), default=0) <= 48 else -45
    position = {
        "x": {"field": "col", "type": "ordinal", "title": check_text(x_label, arg="x_label"), "axis": axis_x},
        "y": {"field": "row", "type": "ordinal", "title": check_text(y_label, arg="y_label"),
              "axis": _axis(tick_labels, "nbvis_ticks")},
    }
    tooltip = [
        {"field": "label", "type": "nominal", "title": y_label or "label"},
        {"field": "prediction", "type": "nominal", "title": x_label or "prediction"},
        {"field": "count", "type": "quantitative", "title": "count", "format": ",.4~f"},
    ]
    if normalized:
        tooltip.append({"field": "share", "type": "quantitative", "title": "share", "format": ".1%"})
    layers: list[dict[str, Any]] = [
        {
            "transform": [{"filter": "isValid(datum.shade)"}],
            "mark": {"type": "rect"},
            "encoding": {**position, "tooltip": tooltip,
                         "color": {"field": "shade", "type": "quantitative", "scale": scale,
                                   "legend": {"title": None, "format": ".0%" if normalized else ",.4~f",
                                              "gradientLength": 120}}},
        },
        {
            "transform": [{"filter": "!isValid(datum.shade)"}],
            "mark": {"type": "rect", "color": "white", "stroke": "#ccc", "strokeWidth": 0.5},
            "encoding": {**position, "tooltip": tooltip},
        },
    ]
    if show_text_overlay:
        layers.append(
            {
                "mark": {"type": "text", "baseline": "middle"},
                "encoding": {
                    **position,
                    "text": {"field": "text", "type": "nominal"},
                    "color": {
                        "condition": {
                            "test": "isValid(datum.shade) && luminance(scale('color', datum.shade)) < 0.4",
                            "value": "white",
                        },
                        "value": "black",
                    },
                },
            }
        )
    return {
        **top_level(width, height, default_height=400, font_size=font_size, band_gaps=False),
        "params": _ticks_param("nbvis_ticks", tick_labels),
        "data": {"name": "cells"},
        "layer": layers,
    }
