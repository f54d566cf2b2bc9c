"""An incremental update of the search index: the previous build's index, copied, with the documents that changed
replaced; every answer is then the one a full build of the same data gives (tests/search/test_incremental.py).

The documents that may have changed are found from the resources of the changed plans' graphs, before (the previous
build's store, read-only) and after (``store``) (:mod:`essgraph.search.affected`), plus the plans and organisations
their old versions' actions gave values to; only they are read again, by the extraction's own queries bound to
them (``VALUES``): no whole-store pass. What a plan or an organisation has from actions that did not change is taken
from the previous index; then the facet values' labels, counts and bit sets, the plans' overview rows and ``meta``.

It does not apply (:class:`Fallback`: the index is rebuilt whole) when a dataset that is not a plan changed
(vocabulary and reference data label documents of every plan), when the previous index is missing or of another
format or base IRI, when two IRIs share one facet value's key, or when a facet value's key or a lever's label (kept
in the overview's lever lists) changes. Removed documents leave their ids to the new ones (ids stay dense: they
index the bit sets); new documents are ranked between the documents kept around them (:mod:`essgraph.search.index`).
"""

from __future__ import annotations

import shutil
import sqlite3
from bisect import bisect_left
from collections import Counter
from itertools import chain, count
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pyoxigraph as ox

from essgraph.errors import EssgraphError
from essgraph.search import docsets
from essgraph.search.affected import depending, graph_nodes
from essgraph.search.extract import (
    ACTION_TO_ORGANISATION,
    ACTION_TO_PLAN,
    Doc,
    labels_of,
    read_documents,
    read_overview,
)
from essgraph.search.facets import key_of
from essgraph.search.french import indexable
from essgraph.search.index import (
    FORMAT,
    RANK_GAP,
    RESOURCE_FACETS,
    index_path,
    insert_docs,
    plan_row,
    plan_title,
    sort_key,
    value_of,
    write_counts,
)

if TYPE_CHECKING:
    from essgraph.build.changes import Changes
    from essgraph.build.report import DatasetState


class Fallback(Exception):
    """The update does not apply; the index is rebuilt whole (the message says why)."""


def update(path: Path, store: ox.Store, changes: Changes, datasets: list[DatasetState], base: str) -> str:
    """Write at ``path`` the index of the previous build updated with ``changes``; returns what was done."""
    previous = changes.previous
    if previous is None:
        raise Fallback("no previous build")
    if changes.context_changed:
        raise Fallback("a dataset that is not a plan changed")
    old_index = index_path(previous.path)
    if not old_index.is_file():
        raise Fallback("the previous build has no search index")
    shutil.copyfile(old_index, path)
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("format") != FORMAT or meta.get("base_iri") != base:
            raise Fallback(f"the previous index is of format {meta.get('format')} for {meta.get('base_iri')}")
        if meta.get("merged_values") != "0":
            raise Fallback("two IRIs share a facet value's key")
        now = {st.dataset.id: st for st in datasets}
        old_graphs = [g for i in sorted(changes.changed | changes.removed) for g in _graphs(changes, i)]
        new_graphs = [g for i in sorted(changes.changed) for g in list(now[i].triples) or list(now[i].graph_iris)]
        if not old_graphs and not new_graphs:
            return "unchanged, the previous build's copied"
        try:
            before = graph_nodes(previous.open(), old_graphs) if old_graphs else (set(), set())
        except EssgraphError as exc:
            raise Fallback(f"the previous build's store: {exc.message}") from None
        done = _Update(db, store, base).run(before, graph_nodes(store, new_graphs))
        db.commit()
        return done
    finally:
        db.close()


def _graphs(changes: Changes, dataset_id: str) -> list[str]:
    entry = changes.previous_dataset(dataset_id)
    return list(entry["graphs"]) if entry else []


class _Update:
    def __init__(self, db: sqlite3.Connection, store: ox.Store, base: str):
        self.db, self.store, self.base = db, store, base
        #: the previous index's values (id -> facet, key, label, iri)
        self.values = {row[0]: row[1:] for row in db.execute("SELECT id, facet, key, label, iri FROM value")}
        self.by_raw = {(facet, iri or key): v for v, (facet, key, _, iri) in self.values.items()}
        self.by_key = {(facet, key): v for v, (facet, key, _, _) in self.values.items()}

    def run(self, before: tuple[set, set[str]], after: tuple[set, set[str]]) -> str:
        subjects = before[0] | after[0]
        affected = self._affected(subjects, before[1] | after[1])
        docs = read_documents(self.store, affected)
        self._add_unchanged_actions(docs, affected)
        (last,) = self.db.execute("SELECT MAX(id) FROM doc").fetchone()
        removed = self._remove([i for i, _, _ in self._docs("iri", affected).values()])
        overview = read_overview(self.store, affected)
        old_plans = dict(self.db.execute("SELECT iri, title FROM plan"))
        gone = [i for i in old_plans if i in affected]
        self.db.executemany("DELETE FROM plan WHERE iri = ?", [(i,) for i in gone])
        resources = {v for d in docs.values() for f, v in d.values if f in RESOURCE_FACETS}
        changed = {n.value for n in subjects if isinstance(n, ox.NamedNode)}
        relabelled = {iri for (_, _, _, iri) in self.values.values() if iri in changed}
        labels = labels_of(self.store, resources | relabelled | set(overview))
        self._relabel(relabelled, labels)
        plan_titles = {i: t for i, t in old_plans.items() if i not in affected}
        plan_titles.update({i: plan_title(i, row, labels) for i, row in overview.items()})
        added = self._insert(docs, chain(removed[0], count((last or 0) + 1)), plan_titles, labels)
        self._update_values(removed, added)
        self._plan_rows(overview, plan_titles)
        write_counts(self.db)
        return f"{len(removed[0])} documents removed, {len(docs)} read again, {len(overview)} plans' rows redone"

    # -- what changed ------------------------------------------------------------------------------------------

    def _affected(self, subjects: set, pointed: set[str]) -> set[str]:
        """The IRIs whose documents may have changed (some are no document): those the store shows depending on
        the resources that changed, and the plans and organisations of the actions among them in the previous
        index."""
        affected = depending(self.store, subjects, pointed)
        adding = set()
        was = [i for i, kind, _ in self._docs("iri", affected).values() if kind == "action"]
        for _, value in self._links(was):
            facet, _, _, iri = self.values[value]
            if facet in ("plan", "org") and iri:
                adding.add(iri)
        return affected | adding

    def _links(self, ids: list[int]) -> list[tuple[int, int]]:
        """(document, value) of some documents of the previous index."""
        return self._select("SELECT doc, value FROM doc_value WHERE doc IN (%s)", ids)

    def _docs(self, column: str, keys) -> dict:
        """The previous index's documents of some IRIs (``column`` "iri") or ids ("id"): the other one, kind,
        plan key; by IRI or id."""
        other = "id" if column == "iri" else "iri"
        rows = self._select(f"SELECT {column}, {other}, kind, plan FROM doc WHERE {column} IN (%s)", list(keys))
        return {row[0]: row[1:] for row in rows}

    def _select(self, query: str, keys: list) -> list[tuple]:
        found: list[tuple] = []
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found += self.db.execute(query % ",".join("?" * len(chunk)), chunk).fetchall()
        return found

    def _add_unchanged_actions(self, docs: dict[str, Doc], affected: set[str]) -> None:
        """A plan's or an organisation's values from the actions that did not change (read from the index)."""
        for doc in docs.values():
            facet, taken = {"plan": ("plan", ACTION_TO_PLAN), "organisation": ("org", ACTION_TO_ORGANISATION)}.get(
                doc.kind, (None, frozenset())
            )
            value = self.by_raw.get((facet, doc.iri)) if facet else None
            if value is None:
                continue
            (bits,) = self.db.execute("SELECT docs FROM value_docs WHERE value = ?", [value]).fetchone()
            kinds = self._docs("id", docsets.ids(docsets.from_bytes(bits)))
            actions = [i for i, (iri, kind, _) in kinds.items() if kind == "action" and iri not in affected]
            own_key = key_of("plan", doc.iri, self.base)
            for action, linked in self._links(actions):
                found, _, _, iri = self.values[linked]
                if found in taken:
                    doc.values.add((found, iri or self.values[linked][1]))
                elif found == "year" and doc.kind == "plan" and kinds[action][2] == own_key:
                    doc.values.add(("year", self.values[linked][1]))

    # -- writing -----------------------------------------------------------------------------------------------

    def _remove(self, ids: list[int]) -> dict[int, list[int]]:
        """Remove documents; returns, per value, the documents removed that had it (and ``0``: every id)."""
        removed: dict[int, list[int]] = {0: sorted(ids)}
        for doc, value in self._links(ids):
            removed.setdefault(value, []).append(doc)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT d.id, t.title, t.names, d.text FROM doc d JOIN doc_terms t ON t.id = d.id WHERE d.id IN ({marks})",
                chunk,
            ).fetchall()
            self.db.executemany(
                "INSERT INTO doc_text (doc_text, rowid, title, names, body) VALUES ('delete', ?, ?, ?, ?)",
                [(i, title, names, indexable(text)) for i, title, names, text in rows],
            )
            for table, column in (("doc", "id"), ("doc_terms", "id"), ("doc_value", "doc")):
                self.db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
        return removed

    def _relabel(self, iris: set[str], labels: dict[str, tuple[str, str | None]]) -> None:
        """New labels of the values whose resources changed."""
        for value, (facet, key, label, iri) in list(self.values.items()):
            if iri not in iris:
                continue
            new_key, new_label, _ = value_of(facet, iri, labels, self.base)
            if new_key != key:
                raise Fallback(f"the key of {facet} value {iri} changed")
            if new_label != label:
                if facet == "lever":
                    raise Fallback(f"the label of lever {iri} changed")
                self.db.execute("UPDATE value SET label = ? WHERE id = ?", [new_label, value])
                self.values[value] = (facet, key, new_label, iri)

    def _insert(self, docs, free: Iterator[int], plan_titles, labels) -> dict[int, list[int]]:
        """Insert the documents read again, with the ids ``free`` gives (the removed ones', then new ones) and
        ranks between their neighbours'; returns, per value, the documents added that have it."""
        ordered = sorted(docs.values(), key=lambda d: sort_key(d, plan_titles))
        ranks = self._ranks([sort_key(d, plan_titles) for d in ordered])
        rows = [(next(free), rank, doc) for rank, doc in zip(ranks, ordered)]
        insert_docs(self.db, rows, plan_titles.keys(), plan_titles, self.base)
        added: dict[int, list[int]] = {}
        links = []
        for doc_id, _, doc in rows:
            for facet, raw in sorted(doc.values):
                value = self.by_raw.get((facet, raw)) or self._new_value(facet, raw, labels)
                added.setdefault(value, []).append(doc_id)
                links.append((value, doc_id))
        self.db.executemany("INSERT INTO doc_value VALUES (?, ?)", links)
        return added

    def _new_value(self, facet: str, raw: str, labels) -> int:
        key, label, iri = value_of(facet, raw, labels, self.base)
        if (facet, key) in self.by_key:
            raise Fallback(f"{facet} values {raw} and {self.values[self.by_key[(facet, key)]][3]} share key {key}")
        value = max(self.values, default=0) + 1
        self.db.execute("INSERT INTO value VALUES (?, ?, ?, ?, ?, 0)", [value, facet, key, label, iri])
        self.values[value] = (facet, key, label, iri)
        self.by_raw[(facet, raw)] = self.by_key[(facet, key)] = value
        return value

    def _update_values(self, removed: dict[int, list[int]], added: dict[int, list[int]]) -> None:
        """Document counts and bit sets of the values of the documents removed and added; values no document
        has any more are removed."""
        for value in sorted((removed.keys() | added.keys()) - {0}):
            row = self.db.execute("SELECT docs FROM value_docs WHERE value = ?", [value]).fetchone()
            bits = docsets.from_bytes(row[0]) if row else 0
            bits = (bits & ~docsets.of(removed.get(value, ()))) | docsets.of(added.get(value, ()))
            if not bits:
                self.db.execute("DELETE FROM value WHERE id = ?", [value])
                self.db.execute("DELETE FROM value_docs WHERE value = ?", [value])
                continue
            self.db.execute("UPDATE value SET docs = ? WHERE id = ?", [bits.bit_count(), value])
            data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
            self.db.execute("INSERT OR REPLACE INTO value_docs VALUES (?, ?)", [value, data])

    def _ranks(self, keys: list[tuple[str, str]]) -> list[int]:
        """Ranks for documents of these (sorted) keys, spread between the ranks of the documents kept around them;
        every document is ranked again (``RANK_GAP`` apart) when there is no room."""
        ranks: list[int] = []
        for n, key in enumerate(keys):
            below = self.db.execute(
                "SELECT rank FROM doc WHERE (sort, iri) < (?, ?) ORDER BY sort DESC, iri DESC LIMIT 1", key
            ).fetchone()
            above = self.db.execute(
                "SELECT sort, iri, rank FROM doc WHERE (sort, iri) > (?, ?) ORDER BY sort, iri LIMIT 1", key
            ).fetchone()
            share = (bisect_left(keys, (above[0], above[1])) if above else len(keys)) - n + 1  # of the room left
            lows = [r for r in (ranks[-1] if ranks else None, below[0] if below else None) if r is not None]
            high = above[2] if above else None
            low = max(lows) if lows else (high if high is not None else 0) - share * RANK_GAP
            step = ((high if high is not None else low + share * RANK_GAP) - low) // share
            if step < 1:
                return self._rank_again(keys)
            ranks.append(low + step)
        return ranks

    def _rank_again(self, keys: list[tuple[str, str]]) -> list[int]:
        """Every document kept ranked again ``RANK_GAP`` apart, and the ranks of the new ones (keys)."""
        kept = self.db.execute("SELECT sort, iri, id FROM doc").fetchall()
        every = sorted([(s, i, d) for s, i, d in kept] + [(s, i, None) for s, i in keys])
        self.db.executemany(
            "UPDATE doc SET rank = ? WHERE id = ?", [(n * RANK_GAP, d) for n, (_, _, d) in enumerate(every, 1) if d]
        )
        return [n * RANK_GAP for n, (_, _, d) in enumerate(every, 1) if d is None]

    def _plan_rows(self, overview: dict[str, dict], plan_titles: dict[str, str]) -> None:
        rows = []
        for iri, row in overview.items():
            key = key_of("plan", iri, self.base)
            (actions,) = self.db.execute(
                "SELECT COUNT(*) FROM doc WHERE plan = ? AND kind = 'action'", [key]
            ).fetchone()
            levers: Counter = Counter()
            labels = {}
            for lever, label, n in self.db.execute(
                "SELECT v.iri, v.label, COUNT(*) FROM doc d JOIN doc_value dv ON dv.doc = d.id "
                "JOIN value v ON v.id = dv.value WHERE d.plan = ? AND d.kind = 'action' AND v.facet = 'lever' "
                "GROUP BY v.id",
                [key],
            ):
                levers[lever], labels[lever] = n, label
            rows.append(plan_row(iri, row, plan_titles[iri], actions, levers, labels, self.base))
        self.db.executemany("INSERT INTO plan VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
