"""The build pipeline: hash the sources, validate what changed, load into a store made aside, publish, swap it in.

* Every dataset (ontology, reference data, each plan) is hashed; its validation result is cached under a key made
  of its hash, the shapes and the essgraph version, so a rebuild validates only what changed (in worker processes
  when many datasets need it, while the main process loads the store).
* What changed since the previous build is worked out once (:mod:`essgraph.build.changes`). A full build parses
  every file into a store in memory and bulk-loads it on disk; the publication steps read the copy in memory.
* A rebuild for the same base IRI starts from a checkpoint of the previous store (hard links) where only the
  changed datasets' graphs are replaced. When a few plans changed (``Changes.local``), every later step reads
  only what changed from that on-disk store and reuses the previous build's work for the rest: dump pieces
  (:mod:`essgraph.publish.dump_writer`), VoID sketches, catalog entries, the search index; else the whole-store
  passes read a copy in memory.
* Cross-dataset integrity checks (SPARQL queries listed in the project file) run on the new store.
* Nothing is swapped in unless everything succeeded; on any failure (syntax error, violation, crash, Ctrl-C, full
  disk) the partial build is removed and the previous build keeps being served.
"""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from essgraph import __version__
from essgraph.build.builds import KEEP_BUILDS, StoreDir
from essgraph.build.changes import changes_since
from essgraph.build.load import copy_to_memory, count_graph, graphs_of, load_all, load_changed
from essgraph.build.report import BuildReport, DatasetState, count_entities, manifest, violation_summary
from essgraph.build.validation import ValidationCache, collect, start_in_workers, validate_here
from essgraph.errors import ValidationFailed
from essgraph.files import sha256_file, write_atomically
from essgraph.intake.sources import Prepared
from essgraph.intake.sources import prepare as prepare_workbooks
from essgraph.project import Project
from essgraph.publish.artifacts import publish_artifacts, store_published_graphs
from essgraph.search.index import write_search_index
from essgraph.validate.integrity import run_integrity_checks
from essgraph.validate.shapes import CompiledShapes

Progress = Callable[[str, int, int], None]


def _noop(stage: str, done: int, total: int) -> None:
    pass


class Builder:
    def __init__(
        self,
        project: Project,
        base_iri: str,
        store_dir: Path | None,
        progress: Progress = _noop,
        shacl_engine: str = "auto",
        keep_builds: int = KEEP_BUILDS,
    ):
        self.project = project
        self.shacl_engine = shacl_engine
        self.base_iri = base_iri
        self.store_dir = StoreDir(store_dir, keep_builds) if store_dir else None
        self.progress = progress
        self.prepared = Prepared()  # workbooks converted for this build (essgraph.intake)
        self.shapes_hash = self._hash_files(project.shapes + project.integrity_queries)
        self.cache = ValidationCache(self.store_dir.cache / "validation" if self.store_dir else None)

    # -- hashing -----------------------------------------------------------------------------------------------

    def _hash_files(self, files: tuple[Path, ...]) -> str:
        digest = hashlib.sha256()
        for path in files:
            digest.update(self._rel(path).encode() + b"\0" + sha256_file(path).encode() + b"\n")
        return digest.hexdigest()

    def _rel(self, path: Path) -> str:
        if path in self.prepared.origins:  # a file converted from a workbook is named after the workbook
            return self.prepared.origins[path]
        try:
            return str(path.relative_to(self.project.root))
        except ValueError:
            return str(path)

    def _states(self) -> list[DatasetState]:
        states = []
        for ds in self.project.datasets:
            iris = tuple(self.project.resolve(g.iri, self.base_iri) for g in ds.graphs)
            digest = hashlib.sha256(f"{ds.id}\0{ds.kind}\0{self.base_iri}\n".encode())
            for g, iri in zip(ds.graphs, iris):
                digest.update(f"graph {iri}\n".encode())
                digest.update(self._hash_files(g.files).encode())
            ds_hash = digest.hexdigest()
            key = hashlib.sha256(f"{ds_hash}{self.shapes_hash}{__version__}{self.shacl_engine}".encode()).hexdigest()
            states.append(DatasetState(ds, iris, ds_hash, key))
        return states

    def data_version(self, states: list[DatasetState]) -> str:
        digest = hashlib.sha256(f"{self.base_iri}\n{self.shapes_hash}\n".encode())
        for st in states:
            digest.update(f"{st.dataset.id} {st.hash}\n".encode())
        return digest.hexdigest()[:16]

    def _shapes(self) -> CompiledShapes:
        return CompiledShapes.load(self.project.shapes, self.shacl_engine)

    # -- the build ---------------------------------------------------------------------------------------------

    def run(self, write: bool) -> BuildReport:
        """Convert the project's workbooks (if any), then build; the converted files are removed afterwards."""
        project = self.project
        self.project, self.prepared = prepare_workbooks(project, self._rel)
        try:
            return self._run(write)
        finally:
            self.prepared.close()
            self.project = project

    def _run(self, write: bool) -> BuildReport:
        started = time.monotonic()
        states = self._states()
        version = self.data_version(states)
        todo = []
        for st in states:
            st.results = self.cache.get(st)
            if st.results is None:
                todo.append(st)
        reused = len(states) - len(todo)
        futures, pool = start_in_workers(todo, self.base_iri, self._shapes)
        try:
            if not futures and todo:
                self.progress("validating", 0, len(todo))
                validate_here(todo, self.base_iri, self._shapes(), self.cache)
                self.progress("validating", len(todo), len(todo))
            if write:
                assert self.store_dir is not None
                with self.store_dir.lock():
                    return self._write(states, version, futures, started, reused)
            collect(futures, self.cache, self.progress)
            store = ox.Store()
            load_all(store, states, self.base_iri, self.progress)
            return self._report(store, states, version, started, None, reused)
        finally:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    def _write(self, states, version, futures, started, reused) -> BuildReport:
        store_dir = self.store_dir
        assert store_dir is not None  # run(write=True) needs a store folder
        previous = store_dir.current()
        changes = changes_since(previous, states, self.base_iri)
        build_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + version[:8]
        partial = store_dir.new_partial(build_id)
        store = None
        try:
            store_path = partial / "oxigraph"
            if changes.previous is not None:
                changes.previous.open().backup(str(store_path))
                store = ox.Store(str(store_path))
                load_changed(store, states, changes, self.base_iri, self.progress)
                # a few plans changed: every step reads only what changed, from the on-disk store; else the
                # whole-store passes read a copy in memory (4-10x faster to query)
                reader = store if changes.local else copy_to_memory(store, partial)
            else:
                store = ox.Store(str(store_path))
                reader = load_all(store, states, self.base_iri, self.progress)  # the copy in memory load_all made
            collect(futures, self.cache, self.progress)
            report = self._report(reader, states, version, started, partial, reused, integrity=False)
            report.changes = changes
            if not report.conforms:
                raise ValidationFailed(violation_summary(report))
            with ThreadPoolExecutor(1, thread_name_prefix="essgraph-integrity") as checking:
                # the cross-dataset checks read the store in a thread while the artifacts are written (pyoxigraph
                # lets go of the GIL while it evaluates a query): a rebuild's two longest steps overlap
                integrity = checking.submit(run_integrity_checks, reader, self.project.integrity_queries, self._rel)
                try:
                    publish_artifacts(reader, partial, report, self.project, previous)  # dumps, catalog, VoID
                    # full text and facets, swapped in with the build; updated from the previous build's when only
                    # plans changed
                    write_search_index(reader, partial, self.base_iri, changes, states, store)
                except ValidationFailed:  # the catalog's: unless the data's own checks failed too
                    self._add_integrity(report, integrity)
                    raise
                self._add_integrity(report, integrity)
            if reader is not store:  # the catalog and VoID graphs were put in the copy
                store_published_graphs(store, partial, self.base_iri, changes.previous_path)
            del reader
            store.flush()
            store = None  # closes RocksDB before the folder is synced and renamed: a store still open may
            gc.collect()  # compact (delete SST files) meanwhile; the collection frees any query result kept in a cycle
            report.seconds = time.monotonic() - started  # the manifest's build_seconds: the whole build, sync aside
            write_atomically(partial / "manifest.json", json.dumps(manifest(report, self._rel), indent=1).encode())
            report.build_path = store_dir.publish(partial, build_id)
            report.seconds = time.monotonic() - started
            return report
        except BaseException:
            store = None  # close RocksDB first, or it may write into the folder while it is removed
            gc.collect()
            shutil.rmtree(partial, ignore_errors=True)
            raise

    # -- report ------------------------------------------------------------------------------------------------

    def _add_integrity(self, report: BuildReport, integrity: Future) -> None:
        """Add the cross-dataset checks' results to the report; their violations stop the build."""
        found = self.prepared.annotate(integrity.result(), self.base_iri, warnings=False)
        report.results += found
        if any(r.severity == "Violation" for r in found):
            raise ValidationFailed(violation_summary(report))

    def _report(self, store, states, version, started, partial, reused, integrity=True) -> BuildReport:
        """The build's report; ``integrity``: with the cross-dataset checks (a build that writes runs them aside,
        :meth:`_add_integrity`)."""
        results = [r for st in states for r in (st.results or [])]
        if integrity:
            results += run_integrity_checks(store, self.project.integrity_queries, self._rel)
        results = self.prepared.annotate(results, self.base_iri)  # workbook cells of converted plans
        for st in states:
            if not st.triples:
                st.triples = {iri: count_graph(store, iri) for iri in graphs_of(store, st)}
        graph_triples = {iri: n for st in states for iri, n in st.triples.items()}
        return BuildReport(
            version,
            self.base_iri,
            states,
            results,
            count_entities(store),
            graph_triples,
            time.monotonic() - started,
            partial,
            reused,
        )
