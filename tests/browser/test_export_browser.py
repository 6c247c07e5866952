"""The chart catalogue notebook exported by nbconvert to HTML: with widget state (live
charts rendered by the HTML widget manager, offline) and without (static pictures)."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from browser.lab import wait_js

ROOT = Path(__file__).resolve().parents[2]
VIEW = "application/vnd.jupyter.widget-view+json"
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")  # once per worker: xdist interleaves other modules' tests
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    from notebooks.examples import examples_copy

    folder = examples_copy(tmp_path_factory.mktemp("export"))
    nb = nbformat.read(folder / "01_charts.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def chart_outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells for o in c.get("outputs", []) if VIEW in o.get("data", {})]


def test_without_widget_state_every_chart_of_the_example_is_a_picture_or_an_escaped_table(executed):
    charts = chart_outputs(executed)
    assert len(charts) >= 18
    nb = nbformat.from_dict(executed)
    nb.metadata.pop("widgets", None)
    body, _ = HTMLExporter().from_notebook_node(nb)
    pictures = body.count('<div class="nbvis-static" data-nbvis-uid=')  # each chart's picture output
    svgs = body.count('src="data:image/svg+xml;base64,')
    pngs = body.count('src="data:image/png;base64,')
    tables = body.count('class="nbvis-table"')
    assert pictures == svgs + pngs + tables == len(charts), (pictures, svgs, pngs, tables, len(charts))
    assert tables == 1 and "&lt;b&gt;not bold&lt;/b&gt;" in body and "<b>not bold</b>" not in body
    assert "&lt;nbvis chart" not in body  # the widget outputs' text stays empty: no repr above pictures
    (ARTIFACTS / "export_without_state.html").parent.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "export_without_state.html").write_text(body)


def _offline_routes(page) -> list[str]:
    """Serve the scripts an nbconvert page fetches from CDNs from local copies; block the rest."""
    import anywidget

    local = {
        "require": ROOT / "js/node_modules/requirejs/require.js",
        "html-manager": ROOT / "js/node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js",
        "anywidget": Path(anywidget.__file__).parent / "nbextension" / "index.js",
    }
    blocked: list[str] = []

    def handle(route):
        url = route.request.url
        for key, path in local.items():
            if key in url and url.endswith(".js"):
                return route.fulfill(path=str(path), content_type="text/javascript")
        if url.startswith(("file:", "data:", "blob:")):
            return route.continue_()
        blocked.append(url)
        return route.abort()

    page.route("**/*", handle)
    return blocked


def test_with_widget_state_every_chart_renders_live_in_the_exported_page_offline(executed, browser, tmp_path):
    charts = chart_outputs(executed)
    body, _ = HTMLExporter().from_notebook_node(executed)
    path = tmp_path / "charts.html"
    path.write_text(body)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and "nbvis" in m.text and errors.append(m.text))
    blocked = _offline_routes(page)
    page.goto(path.as_uri())
    wait_js(page, """(n) => { const c = [...document.querySelectorAll('.nbvis-chart')];
             return c.length === n && c.every((el) => el.__nbvis && (el.__nbvis.view || el.__nbvis.kind === 'table')); }""",
        arg=len(charts), timeout=60_000,
    )
    summary = page.evaluate(
        """() => [...document.querySelectorAll('.nbvis-chart')].map((el) => {
             const d = el.__nbvis; if (!d.view) return { kind: d.kind, rows: d.rows };
             const names = ['values', 'bins', 'cells', 'raster', 'tiles'];
             const rows = {}; for (const n of names) { try { rows[n] = d.view.data(n).length; } catch (e) {} }
             return { kind: 'vega', rows, error: d.error }; })""")
    assert not errors, errors
    assert all(s.get("error") is None for s in summary)
    # the live line chart holds the points appended in the next cell (saved state is current)
    assert summary[7]["rows"]["values"] == 200 + 10 + 60 + 2
    assert summary[3]["rows"]["values"] == 4 and summary[4]["rows"]["bins"] == 7
    assert any(s["kind"] == "table" and s["rows"] == 3 for s in summary)
    assert not [u for u in blocked if "jsdelivr" in u or "unpkg" in u], blocked  # nbvis needs no CDN
    page.screenshot(path=str(ARTIFACTS / "export_with_state.png"), full_page=False)
    page.close()


def test_a_picture_is_refreshed_when_a_later_cell_changes_the_chart():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (
        "import nbvis\nc = nbvis.barchart({'first-bar': 1})\nc",
        "c.update({'second-bar': 2})",
    )]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    live, picture = nb.cells[0].outputs
    assert VIEW in live["data"] and live["data"]["text/plain"] == ""
    html = picture["data"]["text/html"]
    svg = base64.b64decode(html.split("data:image/svg+xml;base64,")[1].split('"')[0]).decode()
    assert "second-bar" in svg and "first-bar" not in svg


def test_a_saved_html_chart_renders_in_a_browser_with_the_network_cut_off(browser, tmp_path):
    import nbvis

    chart = nbvis.linechart({"loss": [3.0, 2.0, 1.5, 1.2]}, x_label="step")
    path = chart.save(tmp_path / "chart.html")
    page = browser.new_page()
    requested: list[str] = []

    def offline(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            return route.continue_()
        requested.append(url)
        return route.abort()

    page.route("**/*", offline)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    wait_js(page, "() => window.nbvisView", timeout=30_000)
    rows = page.evaluate("() => window.nbvisView.data('values').map((r) => r.y)")
    assert rows == [3.0, 2.0, 1.5, 1.2]
    assert not requested and not errors, (requested, errors)
    page.close()
