"""A release as a user gets it: the sdist, a wheel built from it on a machine without Node,
that wheel alone in a clean virtualenv, and a chart from it drawn in the browser."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from browser.lab import wait_js

ROOT = Path(__file__).resolve().parents[2]
STATIC = ("chart.js", "table.js", "runtime.js", "inspector.js", "board.js", "panel.js")

DRAW = """
import sys, nbvis
chart = nbvis.linechart({"loss": [1.0, 0.5, 0.25, 0.125]}, x_label="step", y_label="<b>loss</b>")
chart.save(sys.argv[1])
print(nbvis.__file__)
"""


def _run(args: list[str], **kwargs) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_a_wheel_built_without_npm_installs_alone_in_a_clean_venv_and_draws_a_chart(tmp_path, browser):
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--sdist", "--outdir", str(dist), str(ROOT)])
    (sdist,) = dist.glob("nbvis-*.tar.gz")

    # a wheel from the sdist with neither npm nor node on PATH (pip, in its own build env)
    bare = tmp_path / "bare-bin"
    bare.mkdir()
    env = {**os.environ, "PATH": str(bare)}
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(sdist)], env=env)
    (wheel,) = dist.glob("nbvis-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"nbvis/static/{name}" for name in STATIC} <= names
    assert "nbvis/_data/shapes_cnn.npz" in names  # nbvis.datasets.shapes_cnn's kept weights

    # that wheel, and what it depends on, in a virtualenv of its own
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    _run([python, "-m", "pip", "install", "-q", "--no-compile", str(wheel)], env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    page_file = tmp_path / "chart.html"
    where = _run([python, "-c", DRAW, str(page_file)], cwd=tmp_path).strip()
    assert where.startswith(str(venv)), where  # the installed wheel, not this checkout

    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    wait_js(page, "() => window.nbvisView !== undefined", timeout=30_000)
    drawn = page.evaluate("""() => {
      const v = window.nbvisView;
      const titles = [];
      const walk = (item) => {
        if (item.marktype === 'text') for (const t of item.items || []) if (t.text) titles.push(String(t.text));
        for (const c of item.items || []) walk(c);
      };
      walk(v.scenegraph().root);
      return { ys: v.data('values').map((d) => d.y), titles, bold: document.querySelectorAll('b').length };
    }""")
    page.close()
    assert drawn["ys"] == [1.0, 0.5, 0.25, 0.125]  # drawn by the Vega runtime the wheel carries
    assert "<b>loss</b>" in drawn["titles"] and drawn["bold"] == 0  # a label is text
    assert errors == []
