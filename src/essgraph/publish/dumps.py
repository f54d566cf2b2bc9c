"""Dumps made at build time, into the build folder: every RDF format (plain and gzipped) and a CSV of the actions.

Layout of a build folder::

    dumps/essgraph.{ttl,nt,nq,trig,jsonld,rdf}[.gz]   the whole published graph (every dataset; not the catalog)
    dumps/essgraph-actions.csv                         one row per action card of every plan
    dumps/datasets/<plan-id>.{...}, <plan-id>-actions.csv   the same for each plan dataset (not gzipped)
    dumps/index.json                                   name -> dataset, format, compression, byte size, SHA-256
    parts/<id>.{ttl,...}                               the pieces of the other datasets (vocabulary, reference)
    parts/<id>.<ext>.body.gz                           every dataset's body in each format, gzipped
    parts/index.json                                   dataset -> hash and plans of its pieces; the frames' digest

Every dataset of the build has one document per format (its *piece*: a plan's is its published dump), and the
whole graph's dumps are joined from the pieces (:mod:`essgraph.publish.assemble`, :mod:`essgraph.rdf.framing`),
not serialized again from the store. When the store is a checkpoint of the previous build (its unchanged
datasets' quads, blank node labels included, are the previous build's), the pieces of a dataset whose hash did
not change are hard links to the previous build's (:class:`essgraph.build.changes.Changes` says which), and only
the changed datasets are read from the store (their graphs only: the store may be the on-disk one). A plan's CSV
depends on the labels of the other datasets too: it is reused only when no vocabulary or reference dataset changed. Everything served is listed in ``dumps/index.json``;
``parts/`` is never served.

The files are written into the build folder being made, without an fsync each: the whole folder is synced once
before it is published (:meth:`essgraph.build.builds.StoreDir.publish`), so a crash loses the unpublished build,
never a published file (1,470 fsyncs were 9% of a 100-plan build). Formats that keep named graphs (N-Quads, TriG,
JSON-LD) keep them; the others merge the graphs. The dumps never contain the catalog and VoID graphs: those
describe the dumps (sizes, checksums) and are added to the store after the dumps are written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from essgraph.files import atomic_write, write_atomically
from essgraph.publish.actions_csv import CSV_HEAD, SEPARATOR, action_rows, csv_bytes, row_key
from essgraph.publish.assemble import HashingWriter, WholeDocument, csv_rows_part, gzipped
from essgraph.publish.layout import DUMPS, PARTS
from essgraph.rdf import formats
from essgraph.rdf.formats import Format
from essgraph.rdf.framing import fingerprint, frame_of
from essgraph.rdf.namespaces import ESS, RDF
from essgraph.rdf.serialize import serialize
from essgraph.urls import WHOLE

if TYPE_CHECKING:  # the server reads this module (read_index): no import of the build's modules
    from essgraph.build.changes import Changes

INDEX = "index.json"
#: the formats of the dumps, each known by its file extension (in file names, the index, distribution IRIs)
DUMP_FORMATS = (*formats.RDF_FORMATS, formats.CSV)
#: more plans' CSV to redo than this: one query over the whole store, not one per plan
PER_PLAN_QUERIES_MAX = 8


@dataclass(frozen=True)
class DumpFile:
    name: str  # path relative to the dumps folder, with "/" separators
    dataset: str  # WHOLE or a plan dataset id
    format: str  # the file extension of its format (one of DUMP_FORMATS)
    compressed: bool
    size: int
    sha256: str

    @property
    def dump_format(self) -> Format:
        found = formats.by_extension(self.format, DUMP_FORMATS)
        assert found is not None, self.format
        return found

    @property
    def served_format(self) -> Format:
        """The format the file is served as: gzip for compressed files, else the content's format."""
        return formats.GZIP if self.compressed else self.dump_format


@dataclass(frozen=True)
class DatasetPieces:
    """A dataset of the build as the dumps see it."""

    id: str
    plan: bool  # a plan dataset: its pieces are published dumps, with a CSV
    graphs: tuple[str, ...]  # the graphs it filled
    hash: str  # its content hash (the build's): unchanged hash, unchanged pieces


def write_dumps(
    store: ox.Store, build: Path, datasets: list[DatasetPieces], changes: Changes | None = None
) -> list[DumpFile]:
    """Write the dumps of every dataset and the whole graph's into the build folder ``build``.

    ``changes``: what changed since the previous build; the pieces of the datasets it says are reusable are
    hard-linked from the previous build's folder instead of being made again.
    """
    (build / DUMPS / "datasets").mkdir(parents=True, exist_ok=True)
    (build / PARTS).mkdir(parents=True, exist_ok=True)
    before = _Before.read(changes.previous_path) if changes is not None else None
    files: list[DumpFile] = []
    plans_of: dict[str, list[str]] = {}
    linked: set[str] = set()
    with ExitStack() as stack:
        wholes = {
            fmt: WholeDocument(stack, frame_of(fmt), _whole(build, fmt.extension), _whole(build, fmt.extension + ".gz"))
            for fmt in formats.RDF_FORMATS
        }
        for ds in datasets:
            reused = before.link(build, ds) if before and changes and changes.reusable(ds.id) else None
            if reused is not None:
                linked.add(ds.id)
                plans_of[ds.id], entries = reused
                for fmt, whole in wholes.items():
                    piece = _piece(ds, fmt.extension)
                    body = frame_of(fmt).body((build / piece).read_bytes(), piece)
                    whole.add(body, (build / _zipped(ds, fmt.extension)).read_bytes())
                files += entries
                continue
            quads = _quads(store, ds)
            triples = [q.triple for q in quads]
            plans_of[ds.id] = sorted({t.subject.value for t in triples if t.predicate == _TYPE and t.object == _PLAN})
            for fmt, whole in wholes.items():
                body, zipped, entry = _make(quads if fmt.keeps_graphs else triples, build, ds, fmt)
                whole.add(body, zipped)
                if entry is not None:
                    files.append(entry)
        for whole in wholes.values():
            whole.finish()
    whole_files = [
        _described(build, _whole(build, fmt.extension + gz), WHOLE, fmt, bool(gz), whole.zipped if gz else whole.plain)
        for fmt, whole in wholes.items()
        for gz in ("", ".gz")
    ]
    plans = [ds for ds in datasets if ds.plan]
    reusable = {i for i in linked if changes is not None and changes.reusable_with_context(i)}
    files += _write_csvs(store, build, plans, plans_of, reusable, before)
    whole_files.append(_whole_csv(build, plans, plans_of))
    files = whole_files + files
    write_index(build / DUMPS, files)
    parts = {ds.id: {"hash": ds.hash, "plan": ds.plan, "plans": plans_of[ds.id]} for ds in datasets}
    index = {"frames": fingerprint(), "datasets": parts}
    write_atomically(build / PARTS / INDEX, json.dumps(index, indent=1).encode("utf-8"), sync=False)
    return files


_PLAN, _TYPE = ox.NamedNode(ESS + "Plan"), RDF("type")


def _whole(build: Path, extension: str) -> Path:
    return build / DUMPS / f"{WHOLE}.{extension}"


def _piece(ds: DatasetPieces, extension: str) -> str:
    """Where a dataset's document in a format is, relative to the build folder."""
    return f"{DUMPS}/datasets/{ds.id}.{extension}" if ds.plan else f"{PARTS}/{ds.id}.{extension}"


def _zipped(ds: DatasetPieces, extension: str) -> str:
    return f"{PARTS}/{ds.id}.{extension}.body.gz"


def _csv(ds: DatasetPieces) -> str:
    return f"{DUMPS}/datasets/{ds.id}-actions.csv"


def _quads(store: ox.Store, ds: DatasetPieces) -> list[ox.Quad]:
    """The dataset's quads, graph by graph (the rest of ``store`` is not read). Serialized as a list rather than
    from a store of their own: half the CPU time (no copy, no SPARQL to merge the graphs)."""
    return [q for iri in ds.graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]


def _make(statements: list, build: Path, ds: DatasetPieces, fmt: Format) -> tuple[bytes, bytes, DumpFile | None]:
    """Write a dataset's piece in ``fmt`` (``statements``: its quads, or their triples for a format without named
    graphs, where a triple in two graphs is written twice and read as one) and its gzipped body; returns the body,
    the gzipped body and, for a plan, its entry in the index."""
    document = serialize(statements, fmt)
    piece = _piece(ds, fmt.extension)
    body = frame_of(fmt).body(document, piece)
    zipped = gzipped(body) if body else b""
    write_atomically(build / piece, document, sync=False)
    write_atomically(build / _zipped(ds, fmt.extension), zipped, sync=False)
    return body, zipped, _entry(piece, ds, fmt, document) if ds.plan else None


def _entry(path: str, ds: DatasetPieces, fmt: Format, data: bytes) -> DumpFile:
    name = path.removeprefix(DUMPS + "/")
    return DumpFile(name, ds.id, fmt.extension, False, len(data), hashlib.sha256(data).hexdigest())


def _described(build: Path, path: Path, dataset: str, fmt: Format, compressed: bool, written) -> DumpFile:
    name = path.relative_to(build / DUMPS).as_posix()
    return DumpFile(name, dataset, fmt.extension, compressed, written.size, written.sha256)


def _write_csvs(store, build, plans, plans_of, reusable: set[str], before: _Before | None) -> list[DumpFile]:
    """Each plan's CSV of the actions: hard-linked when reusable, else made from the store (see
    :data:`PER_PLAN_QUERIES_MAX`)."""
    files, stale = [], []
    for ds in plans:
        entry = before.link_csv(build, ds) if before is not None and ds.id in reusable else None
        if entry is None:
            stale.append(ds)
        else:
            files.append(entry)
    if len(stale) > PER_PLAN_QUERIES_MAX:
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
        write_atomically(build / _csv(ds), data, sync=False)
        files.append(_entry(_csv(ds), ds, formats.CSV, data))
    return files


def _whole_csv(build: Path, plans: list[DatasetPieces], plans_of: dict[str, list[str]]) -> DumpFile:
    """The whole CSV: the plans' CSVs joined in the rows' order (plan first); when two datasets' plans interleave
    (a dataset of several plans), their rows are merged and sorted instead."""
    ordered = sorted((ds for ds in plans if plans_of[ds.id]), key=lambda ds: plans_of[ds.id][0])
    bounds = [(plans_of[ds.id][0], plans_of[ds.id][-1]) for ds in ordered]
    interleaved = any(last >= first for (_f, last), (first, _l) in zip(bounds, bounds[1:]))
    path = _whole(build, formats.CSV.extension).with_name(f"{WHOLE}-actions.csv")
    if interleaved:
        rows = [r for ds in ordered for r in _read_rows(build / _csv(ds))]
        data = csv_bytes(sorted({r["action"]: r for r in rows}.values(), key=row_key))
        write_atomically(path, data, sync=False)
        return DumpFile(path.name, WHOLE, "csv", False, len(data), hashlib.sha256(data).hexdigest())
    with atomic_write(path, sync=False) as raw:
        out = HashingWriter(raw)
        out.write(CSV_HEAD)
        for ds in ordered:
            out.write(csv_rows_part((build / _csv(ds)).read_bytes(), _csv(ds)))
    return DumpFile(path.name, WHOLE, "csv", False, out.size, out.sha256)


def _read_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


class _Before:
    """The previous build's pieces: its parts index and dumps index, each read once."""

    def __init__(self, folder: Path, parts: dict, index: dict[str, DumpFile]):
        self.folder = folder
        self.parts = parts
        self.index = index

    @classmethod
    def read(cls, folder: Path | None) -> _Before | None:
        if folder is None:
            return None
        try:
            parts = json.loads((folder / PARTS / INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if parts.get("frames") != fingerprint():  # cut with other frames: they would not join with new pieces
            return None
        return cls(folder, parts.get("datasets", {}), read_index(folder / DUMPS))

    def link(self, build: Path, ds: DatasetPieces) -> tuple[list[str], list[DumpFile]] | None:
        """Hard-link a dataset's pieces from the previous build; its plans and index entries, or None when it
        changed or a file is missing."""
        entry = self.parts.get(ds.id)
        if entry is None or entry.get("hash") != ds.hash or bool(entry.get("plan")) != ds.plan:
            return None
        names = [p for fmt in formats.RDF_FORMATS for p in (_piece(ds, fmt.extension), _zipped(ds, fmt.extension))]
        indexed = [self.index.get(n.removeprefix(DUMPS + "/")) for n in names if n.startswith(DUMPS + "/")]
        if None in indexed or not self._link_files(build, names):
            return None
        return list(entry.get("plans", [])), [e for e in indexed if e is not None]

    def link_csv(self, build: Path, ds: DatasetPieces) -> DumpFile | None:
        entry = self.index.get(_csv(ds).removeprefix(DUMPS + "/"))
        return entry if entry is not None and self._link_files(build, [_csv(ds)]) else None

    def _link_files(self, build: Path, names: list[str]) -> bool:
        try:
            for name in names:
                target = build / name
                target.unlink(missing_ok=True)
                os.link(self.folder / name, target)
        except OSError:
            return False
        return True


def write_index(folder: Path, files: list[DumpFile]) -> None:
    write_atomically(folder / INDEX, json.dumps([asdict(f) for f in files], indent=1).encode("utf-8"), sync=False)


def read_index(folder: Path) -> dict[str, DumpFile]:
    """The dumps of a build by name; empty when the build has none."""
    try:
        entries = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {e["name"]: DumpFile(**e) for e in entries}
