"""The VoID statistics from per-dataset sketches (essgraph.publish.void_stats) against the SPARQL counts over the
whole graph they replaced (tests/support/void_reference.py), on the same store, in the same run.

    python benchmarks/bench_void.py [--plans 150]      # writes benchmarks/out/void-N (synthetic.py) if missing

The project's datasets (the repository's ontology and reference data, the synthetic organisations, N plans) are
parsed into an in-memory store, one dataset at a time as the build loads them, and copied into an on-disk store.
On each store, CPU and wall time of:

* **SPARQL**: the former computation (COUNT DISTINCT queries over the union graph): the peer;
* **full build**: every dataset sketched and written, then all combined (what a build without a previous one does);
* **rebuild**: one plan sketched again, the other sketches and the changed one's old sketch read from their files,
  the full build's figures updated (what a rebuild after one plan changed does: the unchanged sketches are
  hard-linked from the previous build, its figures read from ``void/figures.json``).

Printed: each time and its ratio to the SPARQL peer of the same store; and whether both give the very same VoID
triples (they must).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from support import void_reference  # noqa: E402

from essgraph.build.load import load_dataset  # noqa: E402
from essgraph.build.pipeline import Builder  # noqa: E402
from essgraph.project import load_project  # noqa: E402
from essgraph.publish.void import void_triples  # noqa: E402
from essgraph.publish.void_sketch import read_sketch, sketch, write_sketch  # noqa: E402
from essgraph.publish.void_stats import statistics, union_sizes, updated_sizes  # noqa: E402

BASE = "http://127.0.0.1:8000/"


def timed(work):
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=150)
    args = parser.parse_args()
    project_dir = HERE / "out" / f"void-{args.plans}"
    if not (project_dir / "essgraph.toml").exists():
        subprocess.run([sys.executable, str(HERE / "synthetic.py"), str(project_dir), str(args.plans)], check=True)
    states = Builder(load_project(project_dir / "essgraph.toml"), BASE, None)._states()
    memory = ox.Store()
    for st in states:
        load_dataset(memory, st, BASE)
    datasets = [(st.dataset.id, list(st.graph_iris)) for st in states]
    scratch = Path(tempfile.mkdtemp(prefix="bench-void-"))
    try:
        disk = ox.Store(str(scratch / "oxigraph"))
        disk.bulk_extend(memory)
        disk.flush()
        print(f"{args.plans} plans, {len(datasets)} datasets, {len(memory):,} quads")
        print(f"{'store':8s} {'computation':12s} {'CPU s':>8s} {'wall s':>8s} {'CPU vs SPARQL':>14s}")
        sizes: dict = {}  # the figures of each full build, as the next build finds them
        for name, store in (("memory", memory), ("disk", disk)):
            peer, peer_cpu, peer_wall = timed(lambda s=store: void_reference.void_triples(s, BASE, [], []))
            folder = scratch / f"sketches-{name}"
            folder.mkdir()

            def full(store=store, folder=folder, name=name):
                sketches = []
                for ds_id, graphs in datasets:
                    sketches.append(sketch(store, graphs, BASE))
                    write_sketch(folder / f"{ds_id}.sketch", sketches[-1])
                sizes[name] = union_sizes(sketches)
                return void_triples(statistics(sizes[name], sketches), BASE, [], [])

            def rebuild(store=store, folder=folder, name=name):
                changed = datasets[-1][0]  # the last plan
                kept = [read_sketch(folder / f"{ds_id}.sketch") for ds_id, _ in datasets if ds_id != changed]
                old = [read_sketch(folder / f"{changed}.sketch")]
                new = [sketch(store, datasets[-1][1], BASE)]
                now = updated_sizes(sizes[name], old, new, kept)
                return void_triples(statistics(now, kept + new), BASE, [], [])

            print(f"{name:8s} {'SPARQL':12s} {peer_cpu:8.2f} {peer_wall:8.2f} {1:13.2f}x")
            for label, work in (("full build", full), ("rebuild", rebuild)):
                ours, cpu, wall = timed(work)
                same = "same VoID" if void_reference.canonical(ours) == void_reference.canonical(peer) else "DIFFERENT VoID"
                print(f"{name:8s} {label:12s} {cpu:8.2f} {wall:8.2f} {cpu / peer_cpu:13.2f}x  {same}")
        del disk
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
