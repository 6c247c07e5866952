"""Shared fixtures: a JupyterLab server and a Chromium browser per test session."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import comm
import pytest
from comm.base_comm import BaseComm

if TYPE_CHECKING:
    from browser.lab import Lab, LabServer

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The suite's models are tiny: compiling their XLA programs (Keras' fit on TensorFlow, every
# jitted JAX function) costs more than running them, and without XLA's backend optimisation
# it costs a third less (the JAX backend tests 18 s -> 12 s, example 04 72 s -> 56 s). Set here,
# it reaches every process the tests start: kernels, servers, scripts under another backend.
os.environ.setdefault("XLA_FLAGS", "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true")

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


# Scopes that run for 25 s or more on 2 cores (`--durations`), longest first: they are started
# before everything else, so the run does not end with one worker on a long test while the
# other has nothing left (the rest keep collection order).
LONGEST_FIRST = (
    "test_example_notebook_runs_without_errors[04_inspect_convnet.ipynb]",
    "marimo",
    "faithfulness",
    "test_a_million_appends_with_a_window_keep_the_kernels_memory_flat",
    "test_re_running_a_chart_cell_frees_the_old_chart_in_kernel_and_browser",
    "test_a_board_shown_before_fit_gets_the_run_live_and_a_restart_shows_every_point",
    "test_switching_methods_draws_each_engines_map_and_leaves_a_picture",
    "export",
    "test_example_notebook_runs_without_errors[",
    "test_wheel_browser.py",
    "test_a_two_worker_job_is_watched_live_as_one_run_without_duplicated_steps",
    "test_backends_browser.py",
    "test_inspect_backends.py",
)


def longest_first(scope: str) -> int:
    """A scope's place in the run: its index in :data:`LONGEST_FIRST`, else after all of them."""
    matches = (scope == part or ("::" in scope and part in scope) for part in LONGEST_FIRST)
    return next((i for i, match in enumerate(matches) if match), len(LONGEST_FIRST))


def group_of(nodeid: str) -> str | None:
    """The group a test runs in (on one worker), from its node id; None: any worker."""
    module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    if module in MODULE_GROUPS:
        return MODULE_GROUPS[module]
    if "marimo" in nodeid.split("::", 1)[-1]:  # marimo keeps its config in the home directory
        return "marimo"
    return None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` with the groups of :func:`group_of`. xdist's own loadgroup reads
    ``xdist_group`` marks through a private node attribute that pytest 9.2 no longer has, so
    its groups were silently ignored (every test went to any worker)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid) or nodeid

        def _assign_work_unit(self, node: Any) -> None:
            if not self.ordered:  # the first assignment: the queue is complete
                self.ordered = True
                queue = sorted(self.workqueue.items(), key=lambda item: longest_first(item[0]))  # stable
                self.workqueue.clear()
                self.workqueue.update(queue)
            super()._assign_work_unit(node)

    return GroupScheduling(config, log)


@pytest.hookimpl
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


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


class _SharedPage:
    """One Chromium page per worker that keeps JupyterLab loaded between tests: loading the
    app and restoring its layout is ~7 s of CPU in software-rendered Chromium, opening a
    notebook in the loaded app ~0.3 s. Dropped (and made again) when a test leaves it unusable."""

    def __init__(self, browser: object) -> None:
        self.browser = browser
        self.context: object | None = None
        self.page: object | None = None

    def get(self) -> object:
        if self.page is None:
            self.context = self.browser.new_context(viewport={"width": 1280, "height": 1000})
            self.page = self.context.new_page()
        return self.page

    def drop(self) -> None:
        if self.context is not None:
            with contextlib.suppress(Exception):
                self.context.close()
        self.context = self.page = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


def _failed(item: pytest.Item) -> bool:
    return item.stash.get(_CALL_FAILED, False)


@pytest.fixture(scope="session")
def shared_page(browser: object) -> Iterator[_SharedPage]:
    shared = _SharedPage(browser)
    yield shared
    shared.drop()


@pytest.fixture
def lab(lab_server: LabServer, shared_page: _SharedPage, request: pytest.FixtureRequest) -> Iterator[Lab]:
    """JupyterLab in a browser page; fails the test on any console error.

    The page is the worker's shared one (JupyterLab stays loaded; the test's notebooks are
    closed and its kernels shut down afterwards), or a fresh one for a test marked
    ``own_page`` (one that changes the page itself, e.g. its style sheets).
    """
    from browser.lab import Lab

    own = request.node.get_closest_marker("own_page") is not None
    if own:
        context = shared_page.browser.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
    else:
        page = shared_page.get()
    lab = Lab(lab_server, page)
    yield lab
    try:
        lab.screenshot(request.node.name)
    finally:
        try:
            if own:
                context.close()
            elif lab.foreign_errors or lab.reloaded or _failed(request.node) or not lab.close_all():
                # the host's errors a test expects may still come, a page the test loaded
                # again restored what it had open (late errors of its widgets included), a
                # failed test may have left anything behind, and a page that is not
                # JupyterLab any more is of no use: the next test makes a new page
                shared_page.drop()
        except Exception:
            shared_page.drop()
            raise
        finally:
            lab.detach()
            lab_server.shutdown_kernels()
    errors = [e for e in lab.errors
              if not _FOREIGN_ERRORS.search(e) and not any(text in e for text in lab.foreign_errors)]
    assert not errors, f"browser console errors: {errors}"


# -- a recording comm, so widgets can be tested without a kernel -------------------------


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
