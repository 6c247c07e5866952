"""nbvis in the notebook front ends besides JupyterLab: Notebook 7 (cell by cell), Voila
(the rendered page, and a callback that appends after it loaded) and marimo (``marimo
run`` with two visitors in a row and a reload; ``marimo edit`` re-running the cell of the
first chart; there also the training panel of a short ``fit()`` and the Inspector). Each server is started
here on 127.0.0.1 and stopped by its process."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from browser.frontends import Server
from browser.lab import _PROBE, ARTIFACTS, wait_js

# What every front end shows: two series, a chart appended by a later cell, a heatmap, a
# table of markup-looking text, show.history's charts and a Visor with a chart on a tab.
LIVE_ROWS = 50
SETUP = "import nbvis"
CHART = ("chart = nbvis.linechart({'a': [{'x': i, 'y': float(i)} for i in range(3)],\n"
         "                         'b': [{'x': i, 'y': 1.0} for i in range(3)]}, x_label='step')\nchart")
APPEND = f"chart.append({{'a': [{{'x': i, 'y': float(i)}} for i in range(3, {LIVE_ROWS - 3 + 3})]}})"
HEATMAP = "nbvis.heatmap([[1, 2, 3], [4, 5, 6]])"
TABLE = "nbvis.table(['name', 'value'], [['<b>bold?</b>', 1]])"
HISTORY = "nbvis.show.history({'loss': [1.0, 0.5, 0.3], 'accuracy': [0.5, 0.7, 0.8]})"
VISOR = ("vis = nbvis.Visor()\n"
         "vis.surface('Loss <i>x</i>', tab='Training').show(nbvis.linechart([3.0, 2.0, 1.5, 1.2]))\nvis")

# Texts of the cells of every table on the page, shadow roots included.
_TABLE_CELLS = """
() => { const out = []; const walk = (root) => root.querySelectorAll('*').forEach((e) => {
  if (e.matches('.nbvis-chart .nbvis-table td, .nbvis-chart .nbvis-table th')) out.push(e.textContent);
  if (e.shadowRoot) walk(e.shadowRoot); }); walk(document); return out; }
"""
# Texts of the Visor's tabs and surface titles, and whether any <i> element was made.
_VISOR = """
() => { const out = { tabs: [], labels: [], italics: 0 }; const walk = (root) => root.querySelectorAll('*').forEach((e) => {
  if (e.matches('.nbvis-tab')) out.tabs.push(e.textContent);
  if (e.matches('.nbvis-tabs .nbvis-label')) out.labels.push(e.textContent);
  if (e.matches('.nbvis-panel i')) out.italics += 1;
  if (e.shadowRoot) walk(e.shadowRoot); }); walk(document); return out; }
"""


# Per chart element: rows of its `values` dataset (-1: it has none), whether a Vega view
# is drawn, its error, whether it is a table.
_SUMMARY = """
() => window.__nbvisProbe.charts().map((el) => {
  const view = el.__nbvis?.view;
  let rows = null;
  try { rows = view ? view.data('values').length : null; } catch { rows = -1; }
  return { rows, drawn: !!view, error: el.__nbvis?.error ?? null, table: !!el.querySelector('.nbvis-table') };
})
"""


def charts(page) -> list[dict]:
    page.evaluate(_PROBE)
    return page.evaluate(_SUMMARY)


def wait_charts(page, test: str, timeout: float = 120) -> list[dict]:
    """Wait until the chart summaries pass ``test`` (a JS predicate on the list). The bound is
    generous: marimo runs the whole app (TensorFlow's import, a fit) before the last chart fills,
    a minute of CPU on a loaded 2-core machine."""
    page.evaluate(_PROBE)
    try:
        wait_js(page, f"() => ({test})(({_SUMMARY})())", timeout=timeout * 1000)
    except Exception as exc:
        raise AssertionError(f"charts hold {charts(page)}; expected {test}") from exc
    return charts(page)


# The page's charts, in order: two series (3 + 3 rows, then the later cell's append), the
# heatmap, the table, history's loss and accuracy, the Visor's chart.
EVERYTHING = f"""(s) => s.length === 6 && s.every((c) => !c.error)
  && s[0].rows === {LIVE_ROWS + 3} && s[1].drawn && s[2].table
  && s[3].rows === 3 && s[4].rows === 3 && s[5].rows === 4"""


# marimo's page also has the training panel of a short fit(): the epoch loss, 3 points
WITH_TRAINING = EVERYTHING.replace("s.length === 6", "s.length === 7") + " && s[6].rows === 3"


def check_everything(page, expected: str = EVERYTHING) -> None:
    wait_charts(page, expected)
    assert page.evaluate(_TABLE_CELLS) == ["name", "value", "<b>bold?</b>", "1"]  # text, not markup
    visor = page.evaluate(_VISOR)
    assert visor == {"tabs": ["Training"], "labels": ["Loss <i>x</i>"], "italics": 0}


def nbvis_errors(errors: list[str]) -> list[str]:
    """Console errors that come from nbvis (its modules are loaded from blob: URLs)."""
    return [e for e in errors if "nbvis" in e.lower() or "blob:" in e]


def watch(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}\n{e.stack}"))
    return errors


# -- Notebook 7 ----------------------------------------------------------------------


def test_notebook_7_draws_every_kind_cell_by_cell_and_hides_the_pictures(lab):
    cells = [SETUP, CHART, HEATMAP, TABLE, HISTORY, VISOR, APPEND]
    lab.server.write_notebook("notebook7.ipynb", cells)
    # Notebook 7.6's own errors at load, with any notebook (a `1 + 1` one too), not nbvis's;
    # the second when the shared server's workspace remembers earlier tests' files
    lab.foreign_errors += ["Cannot read properties of undefined (reading 'schema')",
                           "Command 'filebrowser:open-path' not registered."]
    lab.open("notebook7.ipynb", ui="notebook")
    for _ in cells:
        lab.command("notebook:run-cell-and-select-next")
        lab.wait_idle()
    check_everything(lab.page)
    # every picture output sits next to its live view, hidden
    pictures = lab.page.evaluate("() => [...document.querySelectorAll('.nbvis-static')]"
                                 ".map((e) => e.getClientRects().length > 0)")
    assert len(pictures) == 5 and not any(pictures)  # one per displayed output
    lab.screenshot("frontend-notebook7")


# -- Voila ---------------------------------------------------------------------------


def test_voila_renders_every_kind_and_a_button_appends_after_load(lab_server, browser, tmp_path):
    button = ("import ipywidgets\nbutton = ipywidgets.Button(description='Append')\n"
              "button.on_click(lambda _: chart.append({'b': [{'x': 3, 'y': 2.0}]}))\nbutton")
    lab_server.write_notebook("voila.ipynb", [SETUP, CHART, APPEND, HEATMAP, TABLE, HISTORY, VISOR, button])
    server = Server(["voila", "voila.ipynb", "--no-browser", "--port={port}", "--Voila.ip=127.0.0.1",
                     "--Voila.open_browser=False"], cwd=lab_server.root)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        page = context.new_page()
        errors = watch(page)
        page.goto(server.url, wait_until="domcontentloaded")
        check_everything(page)
        page.get_by_role("button", name="Append").click()
        wait_charts(page, f"(s) => s[0] && s[0].rows === {LIVE_ROWS + 4}")
        pictures = page.evaluate("() => [...document.querySelectorAll('.nbvis-static')]"
                                 ".map((e) => e.getClientRects().length > 0)")
        assert len(pictures) == 5 and not any(pictures)  # one per displayed output
        page.screenshot(path=str(ARTIFACTS / "frontend-voila.png"), full_page=True)
        assert not nbvis_errors(errors), errors
    finally:
        context.close()
        server.stop()


# -- marimo --------------------------------------------------------------------------

MARIMO_APP = '''
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    import nbvis
    return mo, nbvis


@app.cell
def _(nbvis):
{chart}
    return (chart,)


@app.cell
def _(chart):
    {append}
    return


@app.cell
def _(nbvis):
    {heatmap}
    return


@app.cell
def _(nbvis):
    {table}
    return


@app.cell
def _(nbvis):
    {history}
    return


@app.cell
def _(nbvis):
{visor}
    return (vis,)


@app.cell
def _(chart, mo):
    button = mo.ui.button(label="Append", on_click=lambda _: chart.append({{"b": [{{"x": 3, "y": 2.0}}]}}))
    button
    return (button,)


@app.cell
def _(nbvis):
    import keras
    import numpy as np

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    callbacks = nbvis.show.fit_callbacks(callbacks=["onEpochEnd"], display=False)
    model.fit(np.ones((32, 4)), np.ones(32), epochs=3, verbose=0, callbacks=[callbacks])
    callbacks  # the training panel
    return keras, np


@app.cell
def _(keras, nbvis, np):
    _cnn = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
                             keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, name="out")])
    _images = np.random.default_rng(0).random((2, 16, 16, 3)).astype("float32")
    nbvis.inspect(_cnn, _images, class_names=["a", "<b>b</b>", "c"])
    return
'''


@pytest.fixture
def marimo_app(tmp_path: Path) -> Path:
    pytest.importorskip("marimo")
    app = tmp_path / "app.py"
    app.write_text(MARIMO_APP.format(chart=textwrap.indent(CHART, "    "), append=APPEND, heatmap=HEATMAP,
                                     table=TABLE, history=HISTORY, visor=textwrap.indent(VISOR, "    ")))
    # `marimo edit` runs the notebook on open, as `marimo run` does
    (tmp_path / "pyproject.toml").write_text("[tool.marimo.runtime]\nauto_instantiate = true\n")
    return app


# The Inspector on the page (shadow roots included): its feature-map tiles and predictions.
_INSPECTOR = """
() => { let found = null; const walk = (root) => root.querySelectorAll('*').forEach((e) => {
  if (e.__nbvis_inspector) found = e; if (e.shadowRoot) walk(e.shadowRoot); }); walk(document);
  return found && { tiles: found.__nbvis_inspector.tiles, status: found.__nbvis_inspector.status,
    preds: [...found.querySelectorAll('.pred')].map((p) => p.textContent), bold: found.querySelectorAll('b').length }; }
"""


def check_inspector(page) -> None:
    try:
        wait_js(page, f"() => {{ const i = ({_INSPECTOR})(); return i && i.tiles === 4 && i.preds.length === 3; }}",
                               timeout=60_000)
    except Exception as exc:
        raise AssertionError(f"inspector: {page.evaluate(_INSPECTOR)}") from exc
    inspector = page.evaluate(_INSPECTOR)
    assert any(p.startswith("<b>b</b>") for p in inspector["preds"]) and inspector["bold"] == 0, inspector


def marimo_server(mode: str, app: Path) -> Server:
    """``marimo run`` or ``marimo edit`` of ``app``, without a token, on 127.0.0.1."""
    return Server(["marimo", mode, str(app), "--headless", "--no-token", "--host", "127.0.0.1", "--port", "{port}"],
                  cwd=app.parent)


def marimo_page(browser, url: str, name: str):
    context = browser.new_context(viewport={"width": 1280, "height": 2400})
    page = context.new_page()
    errors = watch(page)
    page.goto(url, wait_until="domcontentloaded")
    check_everything(page, WITH_TRAINING)
    check_inspector(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return context, page, errors


def test_marimo_run_serves_two_visitors_in_a_row_and_a_reload(marimo_app, browser):
    server = marimo_server("run", marimo_app)
    try:
        first, page, errors = marimo_page(browser, server.url, "frontend-marimo-run")
        page.get_by_role("button", name="Append").click()  # a later cell's callback appends
        wait_charts(page, f"(s) => s[0] && s[0].rows === {LIVE_ROWS + 4}")
        first.close()  # the first visitor leaves; the next one gets a session of its own
        second, page, more = marimo_page(browser, server.url, "frontend-marimo-run-second")
        errors += more
        page.reload(wait_until="domcontentloaded")
        check_everything(page, WITH_TRAINING)
        second.close()
        assert not nbvis_errors(errors), errors
    finally:
        server.stop()


def test_marimo_edit_survives_re_running_the_first_charts_cell_and_a_reload(marimo_app, browser):
    server = marimo_server("edit", marimo_app)
    try:
        context, page, errors = marimo_page(browser, server.url, "frontend-marimo-edit")
        page.evaluate("() => { window.__nbvisProbe.charts()[0].__nbvis.old = true; }")  # this view's handle
        cell = page.locator(".marimo-cell", has_text="chart = nbvis.linechart")
        cell.hover()
        cell.locator('[data-testid="run-button"]').first.click()
        # a new chart (the dependent cell ran again after it) and every other chart still drawn
        wait_charts(page, WITH_TRAINING.replace("(s) =>", "(s) => s[0] && !window.__nbvisProbe.charts()[0].__nbvis?.old &&"))
        check_everything(page, WITH_TRAINING)
        page.reload(wait_until="domcontentloaded")
        check_everything(page, WITH_TRAINING)
        context.close()
        assert not nbvis_errors(errors), errors
    finally:
        server.stop()
