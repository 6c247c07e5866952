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
