"""Writing a build's dumps: each dataset's pieces made (or linked from the previous build) and the whole graph's
files joined from them (the layout and the reuse rules: :mod:`essgraph.publish.dumps`).

Only the datasets to redo are read from the store, graph by graph (``quads_for_pattern`` with the graph bound):
the store may be the on-disk one. A dataset's pieces are serialized from the list of its quads (or their triples,
for the formats without named graphs, where a triple in two graphs is written twice and read as one): half the
CPU time of copying them into a store of their own and merging the graphs by SPARQL.

Sharing the formats with a process forked after the store was loaded (copy-on-write) was measured at 200 plans on
this 2-core machine under load: 50 % more CPU time in all and a longer wall time than one process, so one process
writes everything.

The files are written into the build folder being made, without an fsync each: the whole folder is synced once
before it is published (:meth:`essgraph.build.builds.StoreDir.publish`), so a crash loses the unpublished build,
never a published file (1,470 fsyncs were 9% of a 100-plan build). The dumps never contain the catalog and VoID
graphs: those describe the dumps (sizes, checksums) and are added to the store after the dumps are written.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from essgraph.build.changes import LOCAL_MAX
from essgraph.files import write_atomically
from essgraph.publish.actions_csv import SEPARATOR, action_rows, csv_bytes, row_key
from essgraph.publish.assemble import WholeDocument, gzipped, write_whole_csv
from essgraph.publish.dumps import (
    DatasetPieces,
    DumpFile,
    PreviousPieces,
    csv_path,
    dump_file,
    piece_path,
    whole_path,
    write_index,
    write_parts_index,
    zipped_path,
)
from essgraph.publish.layout import DUMPS, PARTS
from essgraph.rdf import formats
from essgraph.rdf.formats import Format
from essgraph.rdf.framing import frame_of
from essgraph.rdf.namespaces import ESS, RDF
from essgraph.rdf.serialize import serialize
from essgraph.urls import WHOLE

if TYPE_CHECKING:
    from essgraph.build.changes import Changes

_PLAN, _TYPE = ox.NamedNode(ESS + "Plan"), RDF("type")


@dataclass
class Written:
    """What writing some formats' dumps gave: the whole files' and the plans' entries, each dataset's plans, the
    datasets whose pieces were linked."""

    wholes: list[DumpFile] = field(default_factory=list)
    pieces: list[DumpFile] = field(default_factory=list)
    plans_of: dict[str, list[str]] = field(default_factory=dict)
    linked: set[str] = field(default_factory=set)


def write_dumps(
    store: ox.Store, build: Path, datasets: list[DatasetPieces], changes: Changes | None = None
) -> list[DumpFile]:
    """Write the dumps of every dataset and the whole graph's into the build folder ``build``.

    ``changes``: what changed since the previous build; the pieces of the datasets it says are reusable are
    hard-linked from the previous build's folder instead of being made again.
    """
    (build / DUMPS / "datasets").mkdir(parents=True, exist_ok=True)
    (build / PARTS).mkdir(parents=True, exist_ok=True)
    reusable = {ds.id for ds in datasets if changes is not None and changes.reusable(ds.id)}
    before = PreviousPieces.read(changes.previous_path) if changes is not None and reusable else None
    written = _write_rdf(store, build, datasets, formats.RDF_FORMATS, before, reusable)
    plans = [ds for ds in datasets if ds.plan]
    with_context = {i for i in written.linked if changes is not None and changes.reusable_with_context(i)}
    pieces = written.pieces + _write_csvs(store, build, plans, written.plans_of, with_context, before)
    wholes = written.wholes + [write_whole_csv(build, plans, written.plans_of)]
    write_index(build / DUMPS, wholes + pieces)
    write_parts_index(build, datasets, written.plans_of)
    return wholes + pieces


def _write_rdf(
    store: ox.Store,
    build: Path,
    datasets: list[DatasetPieces],
    fmts: tuple[Format, ...],
    before: PreviousPieces | None,
    reusable: set[str],
) -> Written:
    """The pieces in ``fmts`` of every dataset (linked from ``before`` for the ``reusable`` ones) and the whole
    files of those formats, joined from them."""
    written = Written()
    with ExitStack() as stack:
        wholes = {
            fmt: WholeDocument(
                stack, frame_of(fmt), build / whole_path(fmt.extension), build / whole_path(fmt.extension + ".gz")
            )
            for fmt in fmts
        }
        for ds in datasets:
            linked = before.link(build, ds, fmts) if before is not None and ds.id in reusable else None
            if linked is not None:
                written.linked.add(ds.id)
                written.plans_of[ds.id], entries = linked
                for fmt, whole in wholes.items():
                    piece = piece_path(ds, fmt.extension)
                    body = frame_of(fmt).body((build / piece).read_bytes(), piece)
                    whole.add(body, (build / zipped_path(ds, fmt.extension)).read_bytes())
                written.pieces += entries
                continue
            quads = _quads(store, ds)
            triples = [q.triple for q in quads]
            written.plans_of[ds.id] = sorted(
                {t.subject.value for t in triples if t.predicate == _TYPE and t.object == _PLAN}
            )
            for fmt, whole in wholes.items():
                body, zipped, entry = _make(quads if fmt.keeps_graphs else triples, build, ds, fmt)
                whole.add(body, zipped)
                if entry is not None:
                    written.pieces.append(entry)
        for whole in wholes.values():
            whole.finish()
    for fmt, whole in wholes.items():
        for gz, out in (("", whole.plain), (".gz", whole.zipped)):
            name = whole_path(fmt.extension + gz).removeprefix(DUMPS + "/")
            written.wholes.append(DumpFile(name, WHOLE, fmt.extension, bool(gz), out.size, out.sha256))
    return written


def _quads(store: ox.Store, ds: DatasetPieces) -> list[ox.Quad]:
    """The dataset's quads, graph by graph (the rest of ``store`` is not read)."""
    return [q for iri in ds.graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]


def _make(statements: list, build: Path, ds: DatasetPieces, fmt: Format) -> tuple[bytes, bytes, DumpFile | None]:
    """Write a dataset's piece in ``fmt`` (``statements``: its quads, or their triples for a format without named
    graphs) and its gzipped body; returns the body, the gzipped body and, for a plan, its index entry."""
    document = serialize(statements, fmt)
    piece = piece_path(ds, fmt.extension)
    body = frame_of(fmt).body(document, piece)
    zipped = gzipped(body) if body else b""
    write_atomically(build / piece, document, sync=False)
    write_atomically(build / zipped_path(ds, fmt.extension), zipped, sync=False)
    return body, zipped, dump_file(piece, ds.id, fmt, document) if ds.plan else None


def _write_csvs(store, build, plans, plans_of, reusable: set[str], before: PreviousPieces | None) -> list[DumpFile]:
    """Each plan's CSV of the actions: hard-linked when reusable, else made from the store (see
    :data:`essgraph.build.changes.LOCAL_MAX`: more, and one query over the whole store beats one per plan)."""
    files, stale = [], []
    for ds in plans:
        entry = before.link_csv(build, ds) if before is not None and ds.id in reusable else None
        if entry is None:
            stale.append(ds)
        else:
            files.append(entry)
    if len(stale) > LOCAL_MAX:
        by_plan: dict[str, list[dict]] = {}
        for row in action_rows(store):
            for plan in row["plan"].split(SEPARATOR):
                by_plan.setdefault(plan, []).append(row)
        rows_of = lambda ds: sorted(  # noqa: E731
            {r["action"]: r for p in plans_of[ds.id] for r in by_plan.get(p, [])}.values(), key=row_key
        )
    else:
        rows_of = lambda ds: action_rows(store, plans_of[ds.id]) if plans_of[ds.id] else []  # noqa: E731
    for ds in stale:
        data = csv_bytes(rows_of(ds))
        write_atomically(build / csv_path(ds), data, sync=False)
        files.append(dump_file(csv_path(ds), ds.id, formats.CSV, data))
    return files
