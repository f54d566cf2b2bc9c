"""Searching a build's index: full text (FTS5, bm25 ranking) with facets, and the plans' overview.

* The text query: words (all must match, in any column), ``"a phrase"``, ``prefix*``, ``-excluded``; each word is
  folded like the indexed text (:mod:`essgraph.search.french`), so "Jardins" finds "jardin". No text: every
  document, in the index's order (plans, then actions by plan and card number, then organisations).
* Facets: values of one facet are alternatives (OR), facets combine (AND). Each facet's counts are made with the
  filters of the *other* facets, so choosing a value never hides the others of its facet.
* The overview of the plans: sorted by any column (French order: accents and case ignored), paged.

Documents found and facet filters are combined as bit sets (:mod:`essgraph.search.docsets`): FTS5 answers the
matching documents with their bm25 score in one pass; filters, counts and the page are then taken in Python.

Connections are read-only (``mode=ro``, ``immutable=1``: the build never changes) and one per thread.
"""

from __future__ import annotations

import heapq
import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from essgraph.errors import StoreError
from essgraph.search import docsets
from essgraph.search.facets import FACETS
from essgraph.search.french import fold, term, terms, words
from essgraph.search.index import FORMAT

_QUERY_PART = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')
BM25_WEIGHTS = (10.0, 4.0, 1.0)  # title, names, body
EXCERPT_CHARS = 220
#: the columns the plans' overview can be sorted by (URL value -> column)
PLAN_SORTS = {
    "title": "title",
    "collectivite": "collectivite",
    "type": "type",
    "department": "department",
    "region": "region",
    "adopted": "adopted",
    "actions": "actions",
    "levers": "levers",
}


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


def fts_expression(text: str) -> str | None:
    """The FTS5 expression of a user's query; None when it has no searchable word."""
    positive: list[str] = []
    negative: list[str] = []
    for match in _QUERY_PART.finditer(text):
        if match.group(2) is not None:  # "a phrase"
            excluded, found = match.group(1), terms(match.group(2))
            part = '"' + " ".join(found) + '"' if found else None
        else:
            excluded, word = match.group(3), match.group(4)
            bare = word.rstrip("*")
            found = terms(bare)
            if found and word.endswith("*"):  # a prefix: as typed (folded), not singularised
                found[-1] = words(bare)[-1]
            # a word that folds into several ("Saint-Maur", a card number "2.9") is a phrase
            part = '"' + " ".join(found) + '"' + ("*" if word.endswith("*") else "") if found else None
        if part:
            (negative if excluded else positive).append(part)
    if not positive:
        return None
    return " AND ".join(positive) + "".join(f" NOT {n}" for n in negative)


class SearchIndex:
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
        last = db.execute("SELECT MAX(id) FROM doc").fetchone()[0] or 0
        self._sort_labels: dict[int, str] = {}
        self.every_doc = (1 << (last + 1)) - 2  # ids 1..last

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            db.create_collation("fr", lambda a, b: (fold(a) > fold(b)) - (fold(a) < fold(b)))
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
        scored: list[tuple[int, float]] | None = None  # (doc, bm25 score) of a text search
        if text.strip() and expression is None:
            found, scored = 0, []
        elif expression is None:
            found = self.every_doc
        else:
            weights = ", ".join(str(w) for w in BM25_WEIGHTS)
            scored = db.execute(
                f"SELECT rowid, bm25(doc_text, {weights}) FROM doc_text WHERE doc_text MATCH ?", [expression]
            ).fetchall()
            found = docsets.of(doc for doc, _ in scored)
        narrowing = {f: self._any_of(ids) for f, ids in chosen.items()}
        matched = _all_of(found, narrowing.values())
        total = matched.bit_count()
        skip = (page - 1) * size
        if scored is None:  # no text: the index's order
            page_ids = docsets.ids(matched, skip, size)
        else:  # best score first, then the index's order
            inside = docsets.member(matched)
            best = heapq.nsmallest(skip + size, ((score, doc) for doc, score in scored if inside(doc)))
            page_ids = [doc for _, doc in best[skip:]]
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
            order = lambda item: (not item[2], -item[1], self._folded(item[0]))  # noqa: E731
            if listed is not None and len(found_values) > max(listed, len(selected)):
                not_listed[facet.name] = len(found_values) - max(listed, len(selected))
                found_values = heapq.nsmallest(max(listed, len(selected)), found_values, key=order)
            else:
                found_values.sort(key=order)
            if found_values:
                facets[facet.name] = found_values
        return Results(text, filters, total, page, size, hits, facets, unknown, not_listed)

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
        for value_id, docs in self.docs.items():
            facet = self.values[value_id].facet
            n = (docs & among.get(facet, rest)).bit_count()
            if n:
                counts.setdefault(facet, {})[value_id] = n
        return counts

    # -- plans -----------------------------------------------------------------------------------------------------

    def plans(
        self,
        sort: str = "title",
        descending: bool = False,
        page: int = 1,
        size: int = 50,
        keys: list[str] | None = None,
    ) -> tuple[list[dict], int]:
        """One page of the plans' overview (and the number of plans), sorted by one of PLAN_SORTS; each plan's
        ``lever_list`` is its levers as (key, label, number of actions), most used first."""
        column = PLAN_SORTS[sort]
        order = f"{column} IS NULL, {column}" + (" COLLATE fr" if column not in ("actions", "levers") else "")
        order += " DESC" if descending else ""
        where, params = ("WHERE key IN (%s)" % ",".join("?" * len(keys)), list(keys)) if keys is not None else ("", [])
        db = self._db()
        total = db.execute(f"SELECT COUNT(*) FROM plan {where}", params).fetchone()[0]
        cursor = db.execute(
            f"SELECT * FROM plan {where} ORDER BY {order}, title COLLATE fr, key LIMIT ? OFFSET ?",
            params + [size, (page - 1) * size],
        )
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor]
        for row in rows:  # [[key, label, actions], ...], most used first
            row["lever_list"] = json.loads(row["lever_list"])
        return rows, total

    def plan_counts(self, facet: str, iri: str) -> list[tuple[dict, int]]:
        """Per plan, the number of its actions with this facet value (a lever, a field...), most first."""
        value = self.value_by_iri(facet, iri)
        if value is None:
            return []
        rows = (
            self._db()
            .execute(
                "SELECT d.plan, COUNT(*) FROM doc_value dv JOIN doc d ON d.id = dv.doc "
                "WHERE dv.value = ? AND d.kind = 'action' GROUP BY d.plan",
                [value.id],
            )
            .fetchall()
        )
        plans, _ = self.plans(keys=[plan for plan, _ in rows], size=len(rows) or 1)
        by_key = {p["key"]: p for p in plans}
        found = [(by_key[plan], n) for plan, n in rows if plan in by_key]
        return sorted(found, key=lambda item: (-item[1], fold(item[0]["title"])))

    def value(self, facet: str, key: str) -> Value | None:
        return self.by_key.get((facet, key))

    def value_by_iri(self, facet: str, iri: str) -> Value | None:
        return self.by_iri.get((facet, iri))


def _all_of(docs: int, narrowing) -> int:
    """The documents of ``docs`` that every filter keeps (facets combine)."""
    for kept in narrowing:
        docs &= kept
    return docs


def excerpt(text: str, wanted: set[str], size: int = EXCERPT_CHARS) -> list[tuple[str, bool]]:
    """A piece of ``text`` around the first word that matches the query, as (text, matched) pieces."""
    matches = [m for m in re.finditer(r"\w+", text) if wanted and term(fold(m.group())) in wanted]
    start = 0
    if matches:
        start = max(0, matches[0].start() - size // 3)
        start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + size)
    if end < len(text):
        end = max(text.rfind(" ", start, end), start + size // 2)
    pieces: list[tuple[str, bool]] = [("… ", False)] if start else []
    cursor = start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        pieces += [(text[cursor : m.start()], False), (m.group(), True)]
        cursor = m.end()
    pieces.append((text[cursor:end].replace("\n", " "), False))
    if end < len(text):
        pieces.append((" …", False))
    return [(t.replace("\n", " "), marked) for t, marked in pieces if t]
