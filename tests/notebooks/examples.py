"""The example notebooks, run where what they write cannot collide."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def examples_copy(where: Path) -> Path:
    """A copy of examples/ to run notebooks in: what they write (logs, saved charts) stays
    there, so two test workers never write the same file."""
    return Path(shutil.copytree(ROOT / "examples", where / "examples", ignore=shutil.ignore_patterns("logs", "out")))
