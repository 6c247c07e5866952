"""Charts without a live widget: a standalone spec with its data, pictures, files.

nbconvert's HTML export, GitHub and nbviewer show a widget only if its state was saved;
otherwise they fall back to the other MIME types of the same output. Every chart's
output therefore also carries a picture of it — SVG for charts with few marks, PNG for
the rest (vl-convert, rendering the same Vega-Lite version as the browser) — and a table
carries an HTML table whose cells are escaped text.
"""

from __future__ import annotations

import base64
import copy
import html
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ._png import png_data_url
from .charts._common import VEGA_LITE_VERSION

if TYPE_CHECKING:
    from ._widget import ChartWidget

__all__ = ["chart_html", "chart_png", "chart_svg", "full_spec", "save", "static_bundle", "static_html", "table_html"]

_VL_VERSION = ".".join(VEGA_LITE_VERSION.split(".")[:2])  # vl-convert takes "6.4"
_STATIC_WIDTH = 480
_SVG_MAX_ROWS = 500  # beyond this many drawn rows a PNG is smaller than an SVG
_RASTER_BLOCKS = 80  # a raster heatmap's picture has at most this many cells per side
_PICTURE_COLUMNS = 2048  # pixel columns a big series is decimated to for a picture


def _rows(chart: ChartWidget, name: str, *, decimate: bool = False) -> list[dict[str, Any]]:
    # a picture is _STATIC_WIDTH (x2 when saved) pixels wide: M4 over more columns than
    # that draws exactly what all the rows would
    table = chart.overview(name, size=_PICTURE_COLUMNS) if decimate else chart.tables[name]
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


def _raster_layer(spec: dict[str, Any], chart: ChartWidget, meta: dict[str, Any]) -> list[dict[str, Any]]:
    """A raster heatmap as rects of block means (at most _RASTER_BLOCKS per side)."""
    rows, cols = meta["rows"], meta["cols"]
    m = chart.tables[meta["source"]].column("value").reshape(rows, cols)
    fy, fx = -(-rows // _RASTER_BLOCKS), -(-cols // _RASTER_BLOCKS)
    out = []
    for r0 in range(0, rows, fy):
        for c0 in range(0, cols, fx):
            block = m[r0 : r0 + fy, c0 : c0 + fx]
            finite = block[np.isfinite(block)]
            v = float(finite.mean()) if finite.size else None
            out.append({"x0": c0, "x1": min(c0 + fx, cols), "y0": r0, "y1": min(r0 + fy, rows), "v": v})
    image, legend = spec["layer"]
    position = {k: v for k, v in image["encoding"].items() if k in ("x", "x2", "y", "y2")}
    color = legend["encoding"]["color"]
    spec["layer"] = [{"data": {"name": "raster_blocks"}, "mark": {"type": "rect", "strokeWidth": 0.5},
                      "encoding": {**position, "color": color, "stroke": {**color, "legend": None}}}]
    return out


def _interactive_only(layer: dict[str, Any]) -> bool:
    """Layers drawn only on hover (the hover rule and points): invisible in a picture."""
    opacity = layer.get("encoding", {}).get("opacity", {})
    return isinstance(opacity, dict) and opacity.get("condition", {}).get("param") == "hover"


def _tiles(chart: ChartWidget, meta: dict[str, Any]) -> list[dict[str, Any]]:
    pixels = chart.tables[meta["pixels"]].column("v")
    out = []
    for row in _rows(chart, meta["meta"]):
        h, w, c, offset = (int(row[k]) for k in ("h", "w", "c", "offset"))
        image = pixels[offset : offset + h * w * c].reshape(h, w, c)
        out.append({**row, "url": png_data_url(image)})
    return out


def full_spec(chart: ChartWidget, *, width: int | None = _STATIC_WIDTH, decimate: bool = True) -> dict[str, Any]:
    """A standalone Vega-Lite spec of the chart: every named dataset inline, browser-side
    derivations (smoothing, painted images) computed here, ``"container"`` width fixed.

    With ``decimate`` (for pictures) a big level-of-detail series is M4-decimated to
    more pixel columns than the picture has, which draws the same picture."""
    spec = copy.deepcopy(chart.spec)
    meta = spec.pop("usermeta", {}).get("nbvis", {})
    if meta.get("kind") == "table":
        msg = "a table is not a Vega-Lite chart; save it as .html"
        raise TypeError(msg)
    smooth = meta.get("smooth")
    datasets = {
        name: _rows(chart, name, decimate=decimate and not (smooth and name == smooth["source"]))
        for name in chart.tables
        if name not in ("matrix", "pixels")
    }
    if smooth:
        datasets[smooth["target"]] = _smoothed(datasets[smooth["source"]], smooth["weight"])
    if raster := meta.get("raster"):
        datasets["raster_blocks"] = _raster_layer(spec, chart, raster)
        datasets.pop("cells", None)
    if images := meta.get("images"):
        datasets[images["target"]] = _tiles(chart, images)
        datasets.pop(images["meta"], None)
    if stats := meta.get("stats"):
        line = "  ·  ".join(f"{r['label']}: {r['text']}" for r in datasets.pop(stats, []))
        spec["title"] = {"text": line, "anchor": "start", "fontSize": 11, "fontWeight": "normal"}
    if "layer" in spec:
        spec["layer"] = [layer for layer in spec["layer"] if not _interactive_only(layer)]
    spec["datasets"] = datasets
    if spec.get("width") == "container" and width is not None:
        spec["width"] = width
    return spec


def _drawn_rows(spec: dict[str, Any]) -> int:
    return sum(len(rows) for rows in spec.get("datasets", {}).values())


def chart_png(chart: ChartWidget, *, scale: float = 1.0) -> bytes | None:
    """The chart as PNG bytes; ``None`` when vl-convert is not installed."""
    try:
        import vl_convert
    except ImportError:
        return None
    return vl_convert.vegalite_to_png(full_spec(chart), vl_version=_VL_VERSION, scale=scale)


def chart_svg(chart: ChartWidget) -> str | None:
    """The chart as an SVG document; ``None`` when vl-convert is not installed."""
    try:
        import vl_convert
    except ImportError:
        return None
    return vl_convert.vegalite_to_svg(full_spec(chart), vl_version=_VL_VERSION)


def table_html(chart: ChartWidget) -> str:
    """A table chart as an HTML table; every cell is escaped text."""
    meta = chart.spec["usermeta"]["nbvis"]
    rows = _rows(chart, meta["dataset"])
    align = meta["align"]
    head = "".join(f'<th style="text-align:{a}">{html.escape(h)}</th>' for h, a in zip(meta["headers"], align))

    def cell(row: Mapping[str, Any], j: int, a: str) -> str:
        indent = f"padding-left:{10 + 18 * int(row.get('depth', 0))}px;" if j == 0 and "depth" in row else ""
        return f'<td style="text-align:{a};{indent}">{html.escape(row[f"c{j}"])}</td>'

    body = "".join("<tr>" + "".join(cell(row, j, a) for j, a in enumerate(align)) + "</tr>" for row in rows)
    notes = "".join(f"<div>{html.escape(n)}</div>" for n in meta.get("notes", []))
    return f'<table class="nbvis-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}'


def static_bundle(chart: ChartWidget) -> dict[str, Any]:
    """The MIME types that stand for the chart where widgets are not rendered."""
    if chart.spec.get("usermeta", {}).get("nbvis", {}).get("kind") == "table":
        return {"text/html": table_html(chart)}
    try:
        import vl_convert
    except ImportError:
        return {}
    spec = full_spec(chart)
    if _drawn_rows(spec) <= _SVG_MAX_ROWS and "tiles" not in spec["datasets"]:
        return {"image/svg+xml": vl_convert.vegalite_to_svg(spec, vl_version=_VL_VERSION)}
    png = vl_convert.vegalite_to_png(spec, vl_version=_VL_VERSION)
    return {"image/png": base64.b64encode(png).decode("ascii")}


def picture_output(chart: ChartWidget) -> dict[str, Any]:
    """The chart's picture as an output of its own, shown next to the live chart's output.

    The live view hides it (a CSS rule and the chart's id); where there is no live view —
    a saved notebook reopened after the kernel is gone, without widget state — it is what
    shows. It is one ``text/html`` (the image inlined), which carries the marker.
    """
    try:
        return picture_data(chart, chart_picture_html(chart), uid=chart._uid)
    except Exception as exc:  # noqa: BLE001 - a picture must never break the live chart
        return {"text/plain": f"{chart!r}\n(no static picture: {exc})"}


def chart_picture_html(chart: ChartWidget) -> str | None:
    """The chart's picture as HTML: an inlined SVG or PNG image, or the escaped table."""
    data = static_bundle(chart)
    if "text/html" in data:
        return data["text/html"]
    if "image/svg+xml" in data:
        svg = base64.b64encode(data["image/svg+xml"].encode("utf-8")).decode("ascii")
        return f'<img alt="chart" src="data:image/svg+xml;base64,{svg}"/>'
    if "image/png" in data:
        return f'<img alt="chart" src="data:image/png;base64,{data["image/png"]}"/>'
    return None


def picture_data(widget: Any, picture: str | None, *, uid: str | None = None) -> dict[str, Any]:
    """The picture output's MIME data: ``picture`` (HTML) in a ``nbvis-static`` block, which a
    live view hides (see ``js/src/chart.js``), and the widget's repr as text."""
    if picture is None:
        return {"text/plain": repr(widget)}
    if not picture.startswith('<div class="nbvis-static"'):
        mark = f' data-nbvis-uid="{html.escape(uid, quote=True)}"' if uid else ""
        picture = f'<div class="nbvis-static"{mark}>{picture}</div>'
    return {"text/html": picture, "text/plain": repr(widget)}


def display_live_and_picture(widget: Any, picture: Mapping[str, Any], display_id: str) -> None:
    """Display ``widget`` live, then its ``picture`` (from :func:`picture_data`) as an output
    of its own with ``display_id``, which ``update_display`` refreshes alone.

    The live output's ``text/plain`` is empty; the picture output carries the repr, so
    readers without widgets show one picture and no stray text.
    """
    import anywidget
    import ipywidgets
    from IPython.display import display

    base = anywidget.AnyWidget if isinstance(widget, anywidget.AnyWidget) else ipywidgets.Widget
    bundle = base._repr_mimebundle_(widget)
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    display({**data, "text/plain": ""}, raw=True, metadata=metadata)
    display(dict(picture), raw=True, display_id=display_id)


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no "</script>" can end it early)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_html(chart: ChartWidget, *, title: str = "nbvis chart") -> str:
    """A self-contained HTML page of the chart that works offline (Vega inlined)."""
    if chart.spec.get("usermeta", {}).get("nbvis", {}).get("kind") == "table":
        body = table_html(chart)
        return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                "<style>table{border-collapse:collapse;font:14px sans-serif}th,td{border:1px solid #ddd;"
                f"padding:4px 8px}}</style></head><body>{body}</body></html>")
    from ._widget import _runtime_source

    bundle, _ = _runtime_source()
    spec = full_spec(chart, width=None, decimate=False)
    if spec.get("width") == "container":
        spec["width"] = _STATIC_WIDTH
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body><div id="nbvis-chart"></div>
<script type="application/json" id="nbvis-spec">{_script_json(spec)}</script>
<script type="application/json" id="nbvis-runtime">{_script_json(bundle)}</script>
<script type="module">
const text = JSON.parse(document.getElementById("nbvis-runtime").textContent);
const url = URL.createObjectURL(new Blob([text], {{ type: "text/javascript" }}));
const {{ vegaEmbed }} = await import(url);
const spec = JSON.parse(document.getElementById("nbvis-spec").textContent);
window.nbvisView = (await vegaEmbed("#nbvis-chart", spec, {{ renderer: "canvas", actions: false }})).view;
</script></body></html>
"""


def save(chart: ChartWidget, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write the chart to ``.png``, ``.svg`` or ``.html`` (offline), by the file's suffix."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".html":
        target.write_text(chart_html(chart), encoding="utf-8")
        return target
    if suffix not in (".png", ".svg"):
        msg = f"path: expected a file name ending in .png, .svg or .html, got {str(path)!r}"
        raise ValueError(msg)
    if chart.spec.get("usermeta", {}).get("nbvis", {}).get("kind") == "table":
        msg = f"path: a table can be saved as .html only, got {str(path)!r}"
        raise ValueError(msg)
    try:
        import vl_convert
    except ImportError as exc:
        msg = "saving PNG or SVG needs vl-convert: pip install vl-convert-python"
        raise ImportError(msg) from exc
    spec = full_spec(chart)
    if suffix == ".png":
        target.write_bytes(vl_convert.vegalite_to_png(spec, vl_version=_VL_VERSION, scale=scale))
    else:
        target.write_text(vl_convert.vegalite_to_svg(spec, vl_version=_VL_VERSION), encoding="utf-8")
    return target


def _is_table(chart: ChartWidget) -> bool:
    return chart.spec.get("usermeta", {}).get("nbvis", {}).get("kind") == "table"


def static_html(sections: Iterable[tuple[str, Iterable[ChartWidget]]]) -> str | None:
    """An HTML block of titled sections of chart pictures and tables (all text escaped)."""
    parts = []
    for title, charts in sections:
        images = []
        for chart in charts:
            if _is_table(chart):
                images.append(table_html(chart))
                continue
            png = chart_png(chart)
            if png is None:
                return None
            data = base64.b64encode(png).decode("ascii")
            images.append(f'<img src="data:image/png;base64,{data}" style="margin:2px"/>')
        if images:
            heading = f"<b>{html.escape(title)}</b><br/>" if title else ""
            parts.append(f"<div>{heading}{''.join(images)}</div>")
    return f'<div class="nbvis-static">{"".join(parts)}</div>' if parts else None
