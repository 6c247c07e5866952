"""Every spec builder against the vendored Vega-Lite schema, and what each spec encodes."""

import json
from pathlib import Path

import numpy as np
import pytest

import nbvis
from nbvis.charts import (
    VEGA_LITE_SCHEMA,
    VEGA_LITE_VERSION,
    bar_spec,
    color_scale,
    confusion_spec,
    heatmap_spec,
    histogram_spec,
    image_grid_spec,
    scatter_spec,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_vega_lite_version_is_pinned_once_and_matches_the_bundle_and_the_vendored_schema():
    pinned = json.loads((ROOT / "js" / "package.json").read_text())["devDependencies"]["vega-lite"]
    assert pinned == VEGA_LITE_VERSION
    assert f"https://vega.github.io/schema/vega-lite/v{pinned.split('.')[0]}.json" == VEGA_LITE_SCHEMA
    vendored = sorted(p.name for p in (ROOT / "tests/unit/schema").glob("*.json"))
    assert vendored == [f"vega-lite-v{VEGA_LITE_VERSION}.json"]
    installed = ROOT / "js/node_modules/vega-lite/build/vega-lite-schema.json"
    if installed.exists():  # after `npm ci`: the vendored copy is the bundled version's schema
        assert installed.read_bytes() == (ROOT / "tests/unit/schema" / vendored[0]).read_bytes()


SPECS = {
    "scatter": lambda: scatter_spec(["a", "b"], zoom_to_fit=True, series_colors=["red", "blue"]),
    "scatter_log": lambda: scatter_spec(["a"], log_y=True, x_axis_domain=[0, 1], interactive=False),
    "bar": lambda: bar_spec(y_label="acc"),
    "bar_colors": lambda: bar_spec(per_bar_colors=True, width=300),
    "histogram": lambda: histogram_spec(),
    "histogram_no_stats": lambda: histogram_spec(stats=False, x_label="weight"),
    "heatmap": lambda: heatmap_spec(3, 3, x_tick_labels=["a", "b", "a"], y_tick_labels=["x", "y", "z"], color_map="blues"),
    "heatmap_domain": lambda: heatmap_spec(2, 2, color_map=["#fff", "#000"], domain=[0, 1]),
    "heatmap_raster": lambda: heatmap_spec(200, 100, x_tick_labels=[str(i) for i in range(100)], color_map="greyscale_r"),
    "confusion": lambda: confusion_spec(tick_labels=["cat", "dog"]),
    "confusion_normalized": lambda: confusion_spec(tick_labels=["a"], normalized=True, show_text_overlay=False, color_map="viridis"),
    "image_grid": lambda: image_grid_spec(10, columns=4, tile=64, labels=True, smooth=False),
    "image_grid_unlabelled": lambda: image_grid_spec(0, columns=8, tile=96, labels=False, smooth=True),
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_spec_builder_makes_valid_vega_lite(validator, name):
    errors = sorted(validator.iter_errors(SPECS[name]()), key=str)
    assert not errors, errors[0].message


CHARTS = {
    "line": lambda: nbvis.linechart([{"x": 0, "y": 1}], series_colors=["red"], log_y=True),
    "scatter": lambda: nbvis.scatterplot({"a": np.ones((3, 2))}),
    "bar": lambda: nbvis.barchart({"a": 1}),
    "histogram": lambda: nbvis.histogram([1, 2, 3]),
    "heatmap": lambda: nbvis.heatmap(np.eye(3)),
    "heatmap_raster": lambda: nbvis.heatmap(np.eye(120)),
    "confusion": lambda: nbvis.confusion_matrix(np.eye(2)),
    "image_grid": lambda: nbvis.image_grid(np.zeros((2, 4, 4))),
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_chart_standalone_spec_with_inline_data_is_valid_vega_lite(validator, name):
    spec = CHARTS[name]().to_dict()
    errors = sorted(validator.iter_errors(spec), key=str)
    assert not errors, errors[0].message
    assert "usermeta" not in spec and spec["width"] != "container"


def test_tick_labels_travel_as_parameter_values_and_are_looked_up_by_position():
    spec = heatmap_spec(1, 2, x_tick_labels=["a'] + alert(1) + ['", "b"])
    assert spec["params"] == [{"name": "nbvis_x_ticks", "value": ["a'] + alert(1) + ['", "b"]}]
    assert spec["encoding"]["x"]["axis"]["labelExpr"] == "nbvis_x_ticks[datum.value]"


def test_heatmaps_switch_to_one_image_at_ten_thousand_cells():
    assert "layer" not in heatmap_spec(99, 101)
    raster = heatmap_spec(100, 100)
    assert [layer["mark"]["type"] for layer in raster["layer"]] == ["image", "point"]
    assert raster["usermeta"]["nbvis"]["raster"]["rows"] == 100
    assert "layer" in heatmap_spec(2, 2, raster=True)


@pytest.mark.parametrize(
    ("color_map", "scale"),
    [
        ("viridis", {"scheme": "viridis"}),
        ("Blues_r", {"scheme": "blues", "reverse": True}),
        ("greyscale", {"scheme": "greys", "reverse": True}),  # tfjs-vis: black to white
        ("greyscale_r", {"scheme": "greys"}),
        (["#ffffff", "#ff0000"], {"range": ["#ffffff", "#ff0000"]}),
    ],
)
def test_colour_maps_are_vega_schemes_reversible_or_two_colours(color_map, scale):
    assert color_scale(color_map) == scale


def test_an_unknown_colour_map_is_refused_with_a_suggestion():
    with pytest.raises(ValueError, match="color_map: unknown colour map 'virdis'.*Did you mean 'viridis'"):
        color_scale("virdis")
    with pytest.raises(TypeError, match="color_map"):
        color_scale(3)


def test_confusion_overlay_text_colour_follows_the_cell_luminance():
    text = confusion_spec(tick_labels=["a", "b"])["layer"][2]
    condition = text["encoding"]["color"]["condition"]
    assert "luminance(scale('color', datum.shade))" in condition["test"]
    assert (condition["value"], text["encoding"]["color"]["value"]) == ("white", "black")


@pytest.mark.parametrize(
    ("ys", "labels"),
    [
        ([0.0, 1e33, 5e32], ["0", "2e+32", "4e+32", "6e+32", "8e+32", "1e+33"]),  # a diverging loss
        ([0.0, 2.5e6], ["0", "5e+5", "1e+6", "1.5e+6", "2e+6", "2.5e+6"]),  # one style on the whole axis
        ([0.0, 2.5], ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5"]),  # below a million: Vega's own
    ],
)
def test_y_tick_labels_of_huge_values_have_three_significant_digits(ys, labels):
    import re

    import vl_convert

    for make in (nbvis.linechart, nbvis.scatterplot):
        chart = make([{"x": i, "y": y} for i, y in enumerate(ys)], y_label="loss")
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", vl_convert.vegalite_to_svg(chart.to_dict()))
        assert texts[texts.index("x") + 1 : texts.index("loss")] == labels
        chart.close()


def test_every_chart_takes_a_title_shown_as_text_in_its_picture():
    import vl_convert

    payload = "<img src=x onerror=alert(1)> loss"
    charts = [nbvis.linechart([1.0, 2.0], title=payload), nbvis.scatterplot([1.0, 2.0], title=payload),
              nbvis.barchart({"a": 1}, title=payload), nbvis.histogram([1, 2, 3], title=payload),
              nbvis.heatmap([[1, 2], [3, 4]], title=payload), nbvis.confusion_matrix([[1, 2], [3, 4]], title=payload),
              nbvis.image_grid(np.zeros((2, 4, 4, 1)), title=payload)]
    for chart in charts:
        assert chart.spec["title"]["text"] == payload
        svg = vl_convert.vegalite_to_svg(chart.to_dict())
        assert "&lt;img src=x onerror=alert(1)&gt; loss" in svg and "<img" not in svg
        chart.close()
    with pytest.raises(TypeError, match="title: expected a string or None, got int"):
        nbvis.linechart([1.0], title=3)
    assert "title" not in nbvis.linechart([1.0]).spec
