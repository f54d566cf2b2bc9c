"""Dumps made at build time, into the build folder: every RDF format (plain and gzipped) and a CSV of the actions.

Layout of ``<build>/dumps/``::

    essgraph.{ttl,nt,nq,trig,jsonld,rdf}[.gz]   the whole published graph (every dataset; not the catalog)
    essgraph-actions.csv                         one row per action card of every plan
    datasets/<plan-id>.{...}, datasets/<plan-id>-actions.csv   the same for each plan dataset (not gzipped)
    index.json                                   name -> dataset, format, compression, byte size, SHA-256

The files are written into the build folder being made, without an fsync each: the whole folder is synced once
before it is published (:meth:`essgraph.build.builds.StoreDir.publish`), so a crash loses the unpublished build,
never a published file (1,470 fsyncs were 9% of a 100-plan build). The RDF files are written by
:mod:`essgraph.rdf.serialize` in every syntax of the format registry (gzip with a fixed mtime, atomic renames); the
CSV by :mod:`essgraph.publish.actions_csv`. Formats that keep
named graphs (N-Quads, TriG, JSON-LD) keep them; the others merge the graphs. The dumps never contain the catalog
and VoID graphs: those describe the dumps (sizes, checksums) and are added to the store after the dumps are written.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from essgraph.files import gzip_file, sha256_file, write_atomically
from essgraph.publish.actions_csv import action_rows, write_csv
from essgraph.rdf import formats
from essgraph.rdf.formats import Format
from essgraph.rdf.serialize import export_to_file
from essgraph.urls import WHOLE

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ESS_PLAN = "https://w3id.org/essgraph/def#Plan"

INDEX = "index.json"
#: the formats of the dumps, each known by its file extension (in file names, the index, distribution IRIs)
DUMP_FORMATS = (*formats.RDF_FORMATS, formats.CSV)


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


def _described(folder: Path, path: Path, dataset: str, fmt: Format, compressed: bool) -> DumpFile:
    return DumpFile(
        path.relative_to(folder).as_posix(), dataset, fmt.extension, compressed, path.stat().st_size, sha256_file(path)
    )


def write_dumps(
    store: ox.Store, folder: Path, plans: Iterable[tuple[str, Iterable[str]]], reuse: dict[str, Path] | None = None
) -> list[DumpFile]:
    """Write the dumps of the whole ``store`` and of each plan (``(dataset id, graph IRIs)``) into ``folder``.

    ``reuse`` maps the id of a plan whose data did not change to the dumps folder of the previous build: its files
    are hard-linked from there instead of being written again.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rows = action_rows(store)
    files = _write_set(store, folder, folder, WHOLE, rows)
    reuse = reuse or {}
    for ds_id, graphs in plans:
        if ds_id in reuse:
            linked = _link_set(reuse[ds_id], folder, ds_id)
            if linked is not None:
                files += linked
                continue
        sub = ox.Store()
        for iri in graphs:
            sub.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
        plan_iris = {
            q.subject.value for q in sub.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(ESS_PLAN), None)
        }
        plan_rows = [r for r in rows if r["plan"] in plan_iris]
        files += _write_set(sub, folder, folder / "datasets", ds_id, plan_rows)
    write_index(folder, files)
    return files


def _link_set(previous: Path, root: Path, dataset: str) -> list[DumpFile] | None:
    """Hard-link a dataset's dump files from a previous build's dumps folder (None when any is missing)."""
    before = [f for f in read_index(previous).values() if f.dataset == dataset]
    if len(before) != len(DUMP_FORMATS):
        return None
    (root / "datasets").mkdir(parents=True, exist_ok=True)
    try:
        for f in before:
            target = root / f.name
            target.unlink(missing_ok=True)
            os.link(previous / f.name, target)
    except OSError:
        return None
    return before


def _write_set(store: ox.Store, root: Path, folder: Path, dataset: str, rows: list[dict]) -> list[DumpFile]:
    """Every RDF format and the CSV; gzipped variants too for the whole graph (a plan's dumps are small, and at
    1,000 plans compressing 6,000 more files was the slowest step of a build)."""
    files = []
    for fmt in formats.RDF_FORMATS:
        path = export_to_file(store, fmt, folder / f"{dataset}.{fmt.extension}", sync=False)
        files.append(_described(root, path, dataset, fmt, False))
        if dataset == WHOLE:
            zipped = gzip_file(path, path.with_name(path.name + ".gz"), sync=False)
            files.append(_described(root, zipped, dataset, fmt, True))
    path = folder / f"{dataset}-actions.csv"
    write_csv(rows, path, sync=False)
    files.append(_described(root, path, dataset, formats.CSV, False))
    return files


def write_index(folder: Path, files: list[DumpFile]) -> None:
    write_atomically(folder / INDEX, json.dumps([asdict(f) for f in files], indent=1).encode("utf-8"))


def read_index(folder: Path) -> dict[str, DumpFile]:
    """The dumps of a build by name; empty when the build has none."""
    try:
        entries = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {e["name"]: DumpFile(**e) for e in entries}
