"""Fixtures of the intake tests: the real project's reference data (concept schemes, organisations, legal texts)."""

from __future__ import annotations

import pytest

from support.projects import ROOT
from essgraph.intake.reference import load_reference
from essgraph.project import load_project


@pytest.fixture(scope="session")
def reference():
    return load_reference(load_project(ROOT / "essgraph.toml"))
