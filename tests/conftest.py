"""Shared fixtures: a JupyterLab server and a Chromium browser per test session."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from browser.lab import Lab, LabServer

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BROWSER_DIR = Path(__file__).parent / "browser"

# Console errors that do not come from nbvis: JupyterLab probing services this
# offline, token-less server does not offer.
_FOREIGN_ERRORS = re.compile(r"Failed to load resource: the server responded with a status of 404")


# pytest-xdist (scripts/test.sh runs `-n 2 --dist loadgroup`): each worker process starts
# its own JupyterLab and Chromium (session fixtures) when its first browser test needs them.
# A module whose fixture trains, computes for a minute or starts a server stays on one
# worker (one group), so that work is done once.
MODULE_GROUPS = {
    "test_faithfulness.py": "faithfulness",
    "test_watch_s3.py": "s3",
    "test_export_browser.py": "export",  # one run of the catalogue notebook for its tests
}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath))
        if BROWSER_DIR in path.parents:
            item.add_marker(pytest.mark.browser)
        if path.name in MODULE_GROUPS:
            item.add_marker(pytest.mark.xdist_group(MODULE_GROUPS[path.name]))
        elif "marimo" in item.name:  # marimo keeps its config in the home directory
            item.add_marker(pytest.mark.xdist_group("marimo"))


@pytest.fixture(scope="session")
def lab_server() -> Iterator[LabServer]:
    from browser.lab import LabServer

    server = LabServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from browser.lab import CHROMIUM, CHROMIUM_FLAGS
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the tests with `bash scripts/test.sh`, which installs it")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def lab(lab_server: LabServer, browser: object, request: pytest.FixtureRequest) -> Iterator[Lab]:
    """A fresh browser page on JupyterLab; fails the test on any console error."""
    from browser.lab import Lab

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    lab = Lab(lab_server, page)
    yield lab
    try:
        lab.screenshot(request.node.name)
    finally:
        context.close()
        lab_server.shutdown_kernels()
    errors = [e for e in lab.errors
              if not _FOREIGN_ERRORS.search(e) and not any(text in e for text in lab.foreign_errors)]
    assert not errors, f"browser console errors: {errors}"


# -- a recording comm, so widgets can be tested without a kernel -------------------------


from typing import Any

import comm
import pytest
from comm.base_comm import BaseComm


class RecordingComm(BaseComm):
    """A comm that keeps every message it would publish, as (type, data, buffers)."""

    def __init__(self, **kwargs: Any) -> None:
        self.messages: list[tuple[str, dict, list]] = []
        super().__init__(**kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        self.messages.append((msg_type, data or {}, list(buffers or [])))

    def custom(self) -> list[tuple[dict, list]]:
        """The custom (data) messages sent to the front end."""
        return [(d["content"], b) for t, d, b in self.messages
                if t == "comm_msg" and d.get("method") == "custom"]

    def updates(self) -> list[tuple[dict, list]]:
        return [(d, b) for t, d, b in self.messages if t == "comm_msg" and d.get("method") == "update"]


@pytest.fixture
def comms(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[RecordingComm]]:
    """Every comm opened by a widget during the test, in order."""
    opened: list[RecordingComm] = []

    def create(*args: Any, **kwargs: Any) -> RecordingComm:
        c = RecordingComm(*args, **kwargs)
        opened.append(c)
        return c

    monkeypatch.setattr(comm, "create_comm", create)
    yield opened
