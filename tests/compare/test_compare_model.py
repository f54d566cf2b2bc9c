"""The comparison of three plans (Saint-Maur, the fictional Valmont-sur-Essai and Clairval), built from the named
queries ``compare-plans-*`` run on a real store, checked against counts worked out by hand from the sources:
data/sources/saint-maur-ville-initiatives-solidaires-2021.txt (line numbers given), the fixtures' source.txt and
the classification files. The CSV and JSON forms are checked on the same comparison.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pyoxigraph as ox
import pytest

from essgraph.compare.export import to_csv, to_json
from essgraph.compare.model import Plan, build_comparison
from essgraph.search.index import index_path
from essgraph.search.query import SearchIndex
from essgraph.sparql.execute import union_args
from essgraph.sparql.named import load_named_queries
from support.projects import ROOT, base_of

BASE = base_of("three-plans")
SM, VM, CV = "saint-maur-des-fosses-2021", "valmont-sur-essai-2024", "clairval-2025"
QUERIES = load_named_queries(ROOT / "queries")


@pytest.fixture(scope="module")
def built(builds):
    """The three-plan project's session build: its store in memory (as the server has it) and its search index."""
    three = builds["three-plans"]
    return three.memory, SearchIndex(index_path(three.current.path))


def fetch_from(store: ox.Store):
    """Run a named query as the server does: ?plan bound when the query has the parameter, else filtered."""
    def fetch(name: str, plan: str) -> list[dict]:
        query = QUERIES[name]
        bound = any(p.name == "plan" for p in query.params)
        result = store.query(query.text, **union_args(store),
                             substitutions=query.bindings({"plan": plan}) if bound else {})
        names = [v.value for v in result.variables]
        rows = [{n: (r[n].value if r[n] is not None else None) for n in names} for r in result]
        return rows if bound else [r for r in rows if r.get("plan") == plan]
    return fetch


@pytest.fixture(scope="module")
def comparison(built):
    store, index = built
    plans = [Plan(k, BASE + "id/plan/" + k, k) for k in (SM, VM, CV)]

    def key_for(facet, iri):
        value = index.value_by_iri(facet, iri)
        return value.key if value else None

    return build_comparison(plans, fetch_from(store), key_for)


def section(comparison, ident: str):
    return next(s for s in comparison.sections if s.id == ident)


def table(comparison, ident: str, by: str = "label") -> dict[str, dict[str, Decimal | str | None]]:
    return {getattr(row, by): {k: (c.value if c.value is not None else c.text) for k, c in row.cells.items()}
            for row in section(comparison, ident).rows}


def test_the_overview_counts_actions_budgets_dates_and_targets(comparison):
    """Cards: 30 (Saint-Maur: "Les 30 actions", line 36), 4 and 4. Targets: Saint-Maur 1 (4.4, "estimation à 30%"),
    Valmont 1 (1.1, "au moins 4 par an"), Clairval 2 (1.1 "au moins 40", 1.2 "30 %"). Budgets: Saint-Maur 1.3, 4.1,
    4.2; Valmont 1.1, 2.1; Clairval all four. Dated calendars: Saint-Maur 18 (see test_queries), Valmont 1.1, 1.2,
    2.2; Clairval 1.1, 1.2, 2.2."""
    rows = table(comparison, "ensemble")
    assert rows["Fiches action"] == {SM: 30, VM: 4, CV: 4}
    assert rows["Axes"] == {SM: 4, VM: 2, CV: 2}
    assert rows["Adopté le"] == {SM: "2021-06-30", VM: "2024-02-15", CV: "2025-01-20"}
    assert rows["Indicateurs avec une cible"] == {SM: 1, VM: 1, CV: 2}
    assert rows["Fiches avec un budget chiffré"] == {SM: 3, VM: 2, CV: 4}
    assert rows["Fiches avec un calendrier daté"] == {SM: 18, VM: 3, CV: 3}


def test_levers_and_fields_count_the_actions_of_each_plan(comparison):
    levers = table(comparison, "leviers", by="iri")
    lever = "https://w3id.org/essgraph/def/lever/"
    # Saint-Maur 1.7, 1.8, 1.9, 1.10, 4.3 (classification files); Valmont 1.2; Clairval 1.2
    assert levers[lever + "commande-publique-responsable"] == {SM: 5, VM: 1, CV: 1}
    assert levers[lever + "financement-solidaire"] == {SM: 0, VM: 1, CV: 1}     # Valmont 2.1, Clairval 2.2
    fields = table(comparison, "champs", by="iri")
    assert fields["https://w3id.org/essgraph/def/field/mobilite"][VM] == 1   # the bicycle workshop
    assert fields["https://w3id.org/essgraph/def/field/mobilite"][CV] == 1   # the electric bicycles
    shares = {k: c.share for k, c in section(comparison, "leviers").rows[0].cells.items()}
    assert all(share is not None for share in shares.values())


def test_legal_bases_cited(comparison):
    """Loi AGEC: Saint-Maur 1.7, 2.1, 2.4; Valmont 1.2; Clairval 1.2, 2.2. Code de la commande publique: 1.7,
    Valmont 1.2, Clairval 1.2. Loi ESS: Valmont 1.1 only. Loi Garot: Saint-Maur 1.4, Valmont 2.2."""
    rows = table(comparison, "bases-legales")
    assert rows["Loi AGEC"] == {SM: 3, VM: 1, CV: 2}
    assert rows["Code de la commande publique"] == {SM: 1, VM: 1, CV: 1}
    assert rows["Loi Garot"] == {SM: 1, VM: 1}
    assert rows["Loi ESS"] == {VM: 1}


def test_partners_shared_between_plans(comparison):
    """RTES: Saint-Maur 1.3, 2.5; Valmont 1.1; Clairval 1.1. CRESS: 1.2, 2.5; Valmont 1.1, 1.2; Clairval 1.1,
    1.2. FUB: 3.1, 3.2; Valmont 2.1; Clairval 2.1. Pôle emploi: 4.1; Valmont 1.2 (not Clairval)."""
    rows = table(comparison, "partenaires", by="iri")
    org = BASE + "id/organisation/"
    assert rows == {org + "rtes": {SM: 2, VM: 1, CV: 1}, org + "cress": {SM: 2, VM: 2, CV: 2},
                    org + "federation-des-usagers-de-la-bicyclette": {SM: 2, VM: 1, CV: 1},
                    org + "pole-emploi": {SM: 1, VM: 1}}


def test_budgets_are_summed_per_year_and_period_and_the_rest_is_listed(comparison):
    """Saint-Maur: 650 € (1.3, Sept. 2021); 4.1 "50 000€ par poste" and 4.2 "entre 1 300 et 2 100€ par mois" do not
    add up. Valmont: 800 € a year (1.1, 2024), 12 000 € (2.1, "Court terme": no year). Clairval: 5 000 € (1.1,
    2025), 20 000 € (2.2, 15 March 2026), 300 € a month (2.1, "Moyen terme"); "1 500 € par vélo" (2.1) and "Entre
    2 000 et 4 000 €" (1.2) do not add up."""
    budgets = section(comparison, "budgets")
    assert table(comparison, "budgets") == {
        "2021 — montants ponctuels": {SM: 650}, "2024 — par an": {VM: 800}, "2025 — montants ponctuels": {CV: 5000},
        "2026 — montants ponctuels": {CV: 20000}, "Sans année — montants ponctuels": {VM: 12000},
        "Sans année — par mois": {CV: 300}, "Montants non additionnables": {SM: 2, CV: 2}}
    assert {r.label: r.unit for r in budgets.rows}["2021 — montants ponctuels"] == "EUR"
    actions = {r.label: {k: [a.rsplit("/", 1)[1] for a in c.actions] for k, c in r.cells.items()} for r in budgets.rows}
    assert actions["2025 — montants ponctuels"] == {CV: ["1.1"]} and actions["2026 — montants ponctuels"] == {CV: ["2.2"]}
    assert actions["Montants non additionnables"] == {SM: ["4.1", "4.2"], CV: ["1.2", "2.1"]}
    assert sorted((d["plan"], d["number"], d["reason"]) for d in budgets.details) == [
        (CV, "1.2", "fourchette"), (CV, "2.1", "montant par unité"), (SM, "4.1", "montant par unité"),
        (SM, "4.2", "fourchette")]


def test_the_calendar_counts_actions_per_year_and_horizon(comparison):
    """Clairval 1.1 runs 2025-2026, 1.2 is September 2025, 2.2 opens on 15 March 2026; 2.1 is "Moyen terme"."""
    rows = table(comparison, "calendrier")
    assert {k: v for k, v in rows.items() if k.isdigit()} == {"2021": {SM: 15}, "2022": {SM: 3}, "2024": {VM: 3},
                                                              "2025": {CV: 2}, "2026": {CV: 2}}
    assert rows["Moyen terme"] == {SM: 2, CV: 1} and rows["Court terme"] == {SM: 3, VM: 1}


def test_organisation_types_count_the_distinct_organisations_involved(comparison):
    """From the fixtures' involvements (prov:agent) and the types in the reference files. Valmont: Mission ESS and
    Service des achats (service municipal; 1.1, 1.2, 2.2), RTES and CRESS (réseau; 1.1, 1.2), the bicycle workshop,
    FUB and the épicerie (association; 2.1, 2.2), Pôle emploi (établissement public; 1.2). Clairval: Service vie
    locale and Service des achats (service municipal), RTES and CRESS (réseau), FUB and the Ressourcerie
    (association)."""
    rows = table(comparison, "types-organisations", by="iri")
    kind = "https://w3id.org/essgraph/def/organisation-type/"
    columns = {t: {k: v for k, v in rows[kind + t].items() if k != SM} for t in
               ("service-municipal", "reseau", "association", "etablissement-public")}
    assert columns == {"service-municipal": {VM: 2, CV: 2}, "reseau": {VM: 2, CV: 2}, "association": {VM: 3, CV: 2},
                       "etablissement-public": {VM: 1}}
    assert {r.unit for r in section(comparison, "types-organisations").rows} == {"organisations"}


def test_sdg_targets_count_the_actions_that_serve_them(comparison):
    """The fixtures' classification files: Valmont 1.1 -> 17.17, 1.2 -> 8.5 and 12.7, 2.1 -> 11.2, 2.2 -> 12.3;
    Clairval 1.1 -> 11.7, 1.2 -> 12.7 and 2.4, 2.1 -> 11.2, 2.2 -> 12.5. Rows are in the targets' order."""
    rows = section(comparison, "odd").rows
    by_target = {r.iri.rsplit("/", 1)[1]: {k: c.value for k, c in r.cells.items() if k != SM} for r in rows}
    assert {t: c for t, c in by_target.items() if c} == {
        "17.17": {VM: 1}, "8.5": {VM: 1}, "12.7": {VM: 1, CV: 1}, "11.2": {VM: 1, CV: 1}, "12.3": {VM: 1},
        "11.7": {CV: 1}, "2.4": {CV: 1}, "12.5": {CV: 1}}
    order = [tuple(int(n) for n in r.iri.rsplit("/", 1)[1].split(".")) for r in rows]
    assert order == sorted(order)
    assert next(r for r in rows if r.iri.endswith("/12.7")).label.startswith("12.7 — ")


def test_quality_notes(comparison):
    rows = table(comparison, "qualite")
    assert rows["Indicateur manquant"] == {SM: 1, CV: 1}    # Saint-Maur 2.11, Clairval 2.2
    assert rows["Objectif manquant"][VM] == 1               # Valmont 2.1


def test_every_count_of_actions_links_to_a_search_that_finds_them(built, comparison):
    _, index = built
    checked = 0
    for s in comparison.sections:
        for row in s.rows:
            if row.unit != "fiches":
                continue
            for cell in row.cells.values():
                if cell.filters and cell.value:
                    found = index.search("", {k: (v,) for k, v in cell.filters.items()})
                    assert found.total == cell.value, (s.id, row.label, cell.filters)
                    checked += 1
    assert checked > 60


def test_csv_has_a_bom_one_column_per_plan_and_french_decimals_with_semicolons(comparison):
    data = to_csv(comparison, ";")
    assert data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["rubrique", "ligne", "iri", "unité"] and rows[0][4:] == [SM, VM, CV]
    assert rows[1][4:] == [BASE + "id/plan/" + k for k in (SM, VM, CV)]
    shares = [r for r in rows if r[0] == "Leviers d'action"]
    assert shares and all(len(r) == 7 for r in rows)
    budget = next(r for r in rows if r[1] == "2026 — montants ponctuels")
    assert budget[4:] == ["", "", "20000"]
    assert any(r[1].startswith("Non additionnable : fiche 4.2") and r[4].startswith("entre 1 300") for r in rows)
    commas = list(csv.reader(io.StringIO(to_csv(comparison, ",").decode("utf-8-sig"))))
    assert len(commas) == len(rows)


def test_json_links_each_cell_to_its_actions_and_each_section_to_its_query(comparison):
    data = to_json(comparison, lambda f: "search?" + "&".join(f"{k}={v}" for k, v in sorted(f.items())),
                   lambda q: "queries/" + q)
    assert [p["key"] for p in data["plans"]] == [SM, VM, CV]
    levers = next(s for s in data["sections"] if s["id"] == "leviers")
    assert levers["queries"] == ["queries/compare-plans-levers"]
    cell = next(r for r in levers["rows"] if r["iri"].endswith("commande-publique-responsable"))["cells"][CV]
    assert cell == {"value": 1, "percent": 25.0,
                    "actions": "search?lever=commande-publique-responsable&plan=clairval-2025&type=action"}
    budgets = next(s for s in data["sections"] if s["id"] == "budgets")
    assert len(budgets["notSummed"]) == 4
