"""Searching a build's index: full text (FTS5, bm25 ranking) with facets, and the plans' overview.

* The text query: words (all must match, in any column), ``"a phrase"``, ``prefix*``, ``-excluded``; each word is
  folded like the indexed text (:mod:`essgraph.search.french`), so "Jardins" finds "jardin". No text: every
  document, in the index's order (plans, then actions by plan and card number, then organisations).
* Facets: values of one facet are alternatives (OR), facets combine (AND). Each facet's counts are made with the
  filters of the *other* facets, so choosing a value never hides the others of its facet.
* The overview of the plans (:mod:`essgraph.search.overview`).

Documents found and facet filters are combined as bit sets (:mod:`essgraph.search.docsets`): FTS5 answers the
matching documents with their bm25 score in one pass; filters, counts and the page are then taken in Python.

Documents are listed in the index's order (``doc.rank``): a full build's ids are that order, an incremental
update's need not be (:mod:`essgraph.search.index`), so pages are then taken by rank.

Connections are read-only (``mode=ro``, ``immutable=1``: the build never changes) and one per thread.
"""

from __future__ import annotations

import heapq
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from essgraph.errors import StoreError
from essgraph.search import docsets
from essgraph.search.facets import FACETS
from essgraph.search.french import fold, terms
from essgraph.search.fts import excerpt, fts_expression
from essgraph.search.index import FORMAT
from essgraph.search.overview import PlanOverview

BM25_WEIGHTS = (10.0, 4.0, 1.0)  # title, names, body
BM25 = "bm25(doc_text, %s)" % ", ".join(str(w) for w in BM25_WEIGHTS)
MATCH = "doc_text MATCH ?"
#: up to this many documents found, facet values are counted from the documents' own values (an index lookup each)
#: rather than by intersecting every value's bit set (a constant ~10 ms at 1,000 plans)
FEW_DOCS = 1000


@dataclass(frozen=True)
class Value:
    id: int
    facet: str
    key: str
    label: str
    iri: str | None
    docs: int


@dataclass
class Hit:
    iri: str
    kind: str
    title: str
    number: str
    plan: str | None
    excerpt: list[tuple[str, bool]]  # (text, matched) pieces, to be escaped by the page


@dataclass
class Results:
    text: str
    filters: dict[str, tuple[str, ...]]
    total: int
    page: int
    size: int
    hits: list[Hit]
    facets: dict[str, list[tuple[Value, int, bool]]]  # facet -> (value, count, selected), most frequent first
    unknown: list[tuple[str, str]] = field(default_factory=list)  # filters naming no value of the index
    not_listed: dict[str, int] = field(default_factory=dict)  # facet -> values found but beyond ``listed``

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


class SearchIndex(PlanOverview):
    """The index of one build, opened read-only."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreError(
                f"{self.path}: this build has no search index",
                hint="run 'essgraph build' again (builds made before the search existed have none)",
            )
        self._local = threading.local()
        db = self._db()
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("format") != FORMAT:
            raise StoreError(
                f"{self.path}: search index format {meta.get('format')}, this essgraph reads {FORMAT}",
                hint="run 'essgraph build' again",
            )
        self.meta = meta
        self.values = {row[0]: Value(*row) for row in db.execute("SELECT id, facet, key, label, iri, docs FROM value")}
        self.by_key = {(v.facet, v.key): v for v in self.values.values()}
        self.by_iri = {(v.facet, v.iri): v for v in self.values.values() if v.iri}
        self.docs = {
            value: docsets.from_bytes(data) for value, data in db.execute("SELECT value, docs FROM value_docs")
        }
        ranks = db.execute("SELECT id, rank FROM doc").fetchall()
        self.rank = dict(ranks)
        #: the documents' ids in the index's order; ``in_order`` when the ids increase in it (a full build's)
        self.order = [doc for doc, _ in sorted(ranks, key=lambda row: row[1])]
        self.in_order = all(a < b for a, b in zip(self.order, self.order[1:]))
        self._sort_labels: dict[int, str] = {}
        self._orders = {}
        self.every_doc = docsets.of(self.rank)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            self._local.db = db
        return db

    # -- search ----------------------------------------------------------------------------------------------------

    def search(
        self,
        text: str = "",
        filters: dict[str, tuple[str, ...]] | None = None,
        page: int = 1,
        size: int = 20,
        listed: int | None = None,
    ) -> Results:
        """One page of the documents found, with every facet's values among them (their ``listed`` most frequent
        ones, the values chosen always listed, when ``listed`` is given: 1,000 plans make thousands of values)."""
        filters = {f: tuple(dict.fromkeys(keys)) for f, keys in (filters or {}).items() if keys}
        expression = fts_expression(text) if text.strip() else None
        unknown = [(f, k) for f, keys in filters.items() for k in keys if (f, k) not in self.by_key]
        chosen = {f: [self.by_key[(f, k)].id for k in keys if (f, k) in self.by_key] for f, keys in filters.items()}
        db = self._db()
        scored: list[tuple[int, float]] = []  # (doc, bm25 score): needed when filters narrow a text search
        if text.strip() and expression is None:
            found = 0
        elif expression is None:
            found = self.every_doc
        elif chosen or not self.in_order:  # the scores are needed: filters narrow, or the ids are not the order
            scored = db.execute(f"SELECT rowid, {BM25} FROM doc_text WHERE {MATCH}", [expression]).fetchall()
            found = docsets.of(doc for doc, _ in scored)
        else:
            found = docsets.of(doc for (doc,) in db.execute(f"SELECT rowid FROM doc_text WHERE {MATCH}", [expression]))
        narrowing = {f: self._any_of(ids) for f, ids in chosen.items()}
        matched = _all_of(found, narrowing.values())
        total = matched.bit_count()
        skip = (page - 1) * size
        if expression is None:  # no text: the index's order
            page_ids = self._in_index_order(matched, skip, size)
        elif not chosen and self.in_order:  # best score first, then the index's order: FTS5 sorts
            page_ids = [
                doc
                for (doc,) in db.execute(
                    f"SELECT rowid FROM doc_text WHERE {MATCH} ORDER BY {BM25}, rowid LIMIT ? OFFSET ?",
                    [expression, size, skip],
                )
            ]
        else:  # the same among the documents the filters keep (FTS5 cannot be given them: every score, then)
            inside, rank = docsets.member(matched), self.rank
            best = heapq.nsmallest(skip + size, ((score, rank[doc], doc) for doc, score in scored if inside(doc)))
            page_ids = [doc for _, _, doc in best[skip:]]
        wanted = set(terms(text))
        hits = [
            Hit(iri, kind, title, number, plan, excerpt(body, wanted))
            for iri, kind, title, number, plan, body in self._rows(page_ids)
        ]
        counts = self._facet_counts(found, narrowing, expression is None and not text.strip())
        facets, not_listed = {}, {}
        for facet in FACETS:
            selected = set(chosen.get(facet.name, ()))
            found_values = [(self.values[v], n, v in selected) for v, n in counts.get(facet.name, {}).items()]
            found_values += [(self.values[v], 0, True) for v in selected if v not in counts.get(facet.name, {})]
            order = lambda item: (not item[2], -item[1], self._folded(item[0]), item[0].key)  # noqa: E731
            if listed is not None and len(found_values) > max(listed, len(selected)):
                not_listed[facet.name] = len(found_values) - max(listed, len(selected))
                found_values = heapq.nsmallest(max(listed, len(selected)), found_values, key=order)
            else:
                found_values.sort(key=order)
            if found_values:
                facets[facet.name] = found_values
        return Results(text, filters, total, page, size, hits, facets, unknown, not_listed)

    def _in_index_order(self, docs: int, skip: int, count: int) -> list[int]:
        """The ids of ``docs`` in the index's order, after skipping the first ``skip``, at most ``count``."""
        if self.in_order:
            return docsets.ids(docs, skip, count)
        if docs.bit_count() <= FEW_DOCS:
            return sorted(docsets.ids(docs), key=self.rank.__getitem__)[skip : skip + count]
        inside, found = docsets.member(docs), list[int]()
        for doc in self.order:
            if inside(doc):
                if skip:
                    skip -= 1
                elif len(found) < count:
                    found.append(doc)
                else:
                    break
        return found

    def _folded(self, value: Value) -> str:
        """A value's label folded for sorting, remembered (thousands of values are sorted per search)."""
        folded = self._sort_labels.get(value.id)
        if folded is None:
            folded = self._sort_labels[value.id] = fold(value.label)
        return folded

    def _any_of(self, value_ids: list[int]) -> int:
        """The documents with any of these values (one facet's values are alternatives)."""
        docs = 0
        for value in value_ids:
            docs |= self.docs.get(value, 0)
        return docs

    def _rows(self, ids: list[int]) -> list[tuple]:
        """The documents' iri, kind, title, number, plan and text, in the order of ``ids``."""
        if not ids:
            return []
        rows = self._db().execute(
            "SELECT id, iri, kind, title, number, plan, text FROM doc WHERE id IN (%s)" % ",".join("?" * len(ids)), ids
        )
        by_id = {row[0]: row[1:] for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def _facet_counts(self, found: int, narrowing: dict[str, int], everything: bool) -> dict[str, dict[int, int]]:
        """Counts of every facet value among the documents found, each facet filtered by the other facets only."""
        counts: dict[str, dict[int, int]] = {}
        if everything and not narrowing:
            for value in self.values.values():
                counts.setdefault(value.facet, {})[value.id] = value.docs
            return counts
        among = {f: _all_of(found, [d for g, d in narrowing.items() if g != f]) for f in narrowing}
        rest = _all_of(found, narrowing.values())
        considered = rest
        for docs in among.values():
            considered |= docs
        if considered.bit_count() <= FEW_DOCS:  # a few documents: their values, rather than every value's set
            inside = {f: docsets.member(d) for f, d in among.items()}
            in_rest = docsets.member(rest)
            ids = docsets.ids(considered)
            if not ids:
                return counts
            for doc, value_id in self._db().execute(
                "SELECT doc, value FROM doc_value WHERE doc IN (%s)" % ",".join("?" * len(ids)), ids
            ):
                facet = self.values[value_id].facet
                if inside.get(facet, in_rest)(doc):
                    per_value = counts.setdefault(facet, {})
                    per_value[value_id] = per_value.get(value_id, 0) + 1
            return counts
        for value_id, docs in self.docs.items():
            facet = self.values[value_id].facet
            n = (docs & among.get(facet, rest)).bit_count()
            if n:
                counts.setdefault(facet, {})[value_id] = n
        return counts

    def value(self, facet: str, key: str) -> Value | None:
        return self.by_key.get((facet, key))

    def value_by_iri(self, facet: str, iri: str) -> Value | None:
        return self.by_iri.get((facet, iri))


def _all_of(docs: int, narrowing) -> int:
    """The documents of ``docs`` that every filter keeps (facets combine)."""
    for kept in narrowing:
        docs &= kept
    return docs
