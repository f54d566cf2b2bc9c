"""Search index benchmark: the index updated after one plan changed (essgraph.search.incremental) against the index
written whole, same data, same run.

    python benchmarks/bench_search_update.py [--plans 200]

It writes N synthetic plans (benchmarks/synthetic.py) into ``benchmarks/out/search-update-N/``, builds them from
scratch as ``essgraph build`` does, changes one plan (its title, and one organisation its actions involve replaced by
another everywhere in its file), rebuilds, and prints the wall and CPU time of ``write_search_index`` in each build:

* ``whole, in-memory store``: the first build's index (every document read from the build's in-memory copy);
* ``updated``: the rebuild's index (the previous index copied, the documents of the changed plan and of what depends
  on it read again from the on-disk store);
* ``whole, on-disk store``: the rebuild's data indexed whole from its on-disk store (what a rebuild falls back to when
  a vocabulary or reference dataset changed, once builds no longer copy the store into memory);

and the update's time as a fraction of each. It also checks that the updated index answers a few searches like the
whole one (tests/search/test_incremental.py compares every answer). Nothing here asserts a time.
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
from synthetic import write_project  # noqa: E402

import essgraph.build.pipeline as pipeline  # noqa: E402
from essgraph.build.builds import StoreDir  # noqa: E402
from essgraph.project import load_project  # noqa: E402
from essgraph.search.index import index_path, write_search_index  # noqa: E402
from essgraph.search.query import SearchIndex  # noqa: E402

BASE = "http://127.0.0.1:8000/"
TIMES: list[tuple[float, float]] = []


def timed_index(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        wall, cpu = time.monotonic(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            TIMES.append((time.monotonic() - wall, time.process_time() - cpu))

    return wrapper


def change_plan(path: Path) -> str:
    """Rename a synthetic plan and replace one organisation its actions involve by one they do not."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'(a ess:Plan ;\n    dct:title ")', r"\1Zéro déchet, ", text, count=1)
    used = sorted(set(re.findall(r"synth-org-\d{4}", text)))
    other = next(f"synth-org-{i:04d}" for i in range(399, 0, -1) if f"synth-org-{i:04d}" not in used)
    path.write_text(text.replace(used[0] + ">", other + ">"), encoding="utf-8")
    return f"{path.stem}: renamed, {used[0]} replaced by {other}"


def build(config: Path, store: Path) -> None:
    pipeline.Builder(load_project(config), BASE, store).run(write=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=200)
    args = parser.parse_args()
    out = HERE / "out" / f"search-update-{args.plans}"
    config = write_project(out, args.plans)  # rewritten: the plan changed by the last run is back as it was
    store = out / "store"
    shutil.rmtree(store, ignore_errors=True)
    pipeline.write_search_index = timed_index(write_search_index)
    build(config, store)
    whole_memory = TIMES[-1]
    print(change_plan(out / "plans" / f"synth-{args.plans // 2:04d}.ttl"))
    build(config, store)
    updated = TIMES[-1]
    current = StoreDir(store).require_current()
    wall, cpu = time.monotonic(), time.process_time()
    whole = write_search_index(current.open(), out / "whole", BASE)
    whole_disk = (time.monotonic() - wall, time.process_time() - cpu)
    rows = [("whole, in-memory store", whole_memory), ("updated", updated), ("whole, on-disk store", whole_disk)]
    print(f"{args.plans} plans; write_search_index, s:")
    for label, (w, c) in rows:
        print(f"  {label:24s} wall {w:7.2f}  cpu {c:7.2f}  updated/this cpu {updated[1] / c:6.3f}")
    a, b = SearchIndex(index_path(current.path)), SearchIndex(whole)
    same = all(
        [(h.iri, h.excerpt) for h in a.search(text, {}, 2, 20).hits]
        == [(h.iri, h.excerpt) for h in b.search(text, {}, 2, 20).hits]
        for text in ("", "jardin", "zéro déchet", "vélo coop*")
    )
    print(f"  updated index answers like the whole one on 4 searches: {same}")


if __name__ == "__main__":
    main()
