"""What a chart holds in the kernel over its life: freed on close(), bounded on an endless
stream with a window, freed when the cell that made it is re-run."""

import gc
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import comm
import ipywidgets
import numpy as np
import psutil
import pytest
from comm.base_comm import BaseComm

import nbvis
from nbvis.widgets import ChartWidget


class CountingComm(BaseComm):
    """A comm that keeps no message, only their count and whether seq rose by one each time."""

    def __init__(self, **kwargs: Any) -> None:
        self.sent = 0
        self.last_seq = 0
        self.seq_in_order = True
        super().__init__(**kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None, buffers: Any = None,
                    **keys: Any) -> None:
        content = data or {}
        if msg_type == "comm_msg" and isinstance(content, dict) and content.get("method") == "custom":
            seq = content["content"]["seq"]
            self.seq_in_order &= seq == self.last_seq + 1
            self.last_seq = seq
            self.sent += 1


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> list[CountingComm]:
    opened: list[CountingComm] = []

    def create(*args: Any, **kwargs: Any) -> CountingComm:
        opened.append(CountingComm(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(comm, "create_comm", create)
    return opened


def live_charts() -> int:
    return sum(isinstance(w, ChartWidget) for w in ipywidgets.widgets.widget._instances.values())


def test_close_frees_the_kernel_side_rows_and_forgets_the_chart(counting):
    # first use, small and big (the level of detail's path): imports and the runtime bundle,
    # cached for good (~2 MB that a small first chart alone left to be counted as held)
    nbvis.linechart([1.0, 2.0]).close()
    nbvis.linechart({"a": np.zeros(300_000)}).close()
    gc.collect()
    # only what nbvis's own code allocated counts: threads that earlier tests left running
    # (timers, executors) allocate too, and would be counted by the process-wide total
    package = str(Path(nbvis.__file__).parent) + os.sep

    def held() -> int:
        gc.collect()
        return sum(t.size for t in tracemalloc.take_snapshot().traces
                   if any(frame.filename.startswith(package) for frame in t.traceback))

    tracemalloc.start(32)
    try:
        before = held()
        chart = nbvis.linechart({"a": np.random.default_rng(0).random(500_000), "b": np.zeros(500_000)})
        chart.append({"a": [1.0, 2.0]})  # a pending flush (timer) too
        holding = held() - before
        n_live = live_charts()
        chart.close()
        after = held() - before
    finally:
        tracemalloc.stop()
    assert holding > 8_000_000  # a million rows: x, y and series codes
    assert after < 0.05 * holding, (holding, after)
    assert chart.tables["values"].n == 0 and chart.comm is None and chart._timer is None
    assert live_charts() == n_live - 1


def test_a_million_appends_with_a_window_keep_the_kernels_memory_flat(counting):
    chart = nbvis.linechart([{"x": 0, "y": 0.0}], window=1000)
    process = psutil.Process()

    def stream(start: int, stop: int) -> int:
        for i in range(start, stop):
            chart.append([{"x": i, "y": float(i % 13)}])  # one point per call, as a training loop does
        chart.flush()
        gc.collect()
        return process.memory_info().rss

    rss0 = stream(1, 100_001)  # warm up: buffers at their steady size
    rss1 = stream(100_001, 1_000_001)
    table = chart.tables["values"]
    sent = next(c for c in counting if c.comm_id == chart.comm.comm_id)
    print(f"\n1,000,000 appends, window=1000: RSS {(rss1 - rss0) / 2**20:+.1f} MiB, {sent.sent} messages")
    assert table.n == 1000 and table.column("x")[0] == 999_001 and table.column("x")[-1] == 1_000_000
    assert sent.seq_in_order and sent.sent >= 2
    assert rss1 - rss0 < 8 * 2**20, (rss1 - rss0) / 2**20
    chart.close()


RERUN = """
import json
import ipywidgets
from IPython.testing.globalipapp import start_ipython
from nbvis.widgets import ChartWidget
shell = start_ipython()
shell.run_cell("import numpy as np, nbvis; keep = []", cell_id="setup")
def live():
    return sorted(w.tables["values"].n for w in ipywidgets.widgets.widget._instances.values()
                  if isinstance(w, ChartWidget) and w.comm is not None)
out = {}
for cell, code in {
    "last-expression": "c = nbvis.linechart(np.random.rand(100_000))\\nc",
    "displayed": "display(nbvis.linechart(np.random.rand(1_000)))",
    "kept-in-a-list": "keep.append(nbvis.linechart(np.random.rand(10))); display(keep[-1])",
    "kept-by-name": "d = nbvis.linechart(np.random.rand(20)); display(d)",
}.items():
    for run in range(4):
        shell.run_cell(code, cell_id=cell)
        if cell == "kept-by-name" and run == 1:
            shell.run_cell("e = d", cell_id="alias")  # another name holds this one chart
    out[cell] = live()
print(json.dumps(out))
"""


def test_re_running_a_cell_closes_the_charts_it_replaced_unless_something_holds_them():
    # its own interpreter: an IPython shell here would change how every other test displays
    result = subprocess.run([sys.executable, "-c", RERUN], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    live = json.loads(result.stdout.strip().splitlines()[-1])
    assert live["last-expression"] == [100_000]  # Out[n] and _ do not keep the old ones
    assert live["displayed"] == [1_000, 100_000]
    assert live["kept-in-a-list"] == [10, 10, 10, 10, 1_000, 100_000]  # the list holds them
    assert live["kept-by-name"] == [10, 10, 10, 10, 20, 20, 1_000, 100_000]  # the aliased one and the last
