import numpy as np
import pytest

from nbvis._inputs import xy_series


def as_tuples(series):
    return [(s.name, s.x.tolist(), s.y.tolist()) for s in series]


def test_tfjs_point_list_is_one_series_with_real_x():
    assert as_tuples(xy_series([{"x": 3, "y": 20}, {"x": 7, "y": 5}])) == [
        ("Series 1", [3.0, 7.0], [20.0, 5.0])
    ]


def test_list_of_point_lists_is_several_ragged_series_named_in_order():
    out = xy_series([[{"x": 0, "y": 1}], [{"x": 5, "y": 2}, {"x": 6, "y": 3}]], ["b", "a"])
    assert as_tuples(out) == [("b", [0.0], [1.0]), ("a", [5.0, 6.0], [2.0, 3.0])]


def test_tfjs_xyplotdata_dict_is_unwrapped():
    out = xy_series({"values": [[{"x": 0, "y": 1}], [{"x": 0, "y": 2}]], "series": ["p", "q"]})
    assert [s.name for s in out] == ["p", "q"]


def test_dict_of_arrays_names_series_by_key():
    out = xy_series({"loss": np.array([3.0, 2.0]), "val_loss": [4.0, 3.5, 3.0]})
    assert as_tuples(out) == [("loss", [0.0, 1.0], [3.0, 2.0]), ("val_loss", [0.0, 1.0, 2.0], [4.0, 3.5, 3.0])]


def test_numpy_forms():
    assert as_tuples(xy_series(np.array([1, 2])))[0][1:] == ([0.0, 1.0], [1.0, 2.0])
    assert as_tuples(xy_series(np.array([[10, 1], [20, 2]])))[0][1:] == ([10.0, 20.0], [1.0, 2.0])
    assert len(xy_series([np.zeros(3), np.ones(2)])) == 2


def test_none_y_becomes_nan_so_the_line_shows_a_gap():
    (s,) = xy_series([{"x": 0, "y": None}, {"x": 1, "y": 2}])
    assert np.isnan(s.y[0]) and s.y[1] == 2


def test_empty_list_is_one_empty_series():
    (s,) = xy_series([])
    assert s.name == "Series 1" and len(s.x) == 0


def test_pandas_series_uses_its_numeric_index_as_x():
    import pandas as pd
    (s,) = xy_series(pd.Series([1.0, 2.0], index=[10, 20]))
    assert s.x.tolist() == [10.0, 20.0]


@pytest.mark.parametrize(
    ("values", "series", "error", "pattern"),
    [
        (None, None, TypeError, r"values: expected data, got None"),
        ([{"x": 1}], None, ValueError, r"values\[0\]: point has no 'y' key"),
        ([{"x": 1, "y": "high"}], None, TypeError, r"values\[\.\.\.\]\['y'\]\[0\]: expected a number, got 'high'"),
        (["a", "b"], None, TypeError, r"values\[0\]: expected a number, got 'a'"),
        ([[1, 2], [3]], ["only-one"], ValueError, r"series: got 1 name\(s\) \['only-one'\] for 2 series"),
        ([[1], [2]], ["a", "a"], ValueError, r"series: names must be unique"),
        ([[1], [2]], [1, 2], TypeError, r"series: expected a string or a list of strings"),
        (np.zeros((2, 3)), None, ValueError, r"values: expected a 1-D array .* got ndarray of shape \(2, 3\)"),
        (np.array(["a"]), None, TypeError, r"values: expected numbers, got an array of dtype <U1"),
        ({"a": [1]}, ["a"], ValueError, r"series: not accepted when values is a dict"),
        (42, None, TypeError, r"values: expected a list of .* got int"),
        ([1, {"x": 1, "y": 1}], None, TypeError, r"values\[1\]: expected a number, got dict"),
        ([1, [2, 3]], None, TypeError, r"values\[1\]: expected a number, got list of length 2"),
        ([1.0, "2"], None, TypeError, r"values\[1\]: expected a number, got '2'"),
    ],
)
def test_bad_input_gets_an_error_naming_the_argument(values, series, error, pattern):
    with pytest.raises(error, match=pattern):
        xy_series(values, series)


def test_append_to_a_multi_series_chart_must_name_its_series():
    with pytest.raises(ValueError, match=r"the chart has 2 series \['a', 'b'\] but 1 were given"):
        xy_series([{"x": 1, "y": 1}], default_names=["a", "b"])
    (s,) = xy_series([{"x": 1, "y": 1}], "b", default_names=["a", "b"])
    assert s.name == "b"
