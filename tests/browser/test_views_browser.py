"""The show.* model and quality views and the Visor, rendered in JupyterLab and read back."""

from __future__ import annotations

import json

from browser.test_catalogue_browser import num, read, show, wait_for

MODEL = (
    "import keras\n"
    "L = keras.layers\n"
    "base = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(4, 3, name='conv'), L.BatchNormalization(name='bn')],\n"
    "                        name='base')\n"
    "base.trainable = False\n"
    "i = keras.Input((8, 8, 1))\n"
    "x = L.Flatten(name='flat')(base(i))\n"
    "model = keras.Model(i, L.Dense(3, name='<img src=x onerror=alert(1)>')(x), name='classifier')\n"
    "model.get_layer('base').get_layer('conv').bias.assign(np.full(4, 7.0))\n"
)

# The visible rows of a table, cell texts, and whether each row is shown.
_TABLE = """
(i) => {
  const el = window.__nbvisProbe.charts()[i];
  return [...el.querySelectorAll('.nbvis-table tbody tr')].map((tr) => ({
    cells: [...tr.children].map((c) => c.textContent), shown: tr.style.display !== 'none',
    depth: Number(tr.dataset.depth ?? 0) }));
}
"""


# Whether some visible chart has dataset `name` whose rows pass the test (JS source).
HAS_DATA = """
([name, test]) => window.__nbvisProbe.charts().some((el) => {
  const view = el.__nbvis?.view;
  try { return view && eval(test)(view.data(name)); } catch (e) { return false; }
})
"""


def table(lab, i: int) -> list[dict]:
    return lab.page.evaluate(_TABLE, i)


def test_model_summary_folds_nested_models_and_the_weight_dropdown_works_while_the_kernel_is_busy(lab):
    show(lab, "model_views", [MODEL, "nbvis.show.model_summary(model)", "nbvis.show.layer(model.get_layer('base'))"],
         count=3)
    rows = table(lab, 0)
    assert [r["cells"][0] for r in rows] == ["▸base", "conv", "bn", "flat", "<img src=x onerror=alert(1)>"]
    assert [r["shown"] for r in rows] == [True, False, False, True, True]  # nested layers start folded
    assert rows[0]["cells"][1:] == ["Sequential", "(None, 6, 6, 4)", "56", "no"]
    notes = lab.page.locator(".nbvis-table-notes").first.inner_text()
    assert "Total params: 491 (1.92 KB)" in notes and "Non-trainable params: 56 (224 B)" in notes
    assert lab.page.locator(".nbvis-chart img").count() == 0  # the layer name stayed text

    lab.page.locator(".nbvis-tree-toggle").first.click()
    rows = table(lab, 0)
    assert [r["shown"] for r in rows] == [True] * 5 and [r["depth"] for r in rows] == [0, 1, 1, 0, 0]
    assert rows[0]["cells"][0] == "▾base"
    assert lab.page.locator(".nbvis-tree-toggle").first.get_attribute("aria-expanded") == "true"

    # show.layer of the nested model: six weights in the table, one histogram at a time
    weights = table(lab, 1)
    assert [r["cells"][0] for r in weights] == ["kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance"]
    assert weights[1]["cells"][1:] == ["(4,)", "7", "7", "4", "0", "0", "0"]
    select = lab.page.locator(".vega-bindings select").first
    assert select.locator("option").all_inner_texts()[:2] == ["kernel (3, 3, 1, 4)", "bias (4,)"]

    def drawn_bins() -> list[tuple[float, float, float]]:
        view = read(lab, 2)
        assert view["error"] is None
        return lab.page.evaluate(
            """() => { const v = window.__nbvisProbe.charts()[2].__nbvis.view;
                 const rows = []; const walk = (n) => { if (n.marktype === 'rect' && n.role === 'mark')
                   rows.push(...n.items.map((r) => [r.datum.start, r.datum.end, r.datum.count]));
                   for (const c of n.items || []) walk(c); };
                 walk(v.scenegraph().root); return rows; }""")

    kernel_bins = drawn_bins()
    assert sum(b[2] for b in kernel_bins) == 36  # the 3x3x1x4 kernel

    # the kernel is busy for a while: the drop-down still switches the histogram
    # the kernel runs until the test releases it (a file); window.__done says whether it returned
    lab.page.evaluate(
        """() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
             const code = "import os, time\\nwhile not os.path.exists('release-views'):\\n    time.sleep(0.05)";
             window.__done = false;
             window.__busy = k.requestExecute({ code }).done.then(() => { window.__done = true; }); }""")
    wait_for(lab, "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'busy'")
    select.select_option(index=1)
    wait_for(lab, "() => window.__nbvisProbe.charts()[2].__nbvis.view.signal('nbvis_choice') === 1")
    bias_bins = drawn_bins()
    assert sum(b[2] for b in bias_bins) == 4 and all(b[0] <= 7 <= b[1] for b in bias_bins if b[2])
    assert lab.page.evaluate("() => window.__done") is False  # switched while the kernel was busy
    (lab.server.root / "release-views").touch()
    lab.page.evaluate("() => window.__busy")
    lab.screenshot("views_model")


def test_values_distribution_and_quality_views_show_the_numbers_of_nbvis_metrics(lab):
    data = (
        "rng = np.random.default_rng(0)\n"
        "y = rng.integers(0, 3, 300); s = rng.random((300, 3)); s[np.arange(300), y] += 0.6\n"
        "names = ['cat', 'dog', '<b>fox</b>']\n"
        "x = rng.normal(size=100_000); x[:3] = [np.nan, np.inf, 0]"
    )
    show(lab, "quality_views", [
        data,
        "nbvis.show.values_distribution(x)",
        "nbvis.show.per_class_accuracy(y, s, class_names=names)",
        "nbvis.show.confusion_matrix(y, s, class_names=names)",
        "nbvis.show.roc_curve(y, s, class_names=names)",
        "nbvis.show.pr_curve(y == 1, s[:, 1])",
    ], count=5)
    aucs, ap, accuracy, counts = json.loads(lab.execute(
        "import json; from nbvis import metrics; print(json.dumps(["
        "[c.auc for c in metrics.roc_curves(y, s)], metrics.pr_curve(y == 1, s[:, 1]).average_precision, "
        "metrics.per_class_accuracy(y, s).accuracy.tolist(), metrics.confusion_matrix(y, s).tolist()]))"))

    hist = read(lab, 0, "bins")
    assert sum(r["count"] for r in hist["rows"]) == 100_000 - 2  # NaN and Inf are not binned
    stats = dict(zip(hist["statsText"][:6], hist["statsText"][6:]))
    assert stats["Count"] == "100,000" and stats["# NaNs"].startswith("1 ") and stats["# Infinity"].startswith("1 ")

    per_class = table(lab, 1)
    assert [r["cells"][0] for r in per_class] == ["cat", "dog", "<b>fox</b>"]  # text, not markup
    assert [num(r["cells"][1]) for r in per_class] == [round(a, 4) for a in accuracy]
    assert sum(int(r["cells"][2]) for r in per_class) == 300

    confusion = read(lab, 2, "cells")
    drawn = {(r["label"], r["prediction"]): r["count"] for r in confusion["rows"]}
    assert [[drawn[(a, b)] for b in ["cat", "dog", "<b>fox</b>"]] for a in ["cat", "dog", "<b>fox</b>"]] == counts
    assert sorted(int(t["text"]) for t in confusion["texts"] if t["text"].isdigit()) == sorted(
        c for row in counts for c in row)

    roc = read(lab, 3, "values")
    assert roc["legend"] == [f"{n} (AUC {a:.3f})" for n, a in zip(["cat", "dog", "<b>fox</b>"], aucs)] + ["chance"]
    assert roc["marks"]["line"] >= 1 and {a["title"] for a in roc["axes"]} == {"false positive rate",
                                                                                "true positive rate"}
    pr = read(lab, 4, "values")
    assert pr["legend"] == [f"precision-recall (AP {ap:.3f})", "chance"]
    lab.screenshot("views_quality")


def test_visor_activates_new_tabs_and_a_later_cell_fills_a_surface(lab):
    show(lab, "visor", [
        "vis = nbvis.Visor()\nvis",
        "vis.surface('Loss', tab='Training').show(nbvis.linechart([3.0, 2.0, 1.5, 1.2], x_label='epoch'))",
    ], count=1)
    tabs = lab.page.locator(".nbvis-tabs .nbvis-tab")
    assert tabs.all_inner_texts() == ["Training"]
    wait_for(lab, HAS_DATA, ["values", "(rows) => rows.length === 4"])
    line = lab.page.locator(".nbvis-tabs .nbvis-chart canvas").first.bounding_box()
    assert line["width"] > 300 and line["height"] > 100  # fills the surface's width
    assert lab.page.locator(".nbvis-tabs .nbvis-tab-current").inner_text() == "Training"
    # a later cell makes a new tab: it becomes the active one
    lab.add_cell_and_run("vis.surface('Counts', tab='Data <i>raw</i>').show(nbvis.barchart({'a': 3, 'b': 5}))")
    wait_for(lab, "() => document.querySelectorAll('.nbvis-tabs .nbvis-tab').length === 2")
    wait_for(lab, "() => document.querySelector('.nbvis-tabs .nbvis-tab-current')?.textContent"
                  " === 'Data <i>raw</i>'")
    wait_for(lab, HAS_DATA, ["values", "(rows) => rows.length === 2"])
    assert lab.page.locator(".nbvis-tabs i").count() == 0  # the tab title is text
    bars = next(c for c in lab.charts() if c and c.get("rows") == 2)
    assert bars["error"] is None
    # filling a surface on the first tab from yet another cell, then switching to it
    lab.add_cell_and_run("vis.surface('Loss', tab='Training').add(nbvis.histogram([1, 2, 2, 3]))\n"
                         "vis.set_active_tab('Training')")
    wait_for(lab, "() => document.querySelector('.nbvis-tabs .nbvis-tab-current')?.textContent"
                  " === 'Training'")
    assert lab.page.locator(".nbvis-tabs .nbvis-label").all_inner_texts() == ["Loss"]  # the shown tab's
    wait_for(lab, HAS_DATA, ["bins", "(rows) => rows.reduce((n, r) => n + r.count, 0) === 4"])
    # clicking a tab shows its surfaces; the Hide button hides the tabs
    lab.page.locator(".nbvis-tabs .nbvis-tab", has_text="Data").click()
    wait_for(lab, "() => [...document.querySelectorAll('.nbvis-tabs .nbvis-label')].map((l) => l.textContent)"
                  ".join() === 'Counts'")
    lab.page.locator(".nbvis-panel .nbvis-toggle").click()
    wait_for(lab, "() => getComputedStyle(document.querySelector('.nbvis-tabs')).display === 'none'")
    lab.page.locator(".nbvis-panel .nbvis-toggle").click()
    wait_for(lab, "() => document.querySelector('.nbvis-tab-current')?.textContent === 'Data <i>raw</i>'")
    # a plain ipywidget on a surface is drawn by the widget manager's own view
    lab.add_cell_and_run("import ipywidgets\nvis.surface('Knob', tab='Data <i>raw</i>')"
                         ".show(ipywidgets.IntSlider(value=3, description='knob'))")
    wait_for(lab, "() => document.querySelector('.nbvis-tabs .widget-slider .widget-readout')?.textContent === '3'")
    lab.screenshot("views_visor")
