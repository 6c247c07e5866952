"""Chart functions without a browser: inputs, binning, errors, static output, files."""

from __future__ import annotations

import base64

import numpy as np
import pytest

import nbvis
from nbvis._inputs import bar_values, flat_values, image_batch, matrix, table_rows
from nbvis._stats import format_number, histogram, nice_bins

# -- binning and numbers ----------------------------------------------------------


def test_default_bins_match_the_chapters_histogram_listing():
    # listing 7.5: seven bins of width 2 from -4 to 10, then three bins with maxBins 3
    data = np.array([1, 5, 5, 5, 5, 10, -3, -3], float)
    h = histogram(data)
    assert h.edges.tolist() == [-4, -2, 0, 2, 4, 6, 8, 10] and h.counts.tolist() == [2, 0, 1, 0, 4, 0, 1]
    h3 = histogram(data, max_bins=3)
    assert h3.edges.tolist() == [-5, 0, 5, 10] and h3.counts.tolist() == [2, 1, 5]


@pytest.mark.parametrize("low, high, max_bins", [(0, 1, 12), (-3e6, 7e6, 20), (0.001, 0.0013, 5), (5, 5, 12), (-1, 1, 1)])
def test_nice_bins_cover_the_values_with_about_max_bins_equal_bins(low, high, max_bins):
    edges = nice_bins(low, high, max_bins)
    assert edges[0] <= low and edges[-1] >= high
    assert 1 <= len(edges) - 1 <= max_bins + 1  # Vega's rule: aligning to nice edges may add one
    assert np.allclose(np.diff(edges), np.diff(edges)[0])


def test_ten_million_values_bin_like_numpy_and_nan_inf_are_counted_but_not_binned():
    values = np.random.default_rng(0).normal(size=10_000_000)
    values[:5] = [np.nan, np.inf, -np.inf, 0.0, np.nan]
    h = histogram(values)
    finite = values[np.isfinite(values)]
    assert h.counts.tolist() == np.histogram(finite, h.edges)[0].tolist()
    assert h.stats["nans"] == 2 and h.stats["infs"] == 2 and h.stats["count"] == 10_000_000


def test_explicit_bins_and_range_override_max_bins():
    values = np.array([0, 1, 2, 3, 10], float)
    assert histogram(values, bins=[0, 2, 4]).counts.tolist() == [2, 2]  # 10 is outside the edges
    assert histogram(values, bins=2, range=[0, 4]).counts.tolist() == [2, 2]


@pytest.mark.parametrize(
    ("value", "text"),
    [(1234567, "1,234,567"), (0.981234, "0.9812"), (-2.5, "-2.5"), (3e-7, "3e-07"), (2e16, "2e+16"),
     (float("nan"), "NaN"), (float("inf"), "∞"), (True, "True"), (np.float32(0.5), "0.5")],
)
def test_numbers_are_formatted_with_separators_and_never_shown_as_a_misleading_zero(value, text):
    assert format_number(value) == text


# -- inputs -------------------------------------------------------------------------


def test_bar_inputs_in_every_accepted_form_give_labels_in_order():
    pd = pytest.importorskip("pandas")
    expected = (["foo", "3"], [1.0, 3.0])
    for data in ([{"index": "foo", "value": 1}, {"index": 3, "value": 3}], {"foo": 1, 3: 3},
                 pd.Series([1, 3], index=["foo", 3])):
        labels, values = bar_values(data)
        assert (labels, values.tolist()) == expected
    assert bar_values(np.array([4.0, 5.0]))[0] == ["0", "1"]


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: bar_values([{"index": "a"}]), ValueError, r"data\[0\]: expected a bar like"),
        (lambda: bar_values([{"index": "a", "value": "high"}]), TypeError, r"data\[...\]\['value'\]\[0\]: expected a number, got 'high'"),
        (lambda: flat_values("abc"), TypeError, "data: expected a list, array or tensor of numbers"),
        (lambda: matrix([[1, 2], [3]]), ValueError, r"values: rows have different lengths \[1, 2\]"),
        (lambda: matrix(np.ones(3)), ValueError, r"values: expected a 2-D matrix, got ndarray of shape \(3,\)"),
        (lambda: image_batch(np.ones((4, 4))), ValueError, r"images: expected a batch of shape \(N, H, W\)"),
        (lambda: image_batch([np.ones((4, 4, 2))]), ValueError, r"images\[0\]: expected an image of shape"),
        (lambda: table_rows(["a", "b"], [[1]]), ValueError, r"values\[0\]: has 1 cells but there are 2 headers"),
        (lambda: nbvis.heatmap([[1, 2]], x_tick_labels=["a"]), ValueError, "x_tick_labels: expected 2 labels, got 1"),
        (lambda: nbvis.confusion_matrix([[1, 2, 3]]), ValueError, r"matrix: expected a non-empty square matrix"),
        (lambda: nbvis.confusion_matrix([[1]], normalize="rows"), ValueError, r"normalize: expected one of \[None, 'true', 'pred', 'all'\]"),
        (lambda: nbvis.histogram([1], bins=[2, 1]), ValueError, "bins: expected a number of bins or at least 2 finite, increasing edges"),
        (lambda: nbvis.histogram([1], stats={"numVals": 3, "mean": 1}), ValueError, r"stats: unknown field 'mean'"),
        (lambda: nbvis.image_grid(np.zeros((2, 4, 4)), labels=["a"]), ValueError, "labels: expected 2 labels, got 1"),
        (lambda: nbvis.image_grid(np.zeros((2, 4, 4)), color_map="hot"), ValueError, "color_map: expected one of"),
        (lambda: nbvis.scatterplot([1, 2], series_colors=[]), ValueError, r"series_colors: 0 colour\(s\) for 1 series"),
    ],
)
def test_bad_input_gets_an_error_naming_the_argument(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


@pytest.mark.parametrize(
    ("call", "hint"),
    [
        (lambda: nbvis.linechart([], xLabel="step"), "Did you mean 'x_label'?"),
        (lambda: nbvis.scatterplot([], zoomToFit=True), "Did you mean 'zoom_to_fit'?"),
        (lambda: nbvis.heatmap([[1]], colorMap="blues"), "Did you mean 'color_map'?"),
        (lambda: nbvis.histogram([1], maxBins=3), "Did you mean 'max_bins'?"),
        (lambda: nbvis.confusion_matrix([[1]], shadeDiagonal=False), "Did you mean 'shade_diagonal'?"),
        (lambda: nbvis.barchart([1], colour="red"), "Did you mean 'color'?"),
        (lambda: nbvis.image_grid(np.zeros((1, 2, 2)), colums=2), "Did you mean 'columns'?"),
        (lambda: nbvis.table(["a"], [[1]], fontsize=3), "Did you mean 'font_size'?"),
    ],
)
def test_unknown_options_are_rejected_with_a_did_you_mean(call, hint):
    with pytest.raises(TypeError, match=f"unexpected keyword argument .*{hint}"):
        call()


def test_heatmap_accepts_tensors_and_is_row_major_unless_told_otherwise():
    tf = pytest.importorskip("tensorflow")
    values = [[1, 2, 3], [4, 5, 6]]
    chart = nbvis.heatmap(tf.constant(values))
    cells = chart.tables["cells"]
    assert (cells.column("row")[2], cells.column("col")[2], cells.column("value")[2]) == (0, 2, 3)
    tfjs = nbvis.heatmap(values, row_major=False)  # values[i][j] at x = i, y = j
    cells = tfjs.tables["cells"]
    assert {(r, c): v for r, c, v in zip(cells.column("row"), cells.column("col"), cells.column("value"))}[(2, 1)] == 6


def test_failed_appends_and_updates_change_nothing():
    chart = nbvis.linechart([{"x": 0, "y": 1}], series_colors=["red"])
    with pytest.raises(ValueError, match="series_colors"):
        chart.append([{"x": 1, "y": 2}], series="new")  # a second series needs a second colour
    assert chart.tables["values"].n == 1
    cm = nbvis.confusion_matrix([[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="square"):
        cm.update([[1, 2, 3]])
    assert cm.tables["cells"].n == 4
    with pytest.raises(TypeError, match="cannot grow row by row"):
        cm.append([[1]])


def test_image_grid_pixels_are_bytes_and_float_images_are_scaled():
    grid = nbvis.image_grid([np.full((2, 2), 0.5), np.full((3, 3, 3), 200, np.uint8)], labels=["a", "b"])
    pixels = grid.tables["pixels"]
    assert pixels.column("v").dtype == np.uint8 and pixels.n == 4 + 27
    assert pixels.column("v")[0] == 128 and pixels.column("v")[4] == 200
    assert grid.tables["images"].column("offset").tolist() == [0, 4]


# -- static output, files, Altair ------------------------------------------------------


def test_every_chart_output_carries_a_picture_next_to_the_widget_and_tables_escaped_html():
    small = nbvis.barchart({"a": 1, "b": 2})._repr_mimebundle_()[0]
    assert "application/vnd.jupyter.widget-view+json" in small
    assert small["image/svg+xml"].lstrip().startswith("<svg")
    grid = nbvis.image_grid(np.zeros((2, 4, 4)))._repr_mimebundle_()[0]
    assert base64.b64decode(grid["image/png"])[:4] == b"\x89PNG"
    table = nbvis.table(["<th>"], [["<script>alert(1)</script>"]])._repr_mimebundle_()[0]
    assert "<script>" not in table["text/html"] and "&lt;script&gt;alert(1)&lt;/script&gt;" in table["text/html"]


def test_the_picture_output_of_a_chart_or_table_carries_the_widgets_id():
    """The id is what hides a picture next to its live view in any front end."""
    chart = nbvis.barchart({"a": 1, "b": 2})
    picture = chart._picture_output()
    assert 'src="data:image/svg+xml;base64,' in picture["text/html"]  # small: SVG in the HTML
    assert picture["text/html"].startswith(f'<div class="nbvis-static" data-nbvis-uid="{chart._uid}">')
    table = nbvis.table(["a"], [["<b>"]])
    assert table._picture_output()["text/html"].startswith(f'<div class="nbvis-static" data-nbvis-uid="{table._uid}">')
    assert "&lt;b&gt;" in table._picture_output()["text/html"]


def test_a_picture_has_the_latest_data_after_updates(tmp_path):
    chart = nbvis.barchart({"first": 1})
    chart.update({"second-label": 2})
    svg = chart._repr_mimebundle_()[0]["image/svg+xml"]
    assert "second-label" in svg and "first" not in svg


def test_save_writes_png_svg_and_an_offline_html_page(tmp_path):
    chart = nbvis.linechart([{"x": 0, "y": 1}, {"x": 1, "y": 3}], series="loss</script><b>")
    assert chart.save(tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in chart.save(tmp_path / "c.svg").read_text()
    page = chart.save(tmp_path / "c.html").read_text()
    assert "</script><b>" not in page and "loss\\u003c/script\\u003e\\u003cb\\u003e" in page
    with pytest.raises(ValueError, match=r"path: expected a file name ending in \.png, \.svg or \.html"):
        chart.save(tmp_path / "c.pdf")
    with pytest.raises(ValueError, match="a table can be saved as .html only"):
        nbvis.table(["a"], [[1]]).save(tmp_path / "t.png")


def test_to_altair_gives_an_altair_chart_with_the_data():
    alt = pytest.importorskip("altair")
    chart = nbvis.scatterplot({"a": np.array([[1.0, 2.0], [3.0, 4.0]])}).to_altair()
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert [r["x"] for r in spec["datasets"]["values"]] == [1.0, 3.0]
