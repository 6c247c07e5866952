"""The runs board in JupyterLab: several runs, read back from the board and its canvas."""

from __future__ import annotations

import json

from browser.lab import wait_js
from browser.test_catalogue_browser import wait_for
from browser.test_training_browser import kernel_busy

SWEEP = (
    "import numpy as np, nbvis, tempfile\n"
    "logdir = tempfile.mkdtemp()\n"
    "for i, lr in enumerate([0.1, 0.01, 0.001]):\n"
    "    with nbvis.runs.start(f'lr={lr}', logdir=logdir, hparams={'lr': lr, 'opt': '<b>sgd</b>'}) as run:\n"
    "        for step in range(200):\n"
    "            run.log(step, loss=np.exp(-step * lr * 10) + i * 0.1, acc=1 - np.exp(-step * lr * 10))\n"
)

BOARD = "() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-board')?.__nbvis?.board"
DEBUG = f"() => {{ const b = ({BOARD})(); return b ? b.debug() : null; }}"

# The canvas colour nearest to `color` in the 5x5 pixels around where a point is drawn.
PIXEL = f"""
([tag, run, index, color]) => {{
  const board = ({BOARD})();
  const [px, py] = board.pixelOf(tag, run, index);
  const canvas = board.plots.get(tag).lines;
  const ratio = canvas.width / canvas.clientWidth;
  const ctx = canvas.getContext('2d');
  const want = [1, 3, 5].map((k) => parseInt(color.slice(k, k + 2), 16));
  let best = 1e9;
  for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) {{
    const p = ctx.getImageData(Math.round(px * ratio) + dx, Math.round(py * ratio) + dy, 1, 1).data;
    best = Math.min(best, Math.hypot(p[0] - want[0], p[1] - want[1], p[2] - want[2]));
  }}
  return best;
}}
"""


def debug(lab) -> dict:
    return lab.page.evaluate(DEBUG)


def wait_board(lab, test: str, timeout: float = 30) -> dict:
    try:
        wait_for(lab, f"() => {{ const d = ({DEBUG})(); return d && ({test})(d); }}", timeout=timeout)
    except Exception as exc:
        raise AssertionError(f"board is {json.dumps(debug(lab))[:2000]}, waited for {test}") from exc
    return debug(lab)


def chart(d: dict, tag: str) -> dict:
    return next(c for c in d["charts"] if c["tag"] == tag)


def colours_drawn(lab, d: dict) -> None:
    colors = {e["run"]: e["color"] for e in d["legend"]}
    hexes = {r: lab.page.evaluate(
        "(c) => { const e = document.createElement('div'); e.style.color = c; document.body.append(e);"
        " const m = getComputedStyle(e).color.match(/\\d+/g).map(Number); e.remove();"
        " return '#' + m.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join(''); }", c)
        for r, c in colors.items()}
    # step 100: loss 0.0, 0.1, 0.57 (apart); acc 1, 1, 0.63 (only lr=0.001 apart)
    for run in hexes:
        assert lab.page.evaluate(PIXEL, ["loss", run, 100, hexes[run]]) < 40, f"{run} not drawn in its colour on loss"
    assert lab.page.evaluate(PIXEL, ["acc", "lr=0.001", 100, hexes["lr=0.001"]]) < 40


def test_a_board_of_runs_keeps_colours_filters_hides_solos_zooms_together_and_lists_hparams(lab):
    lab.server.write_notebook("board.ipynb", [SWEEP, "board = nbvis.show.runs(logdir, smoothing=0)\nboard"])
    lab.open("board.ipynb")
    lab.run_all()
    full = "(d) => d.charts.length === 2 && d.charts.every((c) => c.runs.length === 3 && Object.values(c.points).every((n) => n === 200))"
    d = wait_board(lab, full)
    assert [c["tag"] for c in d["charts"]] == ["acc", "loss"]
    assert [e["run"] for e in d["legend"]] == ["lr=0.1", "lr=0.01", "lr=0.001"]
    assert len({e["color"] for e in d["legend"]}) == 3
    assert d["progress"] is None  # everything read: no progress bar on screen
    colours_drawn(lab, d)
    for c in d["charts"]:
        assert all("." not in t for t in c["xTicks"]), c["xTicks"]  # integer steps

    # HParams table: one row per run, text only, sortable
    assert d["headers"][:3] == ["run ▲", "lr", "opt"] and "loss last" in d["headers"]
    assert sorted(r[0] for r in d["table"]) == ["lr=0.001", "lr=0.01", "lr=0.1"]
    assert {r[2] for r in d["table"]} == {"<b>sgd</b>"}
    assert lab.page.locator(".nbvis-board b").count() == 0
    lab.page.locator(".nbvis-board-table th", has_text="lr").first.click()
    d = debug(lab)
    assert [r[0] for r in d["table"]] == ["lr=0.001", "lr=0.01", "lr=0.1"]
    lab.page.locator(".nbvis-board-table tbody tr", has_text="lr=0.01").first.hover()
    d = wait_board(lab, "(d) => d.highlight === 'lr=0.01'")
    assert [line["run"] for line in d["parallel"]["lines"]][-1] == "lr=0.01"  # on top, and thicker
    assert {line["run"]: line["width"] for line in d["parallel"]["lines"]}["lr=0.01"] > 2
    lab.page.mouse.move(0, 0)

    # parallel coordinates: an axis per hparam, then the chosen metric; a line per run
    d = debug(lab)
    assert d["parallel"]["axes"] == ["lr", "opt", "acc last"]  # the first metric by default
    lab.page.locator(".nbvis-board-parallel select").select_option(label="loss last")
    d = wait_board(lab, "(d) => d.parallel.axes[2] === 'loss last'")
    lines = {line["run"]: line["points"] for line in d["parallel"]["lines"]}
    assert sorted(lines) == ["lr=0.001", "lr=0.01", "lr=0.1"] and all(len(p) == 3 for p in lines.values())
    # lr spans 100x: a log axis, largest on top; one opt value, at one height for every run
    assert lines["lr=0.1"][0][1] < lines["lr=0.01"][0][1] < lines["lr=0.001"][0][1]
    assert len({p[1][1] for p in lines.values()}) == 1
    # last loss, exp(-1990 lr) + 0.1 i: lr=0.001 (0.34) highest, then lr=0.01 (0.10), lr=0.1 (0.00)
    assert lines["lr=0.001"][2][1] < lines["lr=0.01"][2][1] < lines["lr=0.1"][2][1]

    # legend: click hides, shift-click solos, shift-click again leaves solo
    lab.page.locator(".nbvis-board-run", has_text="lr=0.1").first.click()
    wait_board(lab, "(d) => d.charts.every((c) => c.runs.join() === 'lr=0.01,lr=0.001')")
    lab.page.locator(".nbvis-board-run", has_text="lr=0.001").first.click(modifiers=["Shift"])
    wait_board(lab, "(d) => d.charts.every((c) => c.runs.join() === 'lr=0.001')")
    lab.page.locator(".nbvis-board-run", has_text="lr=0.001").first.click(modifiers=["Shift"])
    wait_board(lab, "(d) => d.charts.every((c) => c.runs.join() === 'lr=0.01,lr=0.001')")
    lab.page.locator(".nbvis-board-run", has_text="lr=0.1").first.click()
    wait_board(lab, "(d) => d.charts.every((c) => c.runs.length === 3)")

    # regex filters: runs and tags; a broken pattern is marked and changes nothing
    lab.page.locator(".nbvis-board-runs-filter").fill("0\\.0")
    wait_board(lab, "(d) => d.charts.every((c) => c.runs.join() === 'lr=0.01,lr=0.001')")
    lab.page.locator(".nbvis-board-runs-filter").fill("lr=(")
    assert "nbvis-invalid" in lab.page.locator(".nbvis-board-runs-filter").get_attribute("class")
    assert all(c["runs"] == ["lr=0.01", "lr=0.001"] for c in debug(lab)["charts"])
    lab.page.locator(".nbvis-board-runs-filter").fill("")
    lab.page.locator(".nbvis-board-tags-filter").fill("^loss$")
    wait_board(lab, "(d) => d.charts.length === 1 && d.charts[0].tag === 'loss'")
    lab.page.locator(".nbvis-board-tags-filter").fill("")
    wait_board(lab, full)

    # linked zoom: the wheel on one chart zooms the other; double-click resets both
    box = lab.page.locator(".nbvis-board-chart[data-tag='loss'] .nbvis-board-overlay").bounding_box()
    lab.page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] / 2)
    lab.page.mouse.wheel(0, -400)
    d = wait_board(lab, "(d) => d.charts.every((c) => c.domain && c.domain[1] - c.domain[0] < 150)")
    assert chart(d, "acc")["domain"] == chart(d, "loss")["domain"]

    # tooltip: every visible run at the hovered step, largest value first
    lab.page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    tip = lab.page.locator(".nbvis-board-chart[data-tag='loss'] .nbvis-board-tooltip")
    tip.wait_for(state="visible")
    names = [t.strip() for t in tip.locator("tr td:nth-child(2)").all_inner_texts()]
    values = [float(t) for t in tip.locator("tr td:nth-child(3)").all_inner_texts()]
    assert sorted(names) == ["lr=0.001", "lr=0.01", "lr=0.1"] and values == sorted(values, reverse=True)
    lab.page.mouse.dblclick(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    wait_board(lab, "(d) => d.charts.every((c) => c.domain[0] === 0 && c.domain[1] === 199)")

    # x axis: relative time and wall time
    lab.page.locator(".nbvis-board-xaxis").select_option("relative")
    d = wait_board(lab, "(d) => d.charts.every((c) => c.xTicks.length > 1 && c.xTicks.every((t) => t.endsWith('s')))")
    assert chart(d, "loss")["domain"][1] < 60  # seconds since each run's start
    lab.page.locator(".nbvis-board-xaxis").select_option("wall")
    d = wait_board(lab, "(d) => d.charts.every((c) => c.domain[0] > 1.7e12)")  # ms since the epoch
    assert chart(d, "loss")["xTicks"] != ["0", "50", "100", "150"]
    lab.page.locator(".nbvis-board-xaxis").select_option("step")

    # a reload: the same colours, drawn again
    before = [(e["run"], e["color"]) for e in debug(lab)["legend"]]
    lab.save()
    lab.page.reload(wait_until="domcontentloaded")
    lab.open("board.ipynb")
    d = wait_board(lab, full)
    assert [(e["run"], e["color"]) for e in d["legend"]] == before
    colours_drawn(lab, d)


FIT = (
    "import keras, time\n"
    "class Slow(keras.callbacks.Callback):\n"
    "    def on_train_batch_end(self, batch, logs=None):\n"
    "        time.sleep(0.02)\n"
    "        gate = os.path.join(logdir, '..', 'gate')\n"
    "        t = time.monotonic()\n"
    "        while batch == 20 and not os.path.exists(gate) and time.monotonic() - t < 60:\n"
    "            time.sleep(0.05)  # held until the test has seen points arrive\n"
    "x = np.random.default_rng(0).normal(size=(512, 4)).astype('float32'); y = x.sum(1, keepdims=True)\n"
    "model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dense(1)])\n"
    "model.compile('adam', 'mse')\n"
    "cb = nbvis.show.fit_callbacks(run='lr=3e-4', logdir=logdir, display=False)\n"
    "model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[cb, Slow()])\n"
)


def test_a_board_shown_before_fit_gets_the_run_live_and_a_restart_shows_every_point(lab, tmp_path):
    logdir = str(tmp_path / "logs")
    lab.server.write_notebook("live.ipynb", [
        f"import numpy as np, nbvis, os\nlogdir = {logdir!r}\nos.makedirs(logdir, exist_ok=True)",
        "board = nbvis.show.runs(logdir, smoothing=0)\nboard",
        FIT,
    ])
    lab.open("live.ipynb")
    lab.start_command("notebook:run-all-cells")
    # points arrive while fit() runs: the fit holds at batch 20 until the test opens the gate
    d = wait_board(lab, "(d) => d.legend.length === 1 && d.charts.some((c) => (c.points['lr=3e-4'] ?? 0) > 5)", 60)
    assert kernel_busy(lab), "the points should arrive during the fit"  # the fit's cell shows [*]
    (tmp_path / "gate").touch()
    lab.wait_idle(120)
    # every point drawn: the last batch and the last epoch arrive in messages of their own
    done = ("(d) => { const n = (tag) => d.charts.find((c) => c.tag === tag)?.points['lr=3e-4'];"
            " return n('batch_loss') === 192 && n('epoch_loss') === 3; }")
    d = wait_board(lab, done)
    assert chart(d, "batch_loss")["domain"] == [1, 192]  # the global step, from 1

    lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    wait_js(lab.page, "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'", timeout=60_000)
    lab.foreign_errors.append("widget model not found")
    lab.add_cell_and_run(f"import nbvis\nnbvis.show.runs({logdir!r}, smoothing=0)")
    boards = "() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-board')].map((e) => e.__nbvis?.board?.debug())"
    wait_for(lab, f"() => {{ const b = ({boards})(); const d = b[b.length - 1];"
                  " return d && d.charts.some((c) => c.tag === 'batch_loss' && c.points['lr=3e-4'] === 192); }", timeout=30)


def test_a_watched_logdir_streams_a_job_elsewhere_onto_the_board_while_the_kernel_is_idle(lab, tmp_path):
    from nbvis.runs._events import RunFileWriter

    logdir = tmp_path / "logs"
    logdir.mkdir()
    lab.server.write_notebook("watch.ipynb", [
        f"import nbvis\nlogdir = {str(logdir)!r}",
        "board = nbvis.show.runs(logdir, watch=True, poll=0.2, smoothing=0)\nboard",
    ])
    lab.open("watch.ipynb")
    lab.run_all()
    lab.wait_idle()
    # a job on "another machine": this process writes, the notebook's kernel only watches
    name = "<img src=x onerror=alert(1)>"
    writer = RunFileWriter(str(logdir / name))
    for step in range(50):
        writer.scalars(step, 1_700_000_000.0 + step, {"loss": 1.0 / (step + 1)})
    writer.flush()
    d = wait_board(lab, f"(d) => (d.charts[0]?.points[{json.dumps(name)}] ?? 0) === 50")
    assert [e["run"] for e in d["legend"]] == [name]  # a name is text, never markup
    assert lab.page.evaluate("() => document.querySelectorAll('.nbvis-board img').length") == 0
    for step in range(50, 80):
        writer.scalars(step, 1_700_000_000.0 + step, {"loss": 1.0 / (step + 1)})
    writer.flush()
    wait_board(lab, f"(d) => d.charts[0].points[{json.dumps(name)}] === 80")
    status = lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status")
    assert status == "idle"  # the watcher's thread brought them, no cell ran
    # a fault: the file is deleted; the board says so, as text, and keeps the points
    writer.close()
    import os

    os.remove(writer.path)
    wait_for(lab, "() => document.querySelector('.nbvis-board-notes')?.textContent.includes('was deleted')")
    note = lab.page.evaluate("() => document.querySelector('.nbvis-board-notes').textContent")
    assert note == f"{name}: {writer.path} was deleted; its points are kept"
    assert debug(lab)["charts"][0]["points"][name] == 80
    lab.screenshot("runs-watched")
    # re-running the board's cell leaves one watcher
    for _ in range(2):
        lab.page.evaluate("() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 1; }")
        lab.command("notebook:run-cell")
        lab.wait_idle()
    out = lab.execute("import threading, gc; gc.collect(); "
                      "print(sum(t.name.startswith('nbvis-watch') for t in threading.enumerate()))")
    assert out.strip() == "1"
    wait_for(lab, "() => document.querySelector('.nbvis-board-notes')?.textContent.includes('no event files')")
