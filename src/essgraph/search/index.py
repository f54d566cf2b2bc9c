"""The search index of a build: a SQLite database with an FTS5 full-text table, facet values and the plans'
overview, written at build time into the build folder (``search/index.sqlite``) and swapped in with it.

Tables::

    doc        one row per action, organisation and plan: IRI, kind, plan key, card number, title, text, sort key
    doc_text   FTS5 (contentless; tokenize "unicode61 remove_diacritics 2") over the French search terms of
               each document's title, names (what it links to) and body; rowid = doc.id
    value      the facet values: facet, URL key, French label, IRI, number of documents
    doc_value  which document has which facet value
    value_docs the same per value, as a bit set of document ids (:mod:`essgraph.search.docsets`), for facet counts
    plan       the plans' overview: collectivité, type of territory, department, region, adoption date, number of
               actions, levers (with their number of actions)
    meta       format version, base IRI, counts

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

import pyoxigraph as ox

from essgraph.search import docsets
from essgraph.search.extract import Doc, labels_of, read_documents, read_overview
from essgraph.search.facets import FLAGS, KINDS, key_of
from essgraph.search.french import fold, indexable

log = logging.getLogger("essgraph.search")

INDEX_FILE = Path("search") / "index.sqlite"  # in the build folder
FORMAT = "2"  # bumped when the tables change; the server asks for a rebuild
KIND_ORDER = {"plan": 0, "action": 1, "organisation": 2}
RESOURCE_FACETS = frozenset(
    {"plan", "collectivite", "lever", "field", "legal", "orgtype", "status", "horizon", "sdg", "note", "org"}
)

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE doc (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, plan TEXT,
                  number TEXT NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL, sort TEXT NOT NULL);
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


def write_search_index(store: ox.Store, build_folder: Path, base: str) -> Path:
    """Read the documents from ``store`` and write the index into ``build_folder``; returns its path."""
    started = time.monotonic()
    docs = read_documents(store)
    overview = read_overview(store)
    target = index_path(build_folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        _write(db, store, docs, overview, base)
        db.commit()
        db.execute("INSERT INTO doc_text (doc_text) VALUES ('optimize')")
        db.commit()
    finally:
        db.close()
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    log.info("search index: %d documents in %.2f s", len(docs), time.monotonic() - started)
    return target


def _write(db: sqlite3.Connection, store: ox.Store, docs: dict[str, Doc], overview: dict[str, dict], base: str) -> None:
    resources = sorted({v for d in docs.values() for f, v in d.values if f in RESOURCE_FACETS})
    labels = labels_of(store, resources)
    plan_keys = {iri: key_of("plan", iri, base) for iri in overview}
    plan_titles = {iri: (row["title"] or labels.get(iri, (iri,))[0]) for iri, row in overview.items()}
    ordered = sorted(docs.values(), key=lambda d: _sort_key(d, plan_titles))
    value_ids: dict[tuple[str, str], int] = {}  # by (facet, key)
    known: dict[tuple[str, str], int] = {}  # by (facet, raw value): the same value for thousands of documents
    value_rows: list[list] = []
    links: list[tuple[int, int]] = []
    for doc_id, doc in enumerate(ordered, 1):
        for facet, raw in sorted(doc.values):
            ident = known.get((facet, raw))
            if ident is None:
                if facet in RESOURCE_FACETS:
                    label, identifier = labels.get(raw, (raw, None))
                    key, iri = key_of(facet, raw, base, identifier), raw
                else:
                    key, iri = raw, None
                    label = {"type": KINDS, "has": FLAGS}.get(facet, {}).get(raw, raw)
                ident = value_ids.get((facet, key))
                if ident is None:
                    ident = value_ids[(facet, key)] = len(value_ids) + 1
                    value_rows.append([ident, facet, key, label, iri, 0])
                known[(facet, raw)] = ident
            value_rows[ident - 1][5] += 1
            links.append((ident, doc_id))
    db.executemany(
        "INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                d.iri,
                d.kind,
                plan_keys.get(d.plan or (d.iri if d.kind == "plan" else "")),
                d.number,
                d.title,
                "\n".join(d.texts["body"]),
                _sort_key(d, plan_titles)[1],
            )
            for i, d in enumerate(ordered, 1)
        ],
    )
    db.executemany(
        "INSERT INTO doc_text (rowid, title, names, body) VALUES (?, ?, ?, ?)",
        [
            (
                i,
                indexable(*d.texts["label"], *d.texts["title"]),
                indexable(*d.texts["names"]),
                indexable(*d.texts["body"]),
            )
            for i, d in enumerate(ordered, 1)
        ],
    )
    db.executemany("INSERT INTO value VALUES (?, ?, ?, ?, ?, ?)", value_rows)
    db.executemany("INSERT INTO doc_value VALUES (?, ?)", links)
    per_value: dict[int, list[int]] = {}
    for ident, doc_id in links:
        per_value.setdefault(ident, []).append(doc_id)
    db.executemany("INSERT INTO value_docs VALUES (?, ?)", ((v, docsets.to_bytes(d)) for v, d in per_value.items()))
    db.executemany(
        "INSERT INTO plan VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _plan_rows(docs, overview, plan_keys, plan_titles, labels, base),
    )
    counts = Counter(d.kind for d in docs.values())
    meta = {"format": FORMAT, "base_iri": base, **{f"{k}s": str(counts[k]) for k in KINDS}}
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())


def _sort_key(doc: Doc, plan_titles: dict[str, str]) -> tuple[int, str]:
    """Plans, then actions by plan and card number (1.2 before 1.10), then organisations, each alphabetically."""
    if doc.kind == "action":
        numbers = ".".join(f"{int(n):05d}" if n.isdigit() else n for n in doc.number.split("."))
        return KIND_ORDER["action"], fold(plan_titles.get(doc.plan or "", "")) + "\x00" + numbers
    return KIND_ORDER.get(doc.kind, 3), fold(doc.title)


def _plan_rows(docs, overview, plan_keys, plan_titles, labels, base) -> list[tuple]:
    actions: Counter = Counter()
    levers: dict[str, Counter] = {}
    for doc in docs.values():
        if doc.kind == "action" and doc.plan in overview:
            actions[doc.plan] += 1
            for facet, raw in doc.values:
                if facet == "lever":
                    levers.setdefault(doc.plan, Counter())[raw] += 1
    rows = []
    for iri, row in overview.items():
        used = levers.get(iri, Counter())
        lever_list = [
            [key_of("lever", lever, base), labels.get(lever, (lever,))[0], n]
            for lever, n in sorted(used.items(), key=lambda item: (-item[1], item[0]))
        ]
        collectivite = row["collectivite"]
        rows.append(
            (
                plan_keys[iri],
                iri,
                plan_titles[iri],
                row["collectiviteLabel"],
                key_of("collectivite", collectivite, base) if collectivite else None,
                row["typeLabel"],
                row["department"],
                row["region"],
                row["adopted"],
                actions[iri],
                len(used),
                json.dumps(lever_list, ensure_ascii=False),
            )
        )
    return rows
