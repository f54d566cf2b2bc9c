"""The catalog of a build made from pieces, each plan's entry and its DCAT-AP results reused when nothing it is made
from changed.

A plan dataset's entry (:meth:`CatalogBuilder.entry`: its ``dcat:Dataset``, distributions, agents, places, period,
provenance) is made from the plan's graphs, the context datasets' graphs (vocabulary, reference data), the catalog
metadata and the operator, its dates (``catalog/state.json``) and its dump files' names, sizes and SHA-256. These are
hashed into the entry's *key*. Each build keeps, in ``catalog/entries/`` (:data:`.layout.CATALOG_ENTRIES`), every
entry's triples (``{dataset}.nt``) and, in ``{dataset}.json``, its key, its *summary* and the DCAT-AP results of the
nodes it owns; the next build hard-links both files of an entry whose key is unchanged instead of making and checking
the entry again, and reads the summary only.

The summary holds what other parts of the catalog refer to: the triples of the ``dcat:Dataset`` node, of its periods,
and of every IRI that is not the dataset's own (places, agents, plan pages, media types: IRIs other entries or the
core may describe too). The check of a build looks at the nodes of the core (the catalog, the whole-graph dataset and
its distributions — whose sizes, checksums and dates change at every build —, the data service, and any node that
several entries, or an entry and the core, describe) and of the new entries, over the core, the new entries and every summary; a node owned by
an unchanged entry (a subject of that entry alone) keeps the results stored with the entry. The DCAT-AP 3.0.1 shapes
check a node against its own triples and the types and vocabularies of the nodes it refers to, which that data holds
(tests/publish/test_catalog_incremental.py: the same catalog and results as a full build, and as one check of the
whole catalog).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from essgraph import __version__
from essgraph.files import write_atomically
from essgraph.publish.catalog import CATALOG_DIR, CatalogBuilder, graphs_of
from essgraph.publish.dcat_check import CatalogCheck, dcat_shapes_dir, find_results, shapes_digest
from essgraph.publish.layout import CATALOG_ENTRIES
from essgraph.publish.waivers import WAIVERS
from essgraph.rdf import formats
from essgraph.rdf.namespaces import DCT, Triples
from essgraph.rdf.serialize import serialize
from essgraph.validate.results import Result, sort_results

WAIVER_BY_NAME = {w.name: w for w in WAIVERS}


@dataclass
class Entry:
    key: str
    nt: bytes  # the entry's triples, N-Triples
    summary: Triples  # what the rest of the catalog refers to (see the module's docstring)
    found: list[tuple[Result, str | None]] = field(default_factory=list)  # results of its nodes, waiver names
    triples: Triples | None = None  # all its triples, when the entry was made by this build


def make_catalog(
    store: ox.Store,
    folder: Path,
    report,
    project,
    meta: Triples,
    state: dict,
    dumps: list,
    previous: Path | None = None,
) -> tuple[bytes, CatalogCheck]:
    """The catalog of the build in ``folder`` (N-Triples, each triple once) and its DCAT-AP check, reusing the
    entries of the build in ``previous`` whose key is unchanged; every entry is kept in ``folder``."""
    plans = [st for st in report.datasets if st.dataset.kind == "plan"]
    context = [g for st in report.datasets if st.dataset.kind != "plan" for g in graphs_of(st)]
    builder = CatalogBuilder(store, report.base_iri, meta, state, dumps, project.publisher, context)
    shapes_dir = dcat_shapes_dir(project.root)
    inputs = _inputs(report, project, shapes_digest(shapes_dir))
    entries: dict[str, Entry] = {}
    for st in plans:
        ds_id, ds = st.dataset.id, ox.NamedNode(builder.urls.dataset(st.dataset.id))
        key = _key(inputs, st.hash, state[ds_id], [(f.name, f.size, f.sha256) for f in dumps if f.dataset == ds_id])
        entry = _reuse(previous, folder, ds_id, key) if previous is not None else None
        if entry is None:
            triples = builder.entry(st)
            entry = Entry(key, serialize(triples, formats.NTRIPLES), _summary(triples, ds), triples=triples)
        entries[ds_id] = entry
    core = builder.build(plans, {ds_id: e.summary for ds_id, e in entries.items()})
    pieces = {ds_id: e.triples if e.triples is not None else e.summary for ds_id, e in entries.items()}
    owner = _owners(core, builder.head, pieces)
    kept = {n for n, ds_id in owner.items() if entries[ds_id].triples is None}
    data = list(chain(core, *pieces.values()))
    found: list[tuple[Result, str | None]] = []
    for node, result, waiver in find_results(data, shapes_dir, focus=(lambda n: n not in kept) if kept else None):
        ds_id = owner.get(node)
        (found if ds_id is None else entries[ds_id].found).append((result, waiver.name if waiver else None))
    for ds_id, entry in entries.items():
        if entry.triples is not None:
            _save(folder, ds_id, entry)
    found += [f for e in entries.values() for f in e.found]
    check = CatalogCheck(
        sort_results([r for r, w in found if w is None]), [(WAIVER_BY_NAME[w], r) for r, w in found if w is not None]
    )
    parts = [serialize(core, formats.NTRIPLES)] + [e.nt for e in entries.values()]
    return b"".join(dict.fromkeys(chain.from_iterable(p.splitlines(keepends=True) for p in parts))), check


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


def _summary(triples: Triples, ds: ox.NamedNode) -> Triples:
    """The triples of the dataset node, of its periods and of the IRIs that are not the dataset's own."""
    periods = set(triples.objects(ds, DCT("temporal")))
    own = ds.value + "/"
    summary = Triples()
    for t in triples:
        s = t.subject
        if s == ds or s in periods or (isinstance(s, ox.NamedNode) and not s.value.startswith(own)):
            summary.add(s, t.predicate, t.object)
    return summary


def _owners(core: Triples, head: Triples, pieces: dict[str, Triples]) -> dict:
    """Node -> the dataset whose entry owns it: the subjects of one piece only, of no triple the core generates
    (the head's triples, the metadata, are in every entry's key)."""
    owner: dict = {}
    stated = set(head)
    shared = {t.subject for t in core if t not in stated}
    for ds_id, piece in pieces.items():
        for s in {t.subject for t in piece}:
            if s in owner and owner[s] != ds_id:
                shared.add(s)
            owner[s] = ds_id
    for s in shared:
        owner.pop(s, None)
    return owner


def _paths(folder: Path, ds_id: str) -> tuple[Path, Path]:
    base = folder / CATALOG_ENTRIES / ds_id
    return base.with_name(ds_id + ".nt"), base.with_name(ds_id + ".json")


def _save(folder: Path, ds_id: str, entry: Entry) -> None:
    nt, doc = _paths(folder, ds_id)
    nt.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(nt, entry.nt, sync=False)
    summary = serialize(entry.summary, formats.NTRIPLES).decode("utf-8")
    found = [[r.as_dict(), w] for r, w in entry.found]
    write_atomically(doc, json.dumps({"key": entry.key, "summary": summary, "found": found}).encode("utf-8"), False)


def _reuse(previous: Path, folder: Path, ds_id: str, key: str) -> Entry | None:
    """The previous build's entry of ``ds_id`` if its key is ``key``, its files hard-linked into ``folder``."""
    old = _paths(previous, ds_id)
    try:
        doc = json.loads(old[1].read_bytes())
        if doc.get("key") != key:
            return None
        nt = old[0].read_bytes()
    except (OSError, ValueError):
        return None
    summary = Triples()
    for q in ox.parse(doc["summary"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        summary.add(q.subject, q.predicate, q.object)
    for source, target in zip(old, _paths(folder, ds_id)):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        os.link(source, target)
    return Entry(key, nt, summary, [(Result(**r), w) for r, w in doc["found"]])
