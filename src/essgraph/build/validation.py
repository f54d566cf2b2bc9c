"""Validation of the datasets that changed: results cached by content hash, and many datasets validated in worker
processes (forked, so they inherit the compiled shapes) while the main process loads the store.

A dataset's cache key is made of its content hash, the shapes, the essgraph version and the SHACL engine
(:class:`essgraph.build.report.DatasetState`), so a rebuild validates only what changed. A damaged cache entry is
simply recomputed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from essgraph.build.report import DatasetState
from essgraph.files import write_atomically
from essgraph.rdf.parse import read_quads
from essgraph.validate.results import Result
from essgraph.validate.shapes import CompiledShapes, validate_batch

PARALLEL_FROM = 8  # validate in worker processes from this many datasets on
BATCH_MAX = 100  # datasets validated together in one pySHACL run
Batches = list[tuple[list[DatasetState], Future]]


class ValidationCache:
    """Validation results by cache key, one JSON file each (no cache without a store folder)."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def _file(self, key: str) -> Path | None:
        return self.folder / f"{key}.json" if self.folder else None

    def get(self, st: DatasetState) -> list[Result] | None:
        path = self._file(st.validation_key)
        if path is None or not path.is_file():
            return None
        try:
            return [Result(**r) for r in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            return None  # a damaged cache entry is simply recomputed

    def put(self, st: DatasetState) -> None:
        path = self._file(st.validation_key)
        if path is not None and st.results is not None:
            write_atomically(path, json.dumps([r.as_dict() for r in st.results]).encode("utf-8"), sync=False)


def validate_here(todo: list[DatasetState], base_iri: str, shapes: CompiledShapes, cache: ValidationCache) -> None:
    """Validate ``todo`` in this process, in one batch."""
    found = _validate_datasets([(st.dataset, st.graph_iris) for st in todo], base_iri, shapes)
    for st in todo:
        st.results = found[st.dataset.id]
        cache.put(st)


def start_in_workers(
    todo: list[DatasetState], base_iri: str, shapes: Callable[[], CompiledShapes]
) -> tuple[Batches, ProcessPoolExecutor | None]:
    """Validate in worker processes (returns futures) when there are many datasets, else nothing is started."""
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) < PARALLEL_FROM or workers < 2:
        return [], None
    global _WORKER_SHAPES
    _WORKER_SHAPES = shapes()  # errors surface here; forked workers inherit it
    ctx = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)
    size = max(1, min(BATCH_MAX, -(-len(todo) // (workers * 2))))
    futures = []
    for i in range(0, len(todo), size):
        batch = todo[i : i + size]
        items = [(st.dataset, st.graph_iris) for st in batch]
        futures.append((batch, pool.submit(_worker_validate, items, base_iri)))
    return futures, pool


def collect(futures: Batches, cache: ValidationCache, progress: Callable[[str, int, int], None]) -> None:
    """Wait for the workers' results (a worker's RdfSyntaxError is raised here)."""
    done = 0
    total = sum(len(batch) for batch, _ in futures)
    for batch, fut in futures:
        found = fut.result()
        for st in batch:
            st.results = found[st.dataset.id]
            cache.put(st)
        done += len(batch)
        progress("validating", done, total)


# -- worker processes ------------------------------------------------------------------------------------------

_WORKER_SHAPES: CompiledShapes | None = None


def _worker_init() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by the main process, which stops the pool


def _worker_validate(items, base_iri: str) -> dict[str, list[Result]]:
    assert _WORKER_SHAPES is not None  # set before the workers are forked
    return _validate_datasets(items, base_iri, _WORKER_SHAPES)


def _validate_datasets(items, base_iri: str, shapes: CompiledShapes) -> dict[str, list[Result]]:
    """Parse the datasets' files (syntax errors name file, line and column) and validate them in one batch."""
    batch = []
    for dataset, graph_iris in items:
        quads = []
        for source, iri in zip(dataset.graphs, graph_iris):
            for path in source.files:
                quads.extend(read_quads(path, base_iri, ox.NamedNode(iri)))
        batch.append((dataset.id, quads))
    return validate_batch(batch, shapes)
