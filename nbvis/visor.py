"""The Visor: tabs of named surfaces to put charts on, after tfjs-vis's ``visor()``.

tfjs-vis has one visor per page, a panel fixed to the window's edge. In a notebook a
visor is an ordinary widget in a cell's output: make as many as you like (there is no
module-level singleton), display one, and fill its surfaces from any later cell. Like a
chart, its output also carries a picture (every surface's charts, titled by tab and
surface), brought up to date at the end of a cell that changed a surface: what a
notebook reopened without widget state, or exported to HTML, shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets

from ._validate import describe
from .widgets._live import LiveWidget
from .widgets.boxes import PictureBox

__all__ = ["Surface", "Visor"]

_DEFAULT_TAB = "Visor"
_CARD = {"border": "1px solid #ddd", "padding": "6px", "margin": "4px", "max_width": "100%"}


def _check_name(value: Any, *, arg: str) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"{arg}: expected a non-empty string, got {describe(value)}"
        raise TypeError(msg) if not isinstance(value, str) else ValueError(msg)
    return value


def _as_widget(item: Any) -> ipywidgets.Widget:
    """Widgets (every nbvis chart and view) go in as they are; anything else (a pandas
    DataFrame, a matplotlib figure) is shown through an Output widget."""
    if isinstance(item, ipywidgets.Widget):
        return item
    if item is None:
        msg = "widgets: expected a chart, a widget or a displayable object, got None"
        raise TypeError(msg)
    out = ipywidgets.Output()
    out.append_display_data(item)
    return out


class Surface(ipywidgets.VBox):
    """A named card on one tab of a :class:`Visor`: a label over a drawing area.

    Attributes
    ----------
    name, tab : str
        Its key in the visor.
    label : ipywidgets.Label
        The title (text, never HTML).
    draw_area : ipywidgets.Box
        Holds what was shown on the surface, one under the other.
    """

    def __init__(self, name: str, tab: str, *, width: str | None = None, height: str | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        self.name = name
        self.tab = tab
        self._on_change = on_change
        self.label = ipywidgets.Label(name, style={"font_weight": "bold"},
                                      layout=ipywidgets.Layout(align_self="center"))
        # a column: charts that fill their container's width get the card's width
        self.draw_area = ipywidgets.Box(layout=ipywidgets.Layout(display="flex", flex_flow="column",
                                                                 overflow="auto", height=height))
        super().__init__([self.label, self.draw_area], layout=ipywidgets.Layout(width=width, **_CARD))

    @property
    def items(self) -> tuple[ipywidgets.Widget, ...]:
        """What the surface shows, in order."""
        return tuple(self.draw_area.children)

    def show(self, *items: Any) -> None:
        """Replace what the surface shows (as rendering into a tfjs-vis surface does).

        Examples
        --------
        >>> vis.surface("Loss", tab="Training").show(nbvis.linechart(losses))
        """
        self.draw_area.children = tuple(_as_widget(i) for i in items)
        self._changed()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def charts(self) -> list[LiveWidget]:
        """The nbvis charts on the surface, those inside views included (for its picture)."""
        found: list[LiveWidget] = []
        for item in self.draw_area.children:
            if isinstance(item, LiveWidget):
                found.append(item)
            else:
                found.extend(c for c in getattr(item, "charts", []) if isinstance(c, LiveWidget))
        return found

    def add(self, *items: Any) -> None:
        """Show more beside what the surface already shows."""
        self.draw_area.children = (*self.draw_area.children, *(_as_widget(i) for i in items))
        self._changed()

    def clear(self) -> None:
        """Show nothing (the charts themselves are left alone)."""
        self.draw_area.children = ()
        self._changed()

    def __repr__(self) -> str:
        return f"<nbvis Surface {self.name!r} on tab {self.tab!r}: {len(self.draw_area.children)} item(s)>"


class Visor(PictureBox):
    """Tabs of named surfaces, with tfjs-vis's semantics, as a notebook widget.

    ``surface(name, tab)`` creates or fetches the surface keyed by name *and* tab; a
    surface that creates a new tab makes that tab the active one. Put any nbvis chart
    (or widget, or displayable object) on a surface with ``show`` / ``add``, from this
    cell or a later one: the displayed visor updates in place.

    Parameters
    ----------
    title : str
        Shown in the visor's tool bar.

    Examples
    --------
    >>> vis = nbvis.Visor()
    >>> vis                                               # display it once
    >>> vis.surface("Loss", tab="Training").show(nbvis.linechart([1.0, 0.5, 0.3]))
    >>> vis.surface("Weights", tab="Model").show(nbvis.show.layer(model.layers[0]))
    >>> vis.set_active_tab("Training")
    """

    def __init__(self, *, title: str = "Visor") -> None:
        self._surfaces: dict[tuple[str, str], Surface] = {}
        self._tab_boxes: dict[str, ipywidgets.Box] = {}
        self._tabs = ipywidgets.Tab(layout=ipywidgets.Layout(width="100%"))
        self._toggle = ipywidgets.ToggleButton(value=True, description="Hide", tooltip="hide or show the tabs",
                                               layout=ipywidgets.Layout(width="auto"))
        self._toggle.observe(self._on_toggle, names="value")
        bar = ipywidgets.HBox(
            [ipywidgets.Label(_check_name(title, arg="title"), style={"font_weight": "bold"}), self._toggle],
            layout=ipywidgets.Layout(justify_content="space-between", align_items="center"),
        )
        super().__init__([bar, self._tabs], layout=ipywidgets.Layout(width="100%", border="1px solid #e0e0e0",
                                                                    padding="4px"))

    # -- surfaces and tabs ---------------------------------------------------------------

    def surface(self, name: str, tab: str = _DEFAULT_TAB, *, width: str | None = None,
                height: str | None = None) -> Surface:
        """The surface ``name`` on tab ``tab``, created (with the tab) if it does not exist.

        Parameters
        ----------
        name : str
            The surface's label; surfaces are keyed by name and tab.
        tab : str
            Default ``"Visor"``. A new tab becomes the active one.
        width, height : str, optional
            CSS sizes of a new surface (``"400px"``, ``"50%"``).
        """
        name = _check_name(name, arg="name")
        tab = _check_name(tab, arg="tab")
        key = (tab, name)
        if key in self._surfaces:
            return self._surfaces[key]
        created = Surface(name, tab, width=width, height=height, on_change=self.refresh_picture_at_cell_end)
        self._surfaces[key] = created
        box = self._tab_boxes.get(tab)
        if box is None:
            box = ipywidgets.Box(layout=ipywidgets.Layout(display="flex", flex_flow="column", width="100%"))
            self._tab_boxes[tab] = box
            titles = tuple(self._tabs.titles)
            self._tabs.children = (*self._tabs.children, box)
            self._tabs.titles = (*titles, tab)
            self._tabs.selected_index = len(self._tabs.children) - 1
        box.children = (*box.children, created)
        return created

    @property
    def tabs(self) -> list[str]:
        """Tab names, in the order they were made."""
        return list(self._tab_boxes)

    @property
    def active_tab(self) -> str | None:
        index = self._tabs.selected_index
        return None if index is None else self.tabs[index]

    def surfaces(self, tab: str | None = None) -> list[Surface]:
        """The surfaces of one tab (or of all), in the order they were made."""
        return [s for (t, _), s in self._surfaces.items() if tab is None or t == tab]

    def set_active_tab(self, tab: str) -> None:
        """Show tab ``tab``; a ValueError names the tabs there are if it does not exist."""
        if tab not in self._tab_boxes:
            msg = f"tab: no tab named {tab!r}; the tabs are {self.tabs}"
            raise ValueError(msg)
        self._tabs.selected_index = self.tabs.index(tab)

    # -- hiding the tabs (tfjs-vis's open/close: ipywidgets owns those names, close()
    # destroys the widget and open() creates its model) --------------------------------

    def is_open(self) -> bool:
        """Whether the tabs are shown (the tool bar's Hide/Show button, or hide/unhide)."""
        return self._toggle.value

    def unhide(self) -> None:
        self._toggle.value = True

    def hide(self) -> None:
        self._toggle.value = False

    def toggle(self) -> None:
        self._toggle.value = not self._toggle.value

    def _on_toggle(self, change: Any) -> None:
        self._tabs.layout.display = None if change["new"] else "none"
        self._toggle.description = "Hide" if change["new"] else "Show"

    def __repr__(self) -> str:
        return f"<nbvis Visor: tabs {self.tabs}, {len(self._surfaces)} surface(s)>"

    def picture_sections(self) -> list[tuple[str, list[LiveWidget]]] | None:
        """Each surface's charts, titled "tab · surface" (surfaces without charts left out)."""
        sections = [(f"{tab} · {name}", surface.charts()) for (tab, name), surface in self._surfaces.items()]
        return [(title, charts) for title, charts in sections if charts] or None
