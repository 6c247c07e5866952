import subprocess
import sys


def test_import_nbvis_is_light_and_exposes_the_public_api():
    code = (
        "import sys, nbvis\n"
        "assert 'tensorflow' not in sys.modules and 'anywidget' not in sys.modules\n"
        "assert callable(nbvis.linechart) and nbvis.inspect.GradCAM and nbvis.datasets.shapes\n"
        "assert 'tensorflow' not in sys.modules  # nbvis.inspect imports TensorFlow on first use\n"
        "print(sorted(nbvis.__all__))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert "linechart" in out


def test_unknown_attribute_raises_attribute_error():
    import pytest

    import nbvis

    with pytest.raises(AttributeError, match="no attribute 'barchartt'"):
        nbvis.barchartt  # noqa: B018


def test_the_top_level_lists_of_chart_functions_agree():
    import ast
    from pathlib import Path

    import nbvis
    import nbvis.charts

    source = Path(nbvis.__file__).read_text()
    typed = {alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)
             and node.module == "charts" for alias in node.names}
    assert set(nbvis._CHARTS) == typed  # the lazy names are the ones type checkers see
    assert set(nbvis._CHARTS) <= set(nbvis.__all__) and set(nbvis._CHARTS) <= set(nbvis.charts.__all__)
    assert all(callable(getattr(nbvis, name)) for name in nbvis._CHARTS)
