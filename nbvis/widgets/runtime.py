"""The Vega runtime (vega, vega-lite, vega-embed; ~900 KB) as one model per kernel."""

from __future__ import annotations

import ipywidgets
import traitlets as t

from .._bundle import runtime_source

__all__ = ["VegaRuntime"]


class VegaRuntime(ipywidgets.Widget):
    """The Vega libraries, shipped once per kernel; it has no view.

    Chart modules import its ``bundle`` once per page, keyed by ``hash``, so a notebook
    saved with widget state stores the libraries once.
    """

    bundle = t.Unicode().tag(sync=True)
    hash = t.Unicode().tag(sync=True)

    @classmethod
    def shared(cls) -> VegaRuntime:
        """The kernel's open runtime for this build of nbvis, created on first use."""
        source, digest = runtime_source()
        instances = getattr(ipywidgets.widgets.widget, "_instances", {})
        for widget in list(instances.values()):
            if isinstance(widget, cls) and widget.comm is not None and widget.hash == digest:
                return widget
        return cls(bundle=source, hash=digest)
