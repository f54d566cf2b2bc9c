"""The published build: its folder, its manifest, and its store copied into memory at startup.

The build is immutable between builds, and pyoxigraph's in-memory store answers analytical queries 4-10x faster
than its on-disk store. Reading the on-disk store quad by quad is slow (about 100,000 quads/s here) while parsing
N-Quads is fast (about 280,000 quads/s), so the copy is loaded from N-Quads:

1. ``quads.nq`` in the build folder, when an earlier start wrote it;
2. else the build's own dump ``dumps/essgraph.nq`` (every dataset), plus the few graphs the dump leaves out (the
   catalog and VoID graphs, added after the dumps are written), read from the on-disk store;
3. else ``quads.nq`` is written from the on-disk store first (aside, then renamed into place), for the next start.

The copy is checked against the build manifest's triple count; on any mismatch the store is copied quad by quad.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

import pyoxigraph as ox

from essgraph.build.builds import Build, StoreDir
from essgraph.errors import StoreError
from essgraph.publish.dumps import WHOLE
from essgraph.settings import Settings

log = logging.getLogger("essgraph.sparql")
DUMP_NAME = "quads.nq"


def _write_dump(build: Build) -> bool:
    dump = build.path / DUMP_NAME
    tmp = build.path / f".{DUMP_NAME}.{os.getpid()}.tmp"
    try:
        build.open().dump(str(tmp), format=ox.RdfFormat.N_QUADS)
        os.replace(tmp, dump)
        return True
    except OSError as exc:
        log.warning("cannot write %s (%s): copying the store quad by quad", dump, exc.strerror or exc)
        tmp.unlink(missing_ok=True)
        return False


def _add_missing_graphs(store: ox.Store, build: Build) -> None:
    """Copy from the on-disk store the graphs of the build that the loaded dump does not have."""
    missing = [ox.NamedNode(iri) for iri in build.manifest.get("graphs", {})
               if not store.contains_named_graph(ox.NamedNode(iri))]
    if missing:
        disk = build.open()
        for graph in missing:
            store.extend(disk.quads_for_pattern(None, None, None, graph))


def _load(build: Build) -> ox.Store:
    store = ox.Store()
    own, shipped = build.path / DUMP_NAME, build.path / "dumps" / f"{WHOLE}.nq"
    if own.is_file():
        store.load(path=str(own), format=ox.RdfFormat.N_QUADS)
    elif shipped.is_file():
        store.load(path=str(shipped), format=ox.RdfFormat.N_QUADS)
        _add_missing_graphs(store, build)
    elif _write_dump(build):
        store.load(path=str(own), format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_extend(build.open().quads_for_pattern(None, None, None, None))
    return store


def load_in_memory(build: Build) -> ox.Store:
    started = time.monotonic()
    store = _load(build)
    expected = build.manifest.get("counts", {}).get("triples")
    if expected is not None and len(store) != expected:
        log.error("the in-memory copy of build %s has %d quads, its manifest says %d: copying the store instead",
                  build.path.name, len(store), expected)
        store = ox.Store()
        store.bulk_extend(build.open().quads_for_pattern(None, None, None, None))
    log.info("loaded build %s into memory (%d quads) in %.2f s", build.path.name, len(store),
             time.monotonic() - started)
    return store


@dataclass(frozen=True)
class Published:
    """What the server publishes: one immutable build and its store, copied into memory (the build never changes
    while it is served; in memory, analytical queries run 4-10x faster than on disk)."""

    build: Build
    store: ox.Store

    @property
    def manifest(self) -> dict:
        return self.build.manifest


def open_published(settings: Settings) -> Published:
    build = StoreDir(settings.store).require_current()
    if build.manifest.get("base_iri") != settings.base_iri:
        raise StoreError(
            f"the store was built for base IRI {build.manifest.get('base_iri')} but the server is set to "
            f"{settings.base_iri}", hint="rebuild with 'essgraph build --base-iri ...' or change the setting")
    return Published(build, load_in_memory(build))
