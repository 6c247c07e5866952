"""nbvis: live charts and model inspection in Jupyter notebooks, after tfjs-vis.

>>> import nbvis
>>> chart = nbvis.linechart([{"x": 0, "y": 1.0}, {"x": 1, "y": 0.5}], x_label="step")
>>> chart                      # a live widget
>>> chart.append([{"x": 2, "y": 0.25}])
"""

from __future__ import annotations

import importlib
import importlib.metadata
from typing import TYPE_CHECKING, Any

try:  # written once, in js/package.json, which the build reads
    __version__ = importlib.metadata.version("nbvis")
except importlib.metadata.PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"
__all__ = [
    "ChartWidget",
    "TableWidget",
    "Visor",
    "__version__",
    "barchart",
    "confusion_matrix",
    "datasets",
    "heatmap",
    "histogram",
    "image_grid",
    "inspect",
    "linechart",
    "metrics",
    "runs",
    "scatterplot",
    "show",
    "table",
]

# Importing the chart and widget layers lazily keeps `import nbvis` fast (no anywidget,
# no numpy until a chart is made).
_CHARTS = ("barchart", "confusion_matrix", "heatmap", "histogram", "image_grid", "linechart", "scatterplot", "table")
_LAZY = {
    **dict.fromkeys(_CHARTS, "nbvis.charts"),
    "ChartWidget": "nbvis.widgets",
    "TableWidget": "nbvis.widgets",
    "Visor": "nbvis.visor",
}
_SUBMODULES = ("datasets", "inspect", "metrics", "runs", "show")

if TYPE_CHECKING:
    from . import datasets, inspect, metrics, runs, show
    from .charts import (
        barchart,
        confusion_matrix,
        heatmap,
        histogram,
        image_grid,
        linechart,
        scatterplot,
        table,
    )
    from .visor import Visor
    from .widgets import ChartWidget, TableWidget


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"nbvis.{name}")
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'nbvis' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
