"""Appends from several threads at once: every row reaches the browser exactly once."""

import sys
import threading

import numpy as np

import nbvis

_DTYPES = {"f32": "<f4", "f64": "<f8", "i32": "<i4", "u8": "u1", "u16": "<u2"}


def chart_comm(comms, chart):
    return next(c for c in comms if c.comm_id == chart.comm.comm_id)


def decoded_rows(message, buffers, name="values"):
    """(x, series name) pairs carried by one data message, as the browser decodes them."""
    header = message["datasets"].get(name)
    if header is None:
        return []
    cols = header["columns"]

    def column(col):
        return np.frombuffer(buffers[cols[col]["buf"]], _DTYPES[cols[col]["dtype"]])

    series = [cols["series"]["categories"][int(c)] for c in column("series")]
    return list(zip(column("x").tolist(), series, strict=True))


def series_domains(spec):
    """Every scale domain of an encoding of the series field in a spec."""
    if isinstance(spec, dict):
        if spec.get("field") == "series" and "domain" in spec.get("scale", {}):
            yield spec["scale"]["domain"]
        for value in spec.values():
            yield from series_domains(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from series_domains(value)


def test_appends_from_a_thread_and_the_main_thread_arrive_once_each_in_seq_order(comms):
    chart = nbvis.linechart({"main": [{"x": -1, "y": 0.0}]})
    chart._flush_interval = 0.001  # many small messages: the interleavings this test is after
    per_thread, batch = 900, 3
    start = threading.Barrier(3)

    def writer(name, offset):
        start.wait()
        for i in range(0, per_thread, batch):
            xs = range(offset + i, offset + i + batch)
            # every batch also names a series the other thread may be adding at the same time
            chart.append({name: [{"x": x, "y": float(x)} for x in xs], f"{name}-{i}": [{"x": offset + i, "y": 1.0}]})

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up
    threads = [threading.Thread(target=writer, args=("bg1", 100_000)),
               threading.Thread(target=writer, args=("bg2", 200_000))]
    for thread in threads:
        thread.start()
    try:
        writer("main", 0)
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    chart.flush()

    sent = chart_comm(comms, chart).custom()
    seqs = [m["seq"] for m, _ in sent]
    assert seqs == list(range(1, len(sent) + 1))  # monotone, no gaps: the browser applies each once
    assert len(sent) >= 3  # flushes really did happen between appends
    received = [row for m, b in sent for row in decoded_rows(m, b)]
    expected = [(float(x), name) for name, off in (("main", 0), ("bg1", 100_000), ("bg2", 200_000))
                for i in range(0, per_thread, batch) for x in range(off + i, off + i + batch)]
    expected += [(float(off + i), f"{name}-{i}") for name, off in (("main", 0), ("bg1", 100_000), ("bg2", 200_000))
                 for i in range(0, per_thread, batch)]
    assert len(received) == len(set(received)) == len(expected)  # nothing twice, nothing lost
    assert set(received) == set(expected)
    # every series any thread named is in the colour domain (no name lost to a race)
    names = {name for _, name in expected} | {"main"}
    domains = list(series_domains(chart.spec))
    assert domains and all(names <= set(d) for d in domains)
    assert names <= set(chart.tables["values"].categories("series"))
    # each thread's own rows stay in the order it appended them
    for name in ("main", "bg1", "bg2"):
        xs = [x for x, s in received if s == name]
        assert xs == sorted(xs)


def test_image_grid_appends_from_two_threads_keep_every_image_at_its_own_pixel_offset(comms):
    grid = nbvis.image_grid(np.zeros((1, 4, 4), np.uint8), labels=["first"])
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)

    def writer(value, n):
        for i in range(n):
            grid.append(np.full((1, 2 + value, 3, 1), value, np.uint8), labels=[f"{value}-{i}"])

    thread = threading.Thread(target=writer, args=(7, 200))
    try:
        thread.start()
        writer(9, 200)
        thread.join()
    finally:
        sys.setswitchinterval(interval)
    images, pixels = grid.tables["images"], grid.tables["pixels"].column("v")
    sizes = images.column("h") * images.column("w") * images.column("c")
    offsets = images.column("offset")
    np.testing.assert_array_equal(offsets, np.concatenate([[0], np.cumsum(sizes)[:-1]]))
    for label, offset, size in zip(images.labels("label")[1:], offsets[1:], sizes[1:], strict=True):
        value = int(label.split("-")[0])
        assert np.all(pixels[int(offset):int(offset + size)] == value), label
    assert images.n == 401 and pixels.size == int(sizes.sum())


def test_appends_reach_the_page_where_no_thread_can_start(comms, monkeypatch):
    """Pyodide cannot start threads: every append is sent from the caller's thread."""
    chart = nbvis.linechart({"a": [{"x": 0, "y": 0.0}]})
    comm = chart_comm(comms, chart)

    def refuse(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    chart.append({"a": [{"x": 1, "y": 1.0}, {"x": 2, "y": 2.0}]})
    chart.append({"a": [{"x": 3, "y": 3.0}]})
    rows = [x for message, buffers in comm.custom() for x, _ in decoded_rows(message, buffers)]
    assert rows == [1.0, 2.0, 3.0]
    assert chart._timer is None


def test_appends_are_sent_from_the_callers_thread_under_a_marimo_that_drops_other_threads(comms, monkeypatch):
    """marimo before 0.23.14 dropped messages sent from threads it did not start."""
    import types

    from nbvis.widgets._display import threads_deliver

    assert threads_deliver()
    monkeypatch.setitem(sys.modules, "marimo", types.SimpleNamespace(__version__="0.23.13"))
    assert not threads_deliver()
    chart = nbvis.linechart({"a": [{"x": 0, "y": 0.0}]})
    comm = chart_comm(comms, chart)
    chart.append({"a": [{"x": 1, "y": 1.0}]})
    assert chart._timer is None and len(comm.custom()) == 1
    monkeypatch.setitem(sys.modules, "marimo", types.SimpleNamespace(__version__="0.25.2"))
    assert threads_deliver()
