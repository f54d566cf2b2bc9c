"""What keeping the union default graph an RDF merge costs: the server's copy in memory with its default graph made
the merge of the named graphs (``essgraph.web.published.merge_default_graph``) against the same copy without it
(pyoxigraph's ``use_default_graph_as_union``, which repeats a triple held by two graphs), same build, same run.

    python benchmarks/bench_union.py STORE_FOLDER [--rounds 3]
    python benchmarks/bench_union.py --plans 1000          # builds benchmarks/out/union-1000 first (minutes)

STORE_FOLDER is a store folder made by ``essgraph build`` (its ``current`` build is read). Each copy is loaded in a
fresh process, which reports the load time (the build's own N-Quads, then the merge), the memory it holds (RSS
after the load, less the process's RSS before it) and the median time of the canned queries of ``queries/``
without parameters, each run ``--rounds`` times: over pyoxigraph's union (no merge) and over the merged default
graph. Printed: both columns and their ratio (merged / union).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

PROBE = """
import json, statistics, sys, time
from pathlib import Path
import pyoxigraph as ox
from essgraph.build.builds import StoreDir
from essgraph.sparql.named import load_named_queries
from essgraph.web import published

def rss():
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096

store_dir, merge, rounds = Path(sys.argv[1]), sys.argv[2] == "merge", int(sys.argv[3])
build = StoreDir(store_dir).require_current()
before, start = rss(), time.perf_counter()
store = published._load(build)
loaded = time.perf_counter() - start
if merge:
    published.merge_default_graph(store)
total = time.perf_counter() - start
held = rss() - before
queries = [q for q in load_named_queries(Path(sys.argv[4])).values() if not any(p.required for p in q.params)]
times = {}
for q in queries:
    runs = []
    for _ in range(rounds):
        t = time.perf_counter()
        if merge:
            result = store.query(q.text)
        else:
            result = store.query(q.text, use_default_graph_as_union=True)
        rows = sum(1 for _ in result) if not isinstance(result, ox.QueryBoolean) else 1
        runs.append(time.perf_counter() - t)
    times[q.name] = statistics.median(runs)
print(json.dumps({"quads": len(store), "load_s": loaded, "total_s": total, "held_mib": held / 2**20,
                  "queries": times}))
"""


def probe(store: Path, merge: bool, rounds: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(store), "merge" if merge else "union", str(rounds), str(ROOT / "queries")],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def built_store(plans: int) -> Path:
    from synthetic import write_project

    out = HERE / "out" / f"union-{plans}"
    store = out / "store"
    if not (store / "current").exists():
        config = write_project(out / "project", plans)
        subprocess.run([sys.executable, "-m", "essgraph", "build", "--config", str(config), "--store", str(store),
                        "--no-progress"], check=True)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store", nargs="?", type=Path, help="a store folder made by essgraph build")
    parser.add_argument("--plans", type=int, help="build this many synthetic plans first")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    store = args.store or built_store(args.plans or 1000)
    union, merged = probe(store, False, args.rounds), probe(store, True, args.rounds)
    print(f"store {store}: {union['quads']:,} quads; with the merged default graph {merged['quads']:,}")
    print(f"{'':28} {'union (no merge)':>18} {'merged':>12} {'ratio':>7}")
    for label, key, unit in (("load (N-Quads)", "load_s", "s"), ("load + merge", "total_s", "s"),
                             ("memory held", "held_mib", "MiB")):
        a, b = union[key], merged[key]
        print(f"{label:28} {a:>16.2f} {unit:<3} {b:>8.2f} {unit:<3} {b / a:>6.2f}x")
    ratios = []
    for name, a in union["queries"].items():
        b = merged["queries"][name]
        ratios.append(b / a)
        print(f"query {name:22} {a * 1000:>14.1f} ms {b * 1000:>8.1f} ms {b / a:>6.2f}x")
    geo = 1.0
    for r in ratios:
        geo *= r
    print(f"queries: geometric mean of merged / union = {geo ** (1 / len(ratios)):.2f}x over {len(ratios)} queries")


if __name__ == "__main__":
    main()
