"""A titled box of nbvis charts whose output also carries a static picture of them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import ipywidgets

from .._static import static_html
from .._widget import ChartWidget

__all__ = ["View"]


class View(ipywidgets.VBox):
    """What the ``show.*`` views return: a title and charts (or tables) in a column.

    Attributes
    ----------
    charts : list of ChartWidget
        The charts, in order; each is a live widget (``update()``, ``save()``, ...).

    Its output also carries ``text/html`` with a picture of every chart (tables as
    escaped text), which is what nbconvert, GitHub and nbviewer show when the notebook
    is saved without widget state.
    """

    def __init__(self, title: str, charts: Sequence[ChartWidget], **kwargs: Any) -> None:
        self.title = title
        self.charts = list(charts)
        head = [ipywidgets.Label(title, style={"font_weight": "bold"})] if title else []
        super().__init__([*head, *self.charts], **kwargs)

    def __repr__(self) -> str:
        return f"<nbvis {self.title or 'view'}: {len(self.charts)} chart{'s' * (len(self.charts) != 1)}>"

    def _ipython_display_(self) -> None:
        from .._static import display_live_and_picture, picture_data

        # the picture in an output of its own: it shows where the live view cannot
        picture = picture_data(self, static_html([(self.title, self.charts)]))
        display_live_and_picture(self, picture, uuid.uuid4().hex)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        data = super()._repr_mimebundle_(**kwargs)
        picture = static_html([(self.title, self.charts)])
        if picture:
            data["text/html"] = picture
        return data
