"""Search benchmark: /search on N synthetic plans (1,000 by default), against a SPARQL ``CONTAINS`` scan of the same
store (what the search index replaces), measured in the same run; and the build of the index itself.

    python benchmarks/bench_search.py [--plans 1000] [--rounds 30]

It writes N synthetic plans (benchmarks/synthetic.py), builds them as ``essgraph build`` does (validation included;
the build is kept in ``benchmarks/out/search-N/`` and reused by the next run), then:

* times :func:`essgraph.search.index.write_search_index` on the build's in-memory store (what the build adds),
  writing the index into the kept build again;
* runs each search of :data:`SEARCHES` ``--rounds`` times in-process (``SearchIndex.search``: SQLite FTS5, bm25,
  facet counts, as many facet values listed as the page lists; wall-clock and CPU time) and over HTTP against a real
  ``essgraph serve`` with no answer kept between requests (``GET /search?...&format=json`` and the HTML page), after
  one warm-up request each, and prints p50 / p95 / max in ms;
* runs the text of each search as a SPARQL query on the same in-memory store — every action with a literal
  containing each word (``FILTER CONTAINS(LCASE(STR(?text)), ...)``), no facets, no ranking — and prints the ratio
  of its median to the index's in-process median;
* times the plans' overview (``/plans``, sorted, page 10) and a comparison of three plans (``/compare``, first and
  second request: the second is answered from the per-build cache).

The synthetic text is adversarial for a search: each action's 60-word description is drawn from 35 words, so a
common word ("jardin") is in nearly every one of the 30,000 actions and every facet value has to be counted.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from synthetic import write_project  # noqa: E402

from essgraph.build.builds import StoreDir  # noqa: E402
from essgraph.build.pipeline import Builder  # noqa: E402
from essgraph.project import load_project  # noqa: E402
from essgraph.rdf.namespaces import sparql_prefixes  # noqa: E402
from essgraph.search.french import terms  # noqa: E402
from essgraph.search.index import index_path, write_search_index  # noqa: E402
from essgraph.search.query import SearchIndex  # noqa: E402
from essgraph.web.published import load_in_memory  # noqa: E402
from essgraph.web.routers.search import FACET_VALUES_LISTED  # noqa: E402

#: (label, text, filters)
SEARCHES = [
    ("common word", "jardin", {}),
    ("two common words", "jardin vélo", {}),
    ("rare words", "synthétique 517", {}),
    ("prefix", "coop*", {}),
    ("phrase", '"circuit court"', {}),
    ("word + 3 facets", "jardin", {"type": ("action",), "lever": ("commande-publique-responsable",),
                                   "year": ("2022",)}),
    ("one plan, no text", "", {"plan": ("synth-0517",)}),
    ("everything", "", {}),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stats(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"{statistics.median(ms):8.1f} {p95:8.1f} {ms[-1]:8.1f}"


def timed(call, rounds: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock times of ``rounds`` calls after a warm-up; their CPU times (this process) appended to ``cpu``."""
    call()   # warm-up
    found = []
    for _ in range(rounds):
        started, used = time.perf_counter(), time.process_time()
        call()
        found.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - used)
    return found


def build(plans: int, base: str) -> Path:
    folder = HERE / "out" / f"search-{plans}"
    store = folder / "store"
    current = StoreDir(store).current() if store.exists() else None
    if current is not None and current.manifest.get("base_iri") == base and index_path(current.path).is_file():
        return store
    config = write_project(folder / "project", plans)
    started = time.perf_counter()
    report = Builder(load_project(config), base, store).run(write=True)
    print(f"build of {plans} plans: {time.perf_counter() - started:.1f} s ({report.counts['triples']:,} triples)")
    return store


def contains_query(text: str) -> str | None:
    words = [w for w in terms(text.replace("*", "").replace('"', ""))]
    if not words:
        return None
    filters = "\n".join(f'  FILTER EXISTS {{ ?doc ?p{i} ?t{i} . FILTER (isLiteral(?t{i}) && '
                        f'CONTAINS(LCASE(STR(?t{i})), "{w}")) }}' for i, w in enumerate(words))
    return sparql_prefixes("ess") + f"SELECT DISTINCT ?doc WHERE {{\n  ?doc a ess:Action .\n{filters}\n}}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    kept = StoreDir(HERE / "out" / f"search-{args.plans}" / "store")
    previous = kept.current() if kept.root.exists() else None
    # the build's base IRI names the port its server listens on: a kept build keeps its port
    port = int(previous.manifest["base_iri"].rsplit(":", 1)[1].strip("/")) if previous else free_port()
    base = f"http://127.0.0.1:{port}/"
    store_dir = build(args.plans, base)
    current = StoreDir(store_dir).require_current()
    memory = load_in_memory(current)
    # written again into the kept build (aside, then renamed, as the build does): the build's own index may be of
    # an older format
    started, cpu = time.perf_counter(), time.process_time()
    path = write_search_index(memory, current.path, base)
    print(f"search index: written in {time.perf_counter() - started:.2f} s ({time.process_time() - cpu:.2f} s of "
          f"CPU), {path.stat().st_size / 1e6:.1f} MB, {len(memory):,} quads in the store")
    index = SearchIndex(index_path(current.path))
    print(f"documents: {index.meta['actions']} actions, {index.meta['organisations']} organisations, "
          f"{index.meta['plans']} plans; {len(index.values):,} facet values")

    env = {**os.environ, "ESSGRAPH_STORE": str(store_dir), "ESSGRAPH_BASE_IRI": base, "ESSGRAPH_LOG_LEVEL": "warning",
           "ESSGRAPH_CONFIG": str(ROOT / "essgraph.toml"),
           # answers are not kept between requests: each request below is the same, and is to be searched again
           "ESSGRAPH_RESPONSE_CACHE_MIB": "0"}
    log = open(HERE / "out" / f"search-{args.plans}" / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "essgraph", "serve", "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        client = httpx.Client(base_url=base.rstrip("/"), timeout=120)
        deadline = time.monotonic() + 600
        while True:
            try:
                if client.get("/-/health").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start; see {log.name}")
            time.sleep(0.2)
        print(f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall-clock times grow with it; "
              "the CPU column is the search's own work, in-process)")
        print(f"\n{'search':<20} {'hits':>6} | {'in-process p50/p95/max (ms)':>27} {'CPU p50':>7} | "
              f"{'HTTP JSON p50/p95/max':>26} | "
              f"{'HTTP HTML p50/p95/max':>26} | {'CONTAINS p50':>12} {'ratio':>7}")
        for label, text, filters in SEARCHES:
            hits = index.search(text, filters).total
            cpu: list[float] = []
            local = timed(lambda: index.search(text, filters, listed=FACET_VALUES_LISTED), args.rounds, cpu)
            params = [("q", text)] * bool(text) + [(k, v) for k, vs in filters.items() for v in vs]
            http_json = timed(lambda: client.get("/search", params=params + [("format", "json")]).raise_for_status(),
                              args.rounds)
            http_html = timed(lambda: client.get("/search", params=params,
                                                 headers={"Accept": "text/html"}).raise_for_status(), args.rounds)
            query = contains_query(text)
            if query is not None:
                scan = timed(lambda: list(memory.query(query, use_default_graph_as_union=True)), max(3, args.rounds // 10))
                ratio = statistics.median(scan) / statistics.median(local)
                peer = f"{statistics.median(scan) * 1000:10.0f} ms {ratio:6.0f}x"
            else:
                peer = f"{'—':>13} {'':>7}"
            print(f"{label:<20} {hits:>6} | {stats(local):>27} {statistics.median(cpu) * 1000:7.1f} | "
                  f"{stats(http_json):>26} | {stats(http_html):>26} | {peer}")
        overview = timed(lambda: client.get("/plans", params={"sort": "adopted", "order": "desc", "page": 10},
                                            headers={"Accept": "text/html"}).raise_for_status(), args.rounds)
        print(f"\n/plans sorted by adoption date, page 10 of {-(-args.plans // 50)}: p50/p95/max {stats(overview)} ms")
        plans = [("plan", f"synth-{i:04d}") for i in (1, 500, 999)]
        started = time.perf_counter()
        client.get("/compare", params=plans, headers={"Accept": "text/html"}).raise_for_status()
        first = time.perf_counter() - started
        again = timed(lambda: client.get("/compare", params=plans, headers={"Accept": "text/html"}).raise_for_status(),
                      max(3, args.rounds // 3))
        print(f"/compare of 3 plans: first request {first * 1000:.0f} ms (30 queries by the query workers), "
              f"then p50/p95/max {stats(again)} ms (per-build cache)")
    finally:
        server.terminate()
        server.wait(30)
        log.close()


if __name__ == "__main__":
    main()
