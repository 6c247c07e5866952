"""Build facts are written once; every other place that must repeat one agrees with it."""

import importlib.metadata
import json
import re
import subprocess
from pathlib import Path

import tomllib

import nbvis

ROOT = Path(__file__).resolve().parents[2]


def bundles() -> list[str]:
    """The bundle names of js/entries.mjs, as node reads them."""
    out = subprocess.run(["node", "js/entries.mjs"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return out.split()


def test_the_version_is_written_once_in_package_json_and_read_back_everywhere():
    version = json.loads((ROOT / "js" / "package.json").read_text())["version"]
    assert importlib.metadata.version("nbvis") == version == nbvis.__version__
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert not re.search(r"__version__\s*=\s*['\"]\d+\.\d+", (ROOT / "nbvis" / "__init__.py").read_text())


def test_every_place_that_lists_the_bundles_agrees_with_js_entries():
    names = bundles()
    assert names and len(names) == len(set(names)) and "runtime.js" in names
    builder = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["hooks"]["jupyter-builder"]
    expected = sorted(f"nbvis/static/{name}" for name in names)
    assert sorted(builder["ensured-targets"]) == expected
    assert sorted(builder["skip-if-exists"]) == expected
    # every widget module is a bundle, and every bundle but the runtime (loaded by hash) is a widget module
    modules = {m for path in (ROOT / "nbvis").rglob("*.py")
               for m in re.findall(r"\bModule\(\"([^\"]+)\"\)", path.read_text())}
    assert modules == set(names) - {"runtime.js"}
    # scripts/env.sh checks the build with the same list, not a copy of it
    env = (ROOT / "scripts" / "env.sh").read_text()
    assert "node js/entries.mjs" in env and not any(f"'{name}'" in env for name in names)


def test_every_bundle_is_built_where_the_package_reads_it():
    from nbvis._bundle import static_file

    for name in bundles():
        assert static_file(name).stat().st_size > 1000, name
