"""The live chart widget in a real JupyterLab: render, streaming, views, reload, saved state."""

from __future__ import annotations

import subprocess
import sys

import nbformat

SETUP = """
import nbvis
def pts(a, b):
    return [{"x": i, "y": (i % 7) * 1.5 - 3} for i in range(a, b)]
"""


def test_linechart_renders_its_points_on_a_canvas_with_axis_titles_inside(lab):
    lab.server.write_notebook("render.ipynb", [SETUP, 'c = nbvis.linechart(pts(0, 20), x_label="step", y_label="loss")\nc'])
    lab.open("render.ipynb")
    lab.run_all()
    (chart,) = lab.wait_rows([20])
    assert chart["embeds"] == 1
    assert chart["symbols"] == 20  # one hover point per row
    assert chart["lines"] == 1
    assert chart["canvas"] is not None and chart["canvas"][0] > 300
    assert sorted(chart["titles"]) == ["loss", "step"]
    assert chart["titlesInside"], chart


def test_three_appends_grow_the_dataset_by_exactly_the_appended_rows_without_reembedding(lab):
    lab.server.write_notebook("append.ipynb", [SETUP, "c = nbvis.linechart(pts(0, 10))\nc"])
    lab.open("append.ipynb")
    lab.run_all()
    lab.wait_rows([10])
    expected = 10
    for size in (5, 7, 11):
        lab.execute(f"c.append(pts({expected}, {expected + size})); c.flush()")
        expected += size
        (chart,) = lab.wait_rows([expected])
        assert chart["embeds"] == 1
    assert chart["symbols"] == expected
    assert chart["titlesInside"], chart
    # the kernel agrees with what the browser shows
    assert lab.execute("print(c.tables['values'].n)").strip() == str(expected)


def test_appends_in_a_cell_typed_by_the_user_arrive_without_flush(lab):
    lab.server.write_notebook("typed.ipynb", [SETUP, "c = nbvis.linechart(pts(0, 3))\nc"])
    lab.open("typed.ipynb")
    lab.run_all()
    lab.wait_rows([3])
    lab.add_cell_and_run("import time\nfor i in range(3, 30):\n    c.append(pts(i, i + 1))\n    time.sleep(0.01)")
    (chart,) = lab.wait_rows([30])
    assert chart["embeds"] == 1
    # coalesced: far fewer messages than the 27 appends
    assert 1 <= chart["seq"] <= 10, chart


def test_appends_sent_before_the_chart_is_displayed_appear_once_it_renders(lab):
    lab.server.write_notebook(
        "before.ipynb",
        [
            SETUP,
            "early = nbvis.linechart([])\nearly.append(pts(0, 8)); early.flush()\nearly.append(pts(8, 12)); early.flush()",
            "early.append(pts(12, 15)); early.flush()",
            "early",
        ],
    )
    lab.open("before.ipynb")
    lab.run_all()
    (chart,) = lab.wait_rows([15])
    assert chart["embeds"] == 1


def test_two_views_of_one_chart_both_update(lab):
    lab.server.write_notebook("views.ipynb", [SETUP, "c = nbvis.linechart(pts(0, 4))\nc", "c"])
    lab.open("views.ipynb")
    lab.run_all()
    lab.wait_rows([4, 4])
    lab.execute("c.append(pts(4, 9)); c.flush()")
    views = lab.wait_rows([9, 9])
    assert [v["embeds"] for v in views] == [1, 1]


def test_page_reload_with_the_kernel_alive_shows_the_full_data(lab):
    lab.server.write_notebook("reload.ipynb", [SETUP, "c = nbvis.linechart(pts(0, 6))\nc"])
    lab.open("reload.ipynb")
    lab.run_all()
    lab.wait_rows([6])
    lab.execute("c.append(pts(6, 13)); c.flush()")
    lab.wait_rows([13])
    lab.save()
    lab.page.reload(wait_until="domcontentloaded")
    lab.open("reload.ipynb")
    (chart,) = lab.wait_rows([13])
    assert chart["embeds"] == 1
    # and the chart is still live after the reload
    lab.execute("c.append(pts(13, 16)); c.flush()")
    lab.wait_rows([16])


def test_notebook_saved_with_widget_state_shows_streamed_points_without_its_kernel(lab, tmp_path):
    source = lab.server.write_notebook(
        "saved.ipynb",
        [
            SETUP,
            "c = nbvis.linechart(pts(0, 5), series='train')\nc",
            "for i in range(5, 40):\n    c.append(pts(i, i + 1))",
            "c.append([[{'x': 0, 'y': 1}], [{'x': 1, 'y': 2}]], series=['train', 'val'])",
        ],
    )
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--execute", "--to", "notebook", "--inplace", str(source)],
        check=True, capture_output=True, timeout=300,
    )
    nb = nbformat.read(source, as_version=4)
    assert "application/vnd.jupyter.widget-state+json" in nb.metadata["widgets"]
    lab.server.trust(source)  # JupyterLab renders widget outputs of trusted notebooks only
    lab.open("saved.ipynb")
    (chart,) = lab.wait_rows([42])
    assert chart["embeds"] == 1
    assert chart["legend"] == ["train", "val"]
    # with the state saved, JupyterLab's widget manager finds the model: no "model not found" line
    assert lab.page.get_by_text("Error displaying widget").count() == 0
    # The kernel JupyterLab started for the page never ran a cell: the rows came from
    # the widget state saved in the notebook, not from any kernel.
    assert lab.execute("print('c' in globals(), 'nbvis' in globals())").split() == ["False", "False"]
