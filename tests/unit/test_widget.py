import json
import time

import numpy as np
import pytest

import nbvis
from nbvis import _bundle
from nbvis.widgets import ChartWidget, VegaRuntime


def pts(a, b):
    return [{"x": i, "y": float(i) / 2} for i in range(a, b)]


def chart_comm(comms, chart):
    return next(c for c in comms if c.comm_id == chart.comm.comm_id)


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def test_initial_data_travels_as_binary_buffers_in_the_open_message(comms):
    chart = nbvis.linechart(pts(0, 1000))
    (msg_type, data, buffers) = chart_comm(comms, chart).messages[0]
    assert msg_type == "comm_open"
    state = data["state"]
    columns = state["_data"]["datasets"]["values"]["columns"]
    assert state["_data"]["datasets"]["values"]["n"] == 1000
    assert {c["dtype"] for c in columns.values()} == {"i32", "f32", "u8"}
    assert sum(len(b) for b in buffers) == 1000 * 9
    # no per-point JSON: the JSON part does not grow with the data
    small = nbvis.linechart(pts(0, 1))
    small_state = chart_comm(comms, small).messages[0][1]["state"]
    assert len(json.dumps(state["_data"])) <= len(json.dumps(small_state["_data"])) + 3  # "1000" vs "1"


def test_appends_are_coalesced_into_few_messages_with_consecutive_seq(comms, monkeypatch):
    chart = nbvis.linechart(pts(0, 2))
    # one timer flush at most in this test, however slowly the loop below runs on this machine
    monkeypatch.setattr(chart, "_flush_interval", 3600.0)
    for i in range(2, 102):
        chart.append(pts(i, i + 1))
    chart.flush()
    chart.append(pts(102, 110))
    chart.flush()
    sent = chart_comm(comms, chart).custom()
    # the first append after idle may go at once (timer), the rest wait for flush()
    assert 2 <= len(sent) <= 3
    assert [m["seq"] for m, _ in sent] == list(range(1, len(sent) + 1))
    xs = np.concatenate([np.frombuffer(b[m["datasets"]["values"]["columns"]["x"]["buf"]], "<i4")
                         for m, b in sent])
    np.testing.assert_array_equal(xs, np.arange(2, 110))  # every row once, in order
    assert all(m["datasets"]["values"]["op"] == "append" for m, _ in sent)
    assert sent[-1][0]["datasets"]["values"]["n"] == 8


def test_pending_appends_are_sent_by_the_timer_without_flush(comms):
    chart = nbvis.linechart([])
    chart.append(pts(0, 3))
    wait_for(lambda: len(chart_comm(comms, chart).custom()) == 1)
    (msg, _), = chart_comm(comms, chart).custom()
    assert msg["datasets"]["values"]["n"] == 3


def test_a_tight_append_loop_sends_at_most_one_message_per_interval(comms):
    chart = nbvis.linechart([])
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < 1.0:
        chart.append(pts(i, i + 1))
        i += 1
    chart.flush()
    elapsed = time.monotonic() - start
    sent = chart_comm(comms, chart).custom()
    assert len(sent) <= elapsed / 0.1 + 2, (len(sent), elapsed)
    assert sum(m["datasets"]["values"]["n"] for m, _ in sent) == i  # nothing lost


def test_update_replaces_and_clear_empties_the_dataset(comms):
    chart = nbvis.linechart(pts(0, 5))
    chart.update(pts(10, 12))
    chart.flush()
    chart.clear()
    chart.flush()
    sent = chart_comm(comms, chart).custom()
    assert [(m["datasets"]["values"]["op"], m["datasets"]["values"]["n"]) for m, _ in sent] == [
        ("replace", 2), ("replace", 0)]
    assert chart.tables["values"].n == 0


def test_appending_a_new_series_extends_the_legend_in_order(comms):
    chart = nbvis.linechart(pts(0, 2), series="train")
    chart.append([pts(2, 3), pts(0, 1)], series=["train", "val"])
    assert chart.spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["train", "val"]
    assert chart.tables["values"].labels("series") == ["train", "train", "train", "val"]


def test_state_flushes_pending_rows_first_so_nothing_is_sent_twice(comms):
    chart = nbvis.linechart(pts(0, 2))
    chart.append(pts(2, 5))
    chart.send_state("_data")
    c = chart_comm(comms, chart)
    kinds = [d.get("method") for t, d, _ in c.messages if t == "comm_msg"]
    assert kinds[:2] == ["custom", "update"]
    (custom, _), = c.custom()
    (update, _), = c.updates()
    assert update["state"]["_data"]["seq"] == custom["seq"] == 1
    assert update["state"]["_data"]["datasets"]["values"]["n"] == 5


def resync(chart, have):
    chart._handle_msg({"content": {"data": {"method": "custom", "content": {"type": "resync", "have": have}}},
                       "buffers": []})


def test_a_model_that_missed_a_message_gets_the_whole_state_on_resync(comms):
    chart = nbvis.linechart(pts(0, 4))
    c = chart_comm(comms, chart)
    chart.append(pts(4, 6))
    chart.flush()  # seq 1, which the page says it never got
    resync(chart, have=0)
    (update, _), = c.updates()
    assert update["state"]["_data"]["seq"] == 1
    assert update["state"]["_data"]["datasets"]["values"]["n"] == 6


def test_a_model_starting_from_the_latest_state_is_not_sent_it_again(comms):
    chart = nbvis.linechart(pts(0, 4))
    c = chart_comm(comms, chart)
    resync(chart, have=0)  # what every model says from initialize
    assert c.updates() == []
    chart.append(pts(4, 6))
    chart.flush()
    resync(chart, have=1)
    assert c.updates() == []


def test_a_chart_sends_the_runtime_bundle_over_its_own_comm_when_asked(comms):
    chart = nbvis.linechart(pts(0, 4))
    c = chart_comm(comms, chart)
    chart._handle_msg({"content": {"data": {"method": "custom", "content": {"type": "runtime"}}}, "buffers": []})
    (reply, buffers), = [m for m in c.custom() if m[0]["type"] == "runtime"]
    assert reply["hash"] == chart._runtime_hash == chart._runtime.hash
    assert bytes(buffers[0]).decode("utf-8") == chart._runtime.bundle


def test_every_chart_references_one_shared_runtime_and_carries_a_small_module(comms):
    a, b = nbvis.linechart([]), nbvis.linechart([])
    assert a._runtime is b._runtime
    assert isinstance(a._runtime, VegaRuntime)
    assert len(a._esm.encode()) <= 100_000
    assert len(a._runtime.bundle.encode()) > 500_000  # the Vega libraries live here, once
    runtimes = [c for c in comms if c.messages and c.messages[0][1]["state"].get("_model_name") == "WidgetModel"]
    assert len(runtimes) <= 1


def test_close_frees_the_kernel_side_rows(comms):
    chart = nbvis.linechart(pts(0, 100))
    chart.append(pts(100, 200))
    chart.close()
    assert chart.tables["values"].n == 0
    assert chart._timer is None


def test_missing_front_end_build_names_the_build_command():
    with pytest.raises(ImportError, match=r"pip install -e \.|npm --prefix js"):
        _bundle.static_file("not-built.js")


def test_bad_input_fails_before_any_widget_is_created(comms):
    with pytest.raises(TypeError, match="values"):
        nbvis.linechart("not data")
    with pytest.raises(ValueError, match="width"):
        nbvis.linechart([], width=0)
    assert not [c for c in comms if isinstance(c, object) and c.messages
                and c.messages[0][1]["state"].get("_model_name") == "AnyModel"]


def test_chart_without_adapter_explains_that_append_is_unavailable(comms):
    from nbvis._columns import ColumnSpec, Table

    chart = ChartWidget({"mark": "point", "data": {"name": "t"}}, {"t": Table({"x": ColumnSpec()})})
    with pytest.raises(TypeError, match="append"):
        chart.append([1])


def test_a_closed_runtime_is_never_handed_out_again(comms):
    """marimo closes the comm of a widget whose cell re-runs and leaves ``widget.comm`` set."""
    first = VegaRuntime.shared()
    first.comm._closed = True
    second = VegaRuntime.shared()
    assert second is not first
    assert nbvis.linechart([])._runtime is second


def test_each_marimo_session_gets_its_own_runtime(comms, monkeypatch):
    """``marimo run`` serves every visitor from one process: a runtime opened for one
    visitor's page never reached the next visitor's page."""
    from nbvis.widgets import runtime as runtime_module

    monkeypatch.setattr(runtime_module, "session_token", lambda: "visitor-1")
    first = VegaRuntime.shared()
    assert VegaRuntime.shared() is first
    monkeypatch.setattr(runtime_module, "session_token", lambda: "visitor-2")
    second = VegaRuntime.shared()
    assert second is not first and VegaRuntime.shared() is second
