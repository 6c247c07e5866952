"""Displaying a widget next to its picture (:class:`Pictured`), and the end-of-cell hook."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from IPython.core.getipython import get_ipython

from ..export import picture_data

__all__ = ["CellEndHook", "Pictured", "display_live_and_picture", "ipython", "threads_deliver"]


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


class Pictured:
    """Mixin for a widget that leaves a picture of itself (charts, boxes, the Inspector).

    Its output is two outputs: the live view, then :meth:`picture_html` as an output of
    its own under one display id (hidden next to the live view by a CSS rule and the
    widget's ``_uid``), which :meth:`refresh_picture` brings up to date without making
    the front end draw a new view. That picture is what a notebook shows once the kernel
    and the widget state are gone: nbconvert, GitHub, nbviewer. ``_repr_mimebundle_``
    (a widget returned by ``display()`` or a library's own output) carries it too.

    A subclass calls :meth:`_init_picture` in ``__init__`` and implements
    :meth:`picture_html`; it may override :meth:`_on_shown` and :meth:`_static_bundle`.
    """

    _uid: str

    def _init_picture(self) -> None:
        self._picture_id = uuid.uuid4().hex  # one id: every displayed copy is refreshed
        self._shown = False

    def picture_html(self) -> str | None:
        """The widget as HTML (images and escaped text), or ``None`` for no picture (yet)."""
        raise NotImplementedError

    def _picture_output(self) -> dict[str, Any]:
        try:
            return picture_data(repr(self), self.picture_html(), uid=self._uid)
        except Exception as exc:  # a picture that cannot be made must not lose the live output
            return {"text/plain": f"{self!r}\n(no static picture: {exc})"}

    def _static_bundle(self) -> dict[str, Any]:
        """The picture's MIME data for ``_repr_mimebundle_`` (marked with the widget's id)."""
        return {k: v for k, v in self._picture_output().items() if k == "text/html"}

    def _on_shown(self) -> None:
        """Called after each display of the live view and its picture."""

    def _ipython_display_(self) -> None:
        display_live_and_picture(self, self._picture_output(), self._picture_id)
        self._shown = True
        self._on_shown()

    def refresh_picture(self) -> None:
        """Bring the picture output of every display up to date."""
        if not self._shown:
            return
        from IPython.display import update_display

        update_display(self._picture_output(), raw=True, display_id=self._picture_id)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle: Any = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        data: dict[str, Any] = bundle[0] if isinstance(bundle, tuple) else bundle  # anywidget: (data, metadata)
        try:
            data.update(self._static_bundle())
        except Exception as exc:
            data["text/plain"] = f"{data.get('text/plain', '')}\n(no static picture: {exc})"
        return bundle
