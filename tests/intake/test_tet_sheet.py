"""A Territoires en Transitions plan-import sheet, written by the tests with openpyxl (tests/intake/tet_sheet.py: 2
axes, 3 sub-axes, 9 actions and a sub-action), imports, builds, validates with zero violations, shows on the pages
and in the compare-plans queries next to the Saint-Maur plan."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from support.processes import run_cli
from support.projects import ROOT, repository_project_head
from essgraph.build.builds import StoreDir
from essgraph.build.pipeline import Builder
from essgraph.intake.problems import IntakeDataError, WorkbookUnreadable
from essgraph.intake.read import convert_file
from essgraph.project import load_project
from essgraph.sparql.named import load_named_queries
from support.tet_sheet import ACTIONS, HEADERS, PLAN_ID, write_tet_workbook

BASE = "http://127.0.0.1:8000/"
PLAN = f"{BASE}id/plan/{PLAN_ID}"
DEF = "https://w3id.org/essgraph/def/"
QUERIES = load_named_queries(ROOT / "queries")
PROJECT = repository_project_head("Saint-Maur and a TeT sheet", """
[project.publisher]
name = "Réseau d'essai (opérateur fictif de test)"
iri = "id/organisation/reseau-d-essai"
type = "NonProfitOrganisation"
""") + """
[[dataset]]
id = "saint-maur-des-fosses-2021"
kind = "plan"
[[dataset.graph]]
iri = "graph/plan/saint-maur-des-fosses-2021"
files = ["{root}/data/plans/saint-maur-des-fosses-2021/*.ttl"]
[[dataset.graph]]
iri = "graph/plan/saint-maur-des-fosses-2021/classification"
files = ["{root}/data/plans/saint-maur-des-fosses-2021/classification/*.ttl"]

[[dataset]]
id = "{plan}"
kind = "plan"
files = ["plans/tet.xlsx"]
"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """The project (Saint-Maur + the TeT workbook listed as is) built with the repository's catalog metadata."""
    folder = tmp_path_factory.mktemp("tet-deployment")
    (folder / "plans").mkdir()
    write_tet_workbook(folder / "plans" / "tet.xlsx")
    shutil.copytree(ROOT / "data" / "catalog", folder / "data" / "catalog")
    config = folder / "essgraph.toml"
    config.write_text(PROJECT.format(root=ROOT, plan=PLAN_ID), encoding="utf-8")
    report = Builder(load_project(config), BASE, folder / "store").run(write=True)
    return folder, report


class Union:
    """The published store, queried like the server queries it: the default graph is the union of the graphs."""

    def __init__(self, store: ox.Store):
        self.store = store

    def query(self, text: str, **options):
        return self.store.query(text, use_default_graph_as_union=True, **options)


@pytest.fixture(scope="module")
def store(deployment) -> Union:
    return Union(StoreDir(deployment[0] / "store").require_current().open())


def run_query(store, name: str, **params) -> list[dict]:
    query = QUERIES[name]
    result = store.query(query.text, substitutions=query.bindings(params))
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def test_the_tet_workbook_builds_and_conforms_with_zero_violations(deployment):
    _folder, report = deployment
    assert report.conforms, "\n".join(r.line() for r in report.violations)
    mine = [r for r in report.results if r.dataset == PLAN_ID]
    assert not [r for r in mine if r.severity == "Violation"]
    # the warnings on the converted plan are given at their workbook cell
    assert all(r.location.startswith("tet.xlsx, sheet \"Plan d'action\", row ") for r in mine), \
        "\n".join(r.line() for r in mine)


def test_the_actions_the_axes_and_the_sub_action_are_where_the_sheet_puts_them(store):
    rows = store.query(f"""PREFIX ess: <{DEF[:-1]}#>
        SELECT ?n ?section WHERE {{ ?a ess:inPlan <{PLAN}> ; ess:cardNumber ?n ; ess:section ?section }}""")
    found = {r["n"].value: r["section"].value[len(PLAN):] for r in rows}
    assert found == {"1.1.1": "/axis/1/reseaux", "1.1.2": "/axis/1/reseaux", "1.2.1": "/axis/1/achats-responsables",
                     "1.2.2": "/axis/1/achats-responsables", "2.1": "/axis/2", "2.2": "/axis/2",
                     "2.1.1": "/axis/2/mobilite", "2.1.2": "/axis/2/mobilite", "2.1.3": "/axis/2/mobilite"}
    assert len(found) == len([a for a in ACTIONS if not a.get("sousAction")]) >= 8
    step = store.query(f"""PREFIX ess: <{DEF[:-1]}#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label WHERE {{ <{PLAN}/action/1.2.2> ess:step/rdfs:label ?label }}""")
    assert [r["label"].value for r in step] == ["Recenser les marchés existants"]


def test_statuses_priorities_partners_funders_and_dates_are_mapped(store):
    def values(card: str, prop: str) -> set[str]:
        rows = store.query(f"SELECT ?v WHERE {{ <{PLAN}/action/{card}> <{prop}> ?v }}")
        return {r["v"].value for r in rows}
    ess = DEF[:-1] + "#"
    assert values("2.1", ess + "status") == {DEF + "status/bloque"}
    assert values("2.2", ess + "status") == {DEF + "status/a-discuter"}
    assert values("2.1", ess + "priority") == {DEF + "priority/eleve"}
    assert values("1.1.1", ess + "involvedOrganisation") >= {BASE + "id/organisation/rtes", BASE + "id/organisation/cress"}
    roles = store.query(f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX ess: <{ess}>
        SELECT ?wording ?role WHERE {{ <{PLAN}/action/2.1> prov:qualifiedAssociation ?i .
        ?i ess:sourceWording ?wording ; prov:hadRole ?role }}""")
    assert {(r["wording"].value, r["role"].value.rsplit("/", 1)[-1]) for r in roles} >= {
        ("Association La Panière", "pilote"), ("CCAS de Bourg-sur-Tet", "partenaire"), ("Département", "financeur")}
    amounts = store.query(f"""PREFIX ess: <{ess}> PREFIX schema: <http://schema.org/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?value WHERE {{ <{PLAN}/action/2.1> ess:means ?m . ?m rdfs:label ?label ; ess:amount/schema:value ?value }}""")
    assert {(r["label"].value, int(r["value"].value)) for r in amounts} == {
        ("Financeur 1 : Département", 12000), ("Financeur 2 : Commune de Bourg-sur-Tet (collectivité fictive de test)", 5000),
        ("Budget prévisionnel total € HT", 17000)}
    dates = store.query(f"""PREFIX ess: <{ess}> PREFIX time: <http://www.w3.org/2006/time#>
        SELECT ?start ?end WHERE {{ <{PLAN}/action/1.1.1> ess:scheduledInterval ?i .
        ?i time:hasBeginning/time:inXSDDate ?start ; time:hasEnd/time:inXSDDate ?end }}""")
    assert [(r["start"].value, r["end"].value) for r in dates] == [("2025-01-01", "2025-12-31")]


def test_a_plan_level_note_says_what_the_tet_sheet_cannot_say(store):
    rows = list(store.query(f"""PREFIX ess: <{DEF[:-1]}#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?anomaly ?comment WHERE {{ <{PLAN}> ess:qualityNote ?n . ?n ess:anomaly ?anomaly ;
        rdfs:comment ?comment FILTER (LANG(?comment) = "en") }}"""))
    assert [r["anomaly"].value for r in rows] == [DEF + "anomaly/not-in-source-format"]
    assert "levers" in rows[0]["comment"].value and "legal bases" in rows[0]["comment"].value


def test_the_tet_plan_shows_in_the_compare_plans_queries(store):
    overview = {r["plan"]: r for r in run_query(store, "compare-plans-overview")}
    assert set(overview) == {BASE + "id/plan/saint-maur-des-fosses-2021", PLAN}
    mine = overview[PLAN]
    assert (int(mine["axes"]), int(mine["actions"])) == (2, 9)
    assert mine["collectivite"] == "Commune de Bourg-sur-Tet (collectivité fictive de test)"
    assert mine["adopted"] == "2025-01-20"
    levers = {(r["lever"].rsplit("/", 1)[-1], r["plan"]): int(r["actions"]) for r in run_query(store, "compare-plans-levers")}
    assert levers[("commande-publique-responsable", PLAN)] == 2
    assert levers[("cooperation-et-reseaux", PLAN)] == 1
    fields = {(r["field"].rsplit("/", 1)[-1], r["plan"]): int(r["actions"]) for r in run_query(store, "compare-plans-fields")
              if r.get("field")}
    assert fields[("mobilite", PLAN)] == 3
    legal = run_query(store, "compare-plans-legal-bases")
    assert any(r["plan"] == PLAN for r in legal)


def test_the_tet_plan_and_its_actions_show_on_the_pages(deployment):
    from essgraph.app import create_app
    from essgraph.settings import Settings
    from support.asgi import InProcess

    folder, _ = deployment
    settings = Settings(base_iri=BASE, store=folder / "store", config=folder / "essgraph.toml", log_level="warning")
    with InProcess(create_app(settings), BASE) as served, served.client() as client:
        page = client.get(f"/id/plan/{PLAN_ID}", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "Bourg-sur-Tet, commune solidaire" in page.text and "Épicerie solidaire" in page.text
        card = client.get(f"/id/plan/{PLAN_ID}/action/2.1", headers={"Accept": "text/html"})
        assert card.status_code == 200
        assert "Épicerie solidaire" in card.text and "Association La Panière" in card.text
        catalog = client.get("/catalog.ttl")
        assert f"id/dataset/{PLAN_ID}" in catalog.text


def test_the_import_command_converts_the_sheet_and_prints_what_it_made(tmp_path):
    workbook = write_tet_workbook(tmp_path / "tet.xlsx")
    out = tmp_path / "out"
    result = run_cli("import", str(workbook), "--out", str(out), "--config", str(ROOT / "essgraph.toml"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"plan {PLAN_ID}: 5 section(s), 9 action(s)" in result.stdout
    assert "actions: 1.1.1, 1.1.2, 1.2.1, 1.2.2, 2.1, 2.2, 2.1.1, 2.1.2, 2.1.3" in result.stdout
    assert "new, not in the reference data: <id/organisation/atelier-velo-du-tet> Atelier vélo du Tet" in result.stdout
    assert f'[[dataset.graph]]\niri = "graph/plan/{PLAN_ID}/classification"' in result.stdout  # how to publish it
    assert sorted(p.name for p in out.iterdir()) == ["classification.ttl", "organisations.ttl", "plan.ttl"]
    assert "Personne pilote" in result.stdout  # the column it does not convert is reported
    for path in out.iterdir():
        assert not any(line.startswith("@base") for line in path.read_text(encoding="utf-8").splitlines())
        assert "127.0.0.1" not in path.read_text(encoding="utf-8")  # relative IRIs only


def test_a_sheet_whose_headers_moved_is_refused_at_the_column_that_differs(tmp_path, reference):
    headers = list(HEADERS)
    headers[1], headers[2] = headers[2], headers[1]
    path = write_tet_workbook(tmp_path / "tet.xlsx", headers=headers)
    with pytest.raises(IntakeDataError) as caught:
        convert_file(path, reference, "tet")
    first = caught.value.problems[0]
    assert (first.where.sheet, first.where.row, first.where.letter) == ("Plan d'action", 2, "B")
    assert "Sous-axe (x.x)" in first.en


def test_a_bad_date_and_an_unknown_status_in_the_sheet_are_reported_at_their_cells(tmp_path, reference):
    actions = [dict(a) for a in ACTIONS]
    actions[0]["dateDebut"] = "31/02/2025"
    actions[1]["statut"] = "Terminé"
    path = write_tet_workbook(tmp_path / "tet.xlsx", actions=actions)
    with pytest.raises(IntakeDataError) as caught:
        convert_file(path, reference)
    found = {(p.where.row, p.where.column, p.where.letter, p.value) for p in caught.value.problems}
    assert found == {(4, "Date de début", "AA", "31/02/2025"), (5, "Statut", "Y", "Terminé")}


def test_a_sheet_without_the_plan_sheet_says_what_to_add(tmp_path, reference):
    path = write_tet_workbook(tmp_path / "tet.xlsx", plan=None)
    with pytest.raises(IntakeDataError) as caught:
        convert_file(path, reference)
    assert "add the \"plan\" sheet" in caught.value.problems[0].en


def test_without_classification_the_missing_levers_are_reported_at_the_action_rows(tmp_path):
    workbook = write_tet_workbook(tmp_path / "tet.xlsx", classification=None)
    result = run_cli("import", str(workbook), "--out", str(tmp_path / "out"), "--config", str(ROOT / "essgraph.toml"),
                     cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ligne 4, colonne « Titre de l'action » (D)" in result.stderr
    assert "An action has at least one lever" in result.stderr and "Une action a au moins un levier" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_workbook_that_is_not_a_tet_sheet_is_refused_as_tet(tmp_path, reference):
    from support.workbooks import write_workbook

    path = write_workbook(tmp_path / "plan.xlsx")
    with pytest.raises(WorkbookUnreadable):
        convert_file(path, reference, "tet")
