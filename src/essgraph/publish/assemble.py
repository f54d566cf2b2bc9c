"""The whole graph's dumps joined from per-dataset pieces, each file written once with its size and SHA-256.

A whole RDF document is the frame's head, every dataset's body and the tail (:mod:`essgraph.rdf.framing`); its
gzipped copy is a gzip member of the head, each dataset's body gzipped on its own (kept beside the pieces, so an
unchanged dataset is never compressed again), and a member of the tail. A file of several gzip members is one
gzip file (RFC 1952 §2.2): ``gzip -d``, ``zcat``, Python's :mod:`gzip` and every HTTP client saving the file read it
as one stream; the server sends it as a file (``application/gzip``), not as a content encoding. Members are made
with a fixed mtime and no file name, so the same bodies give the same bytes.

The whole CSV of the actions is the byte-order mark and header once, then every plan's rows (each piece without
its own mark and header) in the order of the rows (:func:`essgraph.publish.actions_csv.row_key`).

Files are written atomically into the build folder being made, without an fsync each (the folder is synced once
when the build is published), and hashed while they are written: one pass over the bytes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from contextlib import ExitStack
from pathlib import Path

from essgraph.errors import InternalError
from essgraph.files import BinaryWriter, atomic_write, write_atomically
from essgraph.publish.actions_csv import CSV_HEAD, csv_bytes, row_key
from essgraph.publish.dumps import DatasetPieces, DumpFile, csv_path, dump_file
from essgraph.publish.layout import DUMPS
from essgraph.rdf import formats
from essgraph.rdf.framing import Frame
from essgraph.urls import WHOLE

GZIP_LEVEL = 6  # as essgraph.files.atomic_write


def gzipped(data: bytes) -> bytes:
    """One gzip member: fixed mtime, no file name (reproducible bytes)."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


class HashingWriter:
    """Writes through to ``out``, counting the bytes and hashing them (SHA-256)."""

    def __init__(self, out: BinaryWriter):
        self.out = out
        self.size = 0
        self.digest = hashlib.sha256()

    def write(self, data: bytes, /) -> int:
        self.out.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


class WholeDocument:
    """The plain and gzipped whole-graph files of one syntax, fed one dataset's body at a time (in the datasets'
    order); used inside an :class:`ExitStack`, which renames both files into place when it ends without error."""

    def __init__(self, stack: ExitStack, frame: Frame, plain: Path, zipped: Path):
        self.frame = frame
        self.plain = HashingWriter(stack.enter_context(atomic_write(plain, sync=False)))
        self.zipped = HashingWriter(stack.enter_context(atomic_write(zipped, sync=False)))
        self._started = False
        self._separator = gzipped(frame.separator) if frame.separator else b""

    def add(self, body: bytes, zipped_body: bytes) -> None:
        """One dataset's body and the same bytes gzipped (empty for a dataset without data)."""
        if not body:
            return
        if not zipped_body:
            raise InternalError("a dataset's body was given without its gzipped copy")
        if not self._started:
            self._started = True
            if self.frame.head:
                self.plain.write(self.frame.head)
                self.zipped.write(gzipped(self.frame.head))
        elif self.frame.separator:
            self.plain.write(self.frame.separator)
            self.zipped.write(self._separator)
        self.plain.write(body)
        self.zipped.write(zipped_body)

    def finish(self) -> None:
        """Write the tail (or the empty document when no dataset had data); call before the stack ends."""
        if not self._started:
            self.plain.write(self.frame.empty)
            self.zipped.write(gzipped(self.frame.empty))
        elif self.frame.tail:
            self.plain.write(self.frame.tail)
            self.zipped.write(gzipped(self.frame.tail))


def csv_rows_part(piece: bytes, where: str) -> bytes:
    """A CSV piece's rows: without the byte-order mark and header every CSV of the actions starts with."""
    if not piece.startswith(CSV_HEAD):
        raise InternalError(f"{where}: this CSV of the actions does not start with the expected header")
    return piece[len(CSV_HEAD) :]


def write_whole_csv(build: Path, plans: list[DatasetPieces], plans_of: dict[str, list[str]]) -> DumpFile:
    """The whole CSV: the plans' CSVs joined in the rows' order (plan first); when two datasets' plans interleave
    (a dataset of several plans), their rows are merged and sorted instead."""
    ordered = sorted((ds for ds in plans if plans_of[ds.id]), key=lambda ds: plans_of[ds.id][0])
    bounds = [(plans_of[ds.id][0], plans_of[ds.id][-1]) for ds in ordered]
    interleaved = any(last >= first for (_f, last), (first, _l) in zip(bounds, bounds[1:]))
    name = f"{DUMPS}/{WHOLE}-actions.csv"
    if interleaved:
        rows = [r for ds in ordered for r in _read_rows(build / csv_path(ds))]
        data = csv_bytes(sorted({r["action"]: r for r in rows}.values(), key=row_key))
        write_atomically(build / name, data, sync=False)
        return dump_file(name, WHOLE, formats.CSV, data)
    with atomic_write(build / name, sync=False) as raw:
        out = HashingWriter(raw)
        out.write(CSV_HEAD)
        for ds in ordered:
            out.write(csv_rows_part((build / csv_path(ds)).read_bytes(), csv_path(ds)))
    return DumpFile(name.removeprefix(DUMPS + "/"), WHOLE, formats.CSV.extension, False, out.size, out.sha256)


def _read_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
