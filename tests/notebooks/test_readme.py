"""Every Python code block of README.md, each in a fresh kernel after the documented preamble
(``readme_preamble.py``): a snippet a user pastes into a cell must run, and one that draws must
show what it draws."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
PREAMBLE = (Path(__file__).parent / "readme_preamble.py").read_text()
WIDGET = "application/vnd.jupyter.widget-view+json"
# A block preceded by this comment is not run; the comment says why (e.g. it needs an S3 bucket).
NOT_RUN = re.compile(r"<!-- not run: [^>]+ -->\s*$")


def readme_blocks() -> list[tuple[str, str]]:
    """(section heading, code) of every ```python block of the README, in order."""
    text = (ROOT / "README.md").read_text()
    blocks, section = [], ""
    for match in re.finditer(r"^## ([^\n]+)$|^```python\n(.*?)^```$", text, flags=re.M | re.S):
        if match[1]:
            section = match[1]
        elif not NOT_RUN.search(text[: match.start()]):
            blocks.append((section, match[2]))
    return blocks


BLOCKS = readme_blocks()
IDS = [f"{i}-{re.sub(r'[^a-z]+', '-', section.lower()).strip('-')}" for i, (section, _) in enumerate(BLOCKS)]


def test_the_readme_has_its_snippets():
    sections = {section for section, _ in BLOCKS}
    assert {"Quickstart", "Live training plots", "Model inspector", "Model inspection (engine)"} <= sections
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("code", [code for _, code in BLOCKS], ids=IDS)
def test_each_readme_snippet_runs_in_a_fresh_kernel_and_shows_what_it_draws(code, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(PREAMBLE), nbformat.v4.new_code_cell(code)]
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[1].outputs
    errors = [o for o in outputs if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    assert not errors, errors
    draws = re.findall(r"nbvis\.(?:linechart|show\.\w+|Visor|inspect)\(", code)
    if draws:  # every chart or view it makes is on the page (not only the cell's last expression)
        shown = [o for o in outputs if WIDGET in o.get("data", {})]
        assert shown, f"the snippet draws {draws} but its cell shows no widget"
