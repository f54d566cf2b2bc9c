"""Round trip: the Saint-Maur plan, exported with ``essgraph template --plan`` and imported again, gives back every
fact the template carries.

The facts compared are read by the queries below from the published build and from the imported Turtle — written
here, independently of the exporter: per card, its wordings and labels, section, objectives, steps, calendar dates,
horizon, status, priority, classification, legal bases, involvements (wording, organisation, role), budget lines
(financial means with one amount and no other period than per month / per year), indicators with their targets, and
the notes for a missing objective, description or indicator; for the plan, its title, collectivité, territory,
duration, decision and source. What the template does not carry (see src/essgraph/intake/export.py) is not compared.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from support.processes import run_cli
from support.projects import ROOT
from essgraph.intake.read import convert_file

PLAN_ID = "saint-maur-des-fosses-2021"
PREFIXES = """PREFIX ess: <https://w3id.org/essgraph/def#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX time: <http://www.w3.org/2006/time#>
PREFIX schema: <http://schema.org/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
#: one query per kind of carried fact; each row is a fact (the plan IRI is bound to ?plan)
FACTS = {
    "plan": """SELECT ?p ?v WHERE { { ?plan ?p ?v VALUES ?p { dct:title ess:subtitle ess:collectivite dct:spatial
               ess:plannedDuration ess:durationWording } }
               UNION { ?plan ess:adoptedBy ?d . ?d ?p ?v VALUES ?p { dct:date ess:body ess:agendaItem } }
               UNION { ?plan dct:source/dct:title ?v BIND ("source" AS ?p) }
               UNION { ?plan dct:spatial/dct:identifier ?v BIND ("insee" AS ?p) } }""",
    "sections": """SELECT ?label ?notation ?pos ?parent WHERE { ?plan ess:hasSection+ ?s . ?parentNode ess:hasSection ?s .
               ?s rdfs:label ?label ; ess:position ?pos FILTER (LANG(?label) = "fr") OPTIONAL { ?s skos:notation ?notation }
               OPTIONAL { ?parentNode rdfs:label ?parentLabel FILTER (LANG(?parentLabel) = "fr") }
               BIND (IF(?parentNode = ?plan, "the plan", ?parentLabel) AS ?parent) }""",
    "card": """SELECT ?n ?p ?v WHERE { ?a ess:inPlan ?plan ; ess:cardNumber ?n ; ?p ?v .
               VALUES ?p { ess:printedNumber dct:title ess:summaryTitle rdfs:label ess:context dct:description
                           ess:methodWording ess:meansWording ess:calendarWording ess:indicatorWording ess:sourceLocator
                           ess:sourceLines ess:horizon ess:status ess:priority ess:lever ess:field ess:sdgTarget
                           ess:transversalWith ess:legalBasis ess:legalBasisWording } }""",
    "single day": """SELECT ?n ?day WHERE { ?a ess:inPlan ?plan ; ess:cardNumber ?n ; ess:scheduledDate ?day
               FILTER NOT EXISTS { ?a ess:scheduledDate ?other FILTER (?other != ?day) } }""",
    "section of card": """SELECT ?n ?label WHERE { ?a ess:inPlan ?plan ; ess:cardNumber ?n ; ess:section/rdfs:label ?label
               FILTER (LANG(?label) = "fr") }""",
    "parts": """SELECT ?n ?p ?pos ?label WHERE { ?a ess:inPlan ?plan ; ess:cardNumber ?n ; ?p ?x .
               VALUES ?p { ess:objective ess:step } ?x ess:position ?pos ; rdfs:label ?label }""",
    "interval": """SELECT ?n ?start ?end WHERE { ?a ess:inPlan ?plan ; ess:cardNumber ?n ; ess:scheduledInterval ?i .
               ?i time:hasBeginning/time:inXSDDate ?start OPTIONAL { ?i time:hasEnd/time:inXSDDate ?end } }""",
    "involvement": """SELECT ?n ?pos ?wording ?agent ?role WHERE { ?a ess:inPlan ?plan ; ess:cardNumber ?n ;
               prov:qualifiedAssociation ?i . ?i ess:position ?pos ; ess:sourceWording ?wording ; prov:agent ?agent
               OPTIONAL { ?i prov:hadRole ?role } }""",
    "budget": """SELECT ?n ?value ?currency ?unit ?label ?wording ?funder ?year ?stage ?section WHERE {
               ?a ess:inPlan ?plan ; ess:cardNumber ?n ; ess:means ?m . ?m a ess:FinancialResource ; ess:amount ?x .
               ?x schema:value ?value ; schema:currency ?currency .
               FILTER NOT EXISTS { ?x schema:minValue|schema:maxValue ?range }
               OPTIONAL { ?x schema:unitCode ?unit } FILTER (!BOUND(?unit) || ?unit IN ("MON", "ANN"))
               OPTIONAL { ?m rdfs:label ?label } OPTIONAL { ?x ess:wording ?wording } OPTIONAL { ?m schema:funder ?funder }
               OPTIONAL { ?x ess:fiscalYear ?year } OPTIONAL { ?x ess:budgetStage ?stage }
               OPTIONAL { ?x ess:expenditureType ?section } }""",
    "indicator": """SELECT ?n ?pos ?label ?target ?value ?unit ?date WHERE { ?a ess:inPlan ?plan ; ess:cardNumber ?n ;
               ess:resultIndicator ?i . ?i ess:position ?pos ; rdfs:label ?label .
               OPTIONAL { ?i ess:target ?t . ?t ess:wording ?target OPTIONAL { ?t ess:targetDate ?date }
                          OPTIONAL { ?t ess:targetValue ?q . ?q schema:value ?value OPTIONAL { ?q schema:unitText ?unit } } } }""",
    "gap note": """SELECT ?n ?anomaly WHERE { ?a ess:inPlan ?plan ; ess:cardNumber ?n ; ess:qualityNote/ess:anomaly ?anomaly
               FILTER (STRAFTER(STR(?anomaly), "anomaly/") IN ("missing-objective", "missing-description",
                                                               "missing-indicator")) }""",
}


def facts(store: ox.Store, base: str) -> dict[str, set]:
    found = {}
    plan = ox.NamedNode(f"{base}id/plan/{PLAN_ID}")
    for kind, query in FACTS.items():
        rows = store.query(PREFIXES + query.replace("?plan", str(plan)), use_default_graph_as_union=True)
        names = [v.value for v in rows.variables]
        found[kind] = {tuple(_text(row[n]) for n in names) for row in rows}
    return found


def _text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        lang = f"@{term.language}" if term.language else ""
        number = term.datatype.value.endswith(("#integer", "#decimal"))
        return (str(float(term.value)) if number else term.value) + lang
    return term.value


@pytest.fixture(scope="module")
def published(builds):
    """The repository's project, built once per session."""
    return builds["real"]


@pytest.fixture(scope="module")
def original(published) -> dict[str, set]:
    return facts(published.current.open(), published.base)


def imported_store(folder, base: str) -> ox.Store:
    """The imported files, published as they would be: next to the project's reference data."""
    store = ox.Store()
    for path in sorted(folder.glob("*.ttl")) + sorted((ROOT / "data" / "reference").glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base,
                   to_graph=ox.NamedNode(f"{base}graph/{path.parent.name}/{path.stem}"))
    return store


def test_saint_maur_exported_to_xlsx_and_imported_gives_back_every_carried_fact(published, original, tmp_path):
    workbook = tmp_path / "saint-maur.xlsx"
    exported = run_cli("template", "--plan", PLAN_ID, "--out", str(workbook), "--config", str(ROOT / "essgraph.toml"),
                       "--store", str(published.store), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    out = tmp_path / "imported"
    imported = run_cli("import", str(workbook), "--out", str(out), "--config", str(ROOT / "essgraph.toml"),
                       "--base-iri", published.base, cwd=tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr  # it validates, too
    again = facts(imported_store(out, published.base), published.base)
    for kind in FACTS:
        assert again[kind] == original[kind], (kind, sorted(original[kind] - again[kind])[:5],
                                               sorted(again[kind] - original[kind])[:5])
    assert len(original["card"]) > 500 and len(original["involvement"]) == 162 and original["budget"]


@pytest.mark.parametrize("target", ["saint-maur.ods", "saint-maur-package"])
def test_the_ods_workbook_and_the_csv_data_package_carry_the_same_facts(published, original, tmp_path, reference,
                                                                       target):
    from essgraph.intake.blank import readme
    from essgraph.intake.export import Exporter
    from essgraph.intake.workbook import write_template

    tables = Exporter(published.current.open(), published.base, reference, PLAN_ID).tables()
    write_template(tmp_path / target, tables, readme(reference), reference)
    converted = convert_file(tmp_path / target, reference)
    out = tmp_path / "imported"
    out.mkdir()
    for name in ("plan", "organisations", "classification"):
        (out / f"{name}.ttl").write_bytes(getattr(converted, name).turtle(name))
    again = facts(imported_store(out, published.base), published.base)
    assert again == original


def test_exporting_a_plan_that_is_not_published_names_the_published_ones(published, tmp_path):
    result = run_cli("template", "--plan", "nowhere-2030", "--out", str(tmp_path / "x.xlsx"),
                     "--config", str(ROOT / "essgraph.toml"), "--store", str(published.store), cwd=tmp_path)
    assert result.returncode == 2
    assert "no plan 'nowhere-2030'" in result.stderr and PLAN_ID in result.stderr
    assert not (tmp_path / "x.xlsx").exists()
