"""DCAT-AP catalog benchmark: the catalog step of a build (entries made, catalog assembled, checked against the
official DCAT-AP 3.0.1 shapes) in a full build and in a rebuild after one plan changed, against checking the same
catalog whole with pySHACL and with essgraph's SHACL engine, same data, same run.

    python benchmarks/bench_catalog.py [--plans 200]

It writes N synthetic plans (benchmarks/synthetic.py, with a synthetic network's catalog metadata and publisher)
into ``benchmarks/out/catalog-N/``, builds them from scratch as ``essgraph build`` does, changes one plan's title,
rebuilds, and prints the CPU time of ``make_catalog`` (essgraph.publish.catalog_entries) in each build, then the CPU
time of one check of the rebuild's whole catalog by pySHACL (what every build did before) and by essgraph's engine,
and the ratios. Nothing here asserts a time; tests/publish/test_catalog_incremental.py checks that the rebuilt
catalog and its results are a full build's.
"""

from __future__ import annotations

import argparse
import functools
import re
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import pyoxigraph as ox  # noqa: E402
from synthetic import write_project  # noqa: E402

import essgraph.publish.artifacts as artifacts  # noqa: E402
from essgraph.build.builds import StoreDir  # noqa: E402
from essgraph.build.pipeline import Builder  # noqa: E402
from essgraph.project import load_project  # noqa: E402
from essgraph.publish.dcat_check import check_catalog, dcat_shapes_dir  # noqa: E402
from essgraph.publish.layout import CATALOG_FILES  # noqa: E402
from essgraph.rdf.namespaces import Triples  # noqa: E402
from essgraph.urls import CATALOG_GRAPH  # noqa: E402

BASE = "http://127.0.0.1:8000/"
CPU: list[float] = []


def timed(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        cpu = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            CPU.append(time.process_time() - cpu)

    return wrapper


def cpu_of(function, *args, **kwargs) -> float:
    cpu = time.process_time()
    function(*args, **kwargs)
    return time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=200)
    args = parser.parse_args()
    out = HERE / "out" / f"catalog-{args.plans}"
    shutil.rmtree(out, ignore_errors=True)
    config = write_project(out, args.plans)
    artifacts.make_catalog = timed(artifacts.make_catalog)
    store = out / "store"
    Builder(load_project(config), BASE, store).run(write=True)
    plan = out / "plans" / "synth-0000.ttl"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(re.sub(r'(a ess:Plan ;\n    dct:title ")', r"\1Zéro déchet, ", text, count=1), encoding="utf-8")
    Builder(load_project(config), BASE, store).run(write=True)
    full, rebuild = CPU
    catalog = Triples()
    path = Path(StoreDir(store).require_current().path) / CATALOG_FILES[CATALOG_GRAPH]
    for q in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES):
        catalog.add(q.subject, q.predicate, q.object)
    shapes = dcat_shapes_dir(out)
    check_catalog(catalog, shapes)  # the shapes compiled once, as a build's process does
    engine = cpu_of(check_catalog, catalog, shapes, "essgraph")
    pyshacl = cpu_of(check_catalog, catalog, shapes, "pyshacl")
    print(f"{args.plans} plans, catalog of {len(catalog):,} triples (CPU seconds)")
    for label, value in [
        ("catalog step, full build", full),
        ("catalog step, rebuild after 1 plan changed", rebuild),
        ("whole catalog checked by pySHACL", pyshacl),
        ("whole catalog checked by essgraph's engine", engine),
    ]:
        print(f"  {label:44s}{value:8.2f}")
    print(f"  pySHACL / essgraph engine: {pyshacl / engine:.1f}x; rebuild's step / pySHACL check: {rebuild / pyshacl:.3f}")


if __name__ == "__main__":
    main()
