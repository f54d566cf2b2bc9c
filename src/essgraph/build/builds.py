"""The on-disk store: builds made aside, swapped in atomically, leased while in use, pruned when unused.

Layout of the store folder::

    builds/<build-id>/oxigraph/      the pyoxigraph (RocksDB) store of one build
    builds/<build-id>/manifest.json  what was built: data version, graphs, counts, validation report
    builds/<build-id>/.lease         locked (shared) by every process using the build: servers, CLI queries
    builds/.partial-<build-id>/      a build in progress (removed on failure, cleaned by the next build)
    builds/.pruned-<build-id>/       a build being deleted (cleaned by the next build if deletion was cut short)
    current -> builds/<build-id>     the build being served (a symlink replaced with one atomic rename)
    cache/validation/<key>.json      validation results of unchanged datasets, reused by the next build
    .build.lock                      held while a build runs

Crash safety: every file of a finished build, then its folders, are fsynced before the build is renamed into place
and ``current`` is swapped, so after a power cut ``current`` never points at a build with empty or missing files.

Leases: a process that uses a build holds a shared ``flock`` on its ``.lease`` file; the kernel drops it when the
process lets go of the build or dies (even by ``kill -9``). Pruning keeps the current build, the ``keep`` most recent
builds and every build whose lease is held; it takes the lock exclusively, renames the build aside (so nobody can
lease it any more) and only then deletes it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

from essgraph.errors import StoreError
from essgraph.files import fsync_dir, sync_tree

log = logging.getLogger("essgraph.build")
KEEP_BUILDS = 2  # default of the keep_builds setting: the current build and the one before it
LEASE_FILE = ".lease"


@dataclass(frozen=True)
class Build:
    path: Path
    manifest: dict

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def oxigraph_path(self) -> Path:
        return self.path / "oxigraph"

    def open(self) -> ox.Store:
        """Open this build's store read-only (many processes may do so while a new build is made aside)."""
        try:
            return ox.Store.read_only(str(self.oxigraph_path))
        except OSError as exc:
            raise StoreError(
                f"{self.oxigraph_path}: cannot open the store ({exc})", hint="run 'essgraph build' again"
            ) from None


class Lease:
    """A shared lock on one build folder: while it is held, no build or prune deletes the folder."""

    def __init__(self, path: Path, fd: int | None):
        self.path = path
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor drops the flock
            self._fd = None

    def __enter__(self) -> "Lease":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def take_lease(path: Path) -> Lease | None:
    """Lease the build folder ``path``; None when it is gone (pruned, or being pruned)."""
    lease_file = path / LEASE_FILE
    try:
        fd = os.open(lease_file, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:  # a read-only copy of the store (scale-out): nothing can prune it, nothing to lock
        return Lease(path, None) if path.is_dir() else None
    fcntl.flock(fd, fcntl.LOCK_SH)  # a pruner holds the lock exclusively only for one rename
    try:
        same = os.stat(lease_file).st_ino == os.fstat(fd).st_ino  # not renamed aside while we waited
    except FileNotFoundError:
        same = False
    if not same:
        os.close(fd)
        return None
    return Lease(path, fd)


class StoreDir:
    def __init__(self, root: Path, keep: int = KEEP_BUILDS):
        self.root = root.resolve()
        self.builds = self.root / "builds"
        self.current_link = self.root / "current"
        self.cache = self.root / "cache"
        self.keep = keep

    def current_target(self) -> str | None:
        """Where ``current`` points (one system call: cheap enough to poll), or None when nothing was built."""
        try:
            return os.readlink(self.current_link)
        except (FileNotFoundError, OSError):
            return None

    def current(self) -> Build | None:
        """The build being served, or None when nothing was ever built."""
        if not self.current_link.is_symlink():
            return None
        return self.read_build(self.current_link.resolve())

    @staticmethod
    def read_build(path: Path) -> Build:
        try:
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"{path}: the current build has no readable manifest ({exc})",
                hint="run 'essgraph build' to make a new one",
            ) from None
        return Build(path, manifest)

    def require_current(self) -> Build:
        build = self.current()
        if build is None:
            raise StoreError(f"{self.root}: no build yet", hint="run 'essgraph build' first")
        return build

    def lease_current(self) -> tuple[Build, Lease]:
        """The current build, leased (retried when a new build is swapped in and the old one pruned meanwhile)."""
        for _ in range(10):
            build = self.require_current()
            lease = take_lease(build.path)
            if lease is not None:
                return build, lease
        raise StoreError(f"{self.root}: the current build keeps changing", hint="try again when builds are done")

    @contextmanager
    def leased_current(self) -> Iterator[Build]:
        """The current build, leased for the duration of the ``with`` block (CLI queries and exports)."""
        build, lease = self.lease_current()
        with lease:
            yield build

    @contextmanager
    def lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".build.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(
                    f"{self.root}: another build is running on this store", hint="wait for it to finish"
                ) from None
            yield

    def new_partial(self, build_id: str) -> Path:
        self.builds.mkdir(parents=True, exist_ok=True)
        for stale in [*self.builds.glob(".partial-*"), *self.builds.glob(".pruned-*")]:  # left by a killed build
            shutil.rmtree(stale, ignore_errors=True)
        path = self.builds / f".partial-{build_id}"
        path.mkdir()
        return path

    def publish(self, partial: Path, build_id: str) -> Path:
        """Make a finished build the current one: sync it to disk, rename it into place, swap the symlink."""
        (partial / LEASE_FILE).touch()
        sync_tree(partial)
        final = self.builds / build_id
        os.rename(partial, final)
        fsync_dir(self.builds)
        tmp_link = self.root / f".current-{os.getpid()}"
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        os.symlink(Path("builds") / build_id, tmp_link)
        os.replace(tmp_link, self.current_link)
        fsync_dir(self.root)
        self.prune()
        return final

    def prune(self) -> list[str]:
        """Delete the builds that are neither current, nor among the ``keep`` most recent, nor leased."""
        current = self.current_link.resolve() if self.current_link.is_symlink() else None
        builds = sorted(
            (p for p in self.builds.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.name,
            reverse=True,
        )  # build ids start with their UTC time
        removed = []
        for path in builds[self.keep :]:
            if path != current and self._remove_unused(path):
                removed.append(path.name)
        return removed

    def _remove_unused(self, path: Path) -> bool:
        try:
            fd = os.open(path / LEASE_FILE, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            return False
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.info("build %s is in use: not pruned", path.name)
                return False
            trash = self.builds / f".pruned-{path.name}"
            os.rename(path, trash)
        finally:
            os.close(fd)
        shutil.rmtree(trash, ignore_errors=True)
        return True
