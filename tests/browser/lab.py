"""JupyterLab + Chromium harness for the browser tests.

`LabServer` runs JupyterLab on 127.0.0.1 (free port, no token, temporary root and
config dirs); `Lab` drives one page of it through Playwright and reads back what the
Vega views hold (rows of a named dataset, scenegraph marks, embed counts) instead of
guessing from pixels.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import nbformat

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"

# One JS helper object installed in the page: reads the charts' debug handles.
_PROBE = """
() => {
  if (window.__nbvisProbe) return;
  const walk = (item, visit, ox = 0, oy = 0) => {
    visit(item, ox, oy);
    const items = item.items || [];
    for (const child of items) {
      if (child.marktype === 'group' || item.marktype === 'group') {
        const dx = item.marktype === 'group' ? (item.x || 0) : 0;
        const dy = item.marktype === 'group' ? (item.y || 0) : 0;
        walk(child, visit, ox + dx, oy + dy);
      } else {
        walk(child, visit, ox, oy);
      }
    }
  };
  window.__nbvisProbe = {
    charts() {
      if (document.querySelector('.jp-NotebookPanel')) {
        return [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .nbvis-chart')];
      }
      // other hosts (Voila, marimo): the whole page, shadow roots included
      const found = [];
      const walk = (root) => root.querySelectorAll('*').forEach((e) => {
        if (e.classList.contains('nbvis-chart')) found.push(e);
        if (e.shadowRoot) walk(e.shadowRoot);
      });
      walk(document);
      return found;
    },
    summary(el, dataset) {
      const d = el.__nbvis;
      if (!d) return null;
      const view = d.view;
      const out = { embeds: d.embeds, updates: d.updates, seq: d.seq, error: d.error, rows: null,
                    symbols: 0, lines: 0, titles: [], titlesInside: true, canvas: null, legend: [] };
      if (!view) return out;
      out.rows = view.data(dataset).length;
      const canvas = el.querySelector('canvas');
      if (canvas) out.canvas = [canvas.clientWidth, canvas.clientHeight];
      const pad = view.padding();  // the plot starts at the padding plus the origin
      const [ox, oy] = [view.origin()[0] + pad.left, view.origin()[1] + pad.top];
      walk(view.scenegraph().root, (item, gx, gy) => {
        if (item.marktype === 'symbol' && item.items) out.symbols += item.items.length;
        if (item.marktype === 'line' && item.items && item.items.length) out.lines += 1;
        if (item.role === 'axis-title' || item.role === 'legend-label') {
          for (const t of item.items || []) {
            if (item.role === 'legend-label') { out.legend.push(t.text); continue; }
            out.titles.push(t.text);
            const b = t.bounds;
            const x1 = b.x1 + gx + ox, x2 = b.x2 + gx + ox, y1 = b.y1 + gy + oy, y2 = b.y2 + gy + oy;
            if (canvas && (x1 < -1 || y1 < -1 || x2 > canvas.clientWidth + 1 || y2 > canvas.clientHeight + 1))
              out.titlesInside = false;
          }
        }
      });
      return out;
    },
    all(dataset) { return this.charts().map((el) => this.summary(el, dataset)); },
  };
}
"""


#: how often a waited-for condition is checked in the page, in ms. Playwright's default checks it
#: at every animation frame, which keeps software-rendered Chromium drawing 60 frames a second
#: for as long as a test waits (the whole browser suite took ~15 % more CPU that way)
POLL_MS = 50


def wait_js(page: Any, expression: str, *, arg: Any = None, timeout: float = 60_000) -> Any:
    """Wait until the JS ``expression`` (a function of ``arg``) returns a truthy value in ``page``,
    checking it every :data:`POLL_MS`; ``timeout`` in ms, as Playwright's. The bounds are for a
    loaded 2-core machine (a wait ends as soon as its condition holds)."""
    return page.wait_for_function(expression, arg=arg, timeout=timeout, polling=POLL_MS)


def wait_until_serving(proc: subprocess.Popen, url: str, what: str, log: Path, timeout: float = 60) -> None:
    """Wait until ``url`` answers; fail with the server's log if ``proc`` exits or it times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: {log.read_text()[-4000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{what} did not start within {timeout} s: {log.read_text()[-4000:]}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# What a server's log says when another process took its port between free_port() and its bind
_PORT_TAKEN = ("already in use", "Address in use", "EADDRINUSE")


def serve(argv: list[str], *, ready: str, what: str, log: Path, env: dict[str, str] | None = None,
          cwd: Path | None = None, timeout: float = 120, tries: int = 4) -> tuple[subprocess.Popen, int]:
    """Start a server on a free port of 127.0.0.1 (``{port}`` in ``argv``) and wait until
    ``ready`` (a path) answers; returns the process and its port.

    The port is free when chosen, but another process (a second pytest-xdist worker, a
    kernel) may bind it before the server does: the server is told not to move to
    another port, and is started again on a new one when its log says the port was taken.
    """
    for attempt in range(tries):
        port = free_port()
        with open(log, "w") as out:  # the child keeps its own copy of the descriptor
            proc = subprocess.Popen([a.replace("{port}", str(port)) for a in argv], cwd=cwd, env=env,
                                    stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(proc, f"http://127.0.0.1:{port}{ready}", what, log, timeout)
            return proc, port
        except RuntimeError:
            stop_process(proc)
            taken = any(text in log.read_text() for text in _PORT_TAKEN)
            if not taken or attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate a server, and kill it if it has not exited within 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


class LabServer:
    """JupyterLab on 127.0.0.1 serving a scratch root directory."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="nbvis-lab-"))
        self.root = self.tmp / "root"
        self.root.mkdir()
        config = self.tmp / "config"
        (config / "labconfig").mkdir(parents=True)
        (config / "labconfig" / "page_config.json").write_text(
            json.dumps({"disabledExtensions": {
                # what this offline server does not offer, and what no test uses (less to load)
                "@jupyterlab/apputils-extension:announcements": True,
                "@jupyterlab/debugger-extension": True,
                "@jupyterlab/extensionmanager-extension": True,
            }})
        )
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(config),
            JUPYTER_DATA_DIR=str(self.tmp / "data"),
            JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
            JUPYTER_PLATFORM_DIRS="1",
            TF_ENABLE_ONEDNN_OPTS="0",
            TF_CPP_MIN_LOG_LEVEL="2",
        )
        self.env = env
        self.proc, self.port = serve(
            [
                sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.ip=127.0.0.1",
                "--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={self.root}",
                "--ServerApp.disable_check_xsrf=True",
                f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
                f"--LabApp.user_settings_dir={self.tmp / 'settings'}",
                "--LabApp.expose_app_in_browser=True",
                "--JupyterNotebookApp.expose_app_in_browser=True",
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            ready="/api/status", what="JupyterLab", log=self.tmp / "server.log", env=env,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def write_notebook(self, name: str, cells: list[str], *, metadata: dict | None = None) -> Path:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata.update(metadata or {})
        path = self.root / name
        nbformat.write(nb, path)
        return path

    def trust(self, path: Path) -> None:
        """Sign a notebook made outside the browser, as its author would trust it."""
        subprocess.run(
            [sys.executable, "-m", "jupyter", "trust", str(path)],
            env=self.env, check=True, capture_output=True, timeout=60,
        )

    def shutdown_kernels(self) -> None:
        req = urllib.request.Request(f"{self.url}/api/sessions")
        for session in json.loads(urllib.request.urlopen(req, timeout=10).read()):
            urllib.request.urlopen(
                urllib.request.Request(f"{self.url}/api/sessions/{session['id']}", method="DELETE"),
                timeout=30,
            )

    def stop(self) -> None:
        stop_process(self.proc)
        shutil.rmtree(self.tmp, ignore_errors=True)


class Lab:
    """One Playwright page of JupyterLab, with notebook and chart helpers."""

    def __init__(self, server: LabServer, page: Any) -> None:
        self.server = server
        self.page = page
        self.errors: list[str] = []
        #: console errors a test expects from the host (not nbvis), ignored until the page closes
        self.foreign_errors: list[str] = []
        #: page loads during the test (its first open of JupyterLab, a reload, another front end)
        self.loads = 0
        self._was_loaded = page.url.startswith(server.url)
        self._listeners = {
            "console": lambda m: m.type == "error" and self.errors.append(m.text),
            "pageerror": lambda e: self.errors.append(f"uncaught: {e}"),
            "load": lambda _: setattr(self, "loads", self.loads + 1),
        }
        for event, listener in self._listeners.items():
            page.on(event, listener)
        page.mouse.move(1, 1)  # away from where the last test's charts were (a shared page keeps the pointer)

    @property
    def reloaded(self) -> bool:
        """Whether the test loaded the page again after it showed JupyterLab."""
        return self.loads > (0 if self._was_loaded else 1)

    def detach(self) -> None:
        """Stop collecting this page's console errors (the page may serve the next test)."""
        for event, listener in self._listeners.items():
            self.page.remove_listener(event, listener)

    # -- notebooks -----------------------------------------------------------------

    def open(self, name: str, *, wait_kernel: bool = True, ui: str = "lab", fresh: bool = False) -> None:
        """Open notebook ``name`` in JupyterLab (``ui="lab"``) or Notebook 7 (``"notebook"``).

        In a page that already shows JupyterLab (the worker's shared page, or this test's
        page after a reload) the notebook is opened in the running app, after the notebooks
        open there are closed; otherwise, or with ``fresh=True`` (a user coming back later),
        the page loads JupyterLab with a fresh layout.
        """
        if ui == "lab" and not fresh and self._in_lab():
            shown = self.page.evaluate(  # after a reload, the restored layout shows it already
                "(name) => [...window.jupyterapp.shell.widgets('main')].some((w) => w.context?.path === name)", name)
            if not shown:
                self.close_all()
            self.page.evaluate(
                """async (name) => { const app = window.jupyterapp;
                     const w = await app.commands.execute('docmanager:open', { path: name });
                     app.shell.activateById(w.id); }""",
                name,
            )
        else:
            url = f"/lab/tree/{name}?reset" if ui == "lab" else f"/notebooks/{name}"
            self.page.goto(f"{self.server.url}{url}", wait_until="domcontentloaded")
            wait_js(self.page, "() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        wait_js(self.page, """(name) => { const w = window.jupyterapp.shell.currentWidget;
                 return w && w.context && w.context.path === name && w.context.isReady; }""",
            arg=name, timeout=60_000,
        )
        if wait_kernel:
            wait_js(self.page, """() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
                     return k && k.status === 'idle'; }""",
                timeout=60_000,
            )
        self.page.evaluate(_PROBE)

    def _in_lab(self) -> bool:
        """Whether the page shows JupyterLab (waiting for its layout after a reload)."""
        if not self.page.url.startswith(f"{self.server.url}/lab"):
            return False
        wait_js(self.page, "() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        self.page.evaluate("() => window.jupyterapp.restored")
        return True

    def close_all(self) -> bool:
        """Close every document of the main area without saving (the layout and the app stay);
        False when the page does not show JupyterLab."""
        if not self._in_lab():
            return False
        for _ in range(3):  # a dialog a test left open (Escape rejects it)
            if not self.page.evaluate("() => document.querySelector('.jp-Dialog') !== null"):
                break
            self.page.keyboard.press("Escape")
        self.page.evaluate(
            """() => { const app = window.jupyterapp;
                 for (const w of [...app.shell.widgets('main')]) {
                   if (w.context) w.context.model.dirty = false;
                   w.dispose();
                 } }"""
        )
        return True

    def command(self, name: str, args: dict | None = None) -> None:
        """Run a JupyterLab command and wait for its promise (for run commands: the run)."""
        self.page.evaluate("([n, a]) => window.jupyterapp.commands.execute(n, a)", [name, args or {}])

    def start_command(self, name: str, args: dict | None = None) -> None:
        """Start a JupyterLab command without waiting for it to finish."""
        self.page.evaluate("([n, a]) => { window.jupyterapp.commands.execute(n, a); }", [name, args or {}])

    def run_all(self) -> None:
        self.command("notebook:run-all-cells")
        self.wait_idle()

    def wait_idle(self, timeout: float = 60) -> None:
        wait_js(self.page, """() => { const w = window.jupyterapp.shell.currentWidget;
                 const k = w.sessionContext.session?.kernel;
                 const busy = [...w.content.widgets].some((c) => c.model.type === 'code' && c.promptNode
                   && c.promptNode.textContent.includes('*'));
                 return k && k.status === 'idle' && !busy; }""",
            timeout=timeout * 1000,
        )

    def execute(self, code: str, timeout: float = 60) -> str:
        """Run code in the notebook's kernel (outside any cell); returns its stdout."""
        result = self.page.evaluate(
            """async (code) => {
                 const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
                 const future = kernel.requestExecute({ code, store_history: false });
                 let out = '';
                 let error = null;
                 future.onIOPub = (msg) => {
                   if (msg.header.msg_type === 'stream') out += msg.content.text;
                   if (msg.header.msg_type === 'error') error = msg.content.ename + ': ' + msg.content.evalue;
                 };
                 await future.done;
                 return { out, error };
               }""",
            code,
        )
        if result["error"]:
            raise AssertionError(f"kernel error running {code!r}: {result['error']}")
        return result["out"]

    def add_cell_and_run(self, code: str) -> None:
        """Type a new cell at the end and run it, as a user would."""
        self.command("notebook:enter-command-mode")
        self.page.evaluate(
            """(code) => { const nb = window.jupyterapp.shell.currentWidget.content;
                 nb.activeCellIndex = nb.widgets.length - 1; }""",
            code,
        )
        self.command("notebook:insert-cell-below")
        self.page.evaluate(
            "(code) => { window.jupyterapp.shell.currentWidget.content.activeCell.model.sharedModel.setSource(code); }",
            code,
        )
        self.command("notebook:run-cell")
        self.wait_idle()

    def save(self) -> None:
        self.command("docmanager:save")
        wait_js(self.page, "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000
        )

    # -- charts ----------------------------------------------------------------------

    def charts(self, dataset: str = "values") -> list[dict | None]:
        self.page.evaluate(_PROBE)
        return self.page.evaluate("(d) => window.__nbvisProbe.all(d)", dataset)

    def wait_rows(self, rows: list[int], dataset: str = "values", timeout: float = 90) -> list[dict]:
        """Wait until the visible charts hold exactly these row counts, in order."""
        self.page.evaluate(_PROBE)
        try:
            wait_js(self.page, """([rows, d]) => { const s = window.__nbvisProbe.all(d);
                     return s.length === rows.length && s.every((c, i) => c && c.rows === rows[i]); }""",
                arg=[rows, dataset], timeout=timeout * 1000,
            )
        except Exception as exc:
            raise AssertionError(f"charts hold {self.charts(dataset)}, expected rows {rows}") from exc
        return self.charts(dataset)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
