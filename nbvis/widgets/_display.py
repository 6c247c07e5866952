"""Displaying a widget next to its picture, and the end-of-cell hook."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from IPython.core.getipython import get_ipython

__all__ = ["CellEndHook", "display_live_and_picture", "ipython", "threads_deliver"]


def ipython() -> Any:
    """The running IPython shell, or ``None`` outside IPython (cheap: called per append)."""
    return get_ipython()


def threads_deliver() -> bool:
    """Whether a message sent from a thread of nbvis's own reaches the page.

    Not in Pyodide (JupyterLite), which cannot start threads, nor in marimo before
    0.23.14, which dropped messages sent outside its own threads (marimo PR #10127);
    there a widget sends from the caller's thread instead.
    """
    if sys.platform == "emscripten":
        return False
    marimo = sys.modules.get("marimo")
    if marimo is None:
        return True
    try:
        version = tuple(int(part) for part in str(marimo.__version__).split(".")[:3])
    except ValueError:
        return True  # a development build: a recent one
    return version >= (0, 23, 14)


def display_live_and_picture(widget: Any, picture: Mapping[str, Any], display_id: str) -> None:
    """Display ``widget`` live, then its ``picture`` (from :func:`nbvis.export.picture_data`)
    as an output of its own with ``display_id``, which ``update_display`` refreshes alone.

    The live output's ``text/plain`` is empty; the picture output carries the repr, so
    readers without widgets show one picture and no stray text.
    """
    import anywidget
    import ipywidgets
    from IPython.display import display

    base = anywidget.AnyWidget if isinstance(widget, anywidget.AnyWidget) else ipywidgets.Widget
    bundle = base._repr_mimebundle_(widget)
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    display({**data, "text/plain": ""}, raw=True, metadata=metadata)
    display(dict(picture), raw=True, display_id=display_id)


class CellEndHook:
    """Calls ``callback`` once at the end of the running cell, after :meth:`arm`.

    Custom messages are not saved with a notebook; widget state is. A widget that sent
    data arms the hook, and at the end of the cell brings its state (and its picture)
    up to date once.
    """

    def __init__(self, callback: Callable[[], None]) -> None:
        self._callback = callback
        self._armed = False

    def arm(self) -> bool:
        """Call back at the end of the running cell; ``False`` outside IPython (no cell)."""
        if self._armed:
            return True
        shell = ipython()
        if shell is None:
            return False
        shell.events.register("post_run_cell", self._fire)
        self._armed = True
        return True

    def disarm(self) -> None:
        if not self._armed:
            return
        shell = ipython()
        if shell is not None and self._fire in shell.events.callbacks["post_run_cell"]:
            shell.events.unregister("post_run_cell", self._fire)
        self._armed = False

    def _fire(self, *_args: Any) -> None:
        self.disarm()
        self._callback()
