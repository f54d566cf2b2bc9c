"""Bit sets of documents (essgraph.search.docsets), and the facet counts made with them checked against the same
counts made in SQL over the index's ``doc_value`` table (what the search did before), for searches with and
without text and filters on the three-plan project."""

from __future__ import annotations

import sqlite3

import pytest

from essgraph.search import docsets, query
from essgraph.search.fts import fts_expression
from essgraph.search.index import index_path
from essgraph.search.query import SearchIndex

IDS = [1, 2, 7, 8, 9, 64, 65, 1000, 4097]


def test_a_set_round_trips_through_its_stored_bytes():
    mask = docsets.of(IDS)
    assert docsets.from_bytes(docsets.to_bytes(IDS)) == mask
    assert [i for i in range(5000) if mask >> i & 1] == IDS
    assert docsets.of([]) == 0 and docsets.to_bytes([]) == b""


def test_membership_and_paging_through_the_ids():
    mask = docsets.of(IDS)
    inside = docsets.member(mask)
    assert [i for i in range(5000) if inside(i)] == IDS
    assert not inside(10**6)
    assert docsets.ids(mask) == IDS
    assert docsets.ids(mask, skip=2, count=3) == [7, 8, 9]
    assert docsets.ids(mask, skip=8, count=5) == [4097]
    assert docsets.ids(mask, skip=9) == [] and docsets.ids(0) == []


@pytest.fixture(scope="module")
def index(builds) -> SearchIndex:
    return SearchIndex(index_path(builds["three-plans"].current.path))


def sql_counts(index: SearchIndex, text: str, filters: dict[str, tuple[str, ...]]) -> dict[str, dict[str, int]]:
    """Each facet's counts among the documents found, filtered by the other facets, counted in SQL."""
    db = sqlite3.connect(index.path)
    expression = fts_expression(text) if text else None
    hits = ("SELECT rowid AS doc FROM doc_text WHERE doc_text MATCH ?", [expression]) if expression else \
        ("SELECT id AS doc FROM doc", [])
    counts: dict[str, dict[str, int]] = {}
    for value_id, facet, key in db.execute("SELECT id, facet, key FROM value"):
        sql, params = f"SELECT COUNT(*) FROM ({hits[0]}) h WHERE h.doc IN (SELECT doc FROM doc_value WHERE value = ?)", \
            [*hits[1], value_id]
        for other, keys in filters.items():
            if other != facet:
                sql += " AND h.doc IN (SELECT dv.doc FROM doc_value dv JOIN value v ON v.id = dv.value " \
                       f"WHERE v.facet = ? AND v.key IN ({','.join('?' * len(keys))}))"
                params += [other, *keys]
        n = db.execute(sql, params).fetchone()[0]
        if n:
            counts.setdefault(facet, {})[key] = n
    return counts


@pytest.mark.parametrize("text, filters", [
    ("jardin", {}),
    ("jardin", {"type": ("action",)}),
    ("", {"plan": ("clairval-2025",), "type": ("action",)}),
    ("vélo", {"type": ("action", "organisation"), "lever": ("financement-solidaire", "animation-territoriale")}),
    ("économie", {"year": ("2021", "2025")}),
])
@pytest.mark.parametrize("few_docs", [1000, 0], ids=["from-the-documents-values", "from-the-values-bit-sets"])
def test_facet_counts_are_those_counted_in_sql(index, monkeypatch, text, filters, few_docs):
    """Both ways of counting (the documents' own values when they are few, else every value's bit set)."""
    monkeypatch.setattr(query, "FEW_DOCS", few_docs)
    results = index.search(text, filters)
    found = {f: {value.key: n for value, n, _ in items if n} for f, items in results.facets.items()}
    assert {f: c for f, c in found.items() if c} == sql_counts(index, text, filters)
    assert results.total == sum(found["type"].values()) or "type" in filters


def test_a_facet_lists_its_most_frequent_values_and_counts_the_others(index):
    """With ``listed``, a facet keeps its most frequent values (the chosen ones always) and says how many it left."""
    every = index.search("", {"type": ("action",)})
    orgs = every.facets["org"]
    assert len(orgs) > 5
    few = index.search("", {"type": ("action",)}, listed=3)
    assert [(v.key, n) for v, n, _ in few.facets["org"]] == [(v.key, n) for v, n, _ in orgs[:3]]
    assert few.not_listed["org"] == len(orgs) - 3
    rare = orgs[-1][0].key
    chosen = index.search("", {"type": ("action",), "org": (rare,)}, listed=1)
    assert [(v.key, s) for v, _, s in chosen.facets["org"]][0] == (rare, True)
    assert "org" not in every.not_listed


@pytest.mark.parametrize("text", ["jardin", "économie sociale", "vélo*"])
def test_ranking_is_the_same_whether_fts5_or_python_picks_the_page(index, text):
    """Without filters FTS5 sorts by bm25 and gives the page; with filters every score is read and the page is
    taken in Python. A filter that keeps every kind of document must not change the order."""
    everything = {"type": ("action", "organisation", "plan")}
    for page in (1, 2, 3):
        plain = index.search(text, page=page, size=3)
        filtered = index.search(text, everything, page=page, size=3)
        assert [h.iri for h in plain.hits] == [h.iri for h in filtered.hits]
        assert plain.total == filtered.total
    assert index.search(text, size=3).hits
