"""Pure Vega-Lite spec builders, one module per chart family.

Nothing here imports the widget: specs can be built, compared and validated without
a browser, node or the built front end.
"""

from ._bar import bar_spec, histogram_spec
from ._common import VEGA_LITE_SCHEMA, VEGA_LITE_VERSION, color_scale
from ._heatmap import confusion_spec, heatmap_spec
from ._images import image_grid_spec, table_spec
from ._line import line_spec
from ._scatter import scatter_spec

__all__ = [
    "VEGA_LITE_SCHEMA",
    "VEGA_LITE_VERSION",
    "bar_spec",
    "color_scale",
    "confusion_spec",
    "heatmap_spec",
    "histogram_spec",
    "image_grid_spec",
    "line_spec",
    "scatter_spec",
    "table_spec",
]
