"""Hostile text and hostile numbers in a real JupyterLab.

Script payloads in every place a user's text reaches (titles, axis labels, series names,
tick labels, table cells, class names, layer names, Visor tabs) must be shown as text:
the test fails on any dialog, any executed payload, or any console error. A sample of the
hostile numbers the property tests generate must draw without a console error.
"""

from __future__ import annotations

from browser.test_catalogue_browser import show

# Every payload leaves a mark if it runs: a dialog, or window.__pwned.
PAYLOADS = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    "</script><script>window.__pwned=2;alert(2)</script>",
    "javascript:alert(3)",
    "'+alert(4)+'",
    '"+(window.__pwned=5)+"',
    "{{alert(6)}}",
    "datum.x; alert(7)",
    "${alert(8)}",
    "<svg onload=alert(9)>",
    '<a href="javascript:alert(10)">link</a>',
]
# Keras refuses "/" in layer names; these still carry markup and expressions.
LAYER_NAMES = ["<img src=x onerror=alert(11)>", "<svg onload=alert(12)>", "'+alert(13)+'"]

CHARTS = f"""
P = {PAYLOADS!r}
charts = [
    nbvis.linechart({{p: [1.0, 2.0, 3.0] for p in P[:4]}}, x_label=P[0], y_label=P[1]),
    nbvis.scatterplot({{p: np.random.default_rng(0).random((5, 2)) for p in P[4:8]}}, x_label=P[2], y_label=P[3]),
    nbvis.barchart({{p: i + 1 for i, p in enumerate(P)}}, x_label=P[4], y_label=P[5]),
    nbvis.histogram([1, 2, 2, 3], x_label=P[8], y_label=P[9]),
    nbvis.heatmap(np.arange(6.0).reshape(2, 3), x_tick_labels=P[:3], y_tick_labels=P[3:5], x_label=P[6], y_label=P[7]),
    nbvis.confusion_matrix([[3, 1], [0, 4]], tick_labels=P[8:10], x_label=P[0], y_label=P[1]),
    nbvis.table(P[:3], [P[3:6], P[6:9]]),
    nbvis.image_grid(np.zeros((3, 8, 8)), labels=P[:3]),
    nbvis.show.per_class_accuracy([0, 0, 1, 1], [0, 1, 1, 1], class_names=P[2:4]),
]
for c in charts:
    display(c)
"""

MODEL = f"""
import os
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras
N = {LAYER_NAMES!r}
model = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(4, 3, activation="relu", name=N[0]),
                          keras.layers.Conv2D(4, 3, activation="relu", name=N[1]),
                          keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2, activation="softmax", name=N[2])])
nbvis.show.model_summary(model)
"""
INSPECT = "nbvis.inspect.inspect(model, np.random.default_rng(0).random((2, 16, 16, 3), dtype='float32'), class_names=P[4:6])"
VISOR = "v = nbvis.Visor()\nv.surface(P[0], tab=P[9]).show(nbvis.linechart([1.0, 2.0], P[5]))\nv"

# Every text the page shows: Vega scenegraph texts (axes, legends, marks) and DOM text.
TEXTS = """
() => {
  const out = [document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook').innerText];
  const walk = (item) => {
    if (item.text !== undefined) out.push(Array.isArray(item.text) ? item.text.join(' ') : String(item.text));
    for (const child of item.items || []) walk(child);
  };
  for (const el of window.__nbvisProbe.charts()) if (el.__nbvis?.view) walk(el.__nbvis.view.scenegraph().root);
  return out;
}
"""

# Markup that a payload would have created had it been parsed as HTML.
INJECTED = """
() => [...document.querySelectorAll('.jp-Notebook [onerror], .jp-Notebook [onload], .jp-Notebook img[src="x"],'
    + ' .jp-Notebook a[href^="javascript:"], .jp-Notebook script')].map((e) => e.outerHTML)
"""


def test_script_payloads_in_every_user_text_are_shown_as_text_and_never_run(lab):
    dialogs: list[str] = []
    lab.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    show(lab, "injection", [CHARTS, MODEL, INSPECT, VISOR], count=11)
    lab.page.wait_for_selector(".nbvis-insp canvas.nbvis-grid", timeout=60_000)
    lab.page.wait_for_timeout(500)  # let any deferred handler (onerror of a broken image) fire

    assert dialogs == []
    assert lab.page.evaluate("() => window.__pwned") is None
    assert lab.page.evaluate(INJECTED) == []
    texts = "\n".join(lab.page.evaluate(TEXTS))
    missing = [p for p in PAYLOADS + LAYER_NAMES if p not in texts]
    assert missing == [], f"payloads not shown as text: {missing}"


HOSTILE_NUMBERS = """
big, tiny = 1e300, 5e-324
cases = [
    nbvis.linechart([{"x": 0, "y": float("nan")}, {"x": 1, "y": float("inf")}, {"x": 2, "y": -float("inf")}, {"x": 3, "y": 1.0}]),
    nbvis.linechart({"huge": [big, -big, big], "tiny": [tiny, -tiny, 0.0]}, zoom_to_fit=True),
    nbvis.linechart([]),
    nbvis.linechart([{"x": 5, "y": 5}]),
    nbvis.linechart([{"x": 3, "y": 1}, {"x": 1, "y": 2}, {"x": 3, "y": 0}, {"x": 2, "y": 9}]),  # unsorted, duplicate x
    nbvis.linechart([[{"x": 0, "y": 1}], [{"x": 0, "y": 1}, {"x": 1, "y": 2}, {"x": 2, "y": 0}]], ["ragged", "W" * 10_000]),
    nbvis.scatterplot(np.array([[np.nan, 1.0], [2.0, np.inf], [1e38, -1e38], [0.0, 0.0]])),
    nbvis.scatterplot({"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ 日本語 \\u202e": np.array([[1.0, 2.0]])}, x_label="W" * 10_000),
    nbvis.barchart({"nan": float("nan"), "inf": float("inf"), "big": 1e308, "": 0}),
    nbvis.barchart([]),
    nbvis.histogram([float("nan"), float("inf"), -float("inf")]),
    nbvis.histogram([7.0]),
    nbvis.histogram(np.array([1e308, -1e308, 0.0])),
    nbvis.heatmap([[np.nan, np.inf], [-np.inf, 1e300]]),
    nbvis.heatmap([[5.0]], x_tick_labels=["W" * 10_000], y_tick_labels=[""]),
    nbvis.confusion_matrix([[0, 0], [0, 0]]),
    nbvis.confusion_matrix([[1e12]], tick_labels=["only"], normalize="true"),
    nbvis.table(["W" * 10_000, "x"], [[float("nan"), None], [1e308, b"bytes"]]),
    nbvis.image_grid(np.full((2, 3, 3), np.nan)),
    nbvis.image_grid([np.zeros((1, 1)), np.ones((40, 7, 4))]),
]
for c in cases:
    display(c)
"""


def test_a_sample_of_hostile_numbers_draws_without_a_console_error(lab):
    show(lab, "hostile_numbers", [HOSTILE_NUMBERS], count=20)
    states = lab.page.evaluate(
        "() => window.__nbvisProbe.charts().map((el) => ({ error: el.__nbvis.error ?? null,"
        " drawn: !!el.querySelector('svg, canvas, table') }))")
    assert all(s["error"] is None and s["drawn"] for s in states), states
    # the lab fixture fails the test on any console error or uncaught exception
