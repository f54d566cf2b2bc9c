"""The template: a Frictionless Tabular Data Package whose enums are the codes of the SKOS schemes, whose column
names reuse schema.data.gouv.fr's where one exists, written as XLSX, ODS or CSV with a Lisez-moi sheet and an example
row that imports and validates as it is."""

from __future__ import annotations

import csv
import json
import shutil

import pyoxigraph as ox
import pytest
from frictionless import Package, validate

from support.processes import run_cli
from support.projects import ROOT
from essgraph.intake.schema import TABLES


def scheme_codes(scheme: str) -> set[str]:
    """The codes of a scheme, read from its Turtle file (not through essgraph)."""
    prefix = f"https://w3id.org/essgraph/def/{scheme}/"
    triples = ox.parse(path=str(ROOT / "ontology" / "schemes" / f"{scheme}.ttl"), format=ox.RdfFormat.TURTLE)
    return {t.subject.value[len(prefix):] for t in triples
            if t.object.value == "http://www.w3.org/2004/02/skos/core#Concept" and t.subject.value.startswith(prefix)}


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template") / "modele"
    result = run_cli("template", "--out", str(folder), "--config", str(ROOT / "essgraph.toml"), cwd=folder.parent)
    assert result.returncode == 0, result.stderr
    return folder


def test_the_data_package_and_its_example_rows_are_valid_for_frictionless_itself(package_dir):
    package = Package(str(package_dir / "datapackage.json"))
    assert [r.name for r in package.resources] == [t.name for t in TABLES]
    assert sorted(p.name for p in package_dir.glob("*.csv")) == sorted(f"{t.name}.csv" for t in TABLES)
    report = validate(str(package_dir / "datapackage.json"))  # the descriptor, types, enums and keys
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_itself_refuses_a_status_that_is_not_in_the_scheme(package_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(package_dir, broken)
    with open(broken / "actions.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    rows[1][rows[0].index("phaseStatut")] = "termine"
    with open(broken / "actions.csv", "w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    report = validate(str(broken / "datapackage.json"))
    assert not report.valid
    assert report.flatten(["fieldName", "type"]) == [["phaseStatut", "constraint-error"]]


def test_enums_are_the_codes_of_the_skos_schemes(package_dir):
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    fields = {(r["name"], f["name"]): f for r in descriptor["resources"] for f in r["schema"]["fields"]}
    assert set(fields[("actions", "phaseStatut")]["constraints"]["enum"]) == scheme_codes("status")
    assert {"bloque", "en-retard", "a-discuter"} <= scheme_codes("status")
    assert set(fields[("actions", "priorite")]["constraints"]["enum"]) == scheme_codes("priority")
    assert set(fields[("partenaires", "role")]["constraints"]["enum"]) == scheme_codes("role")
    assert set(fields[("partenaires", "type")]["constraints"]["enum"]) == scheme_codes("organisation-type")
    assert set(fields[("budgets", "nature")]["constraints"]["enum"]) == scheme_codes("budget-stage")
    assert "lever" in fields[("actions", "leviers")]["description"]


def test_column_names_reused_from_schema_data_gouv_fr_say_so(package_dir):
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    fields = {(r["name"], f["name"]): f for r in descriptor["resources"] for f in r["schema"]["fields"]}
    for key in [("actions", "nom"), ("actions", "description"), ("actions", "budgetPrevisionnel"),
                ("actions", "dateDebutPrevisionnelle"), ("actions", "phaseStatut"), ("plan", "siren"),
                ("plan", "codeInsee")]:
        assert "schema.data.gouv.fr" in fields[key]["description"], key
    assert all(f["title"] and f["description"] for f in fields.values())


def test_keys_link_the_tables(package_dir):
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
    assert schemas["actions"]["primaryKey"] == ["numero"]
    assert schemas["actions"]["foreignKeys"] == [{"fields": ["axe"], "reference": {"resource": "axes", "fields": ["code"]}}]
    assert schemas["axes"]["foreignKeys"][0]["reference"]["resource"] == ""


@pytest.mark.parametrize("name", ["modele.xlsx", "modele.ods"])
def test_the_workbook_starts_with_a_lisez_moi_sheet_then_one_sheet_per_table(tmp_path, name, reference):
    from essgraph.intake.tables import sheet_names

    result = run_cli("template", "--out", str(tmp_path / name), "--config", str(ROOT / "essgraph.toml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sheet_names(tmp_path / name, name.rsplit(".", 1)[1]) == ["Lisez-moi"] + [t.name for t in TABLES]
    assert (tmp_path / name).stat().st_mode & 0o044  # readable by others, like any new file (umask 022)


def test_the_blank_template_imports_and_validates_as_it_is(tmp_path):
    run_cli("template", "--out", str(tmp_path / "modele.xlsx"), "--config", str(ROOT / "essgraph.toml"), cwd=tmp_path)
    result = run_cli("import", str(tmp_path / "modele.xlsx"), "--out", str(tmp_path / "out"),
                     "--config", str(ROOT / "essgraph.toml"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "example row" in result.stdout  # the person is told the example is still there
    assert (tmp_path / "out" / "plan.ttl").is_file()


def test_a_template_path_with_an_unknown_extension_is_refused(tmp_path):
    result = run_cli("template", "--out", str(tmp_path / "modele.docx"), "--config", str(ROOT / "essgraph.toml"),
                     cwd=tmp_path)
    assert result.returncode == 2 and "unknown template format" in result.stderr
