"""The build's open-data step: dumps, the DCAT-AP 3 catalog and the VoID description.

Called by the build once the data conforms, before the store is flushed (:func:`publish_artifacts`):

1. (the store may be a checkpoint of the previous build, its catalog and VoID graphs included: every step below
   reads the datasets' own graphs, never those two);
2. the dumps are written into the build folder (:mod:`essgraph.publish.dumps`) with their byte sizes and SHA-256;
3. the catalog graph is made from ``data/catalog/*.ttl`` (the metadata, as data) and the build
   (:mod:`essgraph.publish.catalog`): a ``dcat:Dataset`` per plan and one for the whole graph, a
   ``dcat:Distribution`` per dump, the SPARQL ``dcat:DataService``;
4. it is validated against the official DCAT-AP 3.0.1 shapes (:mod:`essgraph.publish.dcat_check`): a violation
   stops the build, warnings go in the build report (dataset ``catalog``). The entries of unchanged plans and
   their results are taken from the previous build (:mod:`essgraph.publish.catalog_entries`);
5. the catalog and the VoID description (:mod:`essgraph.publish.void`, its statistics from per-dataset sketches in
   ``void/``: :mod:`essgraph.publish.void_stats`) are written to ``catalog/catalog.nt`` and
   ``catalog/void.nt`` in the build folder (:mod:`essgraph.publish.layout`; what ``/catalog`` and
   ``/.well-known/void`` serve: the exact validated triples) and put in the store as the named graphs
   ``{base}graph/catalog`` and ``{base}graph/void`` (for SPARQL and dereferencing; the store turns
   ``xsd:nonNegativeInteger`` into ``xsd:integer``, hence the files) — in a rebuild, only the triples that differ
   from the previous build's files (:func:`store_published_graphs`).

Circularity: the catalog states the size and checksum of every dump, so the dumps cannot contain the catalog. They
hold the data graphs only; the catalog is served at ``/catalog`` (and is in the SPARQL endpoint's graph/catalog).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from essgraph import urls
from essgraph.build.load import replace_graph
from essgraph.errors import ValidationFailed
from essgraph.files import write_atomically
from essgraph.publish.catalog import CATALOG_DIR
from essgraph.publish.catalog_entries import make_catalog
from essgraph.publish.dump_writer import write_dumps
from essgraph.publish.dumps import DatasetPieces
from essgraph.publish.layout import CATALOG_FILES, STATE_FILE
from essgraph.publish.void import void_triples
from essgraph.publish.void_stats import void_statistics
from essgraph.rdf import formats
from essgraph.rdf.namespaces import DCT, Triples, node
from essgraph.rdf.parse import read_quads
from essgraph.rdf.serialize import serialize

log = logging.getLogger("essgraph.catalog")


def publish_artifacts(store: ox.Store, folder: Path, report, project, previous=None) -> None:
    """Write the dumps into ``folder``/dumps, make, validate and store the catalog and VoID graphs."""
    base = report.base_iri
    plans = [st for st in report.datasets if st.dataset.kind == "plan"]
    pieces = [
        DatasetPieces(st.dataset.id, st.dataset.kind == "plan", tuple(st.triples) or st.graph_iris, st.hash)
        for st in report.datasets
    ]
    dumps = write_dumps(store, folder, pieces, report.changes)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    state = _dates(report, plans, previous, now)
    write_atomically(folder / STATE_FILE, json.dumps(state, indent=1).encode("utf-8"))
    stats = void_statistics(store, folder, report, previous)  # per-dataset sketches, the unchanged ones reused
    void = void_triples(stats, base, [f for f in dumps if f.dataset == urls.WHOLE], _meta_titles(project, base))
    meta = load_metadata(project.root / CATALOG_DIR, base)
    catalog = b""  # N-Triples
    if meta is None:
        log.warning("%s: no catalog metadata; /catalog will answer 404", project.root / CATALOG_DIR)
    else:
        prev_path = Path(previous.path) if previous is not None else None  # its unchanged plans' entries are reused
        catalog, check = make_catalog(store, folder, report, project, meta, state, dumps, prev_path)
        results = check.results
        report.results.extend(results)
        if check.waived:
            log.info("%d DCAT-AP result(s) waived for the harvesters (see essgraph.publish.waivers)", len(check.waived))
        violations = [r for r in results if r.severity == "Violation"]
        if violations:
            lines = "\n".join(f"  [catalog] {r.line()}" for r in violations[:20])
            raise ValidationFailed(f"the DCAT-AP catalog does not conform: {len(violations)} violation(s)\n{lines}")
    for name, data in ((urls.CATALOG_GRAPH, catalog), (urls.VOID_GRAPH, serialize(void, formats.NTRIPLES))):
        if data:  # the served copy: the store keeps xsd:integer for xsd:nonNegativeInteger (dcat:byteSize)
            write_atomically(folder / CATALOG_FILES[name], data)
            report.graph_triples[base + name] = data.count(b"\n")  # N-Triples: one triple a line, each once
    reused = report.changes.previous_path if report.changes is not None else None  # the store is its checkpoint
    store_published_graphs(store, folder, base, reused)
    report.counts["triples"] = len(store)


def store_published_graphs(store: ox.Store, folder: Path, base: str, previous: Path | None = None) -> None:
    """Put the catalog and VoID graphs of the build ``folder`` into ``store`` (SPARQL, dereferencing); ``previous``:
    the build whose graphs ``store`` holds now (a checkpoint of it, or a copy), so that only what changed is
    written (:func:`essgraph.build.load.replace_graph`). An empty file (no catalog metadata) empties the graph."""
    for name, path in CATALOG_FILES.items():
        data = (folder / path).read_bytes() if (folder / path).is_file() else b""
        before = previous / path if previous is not None else None
        now = before.read_bytes() if before is not None and before.is_file() else None
        replace_graph(store, ox.NamedNode(base + name), data, now)


def load_metadata(folder: Path, base: str) -> Triples | None:
    files = sorted(folder.glob("*.ttl")) if folder.is_dir() else []
    if not files:
        return None
    meta = Triples()
    for path in files:
        for q in read_quads(path, base, None):
            meta.add(q.subject, q.predicate, q.object)
    return meta


def _meta_titles(project, base: str) -> list[ox.Literal]:
    meta = load_metadata(project.root / CATALOG_DIR, base)
    return meta.objects(node(urls.Urls(base).whole), DCT("title")) if meta else []


def _dates(report, plans, previous, now: datetime) -> dict:
    """issued: first build that published the dataset; modified: last build in which its content changed."""
    before = {}
    if previous is not None:
        try:
            before = json.loads((Path(previous.path) / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
    stamp = now.isoformat().replace("+00:00", "Z")
    state = {}
    for ds_id, digest in [(urls.WHOLE, report.data_version)] + [(st.dataset.id, st.hash) for st in plans]:
        old = before.get(ds_id, {})
        same = old.get("hash") == digest
        state[ds_id] = {
            "hash": digest,
            "issued": old.get("issued", stamp),
            "modified": old.get("modified", stamp) if same else stamp,
        }
    return state
