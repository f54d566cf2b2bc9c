"""Builds in use are never deleted: leases (shared flocks) protect them from pruning, pruning keeps the last N, and a
finished build is on disk (fsynced) before it becomes the current one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from essgraph.build import builds as builds_module
from essgraph.build.builds import StoreDir, take_lease
from essgraph.build.pipeline import Builder
from essgraph.project import load_project

BASE = "http://127.0.0.1:8000/"


def build(project: Path, keep: int = 2) -> Path:
    return Builder(load_project(project / "essgraph.toml"), BASE, project / "var" / "store",
                   keep_builds=keep).run(write=True).build_path


def folders(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "var" / "store" / "builds").iterdir())


def test_pruning_keeps_the_current_build_and_the_last_n(mini: Path):
    made = [build(mini, keep=2).name for _ in range(4)]
    assert folders(mini) == sorted(made[-2:])
    assert StoreDir(mini / "var" / "store").require_current().id == made[-1]


def test_a_leased_build_is_never_pruned_and_is_pruned_once_released(mini: Path):
    first = build(mini, keep=1)
    lease = take_lease(first)
    assert lease is not None and lease.held
    later = [build(mini, keep=1).name for _ in range(3)]
    assert folders(mini) == sorted([first.name, later[-1]])  # the leased one stays, the unleased ones went
    assert (first / "manifest.json").is_file() and (first / "oxigraph").is_dir()
    lease.release()
    newest = build(mini, keep=1).name
    assert folders(mini) == [newest]


def test_a_lease_dies_with_its_process_even_on_kill_9(mini: Path):
    first = build(mini, keep=1)
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
                               "from essgraph.build.builds import take_lease\n"
                               "lease = take_lease(Path(sys.argv[1]))\nprint(lease.held, flush=True)\n"
                               "time.sleep(600)", str(first)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"
        build(mini, keep=1)
        assert first.name in folders(mini)
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
        newest = build(mini, keep=1).name
        assert folders(mini) == [newest]
    finally:
        holder.kill()
        holder.wait()


def test_a_pruned_build_cannot_be_leased_and_the_current_one_always_can(mini: Path):
    first = build(mini, keep=1)
    build(mini, keep=1)
    assert not first.exists() and take_lease(first) is None
    store = StoreDir(mini / "var" / "store")
    leased, lease = store.lease_current()
    with lease:
        assert leased.id == store.require_current().id and lease.held


def test_manifest_and_state_files_are_fsynced_before_the_build_is_published(mini: Path, monkeypatch):
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync " + os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def replace(src, dst, **kw) -> None:
        events.append(f"replace {dst}")
        real_replace(src, dst, **kw)

    monkeypatch.setattr(builds_module.os, "fsync", fsync)
    monkeypatch.setattr(builds_module.os, "replace", replace)
    final = build(mini)
    swap = events.index(f"replace {mini.resolve() / 'var' / 'store' / 'current'}")
    synced = [e.split(" ", 1)[1] for e in events[:swap] if e.startswith("fsync ")]
    partial = final.parent / f".partial-{final.name}"
    for name in ("manifest.json", "catalog/state.json", "dumps/index.json", "oxigraph/CURRENT"):
        assert str(partial / name) in synced, name
    assert str(partial) in synced and str(final.parent) in synced  # the folders too
