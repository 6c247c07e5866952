"""The Visor: tabs of named surfaces to put charts on, after tfjs-vis's ``visor()``.

tfjs-vis has one visor per page, a panel fixed to the window's edge. In a notebook a
visor is an ordinary widget in a cell's output: make as many as you like (there is no
module-level singleton), display one, and fill its surfaces from any later cell. Like a
chart, its output also carries a picture (every surface's charts, titled by tab and
surface), brought up to date at the end of a cell that changed a surface: what a
notebook reopened without widget state, or exported to HTML, shows.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import ipywidgets

from ._validate import describe
from .widgets import panel as ui
from .widgets._live import LiveWidget
from .widgets.boxes import PictureBox

__all__ = ["Surface", "Visor"]

_DEFAULT_TAB = "Visor"
_TABS = "tabs"  # the key of the tabs node (its selected tab, whether it is shown)
_CARD = {"border": "1px solid #ddd", "padding": "6px", "margin": "4px", "max_width": "100%"}


def _check_name(value: Any, *, arg: str) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"{arg}: expected a non-empty string, got {describe(value)}"
        raise TypeError(msg) if not isinstance(value, str) else ValueError(msg)
    return value


def _check_item(item: Any) -> Any:
    if item is None:
        msg = "items: expected a chart, a widget or a displayable object, got None"
        raise TypeError(msg)
    return item


def _item_node(item: Any) -> ui.Node:
    """Widgets (every nbvis chart and view) are drawn by their own view; anything else
    (a pandas DataFrame, a matplotlib figure) as the picture or text IPython would show."""
    if isinstance(item, ipywidgets.Widget):
        return ui.widget(item, max_width="100%")
    try:
        from IPython.core.formatters import format_display_data

        data, _ = format_display_data(item)
    except Exception:
        data = {"text/plain": repr(item)}
    if "image/png" in data:
        png = data["image/png"]
        png = png if isinstance(png, str) else base64.b64encode(png).decode("ascii")
        return ui.image(f"data:image/png;base64,{png}", alt=str(data.get("text/plain", "")))
    if "image/svg+xml" in data:
        svg = base64.b64encode(str(data["image/svg+xml"]).encode("utf-8")).decode("ascii")
        return ui.image(f"data:image/svg+xml;base64,{svg}", alt=str(data.get("text/plain", "")))
    return ui.text(str(data.get("text/plain", repr(item))))


class Surface:
    """A named card on one tab of a :class:`Visor`: a title over what is shown on it.

    Attributes
    ----------
    name, tab : str
        Its key in the visor; the name is its title (text, never HTML).
    items : tuple
        What the surface shows, in order.
    """

    def __init__(self, name: str, tab: str, *, width: str | None = None, height: str | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        self.name = name
        self.tab = tab
        self.width = width
        self.height = height
        self._items: tuple[Any, ...] = ()
        self._on_change = on_change

    @property
    def items(self) -> tuple[Any, ...]:
        """What the surface shows, in order."""
        return self._items

    def show(self, *items: Any) -> None:
        """Replace what the surface shows (as rendering into a tfjs-vis surface does).

        Examples
        --------
        >>> vis.surface("Loss", tab="Training").show(nbvis.linechart(losses))
        """
        self._set(tuple(_check_item(i) for i in items))

    def add(self, *items: Any) -> None:
        """Show more beside what the surface already shows."""
        self._set((*self._items, *(_check_item(i) for i in items)))

    def clear(self) -> None:
        """Show nothing (the charts themselves are left alone)."""
        self._set(())

    def _set(self, items: tuple[Any, ...]) -> None:
        self._items = items
        if self._on_change is not None:
            self._on_change()

    def charts(self) -> list[LiveWidget]:
        """The nbvis charts on the surface, those inside views included (for its picture)."""
        found: list[LiveWidget] = []
        for item in self._items:
            if isinstance(item, LiveWidget):
                found.append(item)
            else:
                found.extend(c for c in getattr(item, "charts", []) if isinstance(c, LiveWidget))
        return found

    def node(self) -> ui.Node:
        """The surface's card in the visor's layout."""
        style = {**_CARD, **({"width": self.width} if self.width else {})}
        area = {"overflow": "auto", **({"height": self.height} if self.height else {})}
        return ui.column(ui.text(self.name, bold=True),
                         ui.column(*(_item_node(i) for i in self._items), **area), **style)

    def __repr__(self) -> str:
        return f"<nbvis Surface {self.name!r} on tab {self.tab!r}: {len(self._items)} item(s)>"


class Visor(PictureBox):
    """Tabs of named surfaces, with tfjs-vis's semantics, as a notebook widget.

    ``surface(name, tab)`` creates or fetches the surface keyed by name *and* tab; a
    surface that creates a new tab makes that tab the active one. Put any nbvis chart
    (or widget, or displayable object) on a surface with ``show`` / ``add``, from this
    cell or a later one: the displayed visor updates in place. It is an anywidget
    (:class:`~nbvis.widgets.panel.Panel`), so it renders in marimo too.

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
        self._title = _check_name(title, arg="title")
        self._surfaces: dict[tuple[str, str], Surface] = {}
        self._tab_names: list[str] = []
        super().__init__(shown={_TABS: True}, selected={_TABS: 0})
        self.relayout()

    def layout_tree(self) -> ui.Node:
        bar = ui.row(ui.text(self._title, bold=True), ui.toggle(_TABS),
                     justify_content="space-between", align_items="center")
        pages = [ui.column(*(s.node() for s in self.surfaces(tab)), width="100%") for tab in self._tab_names]
        return ui.column(bar, ui.tabs(_TABS, list(self._tab_names), pages),
                         width="100%", border="1px solid #e0e0e0", padding="4px")

    def _surface_changed(self) -> None:
        self.relayout()
        self.refresh_picture_at_cell_end()

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
        for arg, size in (("width", width), ("height", height)):
            if size is not None and not isinstance(size, str):
                msg = f"{arg}: expected a CSS size such as '400px' or '50%', got {describe(size)}"
                raise TypeError(msg)
        created = Surface(name, tab, width=width, height=height, on_change=self._surface_changed)
        self._surfaces[key] = created
        if tab not in self._tab_names:
            self._tab_names.append(tab)
            self.selected = {**self.selected, _TABS: len(self._tab_names) - 1}
        self.relayout()
        return created

    @property
    def tabs(self) -> list[str]:
        """Tab names, in the order they were made."""
        return list(self._tab_names)

    @property
    def active_tab(self) -> str | None:
        """The tab shown (the page's choice, once someone clicked a tab)."""
        if not self._tab_names:
            return None
        index = min(max(0, self.selected.get(_TABS, 0)), len(self._tab_names) - 1)
        return self._tab_names[index]

    def surfaces(self, tab: str | None = None) -> list[Surface]:
        """The surfaces of one tab (or of all), in the order they were made."""
        return [s for (t, _), s in self._surfaces.items() if tab is None or t == tab]

    def set_active_tab(self, tab: str) -> None:
        """Show tab ``tab``; a ValueError names the tabs there are if it does not exist."""
        if tab not in self._tab_names:
            msg = f"tab: no tab named {tab!r}; the tabs are {self.tabs}"
            raise ValueError(msg)
        self.selected = {**self.selected, _TABS: self._tab_names.index(tab)}

    # -- hiding the tabs (tfjs-vis's open/close: ipywidgets owns those names, close()
    # destroys the widget and open() creates its model) --------------------------------

    def is_open(self) -> bool:
        """Whether the tabs are shown (the tool bar's Hide/Show button, or hide/unhide)."""
        return self.shown.get(_TABS, True)

    def unhide(self) -> None:
        self.shown = {**self.shown, _TABS: True}

    def hide(self) -> None:
        self.shown = {**self.shown, _TABS: False}

    def toggle(self) -> None:
        self.shown = {**self.shown, _TABS: not self.is_open()}

    def __repr__(self) -> str:
        return f"<nbvis Visor: tabs {self.tabs}, {len(self._surfaces)} surface(s)>"

    def picture_sections(self) -> list[tuple[str, list[LiveWidget]]] | None:
        """Each surface's charts, titled "tab · surface" (surfaces without charts left out)."""
        sections = [(f"{tab} · {name}", surface.charts()) for (tab, name), surface in self._surfaces.items()]
        return [(title, charts) for title, charts in sections if charts] or None
