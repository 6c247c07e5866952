"""Boxes of widgets whose output also carries a picture of them (``nbvis.show`` views,
the training panel, the Visor)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from ..export import static_html
from ._display import CellEndHook, Pictured
from ._live import LiveWidget
from .panel import Node, Panel, column, text, widget

__all__ = ["PictureBox", "View"]


class PictureBox(Pictured, Panel):
    """A :class:`~nbvis.widgets.panel.Panel` that leaves a picture of its charts
    (``text/html`` with PNG images and escaped tables; see :class:`Pictured`).
    Subclasses say what the box holds (:meth:`layout_tree`) and what the picture holds
    (:meth:`picture_sections`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(_uid=uuid.uuid4().hex, **kwargs)
        self._init_picture()
        self._picture_hook = CellEndHook(self.refresh_picture)

    def layout_tree(self) -> Node:
        """The box's layout (see :mod:`nbvis.widgets.panel`)."""
        raise NotImplementedError

    def relayout(self) -> None:
        """Redraw the box after what it holds changed."""
        self.tree = self.layout_tree()

    def picture_sections(self) -> list[tuple[str, list[LiveWidget]]] | None:
        """(title, widgets) per section of the picture; ``None`` for no picture (yet)."""
        raise NotImplementedError

    def picture_html(self) -> str | None:
        sections = self.picture_sections()
        if sections is None:
            return None
        return static_html([(title, [w.snapshot() for w in widgets]) for title, widgets in sections])

    def show(self) -> None:
        """Display the live box, and after it an output for its picture."""
        self._ipython_display_()

    def refresh_picture_at_cell_end(self) -> None:
        """Bring the picture up to date once the running cell ends (outside IPython: now).

        Rendering holds the GIL (vl-convert), so work that must not be slowed, such as
        a ``fit()``, asks for its picture here rather than rendering it itself.
        """
        if not self._picture_hook.arm():
            self.refresh_picture()


class View(PictureBox):
    """What the ``show.*`` views return: a title and charts (or tables) in a column.

    Attributes
    ----------
    charts : list of ChartWidget or TableWidget
        The charts, in order; each is a live widget (``update()``, ``save()``, ...).

    Examples
    --------
    >>> view = nbvis.show.values_distribution(weights)
    >>> view.charts[0].update(new_weights)
    """

    def __init__(self, title: str, charts: Sequence[LiveWidget], **kwargs: Any) -> None:
        self.title = title
        self.charts = list(charts)
        super().__init__(**kwargs)
        self.relayout()

    def layout_tree(self) -> Node:
        head = [text(self.title, bold=True)] if self.title else []
        return column(*head, *(widget(c) for c in self.charts), width="100%")

    def __repr__(self) -> str:
        return f"<nbvis {self.title or 'view'}: {len(self.charts)} chart{'s' * (len(self.charts) != 1)}>"

    def picture_sections(self) -> list[tuple[str, list[LiveWidget]]]:
        return [(self.title, self.charts)]
