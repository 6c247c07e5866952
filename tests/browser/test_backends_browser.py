"""Training under Keras 3's JAX and PyTorch backends in a JupyterLab kernel: the live
charts and the runs board on a true global step (steps_per_execution, a resumed fit)."""

from __future__ import annotations

import importlib.util

import pytest

from browser.test_catalogue_browser import wait_for
from browser.test_runs_browser import chart, wait_board

SETUP = """
import os
os.environ["KERAS_BACKEND"] = {backend!r}  # before Keras is imported: this kernel's backend
import sys, tempfile, time
import numpy as np, keras, nbvis
logdir = tempfile.mkdtemp()
rng = np.random.default_rng(0)
x = rng.random((576, 8)).astype("float32"); y = (x.sum(1) > 4).astype("int32")
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"],
              steps_per_execution={per_execution})  # torch: Keras allows only 1
"""

FIRST = """
cb = nbvis.show.fit_callbacks(run="first", logdir=logdir)
model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[cb])  # 72 steps an epoch, 8 per execution
"""

RESUMED = """
cb2 = nbvis.show.fit_callbacks(run="resumed", logdir=logdir)
model.fit(x, y, initial_epoch=2, epochs=3, batch_size=8, verbose=0, callbacks=[cb2])
"""

BOARD = "board = nbvis.show.runs(logdir, smoothing=0)\nboard"
CHECK = 'print(keras.backend.backend(), "tensorflow" in sys.modules)'

# Every training chart: its axis titles, the x of its points, its x tick labels, its drawn points.
CHARTS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart')].map((el) => {
  const v = el.__nbvis && el.__nbvis.view;
  if (!v) return null;
  const titles = [], ticks = [];
  let symbols = 0;
  const walk = (item, role) => {
    const r = item.role || role;
    if (item.marktype === 'text' && r === 'axis-title') for (const t of item.items || []) titles.push(t.text);
    const labels = item.marktype === 'text' && r === 'axis-label' ? item.items || [] : [];
    if (labels.length && labels.every((t) => t.x >= 0))  // the bottom axis: the left one's sit at x < 0
      for (const t of labels) ticks.push(t.text);
    if (item.marktype === 'symbol' && r === 'mark') symbols += (item.items || []).filter((s) => s.opacity !== 0).length;
    for (const c of item.items || []) walk(c, r);
  };
  walk(v.scenegraph().root, null);
  const xs = [...new Set(v.data('values').map((d) => d.x))].sort((a, b) => a - b);
  return { titles, xs, ticks, symbols };
})"""


def backend_param(name: str):
    missing = importlib.util.find_spec(name) is None
    return pytest.param(name, marks=pytest.mark.skipif(missing, reason=f"{name} is not installed"))


@pytest.mark.parametrize("backend", [backend_param("jax"), backend_param("torch")])
def test_fit_under_the_backend_plots_the_true_global_step_live_and_on_the_board(lab, backend):
    every = 8 if backend == "jax" else 1
    setup = SETUP.format(backend=backend, per_execution=every)
    lab.server.write_notebook(f"{backend}.ipynb", [setup, FIRST, RESUMED, BOARD])
    lab.open(f"{backend}.ipynb")
    lab.start_command("notebook:run-all-cells")
    lab.wait_idle(240)
    assert lab.execute(CHECK).split() == [backend, "False"]  # that backend, TensorFlow never imported

    first = list(range(every, 145, every))  # 2 epochs of 72 steps: Keras reports every 8th step (jax)
    resumed = list(range(144 + every, 217, every))  # initial_epoch=2 goes on from step 144, not from 1
    wait_for(lab, f"() => ({CHARTS})().filter((c) => c && c.xs.length).length === 8", timeout=60)
    charts = [c for c in lab.page.evaluate(CHARTS) if c]
    batch = [c for c in charts if "Batch" in c["titles"]]
    epoch = [c for c in charts if "Epoch" in c["titles"]]
    assert len(batch) == 4 and len(epoch) == 4  # loss and accuracy, twice
    assert [c["xs"] for c in batch] == [first, first, resumed, resumed]
    assert [c["xs"] for c in epoch] == [[1, 2], [1, 2], [3], [3]]
    for c in charts:
        assert c["ticks"] and all("." not in t for t in c["ticks"]), c  # integer steps and epochs
    # the resumed fit's epoch chart has a single point: it is drawn, not blank
    assert all(c["symbols"] >= 1 for c in epoch[2:]), epoch

    # the runs join the board first and their points follow: wait until both runs' points are drawn
    d = wait_board(lab, "(d) => d.legend.length === 2 && d.charts.some((c) => c.tag === 'batch_loss' && "
                        f"c.points.first === {len(first)} && c.points.resumed === {len(resumed)}) && "
                        "d.charts.some((c) => c.tag === 'epoch_loss' && c.points.first === 2 && c.points.resumed === 1)",
                   60)
    assert [e["run"] for e in d["legend"]] == ["first", "resumed"]
    batch_loss = chart(d, "batch_loss")
    assert batch_loss["points"] == {"first": len(first), "resumed": len(resumed)}
    assert batch_loss["domain"] == [every, 216]  # both runs on one step axis, end to end
    assert chart(d, "epoch_loss")["points"] == {"first": 2, "resumed": 1}
