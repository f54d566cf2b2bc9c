"""The cross-dataset integrity checks run beside the publication step (in a thread) and still stop a build whose
data breaks them — a first build and a rebuild alike —, the previous build kept, their results in the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from essgraph.build.builds import StoreDir
from essgraph.errors import ValidationFailed
from support.projects import ROOT, build, catalog_project

BASE = "http://127.0.0.1:9/"
CHECKS = f'integrity = ["{ROOT}/shapes/integrity/organisations-labelled.rq"]\n'
NOWHERE = ("<id/plan/saint-maur-des-fosses-2021/action/1.1> <https://w3id.org/essgraph/def#involvedOrganisation> "
           "<id/organisation/nulle-part> .\n")


def project_with_checks(tmp_path: Path) -> Path:
    project = catalog_project(tmp_path)
    config = project / "essgraph.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("shapes = []\n", "shapes = []\n" + CHECKS), "utf-8")
    return project


def involve_an_undescribed_organisation(project: Path) -> None:
    plan = project / "data" / "plans" / "plan.ttl"
    plan.write_text(plan.read_text(encoding="utf-8") + NOWHERE, encoding="utf-8")


def test_a_clean_project_builds_with_its_integrity_checks(tmp_path: Path):
    report = build(project_with_checks(tmp_path) / "essgraph.toml", BASE, tmp_path / "store")
    assert report.conforms and report.build_path is not None


@pytest.mark.parametrize("rebuild", [False, True], ids=["first build", "rebuild"])
def test_an_integrity_violation_stops_the_build_and_keeps_the_previous_one(tmp_path: Path, rebuild: bool):
    project = project_with_checks(tmp_path)
    before = None
    if rebuild:
        build(project / "essgraph.toml", BASE, tmp_path / "store")
        before = StoreDir(tmp_path / "store").require_current().path
    involve_an_undescribed_organisation(project)
    with pytest.raises(ValidationFailed) as caught:
        build(project / "essgraph.toml", BASE, tmp_path / "store")
    assert "nulle-part" in caught.value.message and "[integrity]" in caught.value.message
    current = StoreDir(tmp_path / "store").current()
    assert (current.path if current else None) == before
    assert not [p for p in (tmp_path / "store" / "builds").iterdir() if p.name.startswith(".")]  # no partial left
