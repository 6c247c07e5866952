"""Static pictures of charts (PNG via vl-convert), for outputs read without a live widget.

nbconvert's HTML export, GitHub and nbviewer show a widget only if its state was saved;
otherwise they fall back to the other MIME types of the same output. These helpers make
that fallback a picture of the chart rather than a ``<ChartWidget ...>`` string.
vl-convert is optional (``pip install nbvis[static]``): without it there is no picture.
"""

from __future__ import annotations

import base64
import copy
import html
from collections.abc import Iterable
from typing import Any

import numpy as np

from ._widget import ChartWidget

__all__ = ["chart_png", "static_html"]

_VL_VERSION = "6.4"  # the bundled vega-lite's minor version (js/package.json pins 6.4.1)
_STATIC_WIDTH = 420


def _rows(chart: ChartWidget, name: str) -> list[dict[str, Any]]:
    table = chart.tables[name]
    columns = {}
    for column, spec in table.specs.items():
        if spec.kind == "category":
            columns[column] = table.labels(column)
        else:
            values = table.column(column)
            columns[column] = [float(v) if np.isfinite(v) else None for v in values]
    return [dict(zip(columns, row)) for row in zip(*columns.values())]


def _smoothed(rows: list[dict[str, Any]], weight: float) -> list[dict[str, Any]]:
    """The browser's smoothing (debiased EMA per series, non-finite values skipped)."""
    state: dict[str, list[float]] = {}
    out = []
    for row in rows:
        if row["y"] is None:
            continue
        last, n = state.get(row["series"], [0.0, 0])
        last, n = last * weight + (1 - weight) * row["y"], n + 1
        state[row["series"]] = [last, n]
        out.append({**row, "y": last / (1 - weight**n) if weight else last})
    return out


def chart_png(chart: ChartWidget, *, scale: float = 1.0) -> bytes | None:
    """The chart as a PNG, with all its data; ``None`` when vl-convert is not installed."""
    try:
        import vl_convert
    except ImportError:
        return None
    spec = copy.deepcopy(chart.spec)
    datasets = {name: _rows(chart, name) for name in chart.tables}
    smooth = spec.get("usermeta", {}).get("nbvis", {}).get("smooth")
    if smooth:
        datasets[smooth["target"]] = _smoothed(datasets[smooth["source"]], smooth["weight"])
    spec["datasets"] = datasets
    if spec.get("width") == "container":
        spec["width"] = _STATIC_WIDTH
    return vl_convert.vegalite_to_png(spec, vl_version=_VL_VERSION, scale=scale)


def static_html(sections: Iterable[tuple[str, Iterable[ChartWidget]]]) -> str | None:
    """An HTML block of titled sections of chart pictures (titles escaped: text, not markup)."""
    parts = []
    for title, charts in sections:
        images = []
        for chart in charts:
            png = chart_png(chart)
            if png is None:
                return None
            data = base64.b64encode(png).decode("ascii")
            images.append(f'<img src="data:image/png;base64,{data}" style="margin:2px"/>')
        if images:
            parts.append(f"<div><b>{html.escape(title)}</b><br/>{''.join(images)}</div>")
    return f'<div class="nbvis-static">{"".join(parts)}</div>' if parts else None
