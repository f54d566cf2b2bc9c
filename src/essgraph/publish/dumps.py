"""The dump files of a build: what they are (:class:`DumpFile`, listed in ``dumps/index.json``, which the server
reads), where each dataset's pieces are, and the previous build's pieces a rebuild links instead of making again.

Layout of a build folder::

    dumps/essgraph.{ttl,nt,nq,trig,jsonld,rdf}[.gz]   the whole published graph (every dataset; not the catalog)
    dumps/essgraph-actions.csv                         one row per action card of every plan
    dumps/datasets/<plan-id>.{...}, <plan-id>-actions.csv   the same for each plan dataset (not gzipped)
    dumps/index.json                                   name -> dataset, format, compression, byte size, SHA-256
    parts/<id>.{ttl,...}                               the pieces of the other datasets (vocabulary, reference)
    parts/<id>.<ext>.body.gz                           every dataset's body in each format, gzipped
    parts/index.json                                   dataset -> hash and plans of its pieces; the frames' digest

Every dataset of the build has one document per format (its *piece*: a plan's is its published dump), and the
whole graph's dumps are joined from the pieces (:mod:`essgraph.publish.dump_writer`,
:mod:`essgraph.publish.assemble`, :mod:`essgraph.rdf.framing`), not serialized again from the store. When the
store is a checkpoint of the previous build (its unchanged datasets' quads, blank node labels included, are the
previous build's), the pieces of a dataset whose hash did not change are hard links to the previous build's
(:class:`essgraph.build.changes.Changes` says which). A plan's CSV depends on the labels of the other datasets
too: it is reused only when no vocabulary or reference dataset changed. Everything served is listed in
``dumps/index.json``; ``parts/`` is never served.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from essgraph.files import write_atomically
from essgraph.publish.layout import DUMPS, PARTS
from essgraph.rdf import formats
from essgraph.rdf.formats import Format
from essgraph.rdf.framing import fingerprint
from essgraph.urls import WHOLE

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


@dataclass(frozen=True)
class DatasetPieces:
    """A dataset of the build as the dumps see it."""

    id: str
    plan: bool  # a plan dataset: its pieces are published dumps, with a CSV
    graphs: tuple[str, ...]  # the graphs it filled
    hash: str  # its content hash (the build's): unchanged hash, unchanged pieces


# where the files are, relative to the build folder


def whole_path(extension: str) -> str:
    return f"{DUMPS}/{WHOLE}.{extension}"


def piece_path(ds: DatasetPieces, extension: str) -> str:
    """A dataset's document in a format."""
    return f"{DUMPS}/datasets/{ds.id}.{extension}" if ds.plan else f"{PARTS}/{ds.id}.{extension}"


def zipped_path(ds: DatasetPieces, extension: str) -> str:
    """A dataset's body in a format, gzipped."""
    return f"{PARTS}/{ds.id}.{extension}.body.gz"


def csv_path(ds: DatasetPieces) -> str:
    return f"{DUMPS}/datasets/{ds.id}-actions.csv"


def dump_file(path: str, dataset: str, fmt: Format, data: bytes, compressed: bool = False) -> DumpFile:
    """The index entry of a file of the dumps folder (``path`` relative to the build folder) holding ``data``."""
    name = path.removeprefix(DUMPS + "/")
    return DumpFile(name, dataset, fmt.extension, compressed, len(data), hashlib.sha256(data).hexdigest())


class PreviousPieces:
    """The previous build's pieces: its parts index and dumps index, each read once."""

    def __init__(self, folder: Path, parts: dict, index: dict[str, DumpFile]):
        self.folder = folder
        self.parts = parts
        self.index = index

    @classmethod
    def read(cls, folder: Path | None) -> PreviousPieces | None:
        if folder is None:
            return None
        try:
            parts = json.loads((folder / PARTS / INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if parts.get("frames") != fingerprint():  # cut with other frames: they would not join with new pieces
            return None
        return cls(folder, parts.get("datasets", {}), read_index(folder / DUMPS))

    def link(self, build: Path, ds: DatasetPieces, fmts: tuple[Format, ...]) -> tuple[list[str], list[DumpFile]] | None:
        """Hard-link a dataset's pieces in ``fmts`` from the previous build; its plans and index entries, or None
        when it changed or a file is missing."""
        entry = self.parts.get(ds.id)
        if entry is None or entry.get("hash") != ds.hash or bool(entry.get("plan")) != ds.plan:
            return None
        names = [p for fmt in fmts for p in (piece_path(ds, fmt.extension), zipped_path(ds, fmt.extension))]
        indexed = [self.index.get(n.removeprefix(DUMPS + "/")) for n in names if n.startswith(DUMPS + "/")]
        if None in indexed or not self._link_files(build, names):
            return None
        return list(entry.get("plans", [])), [e for e in indexed if e is not None]

    def link_csv(self, build: Path, ds: DatasetPieces) -> DumpFile | None:
        entry = self.index.get(csv_path(ds).removeprefix(DUMPS + "/"))
        return entry if entry is not None and self._link_files(build, [csv_path(ds)]) else None

    def _link_files(self, build: Path, names: list[str]) -> bool:
        try:
            for name in names:
                target = build / name
                target.unlink(missing_ok=True)
                os.link(self.folder / name, target)
        except OSError:
            return False
        return True


def write_parts_index(build: Path, datasets: list[DatasetPieces], plans_of: dict[str, list[str]]) -> None:
    parts = {ds.id: {"hash": ds.hash, "plan": ds.plan, "plans": plans_of[ds.id]} for ds in datasets}
    index = {"frames": fingerprint(), "datasets": parts}
    write_atomically(build / PARTS / INDEX, json.dumps(index, indent=1).encode("utf-8"), sync=False)


def write_index(folder: Path, files: list[DumpFile]) -> None:
    write_atomically(folder / INDEX, json.dumps([asdict(f) for f in files], indent=1).encode("utf-8"), sync=False)


def read_index(folder: Path) -> dict[str, DumpFile]:
    """The dumps of a build by name; empty when the build has none."""
    try:
        entries = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {e["name"]: DumpFile(**e) for e in entries}
