"""SPARQL benchmark: the canned queries over HTTP against essgraph, the Oxigraph server and rdflib-endpoint, on the
same data, and the same queries run in-process on essgraph's in-memory store (the floor: no HTTP, no isolation).

    python benchmarks/bench_sparql.py [--sizes 1 1000] [--rounds 5] [--clients 4] [--peers oxigraph rdflib]

For each size N it writes N synthetic plans (benchmarks/synthetic.py, without shapes: validation is not measured
here), builds them with ``essgraph build``, then for each server:

* starts it and measures its startup: process start to the first answered query (essgraph loads the build into
  memory then: from its N-Quads dump, see essgraph/sparql/memory.py);
* sends every canned query of ``queries/`` that needs no parameter once (warm-up, not counted), then ``--rounds``
  times in a row (sequential), then the same requests shared by ``--clients`` concurrent clients, each with its own
  connection (from 100 plans on, rdflib-endpoint gets one sequential round, stopped at its first failure, and no
  warm-up or concurrent run: it is that slow, and cannot stop a query that timed out on the client's side);
* prints per query the median latency and its ratio to the in-process run, then p50/p95 latency and throughput.

Peers run from their own virtual environment (``--peer-venv``, default ``benchmarks/out/venv-peers``, ignored by
git), created with ``python3 -m venv benchmarks/out/venv-peers && benchmarks/out/venv-peers/bin/pip install
rdflib-endpoint oxigraph uvicorn``. The Oxigraph server reads its on-disk store (``serve-read-only
--union-default-graph``); rdflib-endpoint serves an rdflib Dataset whose default graph is the union. essgraph runs
with a 300 s time limit and a 10 million row cap so that no query is refused. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from synthetic import write_project  # noqa: E402

from essgraph.sparql.execute import union_args  # noqa: E402
from essgraph.sparql.named import load_named_queries  # noqa: E402
from essgraph.web.published import load_in_memory  # noqa: E402
from essgraph.build.builds import StoreDir  # noqa: E402

ACCEPT = {"Accept": "application/sparql-results+json"}
TIMEOUT_S = 300  # one request; a peer slower than that counts as an error
RDFLIB_SERVER = """
import sys, rdflib, uvicorn
from rdflib_endpoint import SparqlEndpoint
dataset = rdflib.Dataset(default_union=True)
dataset.parse(sys.argv[1], format="nquads")
uvicorn.run(SparqlEndpoint(graph=dataset, path="/sparql", cors_enabled=False), host="127.0.0.1",
            port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process, its SPARQL query URL and how long it took to answer its first query."""

    def __init__(self, name: str, cmd: list[str], query_url: str, log: Path, env: dict | None = None,
                 ready_timeout: float = 1800):
        self.name, self.url = name, query_url
        self.log = open(log, "w")
        started = self.began = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"{name} exited with {self.proc.returncode}; see {log}")
            try:
                if httpx.post(query_url, data={"query": "ASK {}"}, headers=ACCEPT, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - started > ready_timeout:
                self.stop()
                raise SystemExit(f"{name} not ready after {ready_timeout} s; see {log}")
            time.sleep(0.05)
        self.startup = time.perf_counter() - started

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def prepare(n: int, workdir: Path, port: int) -> Path:
    """A built project of n synthetic plans under workdir (reused when it is already there)."""
    project = workdir / f"plans-{n}"
    marker = project / f".built-for-{port}"
    if not marker.exists():
        if project.exists():
            subprocess.run(["rm", "-rf", str(project)], check=True)
        write_project(project, n, shapes=False)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "essgraph", "build", "--no-progress", "--base-iri",
                        f"http://127.0.0.1:{port}/"], cwd=project, check=True, stdout=subprocess.DEVNULL)
        print(f"  built {n} plan(s) in {time.perf_counter() - started:.1f} s", flush=True)
        marker.touch()
    return project


def essgraph_server(config: Path, store: Path, port: int, base_iri: str, log: Path) -> Server:
    env = {"ESSGRAPH_CONFIG": str(config), "ESSGRAPH_STORE": str(store),
           "ESSGRAPH_BASE_IRI": base_iri, "ESSGRAPH_QUERY_TIMEOUT_S": "300",
           "ESSGRAPH_MAX_RESULT_ROWS": "10000000", "ESSGRAPH_LOG_LEVEL": "warning"}
    return Server("essgraph", [sys.executable, "-m", "essgraph", "serve", "--port", str(port)],
                  f"http://127.0.0.1:{port}/sparql", log, env)


def until_in_memory(server: Server, port: int) -> float:
    """Seconds from the start until essgraph serves from its copy in memory (it answers from its on-disk store
    meanwhile, 4-10x slower: not what is measured here)."""
    while httpx.get(f"http://127.0.0.1:{port}/-/health", timeout=30).json().get("store") != "memory":
        if server.proc.poll() is not None:
            raise SystemExit("essgraph exited before serving from memory")
        time.sleep(0.2)
    return time.perf_counter() - server.began


def oxigraph_server(venv: Path, quads: Path, workdir: Path) -> Server:
    location = workdir / "oxigraph-store"
    if not location.exists():
        subprocess.run([str(venv / "bin" / "oxigraph"), "load", "--location", str(location), "--file", str(quads)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    return Server("oxigraph", [str(venv / "bin" / "oxigraph"), "serve-read-only", "--location", str(location),
                               "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                  f"http://127.0.0.1:{port}/query", workdir / "oxigraph-server.log")


def rdflib_server(venv: Path, quads: Path, workdir: Path) -> Server:
    port = free_port()
    return Server("rdflib", [str(venv / "bin" / "python"), "-c", RDFLIB_SERVER, str(quads), str(port)],
                  f"http://127.0.0.1:{port}/sparql", workdir / "rdflib-server.log")


# -- measuring ---------------------------------------------------------------------------------------------------

def in_process(store: ox.Store, queries: dict[str, str], rounds: int) -> dict[str, float]:
    """Median seconds of each query run on the store and written as SPARQL JSON, in this process (over the same
    default graph as the server: the merge of the named graphs)."""
    medians = {}
    for name, text in queries.items():
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            store.query(text, **union_args(store)).serialize(format=ox.QueryResultsFormat.JSON)
            times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
    return medians


def comparison(store: ox.Store, queries_dir: Path, plans: list[str]) -> None:
    """The queries of a first ``/compare`` of ``plans`` (essgraph.compare.model.QUERIES), as the query workers run
    them on this store: those with a ``plan`` parameter once per plan (a substitution), the others once."""
    from essgraph.compare.model import QUERIES

    named = load_named_queries(queries_dir)
    total_wall = total_cpu = 0.0
    for name in QUERIES:
        query = named[name]
        per_plan = any(p.name == "plan" for p in query.params)
        wall, cpu = time.perf_counter(), time.process_time()
        for plan in plans if per_plan else [None]:
            values = {ox.Variable("plan"): ox.NamedNode(plan)} if plan else None
            store.query(query.text, **union_args(store), substitutions=values).serialize(
                format=ox.QueryResultsFormat.JSON)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"    {name:<36}{wall:8.2f} s wall {cpu:7.2f} s CPU  ({f'{len(plans)} plans' if per_plan else 'once'})")
    print(f"  the {len(QUERIES)} queries of a first /compare of {len(plans)} plans ({queries_dir}): {total_wall:.2f} s "
          f"wall, {total_cpu:.2f} s CPU; load {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


def _ask(client: httpx.Client, url: str, text: str) -> float | None:
    started = time.perf_counter()
    try:
        r = client.post(url, data={"query": text}, headers=ACCEPT)
    except httpx.HTTPError:
        return None
    return time.perf_counter() - started if r.status_code == 200 else None


def sequential(url: str, queries: dict[str, str], rounds: int, stop_on_error: bool = False
               ) -> dict[str, list[float | None]]:
    """Each query ``rounds`` times; with ``stop_on_error`` the first failure ends the run (a server that cannot
    stop a query, like rdflib-endpoint, keeps computing it and would make every later request wait)."""
    times: dict[str, list[float | None]] = {name: [] for name in queries}
    with httpx.Client(timeout=TIMEOUT_S) as client:
        for _ in range(rounds):
            for name, text in queries.items():
                times[name].append(_ask(client, url, text))
                if stop_on_error and times[name][-1] is None:
                    return times
    return times


def paired(url: str, store: ox.Store, queries: dict[str, str], rounds: int, floor: dict[str, float]
           ) -> dict[str, list[float | None]]:
    """Each query ``rounds`` times, each time in-process then over HTTP, one right after the other: on a shared
    machine whose load changes from minute to minute, both then see the same load (``floor`` gets the in-process
    medians)."""
    times: dict[str, list[float | None]] = {name: [] for name in queries}
    local: dict[str, list[float]] = {name: [] for name in queries}
    with httpx.Client(timeout=TIMEOUT_S) as client:
        for _ in range(rounds):
            for name, text in queries.items():
                started = time.perf_counter()
                store.query(text, **union_args(store)).serialize(format=ox.QueryResultsFormat.JSON)
                local[name].append(time.perf_counter() - started)
                times[name].append(_ask(client, url, text))
    floor.update({name: statistics.median(values) for name, values in local.items()})
    return times


def concurrent(url: str, queries: dict[str, str], rounds: int, clients: int) -> tuple[list[float | None], float]:
    """The same requests as the sequential run (in a shuffled order), shared by ``clients`` concurrent clients."""
    results: list[float | None] = []
    todo = [name for _ in range(rounds) for name in queries]
    random.Random(1).shuffle(todo)
    lock = threading.Lock()

    def client_loop() -> None:
        with httpx.Client(timeout=TIMEOUT_S) as client:
            while True:
                with lock:
                    if not todo:
                        return
                    name = todo.pop()
                took = _ask(client, url, queries[name])
                with lock:
                    results.append(took)

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def ms(seconds: float | None) -> str:
    return "  failed" if seconds is None else f"{seconds * 1000:8.1f}"


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


# -- one size ----------------------------------------------------------------------------------------------------

def run_size(n: int, args, queries: dict[str, str]) -> None:
    workdir = args.workdir / f"sparql-{n}"
    workdir.mkdir(parents=True, exist_ok=True)
    if args.store:  # a build made elsewhere, served as it is (its base IRI, any free port)
        config, store_dir, port = args.config, args.store, free_port()
    else:
        project = prepare(n, workdir, args.port)
        config, store_dir, port = project / "essgraph.toml", project / "var" / "store", args.port
    build = StoreDir(store_dir).require_current()
    n = build.manifest["counts"].get("plans", n)
    rounds = args.rounds if n < 100 else max(1, args.rounds // 2)
    print(f"\n== {n} plan(s), {build.manifest['counts']['triples']:,} quads", flush=True)
    started = time.perf_counter()
    store = load_in_memory(build)
    print(f"  in-memory load of the build in this process: {time.perf_counter() - started:.2f} s", flush=True)
    if args.compare:
        every = sorted(store.query("SELECT ?p WHERE { ?p a <https://w3id.org/essgraph/def#Plan> }", **union_args(store)),
                       key=lambda row: row["p"].value)
        chosen = [every[i * len(every) // args.compare]["p"].value for i in range(args.compare)]
        for folder in args.compare_queries or [ROOT / "queries"]:
            comparison(store, folder, chosen)
    if args.only_compare:
        return
    floor = {} if args.paired else in_process(store, queries, max(3, rounds))
    quads = build.path / "dumps" / "essgraph.nq"  # what the peers load: the same named graphs (not the merge)
    if not args.paired:
        del store
    results: dict[str, dict] = {}
    for name in ["essgraph", *args.peers]:
        if name == "essgraph":
            server = essgraph_server(config, store_dir, port, build.manifest["base_iri"],
                                     workdir / "essgraph-server.log")
            server.startup = until_in_memory(server, port)
        elif name == "oxigraph":
            server = oxigraph_server(args.peer_venv, quads, workdir)
        else:
            server = rdflib_server(args.peer_venv, quads, workdir)
        slow = name == "rdflib" and n >= 100  # one sequential round, no warm-up, no concurrent run
        try:
            print(f"  {name}: ready in {server.startup:.2f} s; measuring...", flush=True)
            if not slow:
                sequential(server.url, queries, 1)  # warm-up round, not counted (caches, connections, workers)
            if args.paired and name == "essgraph":
                seq = paired(server.url, store, queries, rounds, floor)
            else:
                seq = sequential(server.url, queries, 1 if slow else rounds, stop_on_error=slow)
            conc, wall = ([], float("nan")) if slow else concurrent(server.url, queries, rounds, args.clients)
        finally:
            server.stop()
        results[name] = {"seq": seq, "conc": conc, "wall": wall, "startup": server.startup}
        print(f"  {name}: sequential medians (ms): " + ", ".join(
            f"{q} {ms(statistics.median(t) if (t := [x for x in ts if x is not None]) else None).strip()}"
            for q, ts in seq.items()), flush=True)
    report(n, queries, floor, results, args.clients)


def _median(times: list[float | None]) -> float | None:
    ok = [t for t in times if t is not None]
    return statistics.median(ok) if ok else None


def report(n: int, queries: dict[str, str], floor: dict[str, float], results: dict[str, dict], clients: int) -> None:
    names = list(results)
    medians = {s: {q: _median(results[s]["seq"].get(q, [])) for q in queries} for s in names}
    head = f"  {'query':<36}{'in-proc':>9}" + "".join(f"{s:>10}{'ratio':>7}" for s in names)
    print(f"\n  median latency per query, ms (ratio to in-process), {n} plan(s), sequential\n{head}")
    for q in queries:
        line = f"  {q:<36}{ms(floor[q]):>9}"
        for s in names:
            med = medians[s][q]
            shown = ms(med) if results[s]["seq"][q] else " not run"  # after a failure that stopped the run
            line += f"{shown:>10}" + (f"{med / floor[q]:6.2f}x" if med is not None else "      -")
        over = medians["essgraph"][q] is not None and medians["essgraph"][q] > 1.2 * floor[q] + 0.002
        print(line + ("  over 1.2x + 2 ms" if over else ""))  # issue 13's bound for essgraph
    print(f"\n  {'server':<10}{'seq p50':>9}{'seq p95':>9}{f'{clients}c p50':>9}{f'{clients}c p95':>9}"
          f"{'req/s':>8}{'answered':>10}{'startup s':>10}{'vs in-process':>15}")
    for s in names:
        seq = [t for ts in results[s]["seq"].values() for t in ts if t is not None]
        conc = [t for t in results[s]["conc"] if t is not None]
        answered = sum(m is not None for m in medians[s].values())
        ratio = geomean([medians[s][q] / floor[q] for q in queries if medians[s][q] is not None])
        print(f"  {s:<10}{ms(percentile(seq, 50) if seq else None):>9}{ms(percentile(seq, 95) if seq else None):>9}"
              f"{ms(percentile(conc, 50) if conc else None):>9}{ms(percentile(conc, 95) if conc else None):>9}"
              f"{len(conc) / results[s]['wall'] if conc else float('nan'):8.1f}{f'{answered}/{len(queries)}':>10}"
              f"{results[s]['startup']:10.2f}{ratio:14.2f}x")
    for s in names[1:]:
        common = [q for q in queries if medians[s][q] is not None and medians["essgraph"][q] is not None]
        speedup = geomean([medians[s][q] / medians["essgraph"][q] for q in common])
        print(f"  essgraph vs {s}: {speedup:.1f}x faster (geometric mean of the median-latency ratios over the "
              f"{len(common)} queries both answered)")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 1000])
    parser.add_argument("--rounds", type=int, default=5, help="repetitions of each query (halved from 100 plans)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--peers", nargs="*", default=["oxigraph", "rdflib"], choices=["oxigraph", "rdflib"])
    parser.add_argument("--peer-venv", type=Path, default=HERE / "out" / "venv-peers")
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument("--port", type=int, default=18000, help="essgraph's port (the base IRI of the build)")
    parser.add_argument("--store", type=Path, help="serve this store folder, already built (read only), instead of "
                        "building --sizes; give its project file with --config")
    parser.add_argument("--config", type=Path, help="the project file of --store")
    parser.add_argument("--queries", nargs="*", help="only these canned queries (names)")
    parser.add_argument("--paired", action="store_true",
                        help="run each query in-process right before each HTTP request to essgraph (the ratio then "
                        "compares times taken under the same load; keeps the in-memory copy in this process)")
    parser.add_argument("--compare", type=int, default=0, metavar="N",
                        help="also time the queries of a first /compare of N plans in-process")
    parser.add_argument("--compare-queries", type=Path, nargs="*",
                        help="queries folders to time them from (e.g. a checkout of another commit's queries/)")
    parser.add_argument("--only-compare", action="store_true", help="stop after the /compare queries")
    parser.add_argument("--request-timeout", type=float, default=TIMEOUT_S,
                        help="seconds before a request counts as an error")
    args = parser.parse_args()
    globals()["TIMEOUT_S"] = args.request_timeout
    if args.peers and not (args.peer_venv / "bin" / "oxigraph").exists():
        raise SystemExit(f"no peer environment at {args.peer_venv}: see this script's docstring")
    queries = {q.name: q.text for q in load_named_queries(ROOT / "queries").values()
               if not any(p.required for p in q.params) and (not args.queries or q.name in args.queries)}
    print(f"essgraph SPARQL benchmark — {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{len(queries)} canned queries without required parameters, peers: {', '.join(args.peers) or 'none'}")
    for n in [0] if args.store else args.sizes:
        run_size(n, args, queries)


if __name__ == "__main__":
    main()
