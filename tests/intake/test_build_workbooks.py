"""A workbook is a source of the build: listed in the project file (four lines of TOML) or given to ``essgraph
build``, converted before anything is validated or swapped in; its problems stop the build, reported at their cells,
and the build being served stays."""

from __future__ import annotations

import pytest

from support.processes import run_cli
from support.projects import repository_project_head
from essgraph.build.builds import StoreDir
from essgraph.build.pipeline import Builder
from essgraph.intake.problems import IntakeDataError
from essgraph.project import load_project
from support.workbooks import PLAN_ID, TABLES, column_letter_of, set_cell, write_workbook

BASE = "http://127.0.0.1:8000/"
CONTEXT = repository_project_head("a workbook plan")
FOUR_LINES = """
[[dataset]]
id = "{plan}"
kind = "plan"
files = ["plans/plan.xlsx"]
"""


def project(folder, workbook_edit=None, tables=None):
    (folder / "plans").mkdir(exist_ok=True)
    write_workbook(folder / "plans" / "plan.xlsx", tables, edit=workbook_edit)
    config = folder / "essgraph.toml"
    config.write_text(CONTEXT + FOUR_LINES.format(plan=PLAN_ID), encoding="utf-8")
    return config


def test_a_workbook_listed_in_four_lines_of_toml_is_published(tmp_path):
    config = project(tmp_path)
    report = Builder(load_project(config), BASE, tmp_path / "store").run(write=True)
    assert report.conforms, "\n".join(r.line() for r in report.violations)
    current = StoreDir(tmp_path / "store").require_current()
    graphs = set(current.manifest["graphs"])
    assert {BASE + f"graph/plan/{PLAN_ID}", BASE + f"graph/plan/{PLAN_ID}/classification"} <= graphs
    dataset = next(d for d in current.manifest["datasets"] if d["id"] == PLAN_ID)
    assert dataset["files"] == ["plans/plan.xlsx#plan.ttl", "plans/plan.xlsx#organisations.ttl",
                                "plans/plan.xlsx#classification.ttl"]
    store = current.open()
    actions = list(store.query(f"SELECT ?a WHERE {{ ?a <https://w3id.org/essgraph/def#inPlan> <{BASE}id/plan/{PLAN_ID}> }}",
                               use_default_graph_as_union=True))
    assert len(actions) == len(TABLES["actions"])


def test_an_unchanged_workbook_reuses_its_validation_and_keeps_its_dates(tmp_path):
    import json

    config = project(tmp_path)
    Builder(load_project(config), BASE, tmp_path / "store").run(write=True)
    first = StoreDir(tmp_path / "store").require_current()
    report = Builder(load_project(config), BASE, tmp_path / "store").run(write=True)
    second = StoreDir(tmp_path / "store").require_current()
    assert report.reused == len(report.datasets)  # the same workbook converts to the same bytes
    dates = [json.loads((b.path / "catalog" / "state.json").read_text()) for b in (first, second)]
    assert dates[0][PLAN_ID] == dates[1][PLAN_ID]


def test_essgraph_build_takes_a_workbook_on_the_command_line(tmp_path):
    config = tmp_path / "essgraph.toml"
    config.write_text(CONTEXT, encoding="utf-8")
    workbook = write_workbook(tmp_path / "ville-test.xlsx")
    result = run_cli("build", str(workbook), "--config", str(config), "--store", str(tmp_path / "store"),
                     cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "graph/plan/ville-test" in result.stdout and "3 action(s)" in result.stdout


def test_a_shacl_violation_of_a_workbook_plan_is_reported_at_its_row_and_keeps_the_build_served(tmp_path):
    config = project(tmp_path)
    Builder(load_project(config), BASE, tmp_path / "store").run(write=True)
    before = StoreDir(tmp_path / "store").require_current().path
    # action 1.2 loses its only partner: "an action names at least one pilot or partner" (a SHACL rule)
    tables = {**TABLES, "partenaires": [p for p in TABLES["partenaires"] if p["action"] != "1.2"]}
    project(tmp_path, tables=tables)
    result = run_cli("build", "--config", str(config), "--store", str(tmp_path / "store"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'plan.xlsx, sheet "actions", row 3, column "partenaires"' in result.stderr
    assert "An action names at least one pilot or partner" in result.stderr
    assert "Une action nomme au moins un pilote ou partenaire" in result.stderr
    assert StoreDir(tmp_path / "store").require_current().path == before


def test_a_cell_error_stops_the_build_before_anything_is_built(tmp_path):
    config = project(tmp_path, workbook_edit=set_cell("actions", f"{column_letter_of('actions', 'phaseStatut')}2", "fini"))
    with pytest.raises(IntakeDataError) as caught:
        Builder(load_project(config), BASE, tmp_path / "store").run(write=True)
    assert [(p.where.sheet, p.where.row, p.where.column) for p in caught.value.problems] == [
        ("actions", 2, "phaseStatut")]
    assert StoreDir(tmp_path / "store").current() is None


def test_a_workbook_in_a_dataset_that_is_not_a_plan_is_refused(tmp_path):
    from essgraph.errors import ConfigError

    config = project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace('kind = "plan"', 'kind = "reference"'),
                      encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_project(config)
    assert "workbooks hold plans" in caught.value.message
