"""Loading a build's store: every file parsed by pyoxigraph, then one bulk load; or, from a checkpoint of the
previous build, only the changed datasets' graphs replaced. Plus the copies between the on-disk store and the
in-memory one the rest of the build reads (4-10x faster to query)."""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from essgraph.build.changes import Changes
from essgraph.build.report import DatasetState
from essgraph.rdf.parse import format_for, read_nquads, read_quads

Progress = Callable[[str, int, int], None]
QUAD_FORMATS = (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
#: quads per bulk load. One bulk load of every quad briefly holds about 1 GiB more than the quads themselves at
#: 1,000 plans (2.1 M quads: peak 2.27 GiB); loads of 250,000 keep it at 1.23 GiB for 13 % more CPU in this step
#: (17.7 -> 20.0 s, same run; the build's peak: benchmarks/bench_build.py)
BULK_CHUNK = 250_000


def load_dataset(store: ox.Store, st: DatasetState, base_iri: str) -> None:
    """Parse a dataset's files into ``store``, each into its graph (quad files keep their own graphs)."""
    for source, iri in zip(st.dataset.graphs, st.graph_iris):
        target = ox.NamedNode(iri)
        for path in source.files:
            fmt = format_for(path)
            if fmt in QUAD_FORMATS or fmt == ox.RdfFormat.RDF_XML:
                # quads keep their graph names; RDF/XML is parsed by read_quads for its well-formedness check;
                # blank nodes renamed as store.load does: a label is one node in one file, never across files
                store.extend(read_quads(path, base_iri, target, rename_blank_nodes=True))
            else:
                try:
                    store.load(path=str(path), format=fmt, base_iri=base_iri, to_graph=target)
                except SyntaxError:  # reported with line and column by read_quads
                    read_quads(path, base_iri, target)
                    raise


def load_all(store: ox.Store, states: list[DatasetState], base_iri: str, progress: Progress) -> ox.Store:
    """Parse every file into an in-memory store, then ingest it into ``store`` by bulk loads of
    :data:`BULK_CHUNK` quads; returns the in-memory store (the rest of the build reads it).

    Bulk loads are about 4x faster than one load per file (each writes its own RocksDB files). The quads go
    straight from the in-memory store, blank nodes as it names them: 20 % less CPU than through an N-Quads spool
    file (written, then parsed), and no spool the size of the graph on disk.
    """
    memory = ox.Store()
    for i, st in enumerate(states, 1):
        progress("loading", i, len(states))
        load_dataset(memory, st, base_iri)
    quads = iter(memory)
    while chunk := list(islice(quads, BULK_CHUNK)):
        store.bulk_extend(chunk)
    return memory


def load_changed(
    store: ox.Store, states: list[DatasetState], changes: Changes, base_iri: str, progress: Progress
) -> None:
    """Update a checkpoint of the previous build: remove the graphs of removed and changed datasets, load the
    changed ones, and take the unchanged ones' triple counts from the previous manifest."""
    for ds_id in changes.removed:  # datasets removed from the project
        for iri in (changes.previous_dataset(ds_id) or {}).get("graphs", []):
            store.remove_graph(ox.NamedNode(iri))
    changed = [st for st in states if st.dataset.id in changes.changed]
    for i, st in enumerate(changed, 1):
        progress("loading", i, len(changed))
        for iri in (changes.previous_dataset(st.dataset.id) or {}).get("graphs", []):
            if store.contains_named_graph(ox.NamedNode(iri)):
                store.remove_graph(ox.NamedNode(iri))
        load_dataset(store, st, base_iri)
    for st in states:
        if st.dataset.id not in changes.changed:
            st.triples = dict((changes.previous_dataset(st.dataset.id) or {})["triples"])


def copy_to_memory(store: ox.Store, spool: Path) -> ox.Store:
    """An in-memory copy of an on-disk store (through N-Quads: much faster than quad by quad)."""
    dump = spool / ".copy.nq"
    try:
        store.dump(str(dump), format=ox.RdfFormat.N_QUADS)
        memory = ox.Store()
        memory.bulk_extend(read_nquads(dump))
        return memory
    finally:
        dump.unlink(missing_ok=True)


def replace_graph(store: ox.Store, graph: ox.NamedNode, ntriples: bytes, now: bytes | None = None) -> None:
    """Make ``graph`` of ``store`` hold exactly the triples of ``ntriples`` (blank node labels kept).

    Given the N-Triples the graph holds now (``now``, e.g. the previous build's file), only the lines that differ
    are removed and added: a rebuild changes a few hundred of the catalog's 190,000 triples at 1,000 plans, where
    removing the graph from the on-disk store and loading it again took 9 s. If the graph then does not have as
    many triples as ``ntriples`` (it did not hold ``now``), it is replaced whole.
    """
    if now is not None and store.contains_named_graph(graph):
        before, after = set(now.splitlines()), set(ntriples.splitlines())
        for t in ox.parse(b"\n".join(before - after), format=ox.RdfFormat.N_TRIPLES):
            store.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
        store.extend(
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse(b"\n".join(after - before), format=ox.RdfFormat.N_TRIPLES)
        )
        if count_graph(store, graph.value) == len(after - {b""}):
            return
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    store.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    )


def graphs_of(store: ox.Store, st: DatasetState) -> list[str]:
    """The graphs a dataset filled: its declared graphs plus those named inside its quad files."""
    names = list(st.graph_iris)
    for source in st.dataset.graphs:
        for path in source.files:
            if format_for(path) in QUAD_FORMATS:
                for q in read_quads(path, "http://localhost/", None):
                    if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in names:
                        names.append(q.graph_name.value)
    return names


def count_graph(store: ox.Store, iri: str) -> int:
    graph = ox.NamedNode(iri)  # validated IRI: its N-Triples form cannot break out of the query
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)
