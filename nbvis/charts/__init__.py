"""Pure Vega-Lite spec builders, one module per chart family.

Nothing here imports the widget: specs can be built, compared and validated without
a browser, node or the built front end.
"""

from ._common import VEGA_LITE_SCHEMA
from ._line import line_spec

__all__ = ["VEGA_LITE_SCHEMA", "line_spec"]
