"""Every chart of the catalogue in a real JupyterLab: what Vega holds, not just pixels."""

from __future__ import annotations

import pytest

from browser.lab import wait_js

# Reads one chart (the i-th visible one): rows of a dataset, marks per type, axes with
# their title and tick labels in drawn order, legend labels, texts, colour domain.
_READ = """
([i, dataset]) => {
  const el = window.__nbvisProbe.charts()[i];
  if (!el || !el.__nbvis) return null;
  const d = el.__nbvis;
  const view = d.view;
  const out = { embeds: d.embeds, updates: d.updates, error: d.error, kind: d.kind || 'vega',
                rows: null, marks: {}, axes: [], legend: [], texts: [], colorDomain: null,
                statsText: [...el.querySelectorAll('.nbvis-stats th, .nbvis-stats td')].map((c) => c.textContent),
                tableCells: [...el.querySelectorAll('.nbvis-table tr')].map((r) => [...r.children].map((c) => c.textContent)),
                tableHtml: el.querySelector('.nbvis-table')?.innerHTML ?? null };
  if (!view) return out;
  if (dataset) out.rows = view.data(dataset).map((r) => ({ ...r }));
  try { out.colorDomain = view.scale('color').domain(); } catch (e) { out.colorDomain = null; }
  const walk = (item) => {
    if (item.marktype && item.role === 'axis') {
      for (const axis of item.items || []) {
        const entry = { title: null, labels: [] };
        const inner = (node) => {
          if (node.role === 'axis-label') entry.labels.push(...(node.items || []).map((t) => t.text));
          if (node.role === 'axis-title') entry.title = (node.items || []).map((t) => t.text).join(' ');
          for (const child of node.items || []) if (child.items) inner(child);
        };
        inner(axis);
        if (entry.labels.length || entry.title) out.axes.push(entry);
      }
      return;
    }
    if (item.marktype && item.role === 'legend-label') {
      out.legend.push(...(item.items || []).map((t) => t.text));
      return;
    }
    if (item.marktype && item.role === 'mark') {
      const visible = (item.items || []).filter((m) => m.opacity !== 0 && m.fillOpacity !== 0);
      // a line or area mark draws one path from all its items
      const n = item.marktype === 'line' || item.marktype === 'area' ? Math.min(1, visible.length) : visible.length;
      out.marks[item.marktype] = (out.marks[item.marktype] || 0) + n;
      if (item.marktype === 'text') out.texts.push(...visible.map((t) => ({ text: t.text, fill: t.fill })));
    }
    for (const child of item.items || []) walk(child);
  };
  walk(view.scenegraph().root);
  return out;
}
"""

SETUP = "import numpy as np\nimport nbvis\n"


def show(lab, name: str, cells: list[str], count: int = 1) -> None:
    lab.server.write_notebook(f"{name}.ipynb", [SETUP, *cells])
    lab.open(f"{name}.ipynb")
    lab.run_all()
    wait_js(lab.page, """(n) => { const c = window.__nbvisProbe.charts();
             return c.length === n && c.every((el) => el.__nbvis && (el.__nbvis.view || el.__nbvis.kind === 'table')); }""",
        arg=count, timeout=30_000,
    )


def num(label: str) -> float:
    return float(label.replace("−", "-").replace(",", ""))


def read(lab, i: int = 0, dataset: str | None = None) -> dict:
    return lab.page.evaluate(_READ, [i, dataset])


def wait_for(lab, predicate_js: str, arg=None, timeout: float = 20) -> None:
    wait_js(lab.page, predicate_js, arg=arg, timeout=timeout * 1000)


def test_linechart_listing_7_2_keeps_real_x_ragged_series_and_legend_order(lab):
    show(lab, "line", [
        "c = nbvis.linechart([[{'x': 1, 'y': 20}, {'x': 2, 'y': 30}, {'x': 3, 'y': 5}, {'x': 4, 'y': 12}],\n"
        "                     [{'x': 1.5, 'y': 40}, {'x': 2.5, 'y': 0}, {'x': 9, 'y': 50}]],\n"
        "                    ['My series 2', 'A series 1'], x_label='My x-axis label', y_label='My y-axis label',\n"
        "                    x_axis_domain=[0, 10], y_axis_domain=[-10, 60], series_colors=['#d62728', '#2ca02c'])\nc",
    ])
    chart = read(lab, 0, "values")
    assert [(r["x"], r["series"]) for r in chart["rows"]][-1] == (9, "A series 1")  # real x, ragged
    assert len(chart["rows"]) == 7
    assert chart["legend"] == ["My series 2", "A series 1"]  # given order, not sorted
    assert chart["colorDomain"] == ["My series 2", "A series 1"]
    titles = {a["title"] for a in chart["axes"]}
    assert titles == {"My x-axis label", "My y-axis label"}
    x_axis = next(a for a in chart["axes"] if a["title"] == "My x-axis label")
    y_axis = next(a for a in chart["axes"] if a["title"] == "My y-axis label")
    assert (num(x_axis["labels"][0]), num(x_axis["labels"][-1])) == (0, 10)  # x domain honoured
    assert (num(y_axis["labels"][0]), num(y_axis["labels"][-1])) == (-10, 60)
    assert chart["marks"]["line"] == 2
    # hovering shows the rule and the points at the nearest x
    box = lab.page.locator(".nbvis-chart canvas").first.bounding_box()
    lab.page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    lab.page.mouse.move(box["x"] + box["width"] * 0.52, box["y"] + box["height"] * 0.5)
    wait_for(lab, "() => { const v = window.__nbvisProbe.charts()[0].__nbvis.view;"
                  " return v.data('hover_store').length === 1; }")
    lab.screenshot("catalogue_line")


def test_scatterplot_listing_7_3_colours_and_shapes_each_series(lab):
    show(lab, "scatter", [
        "c = nbvis.scatterplot([[{'x': 20, 'y': 40}, {'x': 32, 'y': 0}, {'x': 5, 'y': 52}, {'x': 12, 'y': -6}],\n"
        "                       [{'x': 15, 'y': 35}, {'x': 0, 'y': 9}, {'x': 7, 'y': 28}]],\n"
        "                      ['My scatter series 1', 'My scatter series 2'], x_label='My x-values',\n"
        "                      y_label='My y-values', zoom_to_fit=True)\nc",
        "c.append([{'x': 40, 'y': 60}], series='third')",
        "nbvis.scatterplot([{'x': 100, 'y': 200}, {'x': 120, 'y': 260}], zoom_to_fit=True)",
    ], count=2)
    wait_for(lab, "() => window.__nbvisProbe.charts()[0].__nbvis.view.data('values').length === 8")
    chart = read(lab, 0, "values")
    assert chart["marks"]["symbol"] == 8
    assert chart["legend"][:3] == ["My scatter series 1", "My scatter series 2", "third"]
    view_shapes = lab.page.evaluate(
        "() => window.__nbvisProbe.charts()[0].__nbvis.view.scale('shape').range().slice(0, 3)")
    assert len(set(view_shapes)) == 3  # shape differs too, not only colour
    assert {a["title"] for a in chart["axes"]} == {"My x-values", "My y-values"}
    domains = lab.page.evaluate(
        "() => { const v = window.__nbvisProbe.charts()[1].__nbvis.view; return [v.scale('x').domain(), v.scale('y').domain()]; }")
    assert domains[0][0] >= 100 and domains[1][0] >= 200  # zoom_to_fit: neither axis starts at zero
    lab.screenshot("catalogue_scatter")


def test_barchart_listing_7_4_keeps_order_of_string_and_number_indices_and_updates_in_place(lab):
    show(lab, "bar", [
        "c = nbvis.barchart([{'index': 'foo', 'value': 1}, {'index': 'bar', 'value': 7},\n"
        "                    {'index': 3, 'value': 3}, {'index': 5, 'value': 6}], y_label='My value',\n"
        "                   color=['#e45756', '#4c78a8'])\nc",
    ])
    chart = read(lab, 0, "values")
    assert [r["index"] for r in chart["rows"]] == ["foo", "bar", "3", "5"]
    assert chart["marks"]["rect"] == 4
    x_axis = next(a for a in chart["axes"] if a["title"] is None or a["title"] == "")
    assert x_axis["labels"] == ["foo", "bar", "3", "5"]
    fills = lab.page.evaluate(
        "() => { const v = window.__nbvisProbe.charts()[0].__nbvis.view; const out = [];"
        " const walk = (n) => { if (n.marktype === 'rect' && n.role === 'mark') out.push(...n.items.map((i) => i.fill));"
        " (n.items || []).forEach((c) => c.items && walk(c)); }; walk(v.scenegraph().root); return out; }")
    assert fills == ["#e45756", "#4c78a8", "#e45756", "#4c78a8"]
    lab.execute("c.update({'b': 2, 'a': 1, '10': 5, '9': 4}); c.flush()")
    wait_for(lab, "() => { const v = window.__nbvisProbe.charts()[0].__nbvis.view;"
                  " return v && v.data('values')[0].index === 'b'; }")
    chart = read(lab, 0, "values")
    x_axis = next(a for a in chart["axes"] if not a["title"])
    assert x_axis["labels"] == ["b", "a", "10", "9"]  # no sorting
    lab.screenshot("catalogue_bar")


def test_histogram_listing_7_5_bins_in_the_kernel_and_shows_the_stats_row(lab):
    show(lab, "hist", [
        "data = [1, 5, 5, 5, 5, 10, -3, -3]\nnbvis.histogram(data)",
        "h = nbvis.histogram(data + [float('nan'), 0.0, float('inf')], max_bins=3)\nh",
        "big = nbvis.histogram(np.random.default_rng(0).normal(size=2_000_000), stats=False)\nbig",
    ], count=3)
    first = read(lab, 0, "bins")
    assert [(r["start"], r["end"], r["count"]) for r in first["rows"]] == [
        (-4, -2, 2), (-2, 0, 0), (0, 2, 1), (2, 4, 0), (4, 6, 4), (6, 8, 0), (8, 10, 1)]
    assert first["statsText"][:6] == ["Count", "Min", "Max", "# Zeros", "# NaNs", "# Infinity"]
    second = read(lab, 1, "bins")
    assert [r["count"] for r in second["rows"]] == [2, 2, 5]  # NaN and inf counted, not binned
    stats = dict(zip(second["statsText"][:6], second["statsText"][6:]))
    assert stats == {"Count": "11", "Min": "-3", "Max": "10", "# Zeros": "1 (9.091%)",
                     "# NaNs": "1 (9.091%)", "# Infinity": "1 (9.091%)"}
    big = read(lab, 2, "bins")
    assert sum(r["count"] for r in big["rows"]) == 2_000_000
    assert len(big["rows"]) <= 12 and big["statsText"] == []
    lab.execute("h.update([0, 0, 1, 2, 3]); h.flush()")
    wait_for(lab, "() => { const v = window.__nbvisProbe.charts()[1].__nbvis.view;"
                  " return v && v.data('bins').reduce((a, r) => a + r.count, 0) === 5; }")
    second = read(lab, 1, "bins")
    assert dict(zip(second["statsText"][:6], second["statsText"][6:]))["# Zeros"] == "2 (40%)"
    lab.screenshot("catalogue_histogram")


def test_heatmap_listing_7_6_is_row_major_with_duplicate_labels_and_images_for_big_matrices(lab):
    show(lab, "heat", [
        "nbvis.heatmap({'values': [[1, 0, 0], [0, 0.3, 0.7], [0, 0.7, 0.3]],\n"
        "               'xTickLabels': ['Apple', 'Orange', 'Tangerine'], 'yTickLabels': ['Apple', 'Orange', 'Tangerine']},\n"
        "              x_label='Actual Fruit', y_label='Recognized Fruit', color_map='blues', width=500, height=300)",
        "nbvis.heatmap(np.arange(6).reshape(2, 3), x_tick_labels=['a', 'b', 'a'], y_tick_labels=[10, 9],\n"
        "              color_map='greyscale', domain=[0, 10])",
        "m = np.zeros((150, 100)); m[0, 0] = 1.0; m[149, 99] = -1.0\nbig = nbvis.heatmap(m, color_map='redblue')\nbig",
    ], count=3)
    fruit = read(lab, 0, "cells")
    assert fruit["marks"]["rect"] == 9
    by_cell = {(r["row"], r["col"]): r["value"] for r in fruit["rows"]}
    assert by_cell[(1, 2)] == 0.7 and by_cell[(2, 1)] == 0.7 and by_cell[(0, 0)] == 1
    axes = {a["title"]: a["labels"] for a in fruit["axes"]}
    assert axes["Actual Fruit"] == ["Apple", "Orange", "Tangerine"]
    assert axes["Recognized Fruit"] == ["Apple", "Orange", "Tangerine"]  # row 0 at the top
    small = read(lab, 1, "cells")
    labels = [a["labels"] for a in small["axes"]]
    assert ["a", "b", "a"] in labels and ["10", "9"] in labels  # duplicates kept, no sorting
    assert small["colorDomain"] == [0, 10]
    # row 0 is drawn above row 1
    ys = lab.page.evaluate(
        "() => { const v = window.__nbvisProbe.charts()[1].__nbvis.view; const out = {};"
        " const walk = (n) => { if (n.marktype === 'rect' && n.role === 'mark') n.items.forEach((i) => { out[i.datum.row] = i.y; });"
        " (n.items || []).forEach((c) => c.items && walk(c)); }; walk(v.scenegraph().root); return out; }")
    assert ys["0"] < ys["1"]
    big = read(lab, 2, "raster")
    assert big["marks"].get("image") == 1 and "rect" not in big["marks"]  # one image, not 15,000 rects
    assert big["rows"][0]["url"].startswith("data:image/png")
    assert big["colorDomain"] == [-1, 1]
    # the painted pixel at (row 0, col 0) has the top colour of the scale, (149, 99) the bottom
    corners = lab.page.evaluate(
        """async () => { const v = window.__nbvisProbe.charts()[2].__nbvis.view;
             const img = new Image(); img.src = v.data('raster')[0].url; await img.decode();
             const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
             const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
             const px = (x, y) => [...ctx.getImageData(x, y, 1, 1).data];
             const scale = v.scale('color'); const rgb = (s) => { const e = document.createElement('canvas').getContext('2d');
               e.fillStyle = s; e.fillRect(0, 0, 1, 1); return [...e.getImageData(0, 0, 1, 1).data]; };
             return { size: [img.width, img.height], first: px(0, 0), last: px(99, 149), hi: rgb(scale(1)), lo: rgb(scale(-1)) }; }""")
    assert corners["size"] == [100, 150]
    assert max(abs(a - b) for a, b in zip(corners["first"][:3], corners["hi"][:3])) <= 3
    assert max(abs(a - b) for a, b in zip(corners["last"][:3], corners["lo"][:3])) <= 3
    lab.screenshot("catalogue_heatmap")


def test_confusion_matrix_counts_contrast_text_and_unshaded_diagonal(lab):
    show(lab, "confusion", [
        "cm = nbvis.confusion_matrix([[50, 3, 0], [4, 40, 6], [0, 10, 37]], tick_labels=['cat', 'dog', 'bird'])\ncm",
        "nbvis.confusion_matrix([[50, 3], [4, 40]], shade_diagonal=False, normalize='true')",
        "nbvis.confusion_matrix([[5, 0], [0, 3]], shade_diagonal=False)",
    ], count=3)
    chart = read(lab, 0, "cells")
    axes = {a["title"]: a["labels"] for a in chart["axes"]}
    assert axes["prediction"] == ["cat", "dog", "bird"] and axes["label"] == ["cat", "dog", "bird"]
    texts = {t["text"]: t["fill"] for t in chart["texts"]}
    assert set(texts) >= {"50", "3", "0", "4", "40", "6", "10", "37"}
    assert texts["50"] == "white" and texts["0"] == "black"  # dark cell: white text; light: black
    normalized = read(lab, 1, "cells")
    assert sorted(t["text"] for t in normalized["texts"]) == ["6%", "9%", "91%", "94%"]
    assert normalized["marks"]["rect"] == 4
    shaded = [r for r in normalized["rows"] if r["shade"] is not None]
    assert {(r["row"], r["col"]) for r in shaded} == {(0, 1), (1, 0)}  # diagonal left white
    fallback = read(lab, 2, "cells")
    assert all(r["shade"] is not None for r in fallback["rows"])  # nothing off the diagonal: shade it
    assert [a["labels"] for a in fallback["axes"]][0] == ["Class 0", "Class 1"]
    lab.execute("cm.update([[1, 2, 3], [4, 5, 6], [7, 8, 9]]); cm.flush()")
    wait_for(lab, "() => { const v = window.__nbvisProbe.charts()[0].__nbvis.view;"
                  " return v && v.data('cells')[0].count === 1; }")
    assert sorted(int(t["text"]) for t in read(lab, 0)["texts"]) == list(range(1, 10))
    lab.screenshot("catalogue_confusion")


def test_table_shows_every_cell_as_text_and_appends_rows(lab):
    show(lab, "table", [
        "t = nbvis.table(['model', 'accuracy', 'note'], [['cnn', 0.981234, '<img src=x onerror=\"window.__pwned=1\">'],\n"
        "                                                ['mlp', 1234567, '<b>bold</b>']])\nt",
    ])
    chart = read(lab, 0)
    assert chart["kind"] == "table"
    assert chart["tableCells"] == [["model", "accuracy", "note"],
                                   ["cnn", "0.9812", '<img src=x onerror="window.__pwned=1">'],
                                   ["mlp", "1,234,567", "<b>bold</b>"]]
    assert "<img" not in chart["tableHtml"] and "&lt;img" in chart["tableHtml"]
    lab.execute("t.append([['rnn', 0.5, 'ok']]); t.flush()")
    wait_for(lab, "() => window.__nbvisProbe.charts()[0].__nbvis.rows === 3")
    assert read(lab, 0)["tableCells"][-1] == ["rnn", "0.5", "ok"]
    assert lab.page.evaluate("() => window.__pwned") is None
    lab.screenshot("catalogue_table")


def test_image_grid_paints_each_image_from_bytes_with_text_labels(lab):
    show(lab, "grid", [
        "imgs = np.zeros((6, 8, 8), np.uint8)\nfor i in range(6): imgs[i, i, :] = 255\n"
        "g = nbvis.image_grid(imgs, labels=[f'row {i}' for i in range(6)], columns=3)\ng",
    ])
    chart = read(lab, 0, "tiles")
    assert chart["marks"]["image"] == 6
    assert [t["text"] for t in chart["texts"]] == [f"row {i}" for i in range(6)]
    rows = lab.page.evaluate(
        """async () => { const v = window.__nbvisProbe.charts()[0].__nbvis.view; const out = [];
             for (const t of v.data('tiles')) { const img = new Image(); img.src = t.url; await img.decode();
               const c = document.createElement('canvas'); c.width = 8; c.height = 8; const ctx = c.getContext('2d');
               ctx.drawImage(img, 0, 0); const bright = [];
               for (let y = 0; y < 8; y++) if (ctx.getImageData(0, y, 1, 1).data[0] > 128) bright.push(y);
               out.push(bright); } return out; }""")
    assert rows == [[i] for i in range(6)]  # image i has its bright row at y = i
    lab.execute("g.append(np.full((2, 8, 8), 128, np.uint8), labels=['grey', 'grey']); g.flush()")
    wait_for(lab, "() => { const v = window.__nbvisProbe.charts()[0].__nbvis.view; return v && v.data('tiles').length === 8; }")
    lab.screenshot("catalogue_image_grid")


@pytest.mark.parametrize("bad", ["nbvis.heatmap([[1, 2], [3]])", "nbvis.linechart([], xLabel='x')"])
def test_bad_input_is_a_python_error_in_the_cell_and_nothing_breaks_in_the_browser(lab, bad):
    lab.server.write_notebook("bad.ipynb", [SETUP, bad])
    lab.open("bad.ipynb")
    lab.run_all()
    wait_for(lab, "() => document.querySelector('.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')")
    text = lab.page.inner_text(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert "ValueError" in text or "TypeError" in text
