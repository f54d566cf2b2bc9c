"""What deciding SERVICE on the parsed form costs: essgraph's reading of a query (essgraph.sparql.syntax) against
pyoxigraph parsing and running the same query on an empty in-memory store (its floor: parse, plan, no data), in the
same run. Prints per-query medians and the ratio; asserts nothing.

    .venv/bin/python benchmarks/bench_sparql_check.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from essgraph.sparql.syntax import read_query

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8000/sparql"


def _median_ms(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _pyoxigraph(store: ox.Store, query: str) -> None:
    result = store.query(query, base_iri=BASE, use_default_graph_as_union=True)
    if not isinstance(result, ox.QueryBoolean):
        for _ in result:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    queries = {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))}
    values = " ".join(f"<http://127.0.0.1:8000/id/organisation/o{i}>" for i in range(20_000))
    queries["VALUES of 20,000 IRIs"] = f"SELECT * WHERE {{ VALUES ?o {{ {values} }} ?a ?p ?o }}"
    store = ox.Store()
    ratios = []
    print(f"{'query':<40} {'chars':>8} {'essgraph ms':>12} {'pyoxigraph ms':>14} {'ratio':>7}")
    for name, query in queries.items():
        assert read_query(query).ok, name
        ours = _median_ms(lambda: read_query(query), args.rounds)
        theirs = _median_ms(lambda: _pyoxigraph(store, query), args.rounds)
        ratios.append(ours / theirs)
        print(f"{name[:40]:<40} {len(query):>8} {ours:>12.3f} {theirs:>14.3f} {ours / theirs:>7.1f}")
    print(f"geometric mean of the ratios: {statistics.geometric_mean(ratios):.1f}")


if __name__ == "__main__":
    main()
