"""Pictures: what stands for a chart where no live widget can be drawn.

nbconvert's HTML export, GitHub and nbviewer show a widget only if its state was saved;
otherwise they fall back to the other MIME types of the same output. Every chart's
output therefore also carries a picture of it — SVG for charts with few marks, PNG for
the rest (vl-convert, rendering the same Vega-Lite version as the browser) — and a table
carries an HTML table whose cells are escaped text.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from typing import Any

from .snapshot import Snapshot, TableSnapshot
from .vegalite import VL_VERSION, full_spec

__all__ = ["chart_png", "chart_svg", "picture_data", "picture_html", "static_bundle", "static_html", "table_html"]

#: Beyond this many drawn rows a PNG is smaller than an SVG.
SVG_MAX_ROWS = 500


def _vl_convert() -> Any:
    try:
        import vl_convert
    except ImportError:
        return None
    return vl_convert


def chart_png(snapshot: Snapshot, *, scale: float = 1.0) -> bytes | None:
    """The chart as PNG bytes; ``None`` when vl-convert is not installed."""
    vlc = _vl_convert()
    return None if vlc is None else vlc.vegalite_to_png(full_spec(snapshot), vl_version=VL_VERSION, scale=scale)


def chart_svg(snapshot: Snapshot) -> str | None:
    """The chart as an SVG document; ``None`` when vl-convert is not installed."""
    vlc = _vl_convert()
    return None if vlc is None else vlc.vegalite_to_svg(full_spec(snapshot), vl_version=VL_VERSION)


def table_html(snapshot: TableSnapshot) -> str:
    """A table as an HTML table; every cell is escaped text."""
    head = "".join(f'<th style="text-align:{a}">{html.escape(h)}</th>'
                   for h, a in zip(snapshot.headers, snapshot.align))

    def cell(i: int, j: int, text: str, a: str) -> str:
        depth = snapshot.depth[i] if snapshot.depth is not None and j == 0 else None
        indent = f"padding-left:{10 + 18 * depth}px;" if depth is not None else ""
        return f'<td style="text-align:{a};{indent}">{html.escape(text)}</td>'

    body = "".join("<tr>" + "".join(cell(i, j, text, a) for j, (text, a) in enumerate(zip(row, snapshot.align)))
                   + "</tr>" for i, row in enumerate(snapshot.rows))
    notes = "".join(f"<div>{html.escape(n)}</div>" for n in snapshot.notes)
    return f'<table class="nbvis-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}'


def static_bundle(snapshot: Snapshot | TableSnapshot) -> dict[str, Any]:
    """The MIME types that stand for a chart or table where widgets are not rendered."""
    if isinstance(snapshot, TableSnapshot):
        return {"text/html": table_html(snapshot)}
    vlc = _vl_convert()
    if vlc is None:
        return {}
    spec = full_spec(snapshot)
    drawn = sum(len(rows) for rows in spec.get("datasets", {}).values())
    if drawn <= SVG_MAX_ROWS and "images" not in snapshot.meta:
        return {"image/svg+xml": vlc.vegalite_to_svg(spec, vl_version=VL_VERSION)}
    png = vlc.vegalite_to_png(spec, vl_version=VL_VERSION)
    return {"image/png": base64.b64encode(png).decode("ascii")}


def picture_html(snapshot: Snapshot | TableSnapshot) -> str | None:
    """The picture as HTML: an inlined SVG or PNG image, or the escaped table."""
    data = static_bundle(snapshot)
    if "text/html" in data:
        return str(data["text/html"])
    if "image/svg+xml" in data:
        svg = base64.b64encode(data["image/svg+xml"].encode("utf-8")).decode("ascii")
        return f'<img alt="chart" src="data:image/svg+xml;base64,{svg}"/>'
    if "image/png" in data:
        return f'<img alt="chart" src="data:image/png;base64,{data["image/png"]}"/>'
    return None


def picture_data(text: str, picture: str | None, *, uid: str | None = None) -> dict[str, Any]:
    """The picture output's MIME data: ``picture`` (HTML) in a ``nbvis-static`` block, which a
    live view hides (see ``js/src/chart.js``), and ``text`` (the widget's repr) as text."""
    if picture is None:
        return {"text/plain": text}
    mark = f' data-nbvis-uid="{html.escape(uid, quote=True)}"' if uid else ""
    block = '<div class="nbvis-static"'
    if not picture.startswith(block):
        picture = f"{block}{mark}>{picture}</div>"
    elif mark and not picture.startswith(f"{block} data-nbvis-uid="):
        picture = block + mark + picture[len(block):]
    return {"text/html": picture, "text/plain": text}


def static_html(sections: Iterable[tuple[str, Iterable[Snapshot | TableSnapshot]]]) -> str | None:
    """An HTML block of titled sections of chart pictures (PNG) and tables (all text escaped)."""
    parts = []
    for title, snapshots in sections:
        images = []
        for snapshot in snapshots:
            if isinstance(snapshot, TableSnapshot):
                images.append(table_html(snapshot))
                continue
            png = chart_png(snapshot)
            if png is None:
                return None
            data = base64.b64encode(png).decode("ascii")
            images.append(f'<img src="data:image/png;base64,{data}" style="margin:2px"/>')
        if images:
            heading = f"<b>{html.escape(title)}</b><br/>" if title else ""
            parts.append(f"<div>{heading}{''.join(images)}</div>")
    return f'<div class="nbvis-static">{"".join(parts)}</div>' if parts else None


