import json
from pathlib import Path

import jsonschema
import pytest

from nbvis.charts import VEGA_LITE_SCHEMA, line_spec

ROOT = Path(__file__).resolve().parents[2]
# The schema of the exact Vega-Lite version bundled into the front end.
SCHEMA_FILE = ROOT / "js" / "node_modules" / "vega-lite" / "build" / "vega-lite-schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text())
    return jsonschema.Draft7Validator(schema)


def test_schema_url_names_the_bundled_vega_lite_major_version():
    pinned = json.loads((ROOT / "js" / "package.json").read_text())["devDependencies"]["vega-lite"]
    installed = json.loads((ROOT / "js/node_modules/vega-lite/package.json").read_text())["version"]
    assert installed == pinned
    assert VEGA_LITE_SCHEMA.endswith(f"/v{pinned.split('.')[0]}.json")


@pytest.mark.parametrize("names", [["Series 1"], ["loss", "val_loss", "x<y>"]])
def test_line_spec_is_valid_vega_lite(validator, names):
    errors = sorted(validator.iter_errors(line_spec(names, width=400, x_label="epoch")), key=str)
    assert not errors, errors[0].message


def test_line_spec_reads_a_named_dataset_never_inline_rows():
    spec = line_spec(["a"])
    assert spec["data"] == {"name": "values"}
    assert "values" not in spec["data"] and "datasets" not in spec


def test_legend_keeps_the_given_series_order_and_is_hidden_for_one_series():
    spec = line_spec(["zeta", "alpha"])
    assert spec["encoding"]["color"]["scale"]["domain"] == ["zeta", "alpha"]
    assert spec["encoding"]["color"]["legend"] is not None
    assert line_spec(["only"])["encoding"]["color"]["legend"] is None


def test_width_defaults_to_the_output_area_and_labels_become_axis_titles():
    spec = line_spec(["a"], x_label="step", y_label="loss")
    assert spec["width"] == "container" and spec["height"] == 250
    assert spec["encoding"]["x"]["title"] == "step"
    assert spec["encoding"]["y"]["title"] == "loss"
    assert line_spec(["a"], width=300, height=120)["width"] == 300


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"width": -5}, ValueError, r"width: expected a positive number of pixels, got -5"),
        ({"height": "tall"}, TypeError, r"height: expected a whole number of pixels or None, got 'tall'"),
        ({"x_label": 3}, TypeError, r"x_label: expected a string or None, got int"),
        ({"x_type": "time"}, ValueError, r"x_type: expected one of \['quantitative'"),
    ],
)
def test_bad_options_get_an_error_naming_the_argument(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        line_spec(["a"], **kwargs)
