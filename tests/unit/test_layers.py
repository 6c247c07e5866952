"""The package's layers import one way (ARCHITECTURE.md): no circle, nothing imports upwards.

Every import inside ``nbvis/`` is read from the source (lazy imports in functions too),
so a new import that closes a circle or reaches up a layer fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "nbvis"

#: Higher layers may import lower ones, never the reverse (modules not listed: the leaves, 0).
LAYERS = {"show": 4, "inspect": 4, "visor": 4, "charts": 3, "widgets": 2, "export": 1, "runs": 1}


def _module(path: Path) -> str:
    parts = ["nbvis", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    modules = {_module(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [base, *(f"{base}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found.update(t for t in targets if t in modules and t != name)
        graph[name] = found
    del graph["nbvis"]  # the top level re-exports everything, lazily
    return graph


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0


GRAPH = _imports()


def test_no_module_of_nbvis_imports_itself_back_through_others():
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            pytest.fail(f"import circle: {' -> '.join([*path[path.index(name):], name])}")
        if name in done:
            return
        for target in GRAPH.get(name, ()):
            visit(target, [*path, name])
        done.add(name)

    for module in GRAPH:
        visit(module, [])


def test_no_module_imports_a_layer_above_its_own():
    upward = [(m, t) for m, targets in GRAPH.items() for t in targets
              if t != "nbvis" and _layer(t) > _layer(m)]
    assert not upward, upward


def test_the_graph_is_read_from_the_sources():
    # the checks above see real edges: the chart kinds use the widgets, the widgets the export layer
    assert "nbvis.widgets" in GRAPH["nbvis.charts.xy"]
    assert "nbvis.export" in GRAPH["nbvis.widgets._live"]
    assert "nbvis._layers" in GRAPH["nbvis.show.model"] and "nbvis._layers" in GRAPH["nbvis.inspect.cam"]
