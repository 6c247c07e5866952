"""The panel's layout tree: what is synced, and what is refused."""

import pytest

import nbvis
from nbvis.widgets.panel import Panel, column, image, row, tabs, text, toggle, widget


def test_widgets_in_the_tree_are_synced_as_anywidget_references(comms):
    chart = nbvis.linechart([1.0, 2.0])
    panel = Panel(tree=column(text("<b>title</b>", bold=True), row(widget(chart, flex="1 1 420px")), width="100%"))
    state = panel.get_state()["tree"]
    assert state["children"][1]["children"][0] == {"kind": "widget", "widget": f"anywidget:{chart.model_id}",
                                                   "style": {"flex": "1 1 420px"}}
    assert state["children"][0] == {"kind": "text", "text": "<b>title</b>", "bold": True}  # shown as text
    assert panel.children() == [chart]


def test_styles_outside_the_list_and_non_image_urls_are_refused():
    with pytest.raises(ValueError, match=r"style: background='url\(x\)' is not one of"):
        column(background="url(x)")
    with pytest.raises(ValueError, match="style: width=400 is not one of"):
        column(width=400)
    with pytest.raises(ValueError, match="src: expected a base64 PNG or SVG data URL, got 'javascript:alert"):
        image("javascript:alert(1)")
    with pytest.raises(TypeError, match="child: expected a widget, got str"):
        widget("not a widget")
    with pytest.raises(ValueError, match="titles: 2 titles for 1 children"):
        tabs("t", ["a", "b"], [text("only one")])
    assert toggle("t") == {"kind": "toggle", "key": "t"}
