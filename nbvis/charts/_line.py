"""Line chart spec (tfjs-vis ``render.linechart``), in long format: x, y, series."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ._common import VEGA_LITE_SCHEMA, check_size, check_text, font_config

__all__ = ["line_spec"]

FieldType = Literal["quantitative", "ordinal", "nominal", "temporal"]
_FIELD_TYPES = ("quantitative", "ordinal", "nominal", "temporal")


def _check_type(value: Any, *, arg: str) -> str:
    if value not in _FIELD_TYPES:
        msg = f"{arg}: expected one of {list(_FIELD_TYPES)}, got {value!r}"
        raise ValueError(msg)
    return value


def line_spec(
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
) -> dict[str, Any]:
    """Vega-Lite spec of a multi-series line chart over the named dataset ``dataset``.

    The dataset has one row per point with fields ``x``, ``y`` and ``series``; the
    series keep the given order in the legend and the colour scale.

    Examples
    --------
    >>> spec = line_spec(["loss", "val_loss"], x_label="epoch")
    >>> spec["data"], spec["encoding"]["color"]["scale"]["domain"]
    ({'name': 'values'}, ['loss', 'val_loss'])
    """
    width = check_size(width, arg="width")
    height = check_size(height, arg="height")
    x_label = check_text(x_label, arg="x_label")
    y_label = check_text(y_label, arg="y_label")
    names = list(series)
    color: dict[str, Any] = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": names},
        "legend": {"title": None, "orient": "right"} if len(names) > 1 else None,
    }
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "width": width if width is not None else "container",
        "height": height if height is not None else 250,
        "autosize": {"type": "fit", "contains": "padding"},
        "data": {"name": dataset},
        "config": font_config(font_size),
        "encoding": {
            "x": {"field": "x", "type": _check_type(x_type, arg="x_type"), "title": x_label},
            "y": {"field": "y", "type": _check_type(y_type, arg="y_type"), "title": y_label},
            "color": color,
        },
        "layer": [
            {"mark": {"type": "line", "clip": True}},
            {
                # invisible points: hover targets for the tooltip
                "mark": {"type": "point", "clip": True, "opacity": 0, "size": 80},
                "encoding": {
                    "tooltip": [
                        {"field": "series", "type": "nominal", "title": "series"},
                        {"field": "x", "type": x_type, "title": x_label or "x"},
                        {
                            "field": "y",
                            "type": y_type,
                            "title": y_label or "y",
                            **({"format": ".4~g"} if y_type == "quantitative" else {}),
                        },
                    ]
                },
            },
        ],
    }
