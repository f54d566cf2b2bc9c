"""The catalog of a build made from pieces, each plan's entry and its DCAT-AP results reused when nothing it is made
from changed.

A plan dataset's entry (:meth:`CatalogBuilder.entry`: its ``dcat:Dataset``, distributions, agents, places, period,
provenance) is made from the plan's graphs, the context datasets' graphs (vocabulary, reference data), the catalog
metadata and the operator, its dates (``catalog/state.json``) and its dump files' names, sizes and SHA-256. These are
hashed into the entry's *key*; each build keeps every entry, its key and the DCAT-AP results of the nodes it owns in
``catalog/entries/{dataset}.json`` (:data:`essgraph.publish.layout.CATALOG_ENTRIES`), and the next build hard-links
the file of an entry whose key is unchanged instead of making and checking the entry again.

The check of a build then looks at the nodes of the new entries and of the core (the catalog, the whole-graph
dataset and its distributions — whose sizes, checksums and dates change at every build —, the data service, and any
node several entries describe) only, over the whole catalog; the results of the other nodes are those kept with
their entries. A node an entry owns is a subject of that entry alone. The DCAT-AP 3.0.1 shapes check an entry's nodes
against their own triples and the types and vocabularies of the nodes they refer to, which the entry, the metadata
and the core's types give — never against other entries (tests/publish/test_catalog_incremental.py: the same
catalog and results as a full build).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from essgraph import __version__
from essgraph.files import write_atomically
from essgraph.publish.catalog import CATALOG_DIR, CatalogBuilder, graphs_of
from essgraph.publish.dcat_check import CatalogCheck, compiled_shapes, dcat_shapes_dir, find_results
from essgraph.publish.layout import CATALOG_ENTRIES
from essgraph.publish.waivers import WAIVERS
from essgraph.rdf import formats
from essgraph.rdf.namespaces import Triples
from essgraph.rdf.serialize import serialize
from essgraph.validate.results import Result, sort_results

WAIVER_BY_NAME = {w.name: w for w in WAIVERS}


@dataclass
class Entry:
    key: str
    triples: Triples
    found: list[tuple[Result, str | None]] = field(default_factory=list)  # results of its nodes, waiver names


def make_catalog(
    store: ox.Store,
    folder: Path,
    report,
    project,
    meta: Triples,
    state: dict,
    dumps: list,
    previous: Path | None = None,
) -> tuple[Triples, CatalogCheck]:
    """The catalog of the build in ``folder`` and its DCAT-AP check, reusing the entries of the build in
    ``previous`` whose key is unchanged; every entry is kept in ``folder`` for the next build."""
    plans = [st for st in report.datasets if st.dataset.kind == "plan"]
    context = [g for st in report.datasets if st.dataset.kind != "plan" for g in graphs_of(st)]
    builder = CatalogBuilder(store, report.base_iri, meta, state, dumps, project.publisher, context)
    shapes_dir = dcat_shapes_dir(project.root)
    inputs = _inputs(report, project, compiled_shapes(tuple(sorted(shapes_dir.glob("*.ttl")))).digest)
    entries: dict[str, Entry] = {}
    fresh: set[str] = set()
    for st in plans:
        ds_id = st.dataset.id
        key = _key(inputs, st.hash, state[ds_id], [(f.name, f.size, f.sha256) for f in dumps if f.dataset == ds_id])
        entry = _reuse(previous, folder, ds_id, key) if previous is not None else None
        if entry is None:
            entry = Entry(key, builder.entry(st))
            fresh.add(ds_id)
        entries[ds_id] = entry
    catalog = builder.build(plans, {ds_id: e.triples for ds_id, e in entries.items()})
    owner = _owners(builder.core, entries)
    kept = {n for n, ds_id in owner.items() if ds_id not in fresh}
    core: list[tuple[Result, str | None]] = []
    for node, result, waiver in find_results(catalog, shapes_dir, focus=(lambda n: n not in kept) if kept else None):
        ds_id = owner.get(node)
        (core if ds_id is None else entries[ds_id].found).append((result, waiver.name if waiver else None))
    for ds_id in fresh:
        _save(folder, ds_id, entries[ds_id])
    found = core + [f for e in entries.values() for f in e.found]
    return catalog, CatalogCheck(
        sort_results([r for r, w in found if w is None]), [(WAIVER_BY_NAME[w], r) for r, w in found if w is not None]
    )


def _inputs(report, project, shapes_digest: str) -> str:
    """What every entry is made and checked with, besides its own dataset: the context datasets, the catalog
    metadata files, the operator, the base IRI, the DCAT-AP shapes and essgraph's version."""
    meta_files = sorted((project.root / CATALOG_DIR).glob("*.ttl"))
    parts = [
        __version__,
        report.base_iri,
        repr(project.publisher),
        shapes_digest,
        sorted((st.dataset.id, st.hash) for st in report.datasets if st.dataset.kind != "plan"),
        [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in meta_files],
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def _key(inputs: str, dataset_hash: str, dates: dict, dump_files: list) -> str:
    return hashlib.sha256(json.dumps([inputs, dataset_hash, dates, dump_files]).encode("utf-8")).hexdigest()


def _owners(core: Triples, entries: dict[str, Entry]) -> dict:
    """Node -> the dataset whose entry owns it: the nodes that are subjects in one entry only, not in the core."""
    owner: dict = {}
    shared = {t.subject for t in core}
    for ds_id, entry in entries.items():
        for s in {t.subject for t in entry.triples}:
            if s in owner and owner[s] != ds_id:
                shared.add(s)
            owner[s] = ds_id
    for s in shared:
        owner.pop(s, None)
    return owner


def _path(folder: Path, ds_id: str) -> Path:
    return folder / CATALOG_ENTRIES / f"{ds_id}.json"


def _save(folder: Path, ds_id: str, entry: Entry) -> None:
    doc = {
        "key": entry.key,
        "triples": serialize(entry.triples, formats.NTRIPLES).decode("utf-8"),
        "found": [[r.as_dict(), w] for r, w in entry.found],
    }
    path = _path(folder, ds_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(doc, ensure_ascii=False).encode("utf-8"), sync=False)


def _reuse(previous: Path, folder: Path, ds_id: str, key: str) -> Entry | None:
    """The previous build's entry of ``ds_id`` if its key is ``key``, hard-linked into ``folder``; else None."""
    old = _path(previous, ds_id)
    try:
        doc = json.loads(old.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if doc.get("key") != key:
        return None
    triples = Triples()
    for q in ox.parse(doc["triples"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        triples.add(q.subject, q.predicate, q.object)
    target = _path(folder, ds_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.link(old, target)
    return Entry(key, triples, [(Result(**r), w) for r, w in doc["found"]])
