"""Big series on the kernel side: overview state, chunked full rows, window, pictures."""

from __future__ import annotations

import numpy as np
import pytest

import nbvis
from nbvis import _store
from nbvis.widgets import _live

from .test_widget import chart_comm, wait_for


def _decode(message, buffers, name="values", column="x"):
    entry = message["datasets"][name]["columns"][column]
    dtype = {"i32": "<i4", "f32": "<f4", "f64": "<f8", "u8": "<u1"}[entry["dtype"]]
    return np.frombuffer(buffers[entry["buf"]], dtype)


def test_a_series_over_the_budget_opens_with_an_overview_and_then_sends_every_row(comms, monkeypatch):
    monkeypatch.setattr(_live, "CHUNK_ROWS", 40_000)
    n = 150_000
    y = np.sin(np.arange(n) / 1e3)
    y[77_777] = 9.0  # a one-sample spike
    chart = nbvis.linechart(y)
    c = chart_comm(comms, chart)
    state = c.messages[0][1]["state"]["_data"]["datasets"]["values"]
    assert state["full"] == n
    assert state["n"] <= 4 * _store.OVERVIEW_SIZE  # the first paint never ships every row
    _, opened, buffers = c.messages[0]
    path = ["_data", "datasets", "values", "columns", "x", "data"]
    xs = np.frombuffer(buffers[opened["buffer_paths"].index(path)], "<i4")
    assert len(xs) == state["n"] and 77_777 in xs
    wait_for(lambda: len(c.custom()) == 4)  # the full rows, pushed in chunks without a request
    sent = c.custom()
    assert [m["datasets"]["values"]["op"] for m, _ in sent] == ["replace", "append", "append", "append"]
    assert [m["datasets"]["values"].get("more", False) for m, _ in sent] == [True, True, True, False]
    assert [m["seq"] for m, _ in sent] == [1, 2, 3, 4]
    xs = np.concatenate([_decode(m, b) for m, b in sent])
    np.testing.assert_array_equal(xs, np.arange(n))  # every row once, in order
    ys = np.concatenate([_decode(m, b, column="y") for m, b in sent])
    np.testing.assert_allclose(ys, y.astype(np.float32))


def test_a_small_series_travels_whole_in_the_state_without_follow_up(comms):
    chart = nbvis.linechart(np.arange(1000.0))
    c = chart_comm(comms, chart)
    state = c.messages[0][1]["state"]["_data"]["datasets"]["values"]
    assert state["n"] == 1000 and "full" not in state
    chart.flush()
    assert c.custom() == []


def test_a_fetch_request_resends_the_full_rows_of_overview_datasets_only(comms):
    chart = nbvis.linechart(np.arange(120_000.0))
    c = chart_comm(comms, chart)
    wait_for(lambda: len(c.custom()) == 1)
    chart._handle_msg({"content": {"data": {"method": "custom", "content": {"type": "fetch", "names": ["values", "nope"]}}}, "buffers": []})
    (first, _), (again, _) = c.custom()
    assert again["seq"] == first["seq"] + 1
    assert again["datasets"]["values"]["op"] == "replace" and again["datasets"]["values"]["n"] == 120_000
    # the state at a cell's end is an overview again, saying how many rows there are
    chart.send_state("_data")
    (update, _), = c.updates()
    assert update["state"]["_data"]["datasets"]["values"]["full"] == 120_000


def test_window_keeps_the_last_points_of_each_series_in_the_kernel(comms):
    chart = nbvis.linechart({"a": np.arange(5.0), "b": np.arange(3.0)}, window=4)
    values = chart.tables["values"]
    assert values.labels("series") == ["a", "a", "a", "a", "b", "b", "b"]
    np.testing.assert_array_equal(values.column("x"), [1, 2, 3, 4, 0, 1, 2])
    for i in range(5, 1000):
        chart.append([[{"x": i, "y": 0.0}], [{"x": i, "y": 1.0}]])
        assert values.n <= 2 * 4 * 2  # bounded between flushes, too
    chart.flush()
    assert values.n == 8
    np.testing.assert_array_equal(values.column("x"), [996, 996, 997, 997, 998, 998, 999, 999])


def test_window_appends_tell_the_browser_the_window_and_send_only_surviving_rows(comms):
    chart = nbvis.linechart(np.arange(3.0), window=5)
    c = chart_comm(comms, chart)
    assert c.messages[0][1]["state"]["_data"]["datasets"]["values"]["window"] == 5
    chart.flush()
    chart.append(np.c_[np.arange(3, 20), np.zeros(17)])
    chart.flush()
    (msg, buffers), = c.custom()
    assert msg["datasets"]["values"]["window"] == 5
    # rows that would fall out of the window anyway never travel
    np.testing.assert_array_equal(_decode(msg, buffers), np.arange(15, 20))


def test_window_must_be_a_positive_whole_number():
    with pytest.raises(ValueError, match=r"window: expected a positive whole number of points per series or None, got 0"):
        nbvis.linechart([1.0, 2.0], window=0)
    with pytest.raises(ValueError, match=r"window: .* got 2.5"):
        nbvis.scatterplot([[0, 1]], window=2.5)


def test_pictures_of_a_big_series_are_decimated_but_exports_keep_every_row(comms):
    n = 300_000
    y = np.zeros(n)
    y[123_456] = 5.0
    chart = nbvis.linechart(y)
    from nbvis.export import full_spec

    picture = full_spec(chart.snapshot())["datasets"]["values"]
    assert len(picture) <= 4 * 2048
    assert max(r["y"] for r in picture) == 5.0  # the spike is in the picture
    assert len(chart.to_dict()["datasets"]["values"]) == n


def test_charts_whose_datasets_have_no_series_still_append(comms):
    t = nbvis.table(["layer", "params"], [["dense", 10]])
    t.append([["conv", 20]])
    b = nbvis.barchart({"a": 1.0})
    b.append({"b": 2.0})
    assert t.tables["rows"].n == 2 and b.tables["values"].n == 2
