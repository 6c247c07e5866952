"""Files: ``.png``, ``.svg`` (vl-convert) and a self-contained ``.html`` page (Vega inlined)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from .._bundle import runtime_source
from .picture import table_html
from .snapshot import Snapshot, TableSnapshot
from .vegalite import STATIC_WIDTH, VL_VERSION, full_spec

__all__ = ["chart_html", "file_suffix", "save"]

_SUFFIXES = (".png", ".svg", ".html")


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element (no "</script>" can end it early)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_html(snapshot: Snapshot | TableSnapshot, *, title: str = "nbvis chart") -> str:
    """A self-contained HTML page of the chart (or table) that works offline."""
    if isinstance(snapshot, TableSnapshot):
        return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                "<style>table{border-collapse:collapse;font:14px sans-serif}th,td{border:1px solid #ddd;"
                f"padding:4px 8px}}</style></head><body>{table_html(snapshot)}</body></html>")
    bundle, _ = runtime_source()
    spec = full_spec(snapshot, width=None)
    if spec.get("width") == "container":
        spec["width"] = STATIC_WIDTH
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


def file_suffix(path: str | Path) -> str:
    """The lower-case suffix of ``path`` if nbvis can write it, else a ValueError."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        msg = f"path: expected a file name ending in .png, .svg or .html, got {str(path)!r}"
        raise ValueError(msg)
    return suffix


def save(snapshot: Snapshot | TableSnapshot, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write ``.png``, ``.svg`` or ``.html`` (offline), by the file's suffix; returns the path.

    For a picture pass a decimated snapshot; for a page, a full one (every row).
    """
    target = Path(path)
    suffix = file_suffix(path)
    if suffix == ".html":
        target.write_text(chart_html(snapshot), encoding="utf-8")
        return target
    if isinstance(snapshot, TableSnapshot):
        msg = f"path: a table can be saved as .html only, got {str(path)!r}"
        raise ValueError(msg)
    try:
        import vl_convert
    except ImportError as exc:
        msg = "saving PNG or SVG needs vl-convert: pip install vl-convert-python"
        raise ImportError(msg) from exc
    spec = full_spec(snapshot)
    if suffix == ".png":
        target.write_bytes(vl_convert.vegalite_to_png(spec, vl_version=VL_VERSION, scale=scale))
    else:
        target.write_text(vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION), encoding="utf-8")
    return target
