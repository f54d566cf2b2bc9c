"""The search index built with the store: French folding, the FTS5 query syntax, results and facet counts.

The index is built the way users build it (``Builder``, validation included) from the three-plan test project
(tests/fixtures/three-plans: Saint-Maur, the fictional Valmont-sur-Essai and Clairval). Every expected count below
was worked out by reading the sources (data/sources/…, the fixtures' source.txt) and the classification files,
never from the index's own output.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from essgraph.errors import StoreError
from essgraph.search.french import fold, singular, term, terms, words
from essgraph.search.fts import fts_expression
from essgraph.search.index import INDEX_FILE, index_path
from essgraph.search.query import SearchIndex
from support.projects import base_of

BASE = base_of("three-plans")
SM = BASE + "id/plan/saint-maur-des-fosses-2021"
CV = BASE + "id/plan/clairval-2025"


@pytest.fixture(scope="module")
def index(builds) -> SearchIndex:
    return SearchIndex(index_path(builds["three-plans"].current.path))


def numbers(results, plan: str = SM) -> list[str]:
    return sorted((h.number for h in results.hits if h.kind == "action" and h.iri.startswith(plan + "/")),
                  key=lambda n: tuple(int(p) for p in n.split(".")))


def counts(results, facet: str) -> dict[str, int]:
    return {value.key: n for value, n, _ in results.facets.get(facet, [])}


# -- French folding ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("word, expected", [
    ("jardins", "jardin"), ("jardin", "jardin"), ("bureaux", "bureau"), ("locaux", "local"), ("jeux", "jeu"),
    ("velos", "velo"), ("bus", "bus"), ("2021", "2021"), ("jardinage", "jardinage"),
])
def test_plurals_fold_to_their_singular(word, expected):
    assert singular(word) == expected


def test_accents_case_and_ligatures_are_folded():
    assert fold("Économie ŒUVRE Île") == "economie oeuvre ile"
    assert terms("Les Jardins partagés de l'Économie") == ["jardin", "partage", "economie"]
    assert terms("vélos") == terms("VELO") == ["velo"]


@pytest.mark.parametrize("text", [
    "Les Jardins\u00a0partagés de l'Économie", "Œuvres  d’art\tet\nbureaux", "e\u0301cole au-dessus",
    "½ budget: 12 000\u202f€ (2021–2026)", "İstanbul ﬁnancement", "",
])
def test_terms_are_those_of_the_whole_text_folded_at_once(text):
    """terms() cuts at white space and remembers each piece's terms: the same terms as folding the whole text."""
    whole = [t for t in (term(w) for w in words(text)) if t]
    assert terms(text) == whole
    assert terms(text) == whole  # a second time, from what was remembered


@pytest.mark.parametrize("query, expression", [
    ("jardins", '"jardin"'),
    ("Jardins partagés", '"jardin" AND "partage"'),
    ('"jardin partagé" -vélo', '"jardin partage" NOT "velo"'),
    ("jardin*", '"jardin"*'),
    ("2.9", '"2 9"'),
    ("Saint-Maur", '"saint maur"'),
    ("de la", None),
    ('"', None),
])
def test_user_queries_become_fts5_expressions(query, expression):
    assert fts_expression(query) == expression


# -- results -----------------------------------------------------------------------------------------------------

def test_jardin_finds_the_garden_actions_of_saint_maur(index):
    """Saint-Maur's cards about gardens: 2.9 (its context: "attachés à leurs jardins"), 2.10 ("Encourager les
    partages de jardins"), 2.12 ("Un jardin collectif et partagé"); "jardinage" (an organisation of 2.9) is another
    word. Clairval's 1.1 is "Marché de producteurs et jardins partagés"; Valmont has no garden."""
    results = index.search("jardin", {"type": ("action",)})
    assert numbers(results, SM) == ["2.9", "2.10", "2.12"]
    assert numbers(results, CV) == ["1.1"]
    assert results.total == 4
    assert counts(results, "plan") == {"saint-maur-des-fosses-2021": 3, "clairval-2025": 1}


@pytest.mark.parametrize("query", ["jardin", "Jardins", "JARDINS", "jardîn"])
def test_case_accents_and_plural_do_not_change_what_is_found(index, query):
    assert numbers(index.search(query, {"type": ("action",)})) == ["2.9", "2.10", "2.12"]


def test_facets_count_the_documents_found_by_each_value(index):
    """"jardin" among actions: levers (classification files) animation-territoriale on 2.9, 2.10, 2.12 and
    Clairval 1.1 (4), mise-a-disposition-de-moyens on 2.9, 2.12 (2), accompagnement-des-acteurs on 2.10,
    formation-et-organisation-interne on 2.12 (1 each). Years: 2.12 "Automne 2021"; Clairval 1.1 "2025-2026" (2025
    and 2026); 2.9 and 2.10 are horizons. Clairval 1.1 is "en cours", states a budget (5 000 €) and a target (40)."""
    results = index.search("jardin", {"type": ("action",)})
    assert counts(results, "lever") == {"animation-territoriale": 4, "mise-a-disposition-de-moyens": 2,
                                        "accompagnement-des-acteurs": 1, "formation-et-organisation-interne": 1}
    assert counts(results, "year") == {"2021": 1, "2025": 1, "2026": 1}
    assert counts(results, "status") == {"en-cours": 1}
    assert counts(results, "has") == {"dates": 2, "budget": 1, "cible": 1}
    # the type facet is counted without its own filter: the Saint-Maur plan's notice speaks of gardens too
    assert counts(results, "type") == {"action": 4, "plan": 1}


def test_values_of_one_facet_are_alternatives_and_facets_combine(index):
    one = index.search("", {"type": ("action",), "status": ("a-venir",)})
    assert numbers(one, CV) == ["1.2", "2.1"] and one.total == 2          # only Clairval states statuses
    both = index.search("", {"type": ("action",), "status": ("a-venir", "en-cours")})
    assert both.total == 4
    assert counts(both, "status") == {"a-venir": 2, "en-cours": 2}         # the other value still counted
    combined = index.search("", {"type": ("action",), "status": ("a-venir", "en-cours"), "lever": (
        "commande-publique-responsable",)})
    assert numbers(combined, CV) == ["1.2"]


def test_legal_bases_are_named_by_their_official_identifier(index):
    """Loi AGEC (JORFTEXT000041553759): Saint-Maur 1.7, 2.1, 2.4; Valmont 1.2; Clairval 1.2, 2.2."""
    results = index.search("", {"type": ("action",), "legal": ("JORFTEXT000041553759",)})
    assert results.total == 6
    assert counts(results, "plan") == {"saint-maur-des-fosses-2021": 3, "valmont-sur-essai-2024": 1,
                                       "clairval-2025": 2}


def test_a_card_number_finds_its_card(index):
    results = index.search("2.9", {"plan": ("saint-maur-des-fosses-2021",)})
    assert results.hits[0].number == "2.9"
    assert numbers(results) == ["2.9"]


def test_unknown_filters_find_nothing_and_are_reported(index):
    results = index.search("", {"lever": ("nope",)})
    assert results.total == 0 and results.unknown == [("lever", "nope")]


def test_excerpts_mark_the_words_found(index):
    hit = next(h for h in index.search("jardins partagés", {"type": ("action",)}).hits if h.iri == CV + "/action/1.1")
    marked = [text for text, matched in hit.excerpt if matched]
    assert "jardins" in marked and "partagés" in marked


def test_organisations_and_plans_are_found_too(index):
    results = index.search("ressourcerie")
    kinds = {(h.kind, h.title) for h in results.hits}
    assert ("organisation", "La Ressourcerie de Clairval (association fictive de test)") in kinds
    assert ("action", "Ressourcerie municipale") in kinds


# -- plans' overview ---------------------------------------------------------------------------------------------

def test_the_overview_sorts_and_pages_the_plans(index):
    rows, total = index.plans(sort="adopted")
    assert total == 3 and [r["key"] for r in rows] == ["saint-maur-des-fosses-2021", "valmont-sur-essai-2024",
                                                       "clairval-2025"]
    rows, _ = index.plans(sort="actions", descending=True, size=2, page=1)
    assert [(r["key"], r["actions"]) for r in rows] == [("saint-maur-des-fosses-2021", 30), ("clairval-2025", 4)]
    rows, _ = index.plans(sort="actions", descending=True, size=2, page=2)
    assert [r["key"] for r in rows] == ["valmont-sur-essai-2024"]


def test_the_overview_knows_department_and_region(index):
    """Saint-Maur-des-Fossés (COG 94068) is in Val-de-Marne (94), Île-de-France (11); Valmont states none."""
    rows = {r["key"]: r for r in index.plans()[0]}
    assert (rows["saint-maur-des-fosses-2021"]["type"], rows["saint-maur-des-fosses-2021"]["department"],
            rows["saint-maur-des-fosses-2021"]["region"]) == ("Commune", "Val-de-Marne", "Île-de-France")
    assert rows["valmont-sur-essai-2024"]["department"] is None
    assert rows["clairval-2025"]["levers"] == 4


def test_counts_per_plan_for_a_lever(index):
    """Commande publique responsable: Saint-Maur 1.7-1.10 and 4.3 (5, classification files), Valmont 1.2, Clairval
    1.2."""
    found = index.plan_counts("lever", "https://w3id.org/essgraph/def/lever/commande-publique-responsable")
    assert [(p["key"], n) for p, n in found] == [("saint-maur-des-fosses-2021", 5), ("clairval-2025", 1),
                                                 ("valmont-sur-essai-2024", 1)]


# -- the file ----------------------------------------------------------------------------------------------------

def test_the_index_lives_in_the_build_folder_and_uses_fts5(index):
    assert index.path.parent.parent.parent.name == "builds" and Path(*index.path.parts[-2:]) == INDEX_FILE
    db = sqlite3.connect(index.path)
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'doc_text'").fetchone()
    assert "fts5" in sql and "remove_diacritics 2" in sql


def test_a_build_without_index_is_reported_with_what_to_do(tmp_path):
    with pytest.raises(StoreError) as caught:
        SearchIndex(tmp_path / "search" / "index.sqlite")
    assert "no search index" in caught.value.message and "essgraph build" in caught.value.hint
