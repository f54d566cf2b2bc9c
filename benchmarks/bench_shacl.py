"""SHACL validation benchmark: essgraph's SHACL Core engine against pySHACL, the same batches, the same run.

    python benchmarks/bench_shacl.py [--plans 100] [--batch 25] [--rounds 3] [--pyshacl-plans 25]

It writes N synthetic plans (benchmarks/synthetic.py), parses them as the build does, and times
``validate_batch`` (what a build worker runs: SHACL Core by the engine, SHACL-SPARQL by pyoxigraph) over batches
of ``--batch`` plans with the repository's shapes, best of ``--rounds``; then the same with ``--shacl-engine
pyshacl`` on the first ``--pyshacl-plans`` plans (pySHACL is slow). It prints seconds per plan and the speed-up.
Only validation is timed: ``bench_build.py`` measures whole builds, where publication dominates.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import write_project  # noqa: E402

from essgraph.project import load_project  # noqa: E402
from essgraph.rdf.parse import read_quads  # noqa: E402
from essgraph.validate.shapes import CompiledShapes, validate_batch  # noqa: E402

BASE = "http://127.0.0.1:8000/"


def timed(batches, shapes, rounds: int) -> tuple[float, int]:
    best, found = float("inf"), 0
    for _ in range(rounds):
        start = time.perf_counter()
        found = sum(len(r) for batch in batches for r in validate_batch(batch, shapes).values())
        best = min(best, time.perf_counter() - start)
    return best, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pyshacl-plans", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="essgraph-bench-shacl-") as tmp:
        project = load_project(write_project(Path(tmp), args.plans))
        plans = [ds for ds in project.datasets if ds.id.startswith("synth-")]
        parsed = []
        for ds in plans:
            quads = []
            for g in ds.graphs:
                for f in g.files:
                    quads += read_quads(f, BASE, ox.NamedNode(project.resolve(g.iri, BASE)))
            parsed.append((ds.id, quads))
        batches = [parsed[i:i + args.batch] for i in range(0, len(parsed), args.batch)]
        triples = sum(len(q) for _, q in parsed)
        print(f"SHACL validation benchmark — {len(parsed)} plans, {triples:,} triples, batches of {args.batch}")
        ours, found = timed(batches, CompiledShapes.load(project.shapes, "essgraph"), args.rounds)
        print(f"essgraph engine: {ours:7.2f} s  {ours / len(parsed) * 1000:7.1f} ms/plan  {found} results")
        few = batches[: max(1, args.pyshacl_plans // args.batch)]
        n = sum(len(b) for b in few)
        ref, found = timed(few, CompiledShapes.load(project.shapes, "pyshacl"), 1)
        print(f"pySHACL:         {ref:7.2f} s  {ref / n * 1000:7.1f} ms/plan  {found} results ({n} plans)")
        print(f"essgraph engine is {ref / n / (ours / len(parsed)):.1f}x faster per plan")


if __name__ == "__main__":
    main()
