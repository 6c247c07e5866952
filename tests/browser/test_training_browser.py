"""fit_callbacks in a real JupyterLab kernel: live during fit(), interactive while it runs."""

from __future__ import annotations

from browser.lab import wait_js

SETUP = """
import os, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np, keras, nbvis
keras.utils.set_random_seed(0)
x = np.random.default_rng(0).random((1280, 16)).astype("float32")
y = (x[:, :8].sum(1) > x[:, 8:].sum(1)).astype("int32")
model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(32, activation="relu"),
                          keras.layers.Dense(2, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])

class Slow(keras.callbacks.Callback):
    # ~25 ms steps; holds before steps 30 and 180 until the test opens their gate (a file),
    # so the run is still going whenever the test looks, however slow this machine is
    def __init__(self):
        super().__init__(); self.steps = 0
    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        while self.steps in (30, 180) and not os.path.exists(f"gate-{self.steps}"):
            time.sleep(0.02)
        time.sleep(0.025)

class PoisonAfter(keras.callbacks.Callback):
    def __init__(self, step):
        super().__init__(); self.step, self.seen = step, 0
    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen > self.step:
            logs["loss"] = float("nan")
"""

FIT = """
cb = nbvis.show.fit_callbacks()
model.fit(x, y, epochs=6, batch_size=32, validation_split=0.25, verbose=0, callbacks=[Slow(), cb])
"""

def charts(lab):
    """Chart summaries in page order: batch section (one chart per group), then epoch section."""
    return lab.page.evaluate(
        """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart')].map((el) => {
             const d = el.__nbvis, v = d && d.view;
             if (!v) return null;
             const texts = [];
             const walk = (item, role) => {
               const r = item.role || role;
               if (item.marktype === 'text' && (r === 'axis-title' || r === 'legend-label'))
                 for (const t of item.items || []) texts.push([r, t.text]);
               for (const c of item.items || []) walk(c, r);
             };
             walk(v.scenegraph().root, null);
             const has = (name) => { try { return v.data(name).length; } catch (e) { return null; } };
             return { rows: v.data('values').length, smoothed: has('smoothed'), events: has('events'),
                      xDomain: v.scale('x').domain(), yType: v.scale('y').type, embeds: d.embeds,
                      smoothing: d.smoothing ?? null, logY: d.logY,
                      yTitle: (texts.find(([r, t]) => r === 'axis-title' && t !== 'Batch' && t !== 'Epoch') || [])[1],
                      xTitle: (texts.find(([r, t]) => r === 'axis-title' && (t === 'Batch' || t === 'Epoch')) || [])[1],
                      legend: texts.filter(([r]) => r === 'legend-label').map(([, t]) => t) };
           })"""
    )


def kernel_busy(lab) -> bool:
    """A cell is still executing (its prompt shows [*]); the kernel status alone flickers to
    idle while ipykernel answers the widget manager's requests during a long cell."""
    return lab.page.evaluate(
        """() => [...window.jupyterapp.shell.currentWidget.content.widgets].some(
             (c) => c.model.type === 'code' && c.promptNode && c.promptNode.textContent.includes('*'))"""
    )


def find(summaries, x_title, y_title):
    for i, c in enumerate(summaries):
        if c and c["xTitle"] == x_title and c["yTitle"] == y_title:
            return i, c
    raise AssertionError(f"no {x_title}/{y_title} chart in {summaries}")


def wait_chart(lab, index: int, condition: str, timeout: float = 60) -> dict:
    """Wait until chart ``index`` (page order, as :func:`charts`) meets ``condition``, a JS
    expression over ``c`` (rows, xDomain, smoothing, smoothed); returns its summary."""
    wait_js(lab.page, """([i, condition]) => {
             const el = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart')[i];
             const d = el && el.__nbvis, v = d && d.view;
             if (!v) return false;
             let smoothed = null;
             try { smoothed = v.data('smoothed').length; } catch (e) { /* no smoothing */ }
             const c = { rows: v.data('values').length, xDomain: v.scale('x').domain(),
                         smoothing: d.smoothing ?? null, smoothed };
             return new Function('c', `return (${condition});`)(c);
           }""",
        arg=[index, condition], timeout=timeout * 1000,
    )
    return charts(lab)[index]


def test_points_arrive_during_fit_and_the_chart_zooms_smooths_and_rescales_while_it_runs(lab):
    lab.server.write_notebook("fit.ipynb", [SETUP, FIT])
    lab.open("fit.ipynb")
    lab.start_command("notebook:run-all-cells")
    # 1. the fit holds before step 30: 29 points are drawn while the cell still runs
    wait_js(lab.page, "() => [...document.querySelectorAll('.nbvis-chart')].some((el) => el.__nbvis?.view?.data('values').length === 29)",
        timeout=60_000,
    )
    index = find(charts(lab), "Batch", "loss, each batch")[0]
    held = wait_chart(lab, index, "c.rows === 29")
    assert kernel_busy(lab)

    # 2. zoom (wheel) works while the kernel is busy in fit(), and holds while points stream in
    canvas = lab.page.locator(".nbvis-chart canvas").nth(index)
    box = canvas.bounding_box()
    lab.page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    lab.page.mouse.wheel(0, -800)
    zoomed = wait_chart(lab, index, f"c.xDomain[1] - c.xDomain[0] < 0.7 * {held['rows']}")  # x = step = 1..rows
    (lab.server.root / "gate-30").touch()  # on to the next gate, before step 180
    later = wait_chart(lab, index, f"c.rows > {zoomed['rows']}")
    # the first epoch has ended (step 30 was its last): its section of the panel appears below
    # the batch charts and moves the page; the clicks below wait until the panel has all four
    wait_js(lab.page, "() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart')]"
                      ".filter((el) => el.__nbvis?.view).length === 4", timeout=60_000)
    assert kernel_busy(lab)
    assert later["xDomain"] == zoomed["xDomain"], (zoomed, later)
    assert later["embeds"] == 1  # zooming and streaming never re-embed

    # 3. the smoothing slider and the log toggle work while the kernel is busy
    chart = lab.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart").nth(index)
    slider = chart.locator(".nbvis-smoothing")
    slider.fill("0.95")
    wait_chart(lab, index, "c.smoothing === 0.95 && c.smoothed === c.rows")
    # a click event on the box itself, as the slider's fill() sets its value: the panel grows
    # while fit() runs, and a click at the box's position from a moment before can miss it
    # (a clean-clone run saw "clicking the checkbox did not change its state")
    log_box = chart.locator(".nbvis-log")
    log_box.dispatch_event("click")
    assert log_box.is_checked()
    wait_js(lab.page, "(i) => document.querySelectorAll('.nbvis-chart')[i].__nbvis.view.scale('y').type === 'log'", arg=index
    )
    assert kernel_busy(lab), "controls must be shown working while fit() still runs"
    lab.screenshot("fit_during_training")
    (lab.server.root / "gate-180").touch()

    # 4. after the run: everything arrived, val_ metrics beside their base metric
    lab.wait_idle(timeout=120)
    wait_chart(lab, find(charts(lab), "Batch", "loss, each batch")[0], "c.rows === 180")
    summaries = charts(lab)
    # the output was refreshed once at the end (to carry pictures): still one live view per chart
    assert len(summaries) == 4 and all(s is not None for s in summaries), summaries
    assert find(summaries, "Batch", "loss, each batch")[1]["rows"] == 6 * 30  # 960 rows / 32, every batch
    epoch_loss = find(summaries, "Epoch", "loss")[1]
    assert epoch_loss["rows"] == 12 and epoch_loss["legend"] == ["loss", "val_loss"]
    assert find(summaries, "Epoch", "accuracy")[1]["legend"] == ["accuracy", "val_accuracy"]
    assert lab.execute("print(sorted(k for k in cb.plots.charts))").strip() == (
        "[('batch', 'accuracy'), ('batch', 'loss'), ('epoch', 'accuracy'), ('epoch', 'loss')]"
    )


def test_a_nan_loss_is_marked_where_it_started_and_the_chart_keeps_working(lab):
    lab.server.write_notebook(
        "nan.ipynb",
        [SETUP, "cb = nbvis.show.fit_callbacks(callbacks=['batch'])\n"
                "model.fit(x, y, epochs=2, batch_size=64, verbose=0, callbacks=[PoisonAfter(12), cb])"],
    )
    lab.open("nan.ipynb")
    lab.run_all()
    wait_js(lab.page, """() => [...document.querySelectorAll('.nbvis-chart')].some((el) => el.__nbvis?.view?.data('events').length === 1
                  && el.__nbvis.view.data('values').length === 40)""",
        timeout=30_000,
    )
    _, loss = find(charts(lab), "Batch", "loss, each batch")
    assert loss["events"] == 1 and loss["rows"] == 40
    label = lab.page.evaluate(
        """() => { for (const el of document.querySelectorAll('.nbvis-chart')) {
                     const e = el.__nbvis.view.data('events'); if (e.length) return [e[0].x, e[0].label]; } }"""
    )
    assert label == [13, "loss = nan"]
    lab.screenshot("fit_nan")
