"""Line chart spec (tfjs-vis ``render.linechart``), in long format: x, y, series."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from ._common import check_choice, check_domain, check_text, top_level

__all__ = ["EVENTS", "PAN", "SMOOTHED", "line_spec", "xy_parts"]

FieldType = Literal["quantitative", "ordinal", "nominal", "temporal"]
_FIELD_TYPES = ("quantitative", "ordinal", "nominal", "temporal")

#: Dataset of the EMA-smoothed lines, computed in the browser from the raw data.
SMOOTHED = "smoothed"
#: Drag pans, except with Shift held: a Shift-drag draws a box to zoom into (the browser).
PAN = "[pointerdown[!event.shiftKey], window:pointerup] > window:pointermove!"
#: Dataset of marked x positions (``x``, ``label``), e.g. where a loss became NaN.
EVENTS = "events"


def _check_type(value: Any, *, arg: str) -> str:
    return check_choice(value, _FIELD_TYPES, arg=arg)


def _check_colors(value: Any, count: int) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(
        isinstance(c, str) and c for c in value
    ):
        msg = f"series_colors: expected a list of CSS colours, got {value!r}"
        raise TypeError(msg)
    if len(value) < count:
        msg = (
            f"series_colors: {len(value)} colour(s) for {count} series; give one colour per series "
            "(extra colours are kept for series appended later)"
        )
        raise ValueError(msg)
    return list(value)


def xy_parts(
    names: list[str],
    *,
    x_label: str | None,
    y_label: str | None,
    x_type: str,
    y_type: str,
    x_domain: list[float] | None,
    y_domain: list[float] | None,
    zoom_to_fit: bool,
    log_y: bool,
    series_colors: list[str] | None,
    shape: bool = False,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Encodings (x, y, colour and optionally shape by series) and the tooltip of XY charts."""

    def scale(domain: list[float] | None, log: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if log:
            out["type"] = "log"
        if zoom_to_fit:
            out["zero"] = False
        elif domain is not None:
            out["domain"] = domain
        return out

    legend = {"title": None, "orient": "right"} if len(names) > 1 else None
    color: dict[str, Any] = {"field": "series", "type": "nominal", "scale": {"domain": names}, "legend": legend}
    if series_colors is not None:
        color["scale"]["range"] = series_colors[: len(names)]
    encoding: dict[str, Any] = {
        "x": {"field": "x", "type": x_type, "title": x_label, "scale": scale(x_domain, False)},
        "y": {"field": "y", "type": y_type, "title": y_label, "scale": scale(y_domain, log_y)},
        "color": color,
    }
    if shape:
        encoding["shape"] = {"field": "series", "type": "nominal", "scale": {"domain": names}, "legend": legend}
    x_tip: dict[str, Any] = {"field": "x", "type": x_type, "title": x_label or "x"}
    y_tip: dict[str, Any] = {"field": "y", "type": y_type, "title": y_label or "y"}
    for tip, kind in ((x_tip, x_type), (y_tip, y_type)):
        if kind == "quantitative":
            tip["format"] = ".4~g"
    tooltip = [{"field": "series", "type": "nominal", "title": "series"}, x_tip, y_tip]
    return encoding, tooltip


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
    series_colors: Sequence[str] | None = None,
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
    series_colors : list of str, optional
        One CSS colour per series, in series order.
    smoothing : float, optional
        Adds TensorBoard-style exponential smoothing: the raw lines are drawn faint and
        the smoothed ones (dataset ``"smoothed"``, computed in the browser) bold, with
        a slider and a log-scale toggle that work while the kernel is busy.
    events : bool
        Adds vertical rules with labels from dataset ``"events"`` (fields ``x``, ``label``).
    interactive : bool
        Zoom (wheel) and pan (drag) along x; Shift-drag zooms into the dragged range;
        double-click resets. Over 20,000 points (drawn with a level of detail), y fits
        what is in view.

    Examples
    --------
    >>> spec = line_spec(["loss", "val_loss"], x_label="epoch")
    >>> spec["layer"][0]["data"], spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    ({'name': 'values'}, ['loss', 'val_loss'])
    """
    x_label = check_text(x_label, arg="x_label")
    y_label = check_text(y_label, arg="y_label")
    x_type = _check_type(x_type, arg="x_type")
    y_type = _check_type(y_type, arg="y_type")
    x_domain = check_domain(x_axis_domain, arg="x_axis_domain")
    y_domain = check_domain(y_axis_domain, arg="y_axis_domain")
    smoothing = _check_smoothing(smoothing)
    names = list(series)
    lines, tooltip = xy_parts(
        names, x_label=x_label, y_label=y_label, x_type=x_type, y_type=y_type, x_domain=x_domain,
        y_domain=y_domain, zoom_to_fit=zoom_to_fit, log_y=log_y,
        series_colors=_check_colors(series_colors, len(names)),
    )
    raw: dict[str, Any] = {
        "data": {"name": dataset},
        "mark": {"type": "line", "clip": True, **({"opacity": 0.3} if smoothing is not None else {})},
        "encoding": lines,
    }
    if interactive:
        raw["params"] = [
            {"name": "zoom", "select": {"type": "interval", "encodings": ["x"], "translate": PAN}, "bind": "scales"}
        ]
    layers: list[dict[str, Any]] = [raw]
    if smoothing is not None:
        layers.append(
            {"data": {"name": SMOOTHED}, "mark": {"type": "line", "clip": True, "strokeWidth": 2}, "encoding": lines}
        )
    # the hover rule: follows the nearest point's x, with every series' tooltip there
    # rows the browser thins out for hovering a big series (nbvis_thin, see js/src/runtime.js)
    hover_rows = [{"filter": "!datum.nbvis_thin"}]
    layers.append(
        {
            "data": {"name": dataset},
            "transform": hover_rows,
            "params": [
                {
                    "name": "hover",
                    "select": {"type": "point", "encodings": ["x"], "nearest": True,
                               "on": "pointermove", "clear": "pointerout"},
                }
            ],
            "mark": {"type": "rule", "clip": True, "color": "#888", "strokeWidth": 1},
            "encoding": {
                "x": lines["x"],
                "opacity": {"condition": {"param": "hover", "empty": False, "value": 0.6}, "value": 0},
            },
        }
    )
    layers.append(
        {
            # points: hover targets for the tooltip, drawn where the rule is
            "data": {"name": dataset},
            "transform": hover_rows,
            "mark": {"type": "point", "clip": True, "filled": True, "size": 40},
            "encoding": {
                **lines,
                "opacity": {"condition": {"param": "hover", "empty": False, "value": 1}, "value": 0},
                "tooltip": tooltip,
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
        **top_level(width, height, default_height=250, font_size=font_size),
        "layer": layers,
    }
    # the browser draws big series with a level of detail (see js/src/lod.js)
    meta: dict[str, Any] = {"lod": {"dataset": dataset, "kind": "line"}}
    if smoothing is not None:
        meta.update(smooth={"source": dataset, "target": SMOOTHED, "weight": smoothing}, log_toggle=True)
    spec["usermeta"] = {"nbvis": meta}
    return spec
