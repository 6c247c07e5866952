"""Bar chart and histogram specs (tfjs-vis ``render.barchart`` and ``render.histogram``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._common import check_text, text_list, top_level

__all__ = ["CHOICE", "STATS", "bar_spec", "histogram_spec"]

#: Dataset of a histogram's stats row (``label``, ``text``), drawn above the chart.
STATS = "stats"
#: The signal of the histogram drop-down (which of several histograms is drawn).
CHOICE = "nbvis_choice"
_DEFAULT_COLOR = "#4c78a8"


def _check_color(value: Any, *, arg: str = "color") -> str:
    if not isinstance(value, str) or not value:
        msg = f"{arg}: expected a CSS colour string, got {value!r}"
        raise TypeError(msg)
    return value


def bar_spec(
    *,
    dataset: str = "values",
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    color: str | None = None,
    per_bar_colors: bool = False,
    font_size: int = 11,
) -> dict[str, Any]:
    """Vega-Lite spec of a bar chart over dataset rows ``index`` (label), ``value``.

    Bars keep the order of the rows (no sorting: ``"10"`` stays after ``"9"``). With
    ``per_bar_colors`` each row carries its own ``color`` field; otherwise every bar is
    ``color``.

    Examples
    --------
    >>> bar_spec(y_label="accuracy")["encoding"]["x"]["sort"] is None
    True
    """
    mark: dict[str, Any] = {"type": "bar", "tooltip": False}
    encoding: dict[str, Any] = {
        "x": {"field": "index", "type": "ordinal", "sort": None, "title": check_text(x_label, arg="x_label"),
              "axis": {"labelAngle": 0, "labelOverlap": True}},
        "y": {"field": "value", "type": "quantitative", "title": check_text(y_label, arg="y_label")},
        "tooltip": [
            {"field": "index", "type": "nominal", "title": x_label or "index"},
            {"field": "value", "type": "quantitative", "title": y_label or "value", "format": ".4~g"},
        ],
    }
    if per_bar_colors:
        encoding["color"] = {"field": "color", "type": "nominal", "scale": None, "legend": None}
    else:
        mark["color"] = _check_color(color if color is not None else _DEFAULT_COLOR)
    return {
        **top_level(width, height, default_height=250, font_size=font_size),
        "data": {"name": dataset},
        "mark": mark,
        "encoding": encoding,
    }


def histogram_spec(
    *,
    dataset: str = "bins",
    width: int | None = None,
    height: int | None = None,
    x_label: str | None = None,
    y_label: str | None = "count",
    color: str = _DEFAULT_COLOR,
    stats: bool = True,
    font_size: int = 11,
    choices: Sequence[str] | None = None,
    choice_label: str = "values ",
) -> dict[str, Any]:
    """Vega-Lite spec of a histogram over pre-binned rows ``start``, ``end``, ``count``.

    Binning happens in numpy (:func:`nbvis._stats.histogram`); the browser gets one row
    per bin. With ``stats`` the chart also shows the ``"stats"`` dataset (``label``,
    ``text``) as a row of text above the plot, as tfjs-vis does. With ``choices``, the
    rows hold several histograms told apart by a ``choice`` field (0, 1, ...), and a
    drop-down (a Vega binding, so it works without the kernel) picks the one drawn.

    Examples
    --------
    >>> histogram_spec()["encoding"]["x"]["bin"]
    'binned'
    """
    spec: dict[str, Any] = {
        **top_level(width, height, default_height=200, font_size=font_size),
        "data": {"name": dataset},
        "mark": {"type": "bar", "color": _check_color(color), "binSpacing": 1},
        "encoding": {
            "x": {"field": "start", "type": "quantitative", "bin": "binned",
                  "title": check_text(x_label, arg="x_label"), "axis": {"labelOverlap": True}},
            "x2": {"field": "end"},
            "y": {"field": "count", "type": "quantitative", "title": check_text(y_label, arg="y_label")},
            "tooltip": [
                {"field": "start", "type": "quantitative", "title": "from", "format": ".4~g"},
                {"field": "end", "type": "quantitative", "title": "to", "format": ".4~g"},
                {"field": "count", "type": "quantitative", "title": "count", "format": ","},
            ],
        },
    }
    if choices is not None:
        names = text_list(choices, arg="choices")
        spec["params"] = [{
            "name": CHOICE,
            "value": 0,
            "bind": {"input": "select", "options": list(range(len(names))), "labels": names,
                     "name": check_text(choice_label, arg="choice_label")},
        }]
        spec["transform"] = [{"filter": f"datum.choice == {CHOICE}"}]
    if stats:
        spec["usermeta"] = {"nbvis": {"stats": STATS}}
    return spec
