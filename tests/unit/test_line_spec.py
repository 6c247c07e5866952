import pytest

from nbvis.charts import line_spec


@pytest.mark.parametrize(
    "kwargs",
    [
        {"series": ["Series 1"]},
        {"series": ["loss", "val_loss", "x<y>"], "width": 400, "x_label": "epoch"},
        {"series": ["a"], "smoothing": 0.6, "events": True, "log_y": True, "y_axis_domain": [0, 1]},
        {"series": ["a"], "interactive": False, "zoom_to_fit": True, "x_axis_domain": (5, 10)},
    ],
)
def test_line_spec_is_valid_vega_lite(validator, kwargs):
    names = kwargs.pop("series")
    errors = sorted(validator.iter_errors(line_spec(names, **kwargs)), key=str)
    assert not errors, errors[0].message


def test_axis_domains_are_honoured_on_both_axes_unless_zoom_to_fit():
    spec = line_spec(["a"], x_axis_domain=[0, 10], y_axis_domain=[0, 1], log_y=True)
    assert enc(spec)["x"]["scale"] == {"domain": [0.0, 10.0]}
    assert enc(spec)["y"]["scale"] == {"type": "log", "domain": [0.0, 1.0]}
    fit = line_spec(["a"], y_axis_domain=[0, 1], zoom_to_fit=True)
    assert enc(fit)["y"]["scale"] == {"zero": False} and enc(fit)["x"]["scale"] == {"zero": False}


def test_smoothing_draws_raw_lines_faint_and_tells_the_browser_what_to_smooth():
    spec = line_spec(["loss"], smoothing=0.6)
    assert spec["layer"][0]["mark"]["opacity"] == 0.3
    assert spec["usermeta"]["nbvis"]["smooth"] == {"source": "values", "target": "smoothed", "weight": 0.6}
    assert line_spec(["loss"])["usermeta"]["nbvis"] == {"lod": {"dataset": "values", "kind": "line"}}


def test_zoom_and_pan_are_bound_to_the_x_scale_and_shift_drag_does_not_pan():
    (param,) = line_spec(["a"])["layer"][0]["params"]
    assert param["bind"] == "scales" and param["select"]["encodings"] == ["x"]
    assert param["select"]["translate"].startswith("[pointerdown[!event.shiftKey]")
    assert "params" not in line_spec(["a"], interactive=False)["layer"][0]


def test_line_spec_reads_named_datasets_never_inline_rows():
    spec = line_spec(["a"], smoothing=0.5, events=True)
    assert [layer["data"] for layer in spec["layer"]] == [
        {"name": "values"}, {"name": "smoothed"}, {"name": "values"}, {"name": "values"}, {"name": "events"}]
    assert "datasets" not in spec and "data" not in spec


def enc(spec):
    return spec["layer"][0]["encoding"]


def test_legend_keeps_the_given_series_order_and_is_hidden_for_one_series():
    spec = line_spec(["zeta", "alpha"])
    assert enc(spec)["color"]["scale"]["domain"] == ["zeta", "alpha"]
    assert enc(spec)["color"]["legend"] is not None
    assert enc(line_spec(["only"]))["color"]["legend"] is None


def test_width_defaults_to_the_output_area_and_labels_become_axis_titles():
    spec = line_spec(["a"], x_label="step", y_label="loss")
    assert spec["width"] == "container" and spec["height"] == 250
    assert enc(spec)["x"]["title"] == "step"
    assert enc(spec)["y"]["title"] == "loss"
    assert line_spec(["a"], width=300, height=120)["width"] == 300


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"width": -5}, ValueError, r"width: expected a whole number of pixels from 1 to 16,000 or None, got -5"),
        ({"height": "tall"}, TypeError, r"height: expected a whole number of pixels or None, got 'tall'"),
        ({"x_label": 3}, TypeError, r"x_label: expected a string or None, got int"),
        ({"x_type": "time"}, ValueError, r"x_type: expected one of \['quantitative'"),
        ({"y_axis_domain": [1, 0]}, ValueError, r"y_axis_domain: expected finite numbers with min < max"),
        ({"x_axis_domain": "wide"}, TypeError, r"x_axis_domain: expected \[min, max\]"),
        ({"smoothing": 1.0}, ValueError, r"smoothing: expected a weight in \[0, 1\)"),
    ],
)
def test_bad_options_get_an_error_naming_the_argument(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        line_spec(["a"], **kwargs)
