"""The on-disk store: builds made aside, swapped in atomically, opened read-only by the server.

Layout of the store folder::

    builds/<build-id>/oxigraph/      the pyoxigraph (RocksDB) store of one build
    builds/<build-id>/manifest.json  what was built: data version, graphs, counts, validation report
    builds/.partial-<build-id>/      a build in progress (removed on failure, cleaned by the next build)
    current -> builds/<build-id>     the build being served (a symlink replaced with one atomic rename)
    cache/validation/<key>.json      validation results of unchanged datasets, reused by the next build
    .build.lock                      held while a build runs
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from essgraph.errors import StoreError

KEEP_BUILDS = 2  # the served build and the one before it (a server may still be reading it)


@dataclass(frozen=True)
class Build:
    path: Path
    manifest: dict

    @property
    def oxigraph_path(self) -> Path:
        return self.path / "oxigraph"

    def open(self) -> ox.Store:
        """Open this build's store read-only (many processes may do so while a new build is made aside)."""
        try:
            return ox.Store.read_only(str(self.oxigraph_path))
        except OSError as exc:
            raise StoreError(f"{self.oxigraph_path}: cannot open the store ({exc})",
                             hint="run 'essgraph build' again") from None


class StoreDir:
    def __init__(self, root: Path):
        self.root = root.resolve()
        self.builds = self.root / "builds"
        self.current_link = self.root / "current"
        self.cache = self.root / "cache"

    def current(self) -> Build | None:
        """The build being served, or None when nothing was ever built."""
        if not self.current_link.is_symlink():
            return None
        path = self.current_link.resolve()
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: the current build has no readable manifest ({exc})",
                             hint="run 'essgraph build' to make a new one") from None
        return Build(path, manifest)

    def require_current(self) -> Build:
        build = self.current()
        if build is None:
            raise StoreError(f"{self.root}: no build yet", hint="run 'essgraph build' first")
        return build

    @contextmanager
    def lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".build.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"{self.root}: another build is running on this store",
                                 hint="wait for it to finish") from None
            yield

    def new_partial(self, build_id: str) -> Path:
        self.builds.mkdir(parents=True, exist_ok=True)
        for stale in self.builds.glob(".partial-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        path = self.builds / f".partial-{build_id}"
        path.mkdir()
        return path

    def publish(self, partial: Path, build_id: str) -> Path:
        """Make a finished build the current one: rename into place, then swap the symlink atomically."""
        final = self.builds / build_id
        os.rename(partial, final)
        _fsync_dir(self.builds)
        tmp_link = self.root / f".current-{os.getpid()}"
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        os.symlink(Path("builds") / build_id, tmp_link)
        os.replace(tmp_link, self.current_link)
        _fsync_dir(self.root)
        self._prune(keep=final)
        return final

    def _prune(self, keep: Path) -> None:
        builds = sorted((p for p in self.builds.iterdir() if not p.name.startswith(".")),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        kept = 0
        for path in builds:
            if path == keep or kept < KEEP_BUILDS:
                kept += 1
                continue
            shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
