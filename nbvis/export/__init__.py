"""Pictures, files and pages of charts, made from snapshots (spec + datasets), never widgets.

>>> snap = chart.snapshot()                    # nbvis.export.Snapshot
>>> full_spec(snap)["datasets"]["values"][:1]  # a standalone Vega-Lite spec
>>> save(snap, "chart.svg")
"""

from .picture import chart_png, chart_svg, picture_data, picture_html, static_bundle, static_html, table_html
from .save import chart_html, file_suffix, save
from .snapshot import PICTURE_COLUMNS, Snapshot, TableSnapshot, rows_of, take_snapshot
from .vegalite import STATIC_WIDTH, VL_VERSION, full_spec

__all__ = [
    "PICTURE_COLUMNS",
    "STATIC_WIDTH",
    "VL_VERSION",
    "Snapshot",
    "TableSnapshot",
    "chart_html",
    "chart_png",
    "chart_svg",
    "file_suffix",
    "full_spec",
    "picture_data",
    "picture_html",
    "rows_of",
    "save",
    "static_bundle",
    "static_html",
    "table_html",
    "take_snapshot",
]
