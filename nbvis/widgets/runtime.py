"""The Vega runtime (vega, vega-lite, vega-embed; ~900 KB) as one model per kernel session."""

from __future__ import annotations

import sys
from typing import Any

import ipywidgets
import traitlets as t

from .._bundle import runtime_source

__all__ = ["VegaRuntime", "comm_is_open", "session_token"]


def comm_is_open(widget: ipywidgets.Widget) -> bool:
    """Whether ``widget``'s comm can still reach a page: marimo closes a widget's comm
    when the cell that made it re-runs, and leaves ``widget.comm`` set."""
    comm = widget.comm
    return comm is not None and not getattr(comm, "_closed", False)


def session_token() -> Any:
    """What tells apart the sessions that share this process: marimo runs every visitor
    of ``marimo run`` in one process, each with its own stream to its page. ``None`` in
    a Jupyter kernel (one session per process)."""
    if "marimo" not in sys.modules:
        return None
    try:
        from marimo._runtime.context import safe_get_context
    except ImportError:  # another marimo layout: one session per process, as in Jupyter
        return None
    context = safe_get_context()
    return None if context is None else id(getattr(context, "stream", context))


class VegaRuntime(ipywidgets.Widget):
    """The Vega libraries, shipped once per session; it has no view.

    Chart modules import its ``bundle`` once per page, keyed by ``hash`` (which every
    chart also carries), so a notebook saved with widget state stores the libraries
    once. A page that cannot reach this model asks its chart's own comm for the bundle.
    """

    bundle = t.Unicode().tag(sync=True)
    hash = t.Unicode().tag(sync=True)
    _session: Any = None

    @classmethod
    def shared(cls) -> VegaRuntime:
        """The session's open runtime for this build of nbvis, created on first use.

        Never one whose comm is closed, nor one made in another session (the page of
        that session got it, this one did not).
        """
        source, digest = runtime_source()
        token = session_token()
        instances = getattr(ipywidgets.widgets.widget, "_instances", {})
        for widget in list(instances.values()):
            if (isinstance(widget, cls) and widget.hash == digest and comm_is_open(widget)
                    and getattr(widget, "_session", None) == token):
                return widget
        runtime = cls(bundle=source, hash=digest)
        runtime._session = token
        return runtime
