import numpy as np
import pytest

from nbvis._columns import Blocks, ColumnSpec, Repeated, Table, encode


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


def test_blocks_of_labels_encode_like_the_same_labels_per_row_in_first_appearance_order():
    by_row, blocks = make(), make()
    by_row.append({"x": [0, 1, 2, 3, 4, 5], "y": [0] * 6, "s": ["c", "a", "a", "c", "b", "b"]})
    blocks.append({"x": [0, 1, 2, 3, 4, 5], "y": [0] * 6,
                   "s": Blocks((Repeated("c", 1), Repeated("a", 2), Repeated("c", 1), Repeated("b", 2)))})
    assert blocks.labels("s") == by_row.labels("s") and blocks.categories("s") == ["c", "a", "b"]
    np.testing.assert_array_equal(blocks.column("s"), by_row.column("s"))
    blocks.append({"x": [], "y": [], "s": Blocks(())})  # no block: no row
    assert blocks.n == 6
    with pytest.raises(ValueError, match="different lengths"):
        blocks.append({"x": [6], "y": [0], "s": Blocks((Repeated("a", 2),))})


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


def compact():
    return Table({"run": ColumnSpec("category", compact=True), "step": ColumnSpec(compact=True),
                  "value": ColumnSpec("number", "f32", compact=True)})


def test_a_compact_table_stores_columns_as_they_are_sent_and_encodes_without_copies():
    t = compact()
    t.append({"run": Repeated("a", 4), "step": np.arange(4.0), "value": np.array([0.5, np.nan, np.inf, -1.0])})
    assert [t.column(c).dtype for c in ("run", "step", "value")] == [np.uint8, np.int32, np.float32]
    header, buffers = encode(t)
    assert [header["columns"][c]["dtype"] for c in ("run", "step", "value")] == ["u8", "i32", "f32"]
    for name in ("run", "step", "value"):  # the wire buffers are the table's own memory
        assert np.shares_memory(np.frombuffer(buffers[header["columns"][name]["buf"]], np.uint8), t.column(name))
    np.testing.assert_array_equal(decode(header, buffers, "value"), [0.5, np.nan, np.inf, -1.0])


def test_a_compact_table_widens_a_column_when_a_value_does_not_fit_and_changes_no_value():
    t = compact()
    t.append({"run": ["a", "b"], "step": [1, 2], "value": [1.0, 2.0]})
    t.append({"run": [f"r{i}" for i in range(300)], "step": np.arange(300) + 0.5, "value": np.full(300, 1e39)})
    assert [t.column(c).dtype for c in ("run", "step", "value")] == [np.uint16, np.float64, np.float64]
    header, buffers = encode(t)
    assert [header["columns"][c]["dtype"] for c in ("run", "step", "value")] == ["u16", "f64", "f64"]
    np.testing.assert_array_equal(decode(header, buffers, "step"), [1, 2, *(np.arange(300) + 0.5)])
    np.testing.assert_array_equal(decode(header, buffers, "value"), [1.0, 2.0, *np.full(300, 1e39)])
    assert t.labels("run")[:3] == ["a", "b", "r0"]


def test_a_compact_table_encodes_the_same_values_as_a_plain_one():
    rng = np.random.default_rng(0)
    rows = {"run": [f"r{i % 7}" for i in range(1000)], "step": np.arange(1000.0), "value": rng.normal(size=1000)}
    plain = Table({"run": ColumnSpec("category"), "step": ColumnSpec(), "value": ColumnSpec("number", "f32")})
    small = compact()
    for t in (plain, small):
        for k in range(0, 1000, 100):  # appended in pieces, as a board takes them
            t.append({name: column[k:k + 100] for name, column in rows.items()})
    (hp, bp), (hs, bs) = encode(plain, 37, 911), encode(small, 37, 911)
    assert hp == hs
    for name in rows:
        np.testing.assert_array_equal(decode(hp, bp, name), decode(hs, bs, name))


def test_a_growing_array_stores_steps_as_int32_and_values_as_float32_only_while_exact():
    from nbvis._columns import GrowingArray

    steps, values = GrowingArray("int"), GrowingArray("f32_exact")
    steps.extend([0, 1, 2])
    values.extend(np.array([0.5, 0.25, np.nan], np.float32).astype(np.float64))  # what event files hold
    assert (steps.view().dtype, values.view().dtype) == (np.int32, np.float32)
    steps.extend([2**40])
    values.extend([0.1])  # not a float32: kept exactly
    assert (steps.view().dtype, values.view().dtype) == (np.int64, np.float64)
    assert steps.view().tolist() == [0, 1, 2, 2**40]
    np.testing.assert_array_equal(values.view(), [0.5, 0.25, np.nan, 0.1])
