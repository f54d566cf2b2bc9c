"""Shared fixtures: the session's builds (one per project, see support/projects.py) and writable project copies.

Layout of tests/: one folder per package of src/essgraph (intake/, build/, validate/, publish/, compare/, search/,
sparql/, web/, cli/; tests of the top-level modules project.py and settings.py at the top), data/ for the project's
own data (plan cards, competency queries), process/ for the tests that need real ``essgraph serve`` processes
(signals, worker processes, isolation) and browser/ for headless Chromium; helpers in support/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.projects import BUILDS_VAR, Builds, copy_project, end_session, start_session


# Test modules that serve the same project with ``essgraph serve`` on the session's port for it (Built.real_server):
# pytest-xdist hands them to one test process, one after the other, instead of letting two processes wait for the
# port. A module that starts serving a project already listed here joins its group.
SERVED_TOGETHER = {
    "real": ("tests/clients/", "tests/browser/test_accessibility.py", "tests/browser/test_real_plan_walk.py"),
}


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByServedProject(LoadScopeScheduling):
        """pytest-xdist's --dist loadscope (a test module is one unit of work), with the modules of each
        ``SERVED_TOGETHER`` group as one unit."""

        def _split_scope(self, nodeid: str) -> str:
            for project, paths in SERVED_TOGETHER.items():
                if nodeid.startswith(paths):
                    return f"essgraph serve of {project}"
            return super()._split_scope(nodeid)

    return ByServedProject(config, log)


def pytest_configure(config):
    if not hasattr(config, "workerinput"):   # the first test process, not one pytest-xdist started
        start_session()


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        end_session()


@pytest.fixture(scope="session")
def builds() -> Builds:
    """Every project built at most once per session: ``builds["real"]``, ``builds["pages"]``..."""
    registry = Builds(Path(os.environ[BUILDS_VAR]))
    yield registry
    registry.close()


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the mini project (one plan, two actions, one shape)."""
    return copy_project("mini", tmp_path)


@pytest.fixture(scope="session")
def catalog_app(builds):
    """The catalog fixture project served in-process (one catalog page)."""
    return builds["catalog"].serve()


@pytest.fixture(scope="session")
def catalog_app_paged(builds):
    """The same build served with one dataset per catalog page (two pages: the whole graph, the plan)."""
    return builds["catalog"].serve(catalog_page_size=1)


def pytest_collection_modifyitems(items):
    """Modules holding a slow test run first (each module kept whole), so that parallel workers (pytest-xdist)
    start the long ones at once instead of finishing on them."""
    slow = {item.module.__name__ for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.module.__name__ not in slow)
