import numpy as np
import pytest

from nbvis._columns import ColumnSpec, Repeated, Table, encode


def decode(header, buffers, name):
    col = header["columns"][name]
    dtype = {"f64": "<f8", "f32": "<f4", "i32": "<i4", "u8": "<u1", "u16": "<u2"}[col["dtype"]]
    return np.frombuffer(buffers[col["buf"]], dtype=dtype)


def make():
    return Table({"x": ColumnSpec(), "y": ColumnSpec("number", "f32"), "s": ColumnSpec("category")})


def test_integral_x_travels_as_int32_and_y_as_float32():
    t = make()
    t.append({"x": np.arange(5.0), "y": np.linspace(0, 1, 5), "s": ["a"] * 5})
    header, buffers = encode(t)
    assert header["columns"]["x"]["dtype"] == "i32"
    assert header["columns"]["y"]["dtype"] == "f32"
    assert header["columns"]["s"] == {"categories": ["a"], "dtype": "u8", "buf": 2}
    np.testing.assert_array_equal(decode(header, buffers, "x"), np.arange(5))
    np.testing.assert_allclose(decode(header, buffers, "y"), np.linspace(0, 1, 5), rtol=1e-7)
    assert sum(b.nbytes for b in buffers) == 5 * (4 + 4 + 1)


def test_fractional_large_or_nonfinite_x_travels_as_float64_exactly():
    for x in ([0.5, 1.5], [0, 2.0**40], [0, np.nan]):
        t = make()
        t.append({"x": np.array(x), "y": np.zeros(2), "s": ["a", "a"]})
        header, buffers = encode(t)
        assert header["columns"]["x"]["dtype"] == "f64"
        np.testing.assert_array_equal(decode(header, buffers, "x"), np.array(x))


def test_y_beyond_float32_range_falls_back_to_float64():
    t = make()
    t.append({"x": [0, 1], "y": np.array([1e300, -np.inf]), "s": ["a", "a"]})
    header, buffers = encode(t)
    assert header["columns"]["y"]["dtype"] == "f64"
    np.testing.assert_array_equal(decode(header, buffers, "y"), [1e300, -np.inf])


def test_encode_a_row_range_sends_only_those_rows():
    t = make()
    t.append({"x": np.arange(10.0), "y": np.arange(10.0), "s": ["a"] * 10})
    header, buffers = encode(t, 7)
    assert header["n"] == 3
    np.testing.assert_array_equal(decode(header, buffers, "x"), [7, 8, 9])


def test_categories_keep_order_of_first_appearance_across_appends():
    t = make()
    t.append({"x": [0, 1, 2], "y": [0, 0, 0], "s": ["zeta", "alpha", "zeta"]})
    t.append({"x": [3, 4], "y": [0, 0], "s": ["beta", "alpha"]})
    assert t.categories("s") == ["zeta", "alpha", "beta"]
    assert t.labels("s") == ["zeta", "alpha", "zeta", "beta", "alpha"]
    np.testing.assert_array_equal(t.column("s"), [0, 1, 0, 2, 1])


def test_a_repeated_label_encodes_like_the_same_label_per_row():
    by_row, repeated = make(), make()
    by_row.append({"x": [0, 1, 2, 3], "y": [0] * 4, "s": ["b", "b", "a", "a"]})
    repeated.append({"x": [0, 1], "y": [0, 0], "s": Repeated("b", 2)})
    repeated.append({"x": [2, 3], "y": [0, 0], "s": Repeated("a", 2)})
    assert repeated.labels("s") == by_row.labels("s") and repeated.categories("s") == ["b", "a"]
    np.testing.assert_array_equal(repeated.column("s"), by_row.column("s"))
    with pytest.raises(ValueError, match="different lengths"):
        repeated.append({"x": [4, 5, 6], "y": [0, 0, 0], "s": Repeated("a", 2)})


def test_many_appends_grow_the_table_without_losing_rows():
    t = make()
    for i in range(1000):
        t.append({"x": [i], "y": [i * 0.5], "s": ["a"]})
    np.testing.assert_array_equal(t.column("x"), np.arange(1000))
    np.testing.assert_array_equal(t.column("y"), np.arange(1000) * 0.5)


def test_clear_drops_rows_but_keeps_category_codes():
    t = make()
    t.append({"x": [0], "y": [0], "s": ["b"]})
    t.clear()
    assert t.n == 0
    t.append({"x": [0], "y": [0], "s": ["a"]})
    assert t.categories("s") == ["b", "a"]


def test_append_with_wrong_columns_or_lengths_is_refused():
    t = make()
    with pytest.raises(ValueError, match="do not match"):
        t.append({"x": [0], "y": [0]})
    with pytest.raises(ValueError, match="different lengths"):
        t.append({"x": [0, 1], "y": [0], "s": ["a"]})
    assert t.n == 0


def test_more_than_256_categories_use_wider_codes():
    t = make()
    names = [f"s{i}" for i in range(300)]
    t.append({"x": np.arange(300.0), "y": np.zeros(300), "s": names})
    header, buffers = encode(t)
    assert header["columns"]["s"]["dtype"] == "u16"
    np.testing.assert_array_equal(decode(header, buffers, "s"), np.arange(300))
