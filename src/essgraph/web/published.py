"""The published build: its folder, its manifest, its store on disk or copied into memory, its lease.

The build is immutable between builds, and pyoxigraph's in-memory store answers analytical queries 4-10x faster
than its on-disk store. Reading the on-disk store quad by quad is slow (about 100,000 quads/s here) while parsing
N-Quads is fast (about 280,000 quads/s), so the copy is loaded from N-Quads:

1. ``quads.nq`` in the build folder, when an earlier start wrote it;
2. else the build's own dump ``dumps/essgraph.nq`` (every dataset), plus the few graphs the dump leaves out (the
   catalog and VoID graphs, added after the dumps are written), read from the on-disk store;
3. else ``quads.nq`` is written from the on-disk store first (aside, then renamed into place), for the next start.

The copy is checked against the build manifest's triple count; on any mismatch the store is copied quad by quad.
Then its default graph is made the RDF merge of the named graphs, each triple once (:func:`merge_default_graph`):
the default graph SPARQL queries see (essgraph.sparql.execute).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from essgraph.build.builds import Build, Lease, StoreDir
from essgraph.errors import StoreError
from essgraph.files import atomic_write
from essgraph.publish.layout import DUMPS
from essgraph.rdf.parse import read_nquads
from essgraph.settings import Settings
from essgraph.urls import WHOLE

if TYPE_CHECKING:
    from essgraph.sparql.engine import QueryEngine

log = logging.getLogger("essgraph.sparql")
DUMP_NAME = "quads.nq"


def _write_dump(build: Build) -> bool:
    dump = build.path / DUMP_NAME
    try:
        with atomic_write(dump, sync=False) as out:  # a copy for faster starts: a crash may lose it
            build.open().dump(out, format=ox.RdfFormat.N_QUADS)
        return True
    except OSError as exc:
        log.warning("cannot write %s (%s): copying the store quad by quad", dump, exc.strerror or exc)
        return False


def _add_missing_graphs(store: ox.Store, build: Build) -> None:
    """Copy from the on-disk store the graphs of the build that the loaded dump does not have."""
    missing = [
        ox.NamedNode(iri)
        for iri in build.manifest.get("graphs", {})
        if not store.contains_named_graph(ox.NamedNode(iri))
    ]
    if missing:
        disk = build.open()
        for graph in missing:
            store.extend(disk.quads_for_pattern(None, None, None, graph))


def _read(store: ox.Store, path: Path) -> None:
    """Parse then bulk-insert: 1.7x faster here than ``Store.load``, and the blank nodes keep their labels (see
    :func:`essgraph.rdf.parse.read_nquads`)."""
    store.bulk_extend(read_nquads(path))


def _load(build: Build) -> ox.Store:
    store = ox.Store()
    own, shipped = build.path / DUMP_NAME, build.path / DUMPS / f"{WHOLE}.nq"
    if own.is_file():
        _read(store, own)
    elif shipped.is_file():
        _read(store, shipped)
        _add_missing_graphs(store, build)
    elif _write_dump(build):
        _read(store, own)
    else:
        store.bulk_extend(build.open().quads_for_pattern(None, None, None, None))
    return store


def merge_default_graph(store: ox.Store) -> None:
    """Copy every triple of the named graphs into the default graph (which the build leaves empty: essgraph.rdf.parse
    puts a file's default graph in a named one), once: the RDF merge the service description promises. pyoxigraph
    0.5's union default graph repeats a triple held by two graphs (the catalog repeats titles and labels of the
    data); its default graph, a set, does not. Costs a second copy of the triples in memory (see the README's
    "SPARQL" notes for the measure at 1,000 plans).

    One SPARQL ``ADD <graph> TO DEFAULT`` a graph: the copy runs inside pyoxigraph, without a Python object per
    triple (at 1,000 plans 2x faster than reading the quads out and ``bulk_extend``-ing them back, with the same
    peak memory; one ``INSERT ... WHERE { GRAPH ?g ... }`` for all graphs is as fast but holds every solution at
    once, +500 MiB). Blank nodes stay the same nodes: ADD copies the terms it reads."""
    for graph in list(store.named_graphs()):
        if isinstance(graph, ox.NamedNode):
            store.update(f"ADD <{graph.value}> TO DEFAULT")
        else:  # a graph named by a blank node (no build makes one): copied quad by quad
            store.bulk_extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                for q in store.quads_for_pattern(None, None, None, graph)
            )


#: what the copy in memory needs at its peak, per quad of the build (its quads and the merged default graph: 1,560 MiB
#: of PSS for 2.1 M quads at 1,000 plans, more while it loads). At 10,000 plans (23 M quads) the copy outgrew this
#: project's 24 GiB machine, the first thing that broke at that size (benchmarks/README.md, "At scale").
PEAK_BYTES_PER_QUAD = 1024
MEMORY_MARGIN = 1 << 30  # left to the query processes, the answer cache and the system


def memory_available() -> int | None:
    """The memory the system can give without swapping (``MemAvailable``), in bytes; None where it is not known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def check_memory(build: Build, available: int | None = None) -> None:
    """Refuse (StoreError) a copy in memory that would not fit: the build is then served from its on-disk store."""
    quads = build.manifest.get("counts", {}).get("triples")
    available = memory_available() if available is None else available
    if quads is None or available is None:
        return
    need = quads * PEAK_BYTES_PER_QUAD
    if need + MEMORY_MARGIN > available:
        raise StoreError(
            f"build {build.id}: a copy in memory of its {quads:,} quads would need about {need >> 20} MiB at its peak,"
            f" {available >> 20} MiB are available: it is served from its on-disk store (SPARQL 4-10x slower)",
            hint="give the server more memory (then restart it), or publish fewer plans per deployment",
        )


def load_in_memory(build: Build) -> ox.Store:
    started = time.monotonic()
    check_memory(build)
    store = _load(build)
    expected = build.manifest.get("counts", {}).get("triples")
    if expected is not None and len(store) != expected:
        log.error(
            "the in-memory copy of build %s has %d quads, its manifest says %d: copying the store instead",
            build.path.name,
            len(store),
            expected,
        )
        store = ox.Store()
        store.bulk_extend(build.open().quads_for_pattern(None, None, None, None))
    merge_default_graph(store)
    log.info(
        "loaded build %s into memory (%d quads) in %.2f s", build.path.name, len(store), time.monotonic() - started
    )
    return store


@dataclass(eq=False)
class Published:
    """What the server publishes at one moment: one immutable build, its store — the on-disk one (``mode``
    "disk", ready at once) or its copy in memory ("memory", 4-10x faster for analytical queries) —, the lease that
    keeps the build from being pruned, and the SPARQL workers that query this very store."""

    build: Build
    store: ox.Store
    mode: str = "memory"
    lease: Lease | None = None
    engine: "QueryEngine | None" = None
    cache: dict = field(default_factory=dict)  # what views compute once per build (the catalog's pages...)
    users: int = 0  # requests being answered from it

    @property
    def manifest(self) -> dict:
        return self.build.manifest

    def close(self) -> None:
        """Let go of the build: the store (freed once the last reference goes) and the lease."""
        self.store = None
        self.cache.clear()
        if self.lease is not None:
            self.lease.release()
        _give_back_memory()


def _give_back_memory() -> None:
    """Return freed heap pages to the system, so that the memory of a replaced build is really released."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def check_base(build: Build, settings: Settings) -> None:
    if build.manifest.get("base_iri") != settings.base_iri:
        raise StoreError(
            f"the store was built for base IRI {build.manifest.get('base_iri')} but the server is set to "
            f"{settings.base_iri}",
            hint="rebuild with 'essgraph build --base-iri ...' or change the setting",
        )


def current_build(settings: Settings) -> tuple[Build, Lease]:
    """The current build, leased and checked against the server's base IRI."""
    build, lease = StoreDir(settings.store).lease_current()
    try:
        check_base(build, settings)
    except StoreError:
        lease.release()
        raise
    return build, lease


def open_on_disk(build: Build, lease: Lease | None) -> Published:
    """The build served from its on-disk store: ready in well under a second, whatever its size."""
    return Published(build, build.open(), "disk", lease)


def open_published(settings: Settings) -> Published:
    """The current build, copied into memory (blocking: the server itself starts on disk and loads it aside)."""
    build, lease = current_build(settings)
    return Published(build, load_in_memory(build), "memory", lease)
