"""Build benchmark: essgraph's build against the naive peer (rdflib parse + one pySHACL run), same data, same run.

    python benchmarks/bench_build.py [--sizes 1 100 1000] [--peer-max 1000]

For each size N it generates N synthetic plans (benchmarks/synthetic.py) with the repository's ontology, reference
data and shapes, then measures, each in a fresh process:

* ``build``: ``essgraph build`` from scratch (parse, validate, load the on-disk store, swap);
* ``rebuild-1``: ``essgraph build`` after one plan changed (only that plan is validated and reloaded);
* ``rebuild-0``: ``essgraph build`` with nothing changed;
* ``load``: opening the built store and loading every quad into an in-memory store (what a server does);
* peer ``oxigraph load``: pyoxigraph alone parsing every file of the project into its named graph and loading the
  whole into an on-disk store, the fastest way found (parse into memory, one bulk load of the N-Quads: one
  ``bulk_load`` per file took about twice the CPU at 1,000 plans) (no validation, no dumps, catalog, VoID or search index): the floor a build
  is compared with ("vs oxigraph load": the build's time as a multiple of it);
* peer ``build, pySHACL``: the same build with ``--shacl-engine pyshacl`` (the reference SHACL implementation);
* peer ``rdflib+pySHACL`` (1 plan by default: it is very slow): rdflib parses every file into one graph and pySHACL
  validates it once, SHACL-SPARQL constraints included.

It prints wall time, CPU time (user + system of the command and the processes it waited for: on a machine shared
with other jobs, wall time stretches with the load, CPU time much less), peak memory (max RSS of the largest
process), for build and rebuild-1 the speed-up over the pySHACL build, and for the builds their time as a multiple
of pyoxigraph alone loading the same files.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import write_project  # noqa: E402

LOAD_SCRIPT = """
import sys, pyoxigraph as ox
from essgraph.build.builds import StoreDir
build = StoreDir(__import__('pathlib').Path(sys.argv[1])).require_current()
mem = ox.Store()
mem.bulk_extend(build.open().quads_for_pattern(None, None, None, None))
print(len(mem))
"""

OXIGRAPH_SCRIPT = """
import sys, glob, os, tomllib, pyoxigraph as ox
from pathlib import Path
config = Path(sys.argv[1]); root = config.parent; base = "http://127.0.0.1:8000/"
project = tomllib.loads(config.read_text())
memory = ox.Store()
for ds in project["dataset"]:
    for g in ds["graph"]:
        for pattern in g["files"]:
            for f in sorted(glob.glob(str(root / pattern))):
                memory.load(path=f, format=ox.RdfFormat.TURTLE, base_iri=base, to_graph=ox.NamedNode(base + g["iri"]))
memory.dump(sys.argv[2] + ".nq", format=ox.RdfFormat.N_QUADS)
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[2] + ".nq", format=ox.RdfFormat.N_QUADS)
store.flush()
os.remove(sys.argv[2] + ".nq")
print(len(store))
"""

PEER_SCRIPT = """
import sys, glob, tomllib, rdflib, pyshacl
from pathlib import Path
config = Path(sys.argv[1]); root = config.parent
project = tomllib.loads(config.read_text())
data = rdflib.Graph()
for ds in project["dataset"]:
    for g in ds["graph"]:
        for pattern in g["files"]:
            for f in sorted(glob.glob(str(root / pattern))):
                data.parse(f, format="turtle", publicID="http://127.0.0.1:8000/")
shapes = rdflib.Graph()
for pattern in project["project"].get("shapes", []):
    for f in sorted(glob.glob(pattern)):
        shapes.parse(f, format="turtle")
conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
print(len(data), conforms)
"""


def run(cmd: list[str], cwd: Path) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, stdout) of a command run in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return seconds, peak, out


def measure(n: int, peer: bool, naive: bool) -> dict[str, tuple[float, float, float]]:
    with tempfile.TemporaryDirectory(prefix=f"essgraph-bench-{n}-") as tmp:
        out = Path(tmp)
        config = write_project(out, n)
        essgraph = [sys.executable, "-m", "essgraph"]
        results = {}
        # Each measure runs in a child of a fresh Python, so RUSAGE_CHILDREN is that measure's alone.
        def timed(cmd):
            wrapper = [sys.executable, "-c",
                       "import subprocess,sys,resource,time;t=time.perf_counter();"
                       "r=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
                       "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
                       "print(time.perf_counter()-t, u.ru_maxrss/1024, u.ru_utime+u.ru_stime);"
                       "sys.stderr.write(r.stderr);sys.exit(r.returncode)", *cmd]
            _, _, text = run(wrapper, out)
            seconds, peak, cpu = text.split()
            return float(seconds), float(peak), float(cpu)

        results["build"] = timed(essgraph + ["build", "--no-progress"])
        plan = out / "plans" / "synth-0000.ttl"
        plan.write_text(plan.read_text(encoding="utf-8").replace("Plan ESS", "Plan ESS (modifié)", 1), encoding="utf-8")
        results["rebuild-1"] = timed(essgraph + ["build", "--no-progress"])
        results["rebuild-0"] = timed(essgraph + ["build", "--no-progress"])
        results["load"] = timed([sys.executable, "-c", LOAD_SCRIPT, str(out / "var" / "store")])
        results["peer oxigraph load"] = timed([sys.executable, "-c", OXIGRAPH_SCRIPT, str(config),
                                               str(out / "oxigraph-only")])
        if peer:
            results["peer build, pySHACL"] = timed(essgraph + ["build", "--no-progress", "--shacl-engine", "pyshacl",
                                                              "--store", str(out / "var" / "store-pyshacl")])
        if naive:
            results["peer rdflib+pySHACL"] = timed([sys.executable, "-c", PEER_SCRIPT, str(config)])
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--peer-max", type=int, default=1000,
                        help="skip the pySHACL build above this size")
    parser.add_argument("--naive-max", type=int, default=1,
                        help="skip the naive peer (rdflib parse + pySHACL over everything) above this size")
    args = parser.parse_args()
    print(f"essgraph build benchmark — {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'plans':>6} {'measure':<22} {'seconds':>9} {'CPU s':>7} {'peak MiB':>9} {'vs pySHACL build':>16} "
          f"{'vs oxigraph load':>16} {'CPU vs oxigraph':>15}")
    for n in args.sizes:
        results = measure(n, n <= args.peer_max, n <= args.naive_max)
        peer = results.get("peer build, pySHACL")
        floor, floor_cpu = results["peer oxigraph load"][0], results["peer oxigraph load"][2]
        for name, (seconds, peak, cpu) in results.items():
            ratio = f"{peer[0] / seconds:6.1f}x" if peer and name in ("build", "rebuild-1") else ""
            builds = name in ("build", "rebuild-1", "rebuild-0")
            times = f"{seconds / floor:6.1f}x" if builds else ""
            cpu_times = f"{cpu / floor_cpu:6.1f}x" if builds else ""
            print(f"{n:>6} {name:<22} {seconds:>9.2f} {cpu:>7.1f} {peak:>9.0f} {ratio:>16} {times:>16} {cpu_times:>15}")
        print(f"       load average {os.getloadavg()[0]:.1f} at the end", flush=True)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
