"""Widgets: traits and messages over a kernel-side store; pictures come from :mod:`nbvis.export`.

* :class:`ChartWidget` — a live Vega-Lite chart (``js/src/chart.js``);
* :class:`TableWidget` — a live table of text (``js/src/table.js``);
* :class:`VegaRuntime` — the Vega libraries, one model per kernel;
* :class:`Panel` — a laid-out box of widgets that renders in every anywidget host
  (``js/src/panel.js``);
* :class:`View` and :class:`PictureBox` — titled panels of them whose output also
  carries a picture (what ``nbvis.show`` returns);
* :class:`Pictured` — the mixin of every widget that leaves a picture of itself
  (charts, tables, boxes, the Inspector).

``Adapter``, ``Change``, ``FunctionAdapter``, ``LiveWidget``, ``Module`` and ``Pictured``
are extension points for nbvis's own widget kinds, not a stable API yet.
"""

from .._bundle import Module
from ._display import Pictured
from ._live import Adapter, Change, FunctionAdapter, LiveWidget
from .boxes import PictureBox, View
from .chart import ChartWidget
from .panel import Panel
from .runtime import VegaRuntime
from .table import TableWidget

__all__ = [
    "Adapter",
    "Change",
    "ChartWidget",
    "FunctionAdapter",
    "LiveWidget",
    "Module",
    "Panel",
    "PictureBox",
    "Pictured",
    "TableWidget",
    "VegaRuntime",
    "View",
]
