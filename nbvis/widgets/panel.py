"""A box of widgets that renders in every anywidget host, marimo included.

ipywidgets' own boxes (``VBox``, ``Tab``) are drawn only by Jupyter's widget manager;
marimo refuses them. A :class:`Panel` is an anywidget whose ``tree`` lays out its
children — columns, rows, titled text, tabs, a show/hide button — and whose view draws
each child through anywidget's widget references (``host.getWidget``), falling back to
the widget manager's own views for plain ipywidgets where there is one (Jupyter).

The tree is plain data, built by the functions below; every text in it is shown as
text, and styles are a fixed set of CSS properties, set one by one (never as markup).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import anywidget
import ipywidgets
import traitlets as t

from .._bundle import Module

__all__ = ["Node", "Panel", "column", "image", "row", "tabs", "text", "toggle", "widget"]

Node = dict[str, Any]

#: The CSS properties a node's ``style`` may set (anything else is refused).
STYLE_KEYS = frozenset({
    "width", "height", "min-width", "max-width", "flex", "flex-flow", "gap", "padding", "margin",
    "border", "overflow", "align-items", "align-self", "justify-content",
})
_REF = "anywidget:"


def _style(style: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for key, value in style.items():
        css = key.replace("_", "-")
        if css not in STYLE_KEYS or not isinstance(value, str):
            msg = f"style: {key}={value!r} is not one of {sorted(STYLE_KEYS)} given as a string"
            raise ValueError(msg)
        out[css] = value
    return out


def column(*children: Node, **style: str) -> Node:
    """Children one under the other (CSS keyword arguments: ``width="100%"``)."""
    return {"kind": "column", "children": list(children), "style": _style(style)}


def row(*children: Node, **style: str) -> Node:
    """Children side by side, wrapping onto more lines when the row is full."""
    return {"kind": "row", "children": list(children), "style": _style(style)}


def text(value: str, *, bold: bool = False) -> Node:
    """A line of text (never markup)."""
    return {"kind": "text", "text": str(value), "bold": bold}


def image(src: str, *, alt: str = "") -> Node:
    """An image from a ``data:image/png`` or ``data:image/svg+xml`` URL."""
    if not src.startswith(("data:image/png;base64,", "data:image/svg+xml;base64,")):
        msg = f"src: expected a base64 PNG or SVG data URL, got {src[:40]!r}"
        raise ValueError(msg)
    return {"kind": "image", "src": src, "alt": str(alt)}


def widget(child: ipywidgets.Widget, **style: str) -> Node:
    """A widget, drawn by its own view, in a box with ``style``."""
    if not isinstance(child, ipywidgets.Widget):
        msg = f"child: expected a widget, got {type(child).__name__}"
        raise TypeError(msg)
    return {"kind": "widget", "widget": child, "style": _style(style)}


def tabs(key: str, titles: list[str], children: list[Node]) -> Node:
    """Tabs: one title per child, the child of the selected one shown (``Panel.selected[key]``)."""
    if len(titles) != len(children):
        msg = f"titles: {len(titles)} titles for {len(children)} children"
        raise ValueError(msg)
    return {"kind": "tabs", "key": key, "titles": [str(x) for x in titles], "children": children}


def toggle(key: str) -> Node:
    """A Hide/Show button for the node whose ``key`` is given (``Panel.shown[key]``)."""
    return {"kind": "toggle", "key": key}


def _tree_to_json(tree: Any, _widget: Any) -> Any:
    """The tree with every widget replaced by its reference, ``anywidget:<model id>``."""
    if isinstance(tree, ipywidgets.Widget):
        return f"{_REF}{tree.model_id}"
    if isinstance(tree, dict):
        return {k: _tree_to_json(v, _widget) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [_tree_to_json(v, _widget) for v in tree]
    return tree


class Panel(anywidget.AnyWidget):
    """A laid-out box of widgets (see the module docstring).

    Attributes
    ----------
    tree : dict
        The layout, built with :func:`column`, :func:`row`, :func:`text`,
        :func:`widget`, :func:`tabs`, :func:`toggle`; assigning a new tree redraws the
        view, keeping the views of the children it still holds.
    selected : dict of str to int
        The selected tab of each :func:`tabs` node, by key (the page sets it too).
    shown : dict of str to bool
        Nodes hidden by their :func:`toggle` button are ``False`` here.

    Examples
    --------
    >>> from nbvis.widgets.panel import Panel, column, text, widget
    >>> Panel(tree=column(text("Loss", bold=True), widget(nbvis.linechart([1.0, 0.5]))))
    """

    _esm = Module("panel.js")
    tree = t.Dict().tag(sync=True, to_json=_tree_to_json)
    selected = t.Dict(value_trait=t.Int()).tag(sync=True)
    shown = t.Dict(value_trait=t.Bool()).tag(sync=True)
    _uid = t.Unicode().tag(sync=True)

    def children(self) -> list[ipywidgets.Widget]:
        """Every widget in the tree, in order."""
        found: list[ipywidgets.Widget] = []

        def walk(node: Any) -> None:
            if isinstance(node, ipywidgets.Widget):
                found.append(node)
            elif isinstance(node, dict):
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.tree)
        return found
