"""Line chart spec (tfjs-vis ``render.linechart``), in long format: x, y, series."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ._common import VEGA_LITE_SCHEMA, check_size, check_text, font_config

__all__ = ["EVENTS", "SMOOTHED", "line_spec"]

FieldType = Literal["quantitative", "ordinal", "nominal", "temporal"]
_FIELD_TYPES = ("quantitative", "ordinal", "nominal", "temporal")

#: Dataset of the EMA-smoothed lines, computed in the browser from the raw data.
SMOOTHED = "smoothed"
#: Dataset of marked x positions (``x``, ``label``), e.g. where a loss became NaN.
EVENTS = "events"


def _check_type(value: Any, *, arg: str) -> str:
    if value not in _FIELD_TYPES:
        msg = f"{arg}: expected one of {list(_FIELD_TYPES)}, got {value!r}"
        raise ValueError(msg)
    return value


def _check_domain(value: Any, *, arg: str) -> list[float] | None:
    if value is None:
        return None
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        msg = f"{arg}: expected [min, max] numbers or None, got {value!r}"
        raise TypeError(msg) from None
    if not low < high:
        msg = f"{arg}: expected min < max, got {value!r}"
        raise ValueError(msg)
    return [low, high]


def _check_smoothing(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        msg = f"smoothing: expected a weight in [0, 1) or None, got {value!r}"
        raise ValueError(msg)
    return float(value)


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
    x_axis_domain: Sequence[float] | None = None,
    y_axis_domain: Sequence[float] | None = None,
    zoom_to_fit: bool = False,
    log_y: bool = False,
    smoothing: float | None = None,
    events: bool = False,
    interactive: bool = True,
) -> dict[str, Any]:
    """Vega-Lite spec of a multi-series line chart over the named dataset ``dataset``.

    The dataset has one row per point with fields ``x``, ``y`` and ``series``; the
    series keep the given order in the legend and the colour scale.

    Parameters
    ----------
    x_axis_domain, y_axis_domain : [min, max], optional
        Fixed axis ranges (both honoured, unlike tfjs-vis's linechart).
    zoom_to_fit : bool
        Fit both axes to the data instead of including zero (overrides the domains).
    log_y : bool
        Logarithmic y axis.
    smoothing : float, optional
        Adds TensorBoard-style exponential smoothing: the raw lines are drawn faint and
        the smoothed ones (dataset ``"smoothed"``, computed in the browser) bold, with
        a slider and a log-scale toggle that work while the kernel is busy.
    events : bool
        Adds vertical rules with labels from dataset ``"events"`` (fields ``x``, ``label``).
    interactive : bool
        Zoom (wheel) and pan (drag) both axes; double-click resets.

    Examples
    --------
    >>> spec = line_spec(["loss", "val_loss"], x_label="epoch")
    >>> spec["layer"][0]["data"], spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    ({'name': 'values'}, ['loss', 'val_loss'])
    """
    width = check_size(width, arg="width")
    height = check_size(height, arg="height")
    x_label = check_text(x_label, arg="x_label")
    y_label = check_text(y_label, arg="y_label")
    x_type = _check_type(x_type, arg="x_type")
    y_type = _check_type(y_type, arg="y_type")
    x_domain = _check_domain(x_axis_domain, arg="x_axis_domain")
    y_domain = _check_domain(y_axis_domain, arg="y_axis_domain")
    smoothing = _check_smoothing(smoothing)
    names = list(series)

    def scale(domain: list[float] | None, log: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if log:
            out["type"] = "log"
        if zoom_to_fit:
            out["zero"] = False
        elif domain is not None:
            out["domain"] = domain
        return out

    color: dict[str, Any] = {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": names},
        "legend": {"title": None, "orient": "right"} if len(names) > 1 else None,
    }
    x_enc = {"field": "x", "type": x_type, "title": x_label, "scale": scale(x_domain, False)}
    y_enc = {"field": "y", "type": y_type, "title": y_label, "scale": scale(y_domain, log_y)}
    lines = {"x": x_enc, "y": y_enc, "color": color}
    raw: dict[str, Any] = {
        "data": {"name": dataset},
        "mark": {"type": "line", "clip": True, **({"opacity": 0.3} if smoothing is not None else {})},
        "encoding": lines,
    }
    if interactive:
        raw["params"] = [
            {"name": "zoom", "select": {"type": "interval", "encodings": ["x", "y"]}, "bind": "scales"}
        ]
    y_tooltip: dict[str, Any] = {"field": "y", "type": y_type, "title": y_label or "y"}
    if y_type == "quantitative":
        y_tooltip["format"] = ".4~g"
    layers: list[dict[str, Any]] = [raw]
    if smoothing is not None:
        layers.append(
            {"data": {"name": SMOOTHED}, "mark": {"type": "line", "clip": True, "strokeWidth": 2}, "encoding": lines}
        )
    layers.append(
        {
            # invisible points: hover targets for the tooltip
            "data": {"name": dataset},
            "mark": {"type": "point", "clip": True, "opacity": 0, "size": 80},
            "encoding": {
                **lines,
                "tooltip": [
                    {"field": "series", "type": "nominal", "title": "series"},
                    {"field": "x", "type": x_type, "title": x_label or "x"},
                    y_tooltip,
                ]
            },
        }
    )
    if events:
        rule = {"x": {"field": "x", "type": x_type}}
        layers.append(
            {
                "data": {"name": EVENTS},
                "layer": [
                    {"mark": {"type": "rule", "color": "#d62728", "strokeDash": [4, 3]}, "encoding": rule},
                    {
                        "mark": {"type": "text", "color": "#d62728", "align": "left", "dx": 3, "dy": 6,
                                 "baseline": "top", "y": 0},
                        "encoding": {**rule, "text": {"field": "label", "type": "nominal"}},
                    },
                ],
            }
        )
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "width": width if width is not None else "container",
        "height": height if height is not None else 250,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": font_config(font_size),
        "layer": layers,
    }
    if smoothing is not None:
        spec["usermeta"] = {
            "nbvis": {"smooth": {"source": dataset, "target": SMOOTHED, "weight": smoothing}, "log_toggle": True}
        }
    return spec
