"""Chart kinds: one module per kind, holding its options, pure spec builder, dataset
schema, adapter and chart function.

======================  ===========================================  ==================
kind                    chart functions                              spec builders
======================  ===========================================  ==================
:mod:`.xy`              ``linechart``, ``scatterplot``               ``line_spec``, ``scatter_spec``
:mod:`.bar`             ``barchart``, ``histogram``                  ``bar_spec``, ``histogram_spec``
:mod:`.heatmap`         ``heatmap``, ``confusion_matrix``            ``heatmap_spec``, ``confusion_spec``
:mod:`.images`          ``image_grid``                               ``image_grid_spec``
:mod:`.table`           ``table``, ``tree_table``                    (an HTML table, no spec)
======================  ===========================================  ==================

Spec builders are pure: they return a Vega-Lite dict and touch no widget.

>>> from nbvis.charts import line_spec
>>> line_spec(["loss"], x_label="step")["layer"][0]["mark"]["type"]
'line'
"""

from .._colors import color_scale
from .._contract import VEGA_LITE_SCHEMA, VEGA_LITE_VERSION
from .bar import bar_spec, barchart, histogram, histogram_choice, histogram_spec
from .heatmap import confusion_matrix, confusion_spec, heatmap, heatmap_spec
from .images import image_grid, image_grid_spec
from .table import table, tree_table
from .xy import XYOptions, line_spec, line_widget, linechart, scatter_spec, scatterplot

__all__ = [
    "VEGA_LITE_SCHEMA",
    "VEGA_LITE_VERSION",
    "XYOptions",
    "bar_spec",
    "barchart",
    "color_scale",
    "confusion_matrix",
    "confusion_spec",
    "heatmap",
    "heatmap_spec",
    "histogram",
    "histogram_choice",
    "histogram_spec",
    "image_grid",
    "image_grid_spec",
    "line_spec",
    "line_widget",
    "linechart",
    "scatter_spec",
    "scatterplot",
    "table",
    "tree_table",
]
