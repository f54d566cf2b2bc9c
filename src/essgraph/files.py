"""Writing files so that they are never seen half-written, and reading their checksum.

Every file essgraph writes for someone else to read (dumps, the CSV of the actions, the validation cache, the
served copy of a build, ``essgraph export --output``) goes through :func:`atomic_write`: the bytes go to a temporary
file in the same folder, are flushed to disk (fsync), and the file is renamed into place in one step. A crash,
Ctrl-C or a full disk leaves the old file (or none), never a truncated one; the temporary file is removed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Protocol


class BinaryWriter(Protocol):
    """Where bytes can be written: a file opened "wb", a gzip stream, sys.stdout.buffer."""

    def write(self, data: bytes, /) -> int: ...


@contextmanager
def atomic_write(path: Path, compress: bool = False, sync: bool = True) -> Iterator[BinaryWriter]:
    """A binary file handle whose content replaces ``path`` when the block ends without error.

    With ``compress`` the content is gzipped, with a fixed mtime (the same bytes give the same file). Without
    ``sync`` the bytes are not forced to disk before the rename (for caches, which a crash may lose).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as raw:
            if compress:
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as zipped:
                    yield zipped
            else:
                yield raw
            raw.flush()
            if sync:
                os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes, sync: bool = True) -> Path:
    with atomic_write(path, sync=sync) as out:
        out.write(data)
    return path


def gzip_file(source: Path, target: Path, sync: bool = True) -> Path:
    """``source`` compressed into ``target``, atomically (``sync`` as for :func:`atomic_write`)."""
    with open(source, "rb") as raw, atomic_write(target, compress=True, sync=sync) as zipped:
        shutil.copyfileobj(raw, zipped, 1 << 20)
    return target


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename or a new file in it) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sync_tree(root: Path) -> None:
    """fsync every file under ``root``, then every folder (deepest first), so the tree survives a power cut.

    A file with more than one link is skipped: in a build folder those are hard links to a published build's files
    (reused dumps, the store's checkpointed SST files), which were synced when that build was published; only the
    new link needs its folder synced. At 1,000 plans a rebuild links ~7,000 such files."""
    folders = []
    for folder, _dirs, files in os.walk(root):
        folders.append(folder)
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY | os.O_CLOEXEC)
            try:
                if os.fstat(fd).st_nlink == 1:
                    os.fsync(fd)
            finally:
                os.close(fd)
    for folder in reversed(folders):
        fsync_dir(Path(folder))
