"""show.model_summary / layer / values_distribution / quality views and the Visor, kernel side."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import nbvis
from nbvis import metrics
from nbvis.export import table_html
from nbvis.show.quality import _runs_thinned

L = keras.layers


def _nested_model() -> keras.Model:
    base = keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(4, 3, name="conv"), L.BatchNormalization(name="bn")],
                            name="base")
    base.trainable = False
    i = keras.Input((8, 8, 1), name="pixels")
    x = L.Flatten(name="flat")(base(i))
    return keras.Model(i, L.Dense(3, name="head")(x), name="classifier")


def _rows(chart) -> list[list[str]]:
    t = chart.tables["rows"]
    columns = [t.labels(f"c{j}") for j in range(len(chart.headers))]
    return [list(r) for r in zip(*columns)]


# -- model_summary ---------------------------------------------------------------------


def test_model_summary_lists_nested_layers_under_their_model_with_keras_counts():
    model = _nested_model()
    view = nbvis.show.model_summary(model)
    (chart,) = view.charts
    rows = _rows(chart)
    assert [r[0] for r in rows] == ["base", "conv", "bn", "flat", "head"]
    assert chart.tables["rows"].column("parent").tolist() == [-1, 0, 0, -1, -1]
    assert chart.tables["rows"].column("depth").tolist() == [0, 1, 1, 0, 0]
    assert rows[0][1:] == ["Sequential", "(None, 6, 6, 4)", "56", "no"]
    assert rows[1][1:] == ["Conv2D", "(None, 6, 6, 4)", "40", "no"]
    assert rows[3][2] == "(None, 144)"
    assert rows[4][1:] == ["Dense", "(None, 3)", "435", "yes"]
    notes = chart.notes
    # the totals agree with Keras' own weight lists
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    assert notes[1].startswith(f"Trainable params: {trainable:,} ")
    assert notes[2].startswith(f"Non-trainable params: {frozen:,} ")
    assert notes == [
        "Total params: 491 (1.92 KB)", "Trainable params: 435 (1.70 KB)", "Non-trainable params: 56 (224 B)"]
    assert chart.tree is True
    assert view.title == "classifier (Functional)"


def test_model_summary_counts_a_shared_layer_once_and_shows_every_output_of_a_multi_output_layer():
    i = keras.Input((4,))
    shared = L.Dense(4, name="shared")
    x = shared(shared(i))
    split = keras.Model(i, [L.Dense(2, name="a")(x), L.Dense(1, name="b")(x)], name="two_heads")
    j = keras.Input((4,))
    model = keras.Model(j, split(j), name="outer")
    rows = _rows(nbvis.show.model_summary(model).charts[0])
    assert rows[0][:3] == ["two_heads", "Functional", "(None, 2), (None, 1)"]
    assert rows[0][3] == str(20 + 10 + 5)
    assert "Total params: 35" in nbvis.show.model_summary(model).charts[0].notes[0]


def test_model_summary_of_a_subclassed_model_fills_shapes_from_a_sample():
    class Net(keras.Model):
        def __init__(self):
            super().__init__(name="net")
            self.hidden = L.Dense(5, name="hidden")
            self.out = L.Dense(2, name="out")

        def call(self, x):
            return self.out(self.hidden(x))

    model = Net()
    x = np.zeros((3, 7), np.float32)
    model(x)
    without = _rows(nbvis.show.model_summary(model).charts[0])
    assert [r[2] for r in without] == ["?", "?"]
    with_sample = _rows(nbvis.show.model_summary(model, sample=x).charts[0])
    assert [r[2] for r in with_sample] == ["(None, 5)", "(None, 2)"]
    assert [r[3] for r in with_sample] == ["40", "12"]


def test_model_summary_names_unbuilt_layers_and_refuses_non_models():
    model = keras.Sequential([L.Dense(3, name="d")])
    assert _rows(nbvis.show.model_summary(model).charts[0])[0][3] == "0 (unbuilt)"
    with pytest.raises(TypeError, match=r"model: expected a Keras model \(an object with .layers\), got ndarray"):
        nbvis.show.model_summary(np.zeros(3))


def test_layer_and_model_names_are_text_in_the_static_table():
    model = keras.Sequential([keras.Input((2,)), L.Dense(1, name="<img src=x onerror=alert(1)>")])
    html = table_html(nbvis.show.model_summary(model).charts[0].snapshot())
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# -- layer -----------------------------------------------------------------------------


def test_layer_table_has_each_weights_stats_and_the_histograms_bin_each_weight():
    layer = L.Dense(6, name="dense")
    layer.build((None, 50))
    kernel = np.random.default_rng(0).normal(size=(50, 6)).astype("float32")
    kernel[0, :3] = [0.0, np.nan, np.inf]
    layer.kernel.assign(kernel)
    view = nbvis.show.layer(layer)
    table, hist = view.charts
    rows = _rows(table)
    finite = kernel[np.isfinite(kernel)]
    assert rows[0][:2] == ["kernel", "(50, 6)"]
    assert rows[0][2:] == [nbvis._stats.format_number(float(finite.min())),
                           nbvis._stats.format_number(float(finite.max())), "300", "1", "1", "1"]
    assert rows[1] == ["bias", "(6,)", "0", "0", "6", "6", "0", "0"]
    param = hist.spec["params"][0]
    assert param["bind"]["input"] == "select" and param["bind"]["labels"] == ["kernel (50, 6)", "bias (6,)"]
    assert hist.spec["transform"] == [{"filter": f"datum.choice == {param['name']}"}]
    bins = hist.tables["bins"]
    choice = bins.column("choice")
    for i, values in enumerate([finite, np.zeros(6)]):
        start, end, count = (bins.column(c)[choice == i] for c in ("start", "end", "count"))
        assert count.sum() == values.size
        np.testing.assert_array_equal(count, np.histogram(values, np.r_[start, end[-1]])[0])


def test_layer_without_weights_says_so_and_non_layers_are_refused():
    view = nbvis.show.layer(L.Dropout(0.5, name="drop"))
    assert view.title == "drop (Dropout): no weights" and view.charts[0].tables["rows"].n == 0
    with pytest.raises(TypeError, match=r"layer: expected a Keras layer or model \(an object with .weights\), got 'dense'"):
        nbvis.show.layer("dense")


def test_layer_histogram_spec_is_valid_vega_lite(validator):
    layer = L.Dense(2)
    layer.build((None, 3))
    spec = nbvis.show.layer(layer).charts[1].to_dict()
    assert not list(validator.iter_errors(spec))
    assert {row["choice"] for row in spec["datasets"]["bins"]} == {0, 1}  # kernel and bias both travel


# -- values_distribution ---------------------------------------------------------------


def test_values_distribution_bins_a_tensor_and_counts_nan_and_inf_in_the_stats_row():
    import tensorflow as tf

    x = np.random.default_rng(1).normal(size=(100, 100)).astype("float32")
    x[0, :4] = [np.nan, np.inf, -np.inf, 0]
    chart = nbvis.show.values_distribution(tf.constant(x))
    bins = chart.tables["bins"]
    finite = x[np.isfinite(x)]
    assert bins.column("count").sum() == finite.size
    stats = dict(zip(chart.tables["stats"].labels("label"), chart.tables["stats"].labels("text")))
    assert stats["Count"] == "10,000" and stats["# NaNs"] == "1 (0.01%)" and stats["# Infinity"] == "2 (0.02%)"


# -- quality views ---------------------------------------------------------------------


def _scores(seed: int = 0, n: int = 300, classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    s = rng.random((n, classes))
    s[np.arange(n), y] += 0.5
    return y, s / s.sum(1, keepdims=True)


def test_roc_chart_draws_each_classes_curve_with_its_auc_and_the_chance_line():
    y, s = _scores()
    chart = nbvis.show.roc_curve(y, s, class_names=["cat", "dog", "fox"])
    curves = metrics.roc_curves(y, s)
    domain = chart.spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert domain == [f"{n} (AUC {c.auc:.3f})" for n, c in zip(["cat", "dog", "fox"], curves)] + ["chance"]
    t = chart.tables["values"]
    series = np.asarray(t.labels("series"))
    for name, c in zip(domain, curves):
        np.testing.assert_allclose(t.column("x")[series == name], c.fpr)
        np.testing.assert_allclose(t.column("y")[series == name], c.tpr, rtol=1e-6)
    assert t.column("x")[series == "chance"].tolist() == [0, 1]


def test_binary_pr_chart_runs_recall_upwards_with_a_prevalence_line():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 500)
    s = np.round(rng.random(500) * 0.7 + 0.3 * y, 2)
    chart = nbvis.show.pr_curve(y, s)
    c = metrics.pr_curve(y, s)
    t = chart.tables["values"]
    series = np.asarray(t.labels("series"))
    name = f"precision-recall (AP {c.average_precision:.3f})"
    assert chart.spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [name, "chance"]
    x = t.column("x")[series == name]
    assert x[0] == 0 and x[-1] == 1 and np.all(np.diff(x) >= 0)
    assert t.column("y")[series == "chance"].tolist() == pytest.approx([y.mean()] * 2, rel=1e-6)


def test_thinning_a_curve_keeps_the_ends_of_every_run_of_equal_x():
    x = np.array([0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1])
    y = np.array([1, 0.9, 0.8, 0.8, 0.7, 0.6, 0.5, 0.5])
    tx, ty = _runs_thinned(x, y)
    assert tx.tolist() == [0, 0, 0.5, 0.5, 1] and ty.tolist() == [1, 0.8, 0.8, 0.5, 0.5]


def test_a_class_without_positive_samples_is_left_out_with_a_warning():
    y, s = _scores()
    y[y == 2] = 0
    with pytest.warns(UserWarning, match=r"no positive samples of \['Class 2'\]"):
        chart = nbvis.show.roc_curve(y, s)
    assert len(chart.spec["layer"][0]["encoding"]["color"]["scale"]["domain"]) == 3  # two classes + chance


def test_per_class_accuracy_table_from_labels_or_from_metrics():
    y = np.array([0, 0, 1, 1, 1, 3])
    p = np.array([0, 1, 1, 1, 0, 3])
    chart = nbvis.show.per_class_accuracy(y, p, class_names=["a", "b", "c", "d"])
    assert _rows(chart) == [["a", "0.5", "2"], ["b", "0.6667", "3"], ["c", "no samples", "0"], ["d", "1", "1"]]
    again = nbvis.show.per_class_accuracy(metrics.per_class_accuracy(y, p).records(), class_names=list("abcd"))
    assert [r[1] for r in _rows(again)] == ["0.5", "0.6667", "no samples", "1"]
    with pytest.raises(TypeError, match="predictions: missing"):
        nbvis.show.per_class_accuracy(y)
    with pytest.raises(ValueError, match=r"class_names: expected 4 names \(one per class\), got 2"):
        nbvis.show.per_class_accuracy(y, p, class_names=["a", "b"])


def test_confusion_view_counts_like_metrics_and_passes_options_on():
    y, s = _scores(2)
    chart = nbvis.show.confusion_matrix(y, s, class_names=["a", "b", "c"], normalize="true", shade_diagonal=False)
    cells = chart.tables["cells"]
    counts = cells.column("count").reshape(3, 3)
    np.testing.assert_array_equal(counts, metrics.confusion_matrix(y, s))
    np.testing.assert_allclose(cells.column("share").reshape(3, 3).sum(1), 1)
    assert np.all(np.isnan(cells.column("shade").reshape(3, 3).diagonal()))
    with pytest.raises(TypeError, match="Did you mean 'normalize'"):
        nbvis.show.confusion_matrix(y, s, normalise="true")


# -- Visor -----------------------------------------------------------------------------


def test_visor_surfaces_are_keyed_by_name_and_tab_and_a_new_tab_becomes_active():
    vis = nbvis.Visor()
    loss = vis.surface("Loss", tab="Training")
    assert vis.tabs == ["Training"] and vis.active_tab == "Training"
    weights = vis.surface("Weights", tab="Model")
    assert vis.active_tab == "Model"
    assert vis.surface("Loss", tab="Training") is loss and vis.active_tab == "Model"  # fetching keeps the tab
    assert vis.surface("Loss", tab="Model") is not loss  # same name, other tab
    assert vis.surface("Default").tab == "Visor" and vis.tabs == ["Training", "Model", "Visor"]
    assert [s.name for s in vis.surfaces("Model")] == ["Weights", "Loss"]
    vis.set_active_tab("Training")
    assert vis.selected == {"tabs": 0} and vis.tree["children"][1]["titles"] == ["Training", "Model", "Visor"]
    with pytest.raises(ValueError, match=r"tab: no tab named 'Nope'; the tabs are \['Training', 'Model', 'Visor'\]"):
        vis.set_active_tab("Nope")
    model_page = vis.tree["children"][1]["children"][1]
    assert [card["children"][0]["text"] for card in model_page["children"]] == ["Weights", "Loss"]
    assert weights in vis.surfaces("Model")


def test_surfaces_show_and_add_charts_and_other_objects():
    vis = nbvis.Visor()
    s = vis.surface("Loss")
    chart = nbvis.linechart([1.0, 0.5])
    s.show(chart)
    assert s.items == (chart,)
    s.add("plain <b>text</b>")
    assert s.items == (chart, "plain <b>text</b>")
    card = vis.tree["children"][1]["children"][0]["children"][0]
    assert card["children"][1]["children"][0] == {"kind": "widget", "widget": chart, "style": {"max-width": "100%"}}
    assert card["children"][1]["children"][1] == {"kind": "text", "text": "'plain <b>text</b>'", "bold": False}
    assert chart in vis.children()
    s.show(nbvis.barchart([1, 2]))
    assert len(s.items) == 1 and s.items[0] is not chart
    s.clear()
    assert s.items == ()


def test_two_visors_are_independent_and_bad_names_are_refused():
    a, b = nbvis.Visor(), nbvis.Visor()
    a.surface("x")
    assert b.tabs == [] and b.surfaces() == []
    with pytest.raises(TypeError, match="name: expected a non-empty string, got int"):
        a.surface(3)
    with pytest.raises(ValueError, match="tab: expected a non-empty string"):
        a.surface("x", tab="  ")
    a.hide()
    assert not a.is_open() and a.shown == {"tabs": False}
    a.toggle()
    assert a.is_open() and a.shown == {"tabs": True}
    with pytest.raises(TypeError, match="width: expected a CSS size"):
        a.surface("y", width=400)


def test_views_carry_a_static_picture_for_exports():
    layer = L.Dense(2, name="d")
    layer.build((None, 3))
    view = nbvis.show.layer(layer)
    bundle, _ = view._repr_mimebundle_()
    html = bundle["text/html"]
    # the picture output names the view, so a live view hides it in any front end
    assert view._picture_output()["text/html"].startswith(f'<div class="nbvis-static" data-nbvis-uid="{view._uid}">')
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert html.count("<table") == 1 and html.count('<img src="data:image/png;base64,') == 1
    assert "<b>d (Dense)</b>" in html
