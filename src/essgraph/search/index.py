"""The search index of a build: a SQLite database with an FTS5 full-text table, facet values and the plans'
overview, written at build time into the build folder (``search/index.sqlite``) and swapped in with it.

Tables::

    doc        one row per action, organisation and plan: IRI, kind, plan key, card number, title, text, sort key
               (with the IRI, the index's order: plans, then actions by plan and card number, then organisations,
               each alphabetically), rank (a number in that order, with gaps)
    doc_terms  the search terms of each document's title and names as given to ``doc_text`` (its body's are those
               of ``doc.text``): what removing a document from the contentless FTS5 table needs
    doc_text   FTS5 (contentless; tokenize "unicode61 remove_diacritics 2") over the French search terms of
               each document's title, names (what it links to) and body; rowid = doc.id
    value      the facet values: facet, URL key, French label, IRI, number of documents
    doc_value  which document has which facet value
    value_docs the same per value, as a bit set of document ids (:mod:`essgraph.search.docsets`), for facet counts
    plan       the plans' overview: collectivité, type of territory, department, region, adoption date, number of
               actions, levers (with their number of actions)
    meta       format version, base IRI, counts

A full build numbers the documents in the index's order (ids 1, 2, 3..., ranks ``RANK_GAP`` apart). An incremental
one (:mod:`essgraph.search.incremental`: the previous build's index updated with the documents that changed) gives
the new documents the ids the removed ones left (ids stay dense: they index the bit sets) and ranks between those of
their neighbours in the order: every answer is the one a full build gives (:mod:`essgraph.search.query` orders by
rank when the ids are not in order).

FTS5 folds case and accents itself; the French plural folding is done before (:mod:`essgraph.search.french`), so
the columns hold search terms, not the original text (kept in ``doc.text`` for excerpts). Written aside, then
renamed into place: a reader never sees a half-written index.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import pyoxigraph as ox

from essgraph.search import docsets
from essgraph.search.extract import Doc, labels_of, read_documents, read_overview
from essgraph.search.facets import FLAGS, KINDS, key_of
from essgraph.search.french import fold, indexable

if TYPE_CHECKING:
    from essgraph.build.changes import Changes
    from essgraph.build.report import DatasetState

log = logging.getLogger("essgraph.search")

INDEX_FILE = Path("search") / "index.sqlite"  # in the build folder
FORMAT = "3"  # bumped when the tables change; the server asks for a rebuild
KIND_ORDER = {"plan": 0, "action": 1, "organisation": 2}
RANK_GAP = 1 << 20  # between two documents' ranks in a full build: room to insert documents between them
RESOURCE_FACETS = frozenset(
    {"plan", "collectivite", "lever", "field", "legal", "orgtype", "status", "horizon", "sdg", "note", "org"}
)

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE doc (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, plan TEXT,
                  number TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, sort TEXT NOT NULL,
                  rank INTEGER NOT NULL);
CREATE INDEX doc_by_plan ON doc (plan);
CREATE INDEX doc_by_sort ON doc (sort, iri);
CREATE TABLE doc_terms (id INTEGER PRIMARY KEY, title TEXT NOT NULL, names TEXT NOT NULL);
CREATE VIRTUAL TABLE doc_text USING fts5(title, names, body, content='',
                                         tokenize='unicode61 remove_diacritics 2');
CREATE TABLE value (id INTEGER PRIMARY KEY, facet TEXT NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL, iri TEXT,
                    docs INTEGER NOT NULL, UNIQUE (facet, key));
CREATE TABLE doc_value (value INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (value, doc)) WITHOUT ROWID;
CREATE INDEX doc_value_by_doc ON doc_value (doc, value);
CREATE TABLE value_docs (value INTEGER PRIMARY KEY, docs BLOB NOT NULL);
CREATE TABLE plan (key TEXT PRIMARY KEY, iri TEXT NOT NULL UNIQUE, title TEXT NOT NULL, collectivite TEXT,
                   collectivite_key TEXT, type TEXT, department TEXT, region TEXT, adopted TEXT,
                   actions INTEGER NOT NULL, levers INTEGER NOT NULL, lever_list TEXT NOT NULL);
"""


def index_path(build_folder: Path) -> Path:
    return Path(build_folder) / INDEX_FILE


def write_search_index(
    store: ox.Store,
    build_folder: Path,
    base: str,
    changes: Changes | None = None,
    datasets: Sequence[DatasetState] = (),
    changed_store: ox.Store | None = None,
) -> Path:
    """Write the index of the data in ``store`` into ``build_folder``; returns its path.

    Given the ``changes`` since a previous build and the new build's ``datasets``, the previous index is updated
    with what changed (:func:`essgraph.search.incremental.update`), reading only the changed plans' documents and
    what depends on them from ``changed_store`` (default ``store``; the on-disk store will do); otherwise, or when
    the update does not apply (no previous index, another format or base IRI, a changed dataset that is not a plan:
    vocabulary and reference data label everything), every document is read from ``store`` (a whole-store pass).
    """
    from essgraph.search import incremental  # it builds on this module's helpers

    started = time.monotonic()
    target = index_path(build_folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    how = None
    if changes is not None and changes.previous is not None:
        try:
            how = incremental.update(tmp, changed_store or store, changes, list(datasets), base)
        except incremental.Fallback as reason:
            log.info("search index: rebuilt whole (%s)", reason)
            tmp.unlink(missing_ok=True)
    if how is None:
        how = _write_whole(tmp, store, base)
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    log.info("search index: %s in %.2f s", how, time.monotonic() - started)
    return target


def _write_whole(path: Path, store: ox.Store, base: str) -> str:
    docs = read_documents(store)
    overview = read_overview(store)
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        _write(db, store, docs, overview, base)
        db.commit()
        db.execute("INSERT INTO doc_text (doc_text) VALUES ('optimize')")
        db.commit()
    finally:
        db.close()
    return f"{len(docs)} documents"


def _write(db: sqlite3.Connection, store: ox.Store, docs: dict[str, Doc], overview: dict[str, dict], base: str) -> None:
    resources = {v for d in docs.values() for f, v in d.values if f in RESOURCE_FACETS}
    labels = labels_of(store, resources | set(overview))
    plan_titles = {iri: plan_title(iri, row, labels) for iri, row in overview.items()}
    ordered = sorted(docs.values(), key=lambda d: sort_key(d, plan_titles))
    value_ids: dict[tuple[str, str], int] = {}  # by (facet, key)
    known: dict[tuple[str, str], int] = {}  # by (facet, raw value): the same value for thousands of documents
    value_rows: list[list] = []
    links: list[tuple[int, int]] = []
    merged = 0
    for doc_id, doc in enumerate(ordered, 1):
        for facet, raw in sorted(doc.values):
            ident = known.get((facet, raw))
            if ident is None:
                key, label, iri = value_of(facet, raw, labels, base)
                ident = value_ids.get((facet, key))
                if ident is None:
                    ident = value_ids[(facet, key)] = len(value_ids) + 1
                    value_rows.append([ident, facet, key, label, iri, 0])
                else:
                    merged += 1  # two IRIs with one key: one value, labelled by the first
                known[(facet, raw)] = ident
            value_rows[ident - 1][5] += 1
            links.append((ident, doc_id))
    insert_docs(db, [(i, i * RANK_GAP, d) for i, d in enumerate(ordered, 1)], overview.keys(), plan_titles, base)
    db.executemany("INSERT INTO value VALUES (?, ?, ?, ?, ?, ?)", value_rows)
    db.executemany("INSERT INTO doc_value VALUES (?, ?)", links)
    per_value: dict[int, list[int]] = {}
    for ident, doc_id in links:
        per_value.setdefault(ident, []).append(doc_id)
    db.executemany("INSERT INTO value_docs VALUES (?, ?)", ((v, docsets.to_bytes(d)) for v, d in per_value.items()))
    actions: Counter = Counter()
    levers: dict[str, Counter] = {}
    for doc in docs.values():
        if doc.kind == "action" and doc.plan in overview:
            actions[doc.plan] += 1
            levers.setdefault(doc.plan, Counter()).update(raw for facet, raw in doc.values if facet == "lever")
    lever_labels = {raw: labels.get(raw, (raw,))[0] for used in levers.values() for raw in used}
    rows = [
        plan_row(iri, row, plan_titles[iri], actions[iri], levers.get(iri, Counter()), lever_labels, base)
        for iri, row in overview.items()
    ]
    db.executemany("INSERT INTO plan VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    meta = {"format": FORMAT, "base_iri": base, "merged_values": str(merged)}
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    write_counts(db)


# -- rows, shared with the incremental update -------------------------------------------------------------------


def plan_title(iri: str, row: dict, labels: dict[str, tuple[str, str | None]]) -> str:
    return row["title"] or labels.get(iri, (iri,))[0]


def sort_key(doc: Doc, plan_titles: dict[str, str]) -> tuple[str, str]:
    """Plans, then actions by plan and card number (1.2 before 1.10), then organisations, each alphabetically;
    then by IRI (two plans may have one title). ``doc.sort`` is the first part: SQLite orders (sort, iri) as Python
    does (by code point)."""
    if doc.kind == "action":
        numbers = ".".join(f"{int(n):05d}" if n.isdigit() else n for n in doc.number.split("."))
        text = fold(plan_titles.get(doc.plan or "", "")) + "\x00" + numbers
    else:
        text = fold(doc.title)
    return f"{KIND_ORDER.get(doc.kind, 3)}\x00{text}", doc.iri


def value_of(facet: str, raw: str, labels: dict[str, tuple[str, str | None]], base: str) -> tuple[str, str, str | None]:
    """A facet value's (URL key, label, IRI)."""
    if facet in RESOURCE_FACETS:
        label, identifier = labels.get(raw, (raw, None))
        return key_of(facet, raw, base, identifier), label, raw
    return raw, {"type": KINDS, "has": FLAGS}.get(facet, {}).get(raw, raw), None


def insert_docs(
    db: sqlite3.Connection,
    docs: list[tuple[int, int, Doc]],
    plans: Iterable[str],
    plan_titles: dict[str, str],
    base: str,
) -> None:
    """Insert (id, rank, document) rows into ``doc``, ``doc_terms`` and ``doc_text``; ``plans`` are the IRIs of the
    plans of the overview (an action's ``plan`` is the key of one of them)."""
    plan_keys = {iri: key_of("plan", iri, base) for iri in plans}
    db.executemany(
        "INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                d.iri,
                d.kind,
                plan_keys.get(d.plan or (d.iri if d.kind == "plan" else "")),
                d.number,
                d.title,
                "\n".join(d.texts["body"]),
                sort_key(d, plan_titles)[0],
                rank,
            )
            for i, rank, d in docs
        ],
    )
    terms = [(i, indexable(*d.texts["label"], *d.texts["title"]), indexable(*d.texts["names"])) for i, _, d in docs]
    db.executemany("INSERT INTO doc_terms VALUES (?, ?, ?)", terms)
    db.executemany(
        "INSERT INTO doc_text (rowid, title, names, body) VALUES (?, ?, ?, ?)",
        [(i, title, names, indexable(*d.texts["body"])) for (i, title, names), (_, _, d) in zip(terms, docs)],
    )


def plan_row(iri: str, row: dict, title: str, actions: int, levers: Counter, labels: dict[str, str], base: str):
    """A row of the plans' overview; ``levers`` counts its actions per lever IRI, ``labels`` names the levers."""
    lever_list = [
        [key_of("lever", lever, base), labels.get(lever, lever), n]
        for lever, n in sorted(levers.items(), key=lambda item: (-item[1], item[0]))
    ]
    collectivite = row["collectivite"]
    return (
        key_of("plan", iri, base),
        iri,
        title,
        row["collectiviteLabel"],
        key_of("collectivite", collectivite, base) if collectivite else None,
        row["typeLabel"],
        row["department"],
        row["region"],
        row["adopted"],
        actions,
        len(levers),
        json.dumps(lever_list, ensure_ascii=False),
    )


def write_counts(db: sqlite3.Connection) -> None:
    """The number of documents of each kind, in ``meta``."""
    counts = dict(db.execute("SELECT kind, COUNT(*) FROM doc GROUP BY kind").fetchall())
    db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", ((f"{k}s", str(counts.get(k, 0))) for k in KINDS))
