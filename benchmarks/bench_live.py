"""Live publishing benchmark: start-up, a build going live, and fair admission under hostile and ordinary load.

    python benchmarks/bench_live.py [--plans 1000] [--seconds 30] [--workers 4] [--only startup swap runaways mixed]

On a project of ``--plans`` synthetic plans (benchmarks/synthetic.py, built once into benchmarks/out/live-N/):

* **startup**: ``essgraph serve`` from process start to its first SPARQL answer (it answers from the on-disk store
  while the copy in memory loads), and to serving from memory; the peer is the copy itself (what a server that
  loads before answering would wait for: the time to ``serving from memory``).
* **swap**: ``essgraph build`` while the server runs; time from the end of the build (``current`` swapped) until
  health shows the new data version, then until it is served from memory.
* **runaways**: 4 clients loop a runaway query (10^9 solutions: stopped at the time limit) while a fifth loops a
  cheap query; the cheap client's latency and refusals.
* **mixed**: 50 clients of ordinary traffic (cheap SPARQL, canned queries, pages, catalog, health) for
  ``--seconds``; refusals (503/429) and server errors (5xx).

The scenarios run twice, against two configurations of the same server, measured in the same run:

* **fair**: the defaults (queue wait 5 s, 2 queries per client, a quarter of the workers kept for fast queries);
* **refuse-at-once** (the behaviour before fair admission): no queue (``max_queued_queries=0``), any query on any
  worker (``fast_query_s=60``, longer than the time limit: nothing is ever slow), so a query that finds every worker busy gets 503 at once.

Every client has its own source address (127.0.0.2, 127.0.0.3, ...), as distinct users would. Nothing here asserts
a time: the script prints the figures and the ratios.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import write_project  # noqa: E402
from bench_sparql import Server, free_port  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = ["ASK { ?s a <https://w3id.org/essgraph/def#Plan> }",
         "SELECT ?p WHERE { ?p a <https://w3id.org/essgraph/def#Plan> } LIMIT 5",
         "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/essgraph/def#Action> }",
         "SELECT ?t WHERE { ?a <http://purl.org/dc/terms/title> ?t } LIMIT 20"]
CONFIGS = {
    "fair": {},
    "refuse-at-once": {"ESSGRAPH_MAX_QUEUED_QUERIES": "0", "ESSGRAPH_QUERY_QUEUE_WAIT_S": "0",
                       "ESSGRAPH_FAST_QUERY_S": "60", "ESSGRAPH_MAX_QUERIES_PER_CLIENT": "256"},
}


def prepare(n: int, workdir: Path) -> Path:
    project = workdir / f"live-{n}"
    if not (project / "var" / "store" / "current").is_symlink():
        write_project(project, n, shapes=False)
        (project / "queries").symlink_to(HERE.parent / "queries")  # the canned queries, for /queries/plans
        started = time.perf_counter()
        build(project)
        print(f"built {n} plans in {time.perf_counter() - started:.1f} s", flush=True)
    return project


BASE = "http://127.0.0.1:8000/"


def build(project: Path) -> None:
    subprocess.run([sys.executable, "-m", "essgraph", "build", "--no-progress", "--base-iri", BASE], cwd=project,
                   check=True, stdout=subprocess.DEVNULL)


class Serve(Server):
    """``essgraph serve`` on the benchmark's project; ``startup`` is the time to its first SPARQL answer."""

    def __init__(self, project: Path, workers: int, timeout_s: float, extra: dict[str, str]):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.began = time.perf_counter()
        env = {"ESSGRAPH_BASE_IRI": BASE, "ESSGRAPH_LOG_LEVEL": "warning", "ESSGRAPH_CONFIG": str(project /
               "essgraph.toml"), "ESSGRAPH_STORE": str(project / "var" / "store"),
               "ESSGRAPH_MAX_CONCURRENT_QUERIES": str(workers), "ESSGRAPH_QUERY_TIMEOUT_S": str(timeout_s),
               "ESSGRAPH_MAX_RESULT_ROWS": "100000000", **extra}
        super().__init__("essgraph", [sys.executable, "-m", "essgraph", "serve", "--port", str(port)],
                         self.url + "/sparql", project / f"serve-{port}.log", env)
        self.url = f"http://127.0.0.1:{port}"

    def until(self, check, timeout: float = 1800) -> float:
        """Seconds from the process start until ``check(self)`` is true."""
        while not check(self):
            if self.proc.poll() is not None or time.perf_counter() - self.began > timeout:
                raise SystemExit(f"the server exited or timed out; see {self.log.name}")
            time.sleep(0.02)
        return time.perf_counter() - self.began

    def health(self) -> dict:
        return httpx.get(self.url + "/-/health", timeout=10).json()


def in_memory(server: Serve) -> bool:
    return server.health()["store"] == "memory"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- scenarios ---------------------------------------------------------------------------------------------------

def startup_in_process(project: Path, workers: int) -> tuple[float, float]:
    """Imports aside: seconds from ``create_app`` to the first SPARQL answer (on disk), and to serving from memory."""
    import asyncio

    from essgraph.app import create_app
    from essgraph.settings import Settings

    async def measure() -> tuple[float, float]:
        settings = Settings(config=project / "essgraph.toml", store=project / "var" / "store", base_iri=BASE,
                            max_concurrent_queries=workers, log_level="warning")
        started = time.perf_counter()
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app, client=("127.0.0.1", 1))
            async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
                r = await client.post("/sparql", data={"query": CHEAP[0]})
                assert r.status_code == 200, r.text
                first = time.perf_counter() - started
                while app.state.live.current.mode != "memory":
                    await asyncio.sleep(0.02)
                return first, time.perf_counter() - started

    return asyncio.run(measure())


def startup_and_swap(project: Path, workers: int, only: set[str]) -> None:
    server = Serve(project, workers, 10, {})
    try:
        first = server.startup
        memory = server.until(in_memory)
        if "startup" in only:
            print(f"startup (process): first SPARQL answer {first:.2f} s (from the on-disk store); from memory "
                  f"{memory:.2f} s (a server that loads first answers after that: {memory / first:.1f}x later)")
        if "swap" in only:
            before = server.health()["data_version"]
            plan = next((project / "plans").glob("*.ttl"))
            plan.write_text(plan.read_text(encoding="utf-8") + "\n# changed\n<http://example.org/changed> "
                            "<http://example.org/at> \"%f\" .\n" % time.time(), encoding="utf-8")
            build(project)
            built = time.perf_counter()
            while server.health()["data_version"] == before:
                time.sleep(0.02)
            noticed = time.perf_counter() - built
            while not in_memory(server):
                time.sleep(0.05)
            print(f"swap: new data version served {noticed:.2f} s after the build ended; from memory after "
                  f"{time.perf_counter() - built:.2f} s; the server answered throughout")
    finally:
        server.stop()


def _run_for(threads: list[threading.Thread], stop: threading.Event, seconds: float) -> None:
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(300)


def _client(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=120)


def _sparql_loop(url: str, address: str, queries: list[str], stop: threading.Event, out: list) -> None:
    rng = random.Random(address)
    with _client(address) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status = client.post(url + "/sparql", data={"query": rng.choice(queries)}).status_code
            except httpx.HTTPError:
                status = 0
            out.append((status, time.perf_counter() - started))


def runaways(server: Serve, seconds: float) -> dict:
    stop, hostile, cheap = threading.Event(), [], []
    threads = [threading.Thread(target=_sparql_loop, args=(server.url, f"127.0.0.{2 + i}", [RUNAWAY], stop, hostile))
               for i in range(4)]
    threads.append(threading.Thread(target=_sparql_loop, args=(server.url, "127.0.0.9", CHEAP, stop, cheap)))
    _run_for(threads, stop, seconds)
    times = [t for s, t in cheap if s == 200]
    return {"cheap requests": len(cheap), "cheap answered %": 100 * len(times) / max(1, len(cheap)),
            "cheap p50 s": percentile(times, 0.5), "cheap p95 s": percentile(times, 0.95),
            "cheap max s": max(times, default=float("nan")),
            "runaways stopped at the time limit": sum(1 for s, _ in hostile if s == 504),
            "runaways refused": sum(1 for s, _ in hostile if s in (429, 503))}


def _mixed_loop(server: Serve, address: str, pages: list[str], stop: threading.Event, out: list) -> None:
    rng = random.Random(address)
    with _client(address) as client:
        while not stop.is_set():
            roll = rng.random()
            started = time.perf_counter()
            try:
                if roll < 0.5:
                    kind, r = "sparql", client.post(server.url + "/sparql", data={"query": rng.choice(CHEAP)})
                elif roll < 0.65:
                    kind, r = "canned", client.get(server.url + "/queries/plans", params={"format": "json"})
                elif roll < 0.9:
                    kind, r = "page", client.get(server.url + rng.choice(pages))
                else:
                    kind, r = "catalog", client.get(server.url + rng.choice(["/catalog", "/-/health"]))
                status = r.status_code
            except httpx.HTTPError:
                kind, status = "error", 0
            out.append((kind, status, time.perf_counter() - started))
            time.sleep(rng.uniform(0, 0.2))  # a person or a harvester, not a flood


def mixed(server: Serve, seconds: float, clients: int) -> dict:
    listing = httpx.post(server.url + "/sparql", data={"query": "SELECT ?p WHERE { ?p a "
                                                       "<https://w3id.org/essgraph/def#Plan> } LIMIT 50"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=60).json()
    pages = ["/" + b["p"]["value"].removeprefix(BASE) for b in listing["results"]["bindings"]] or ["/"]
    stop, seen = threading.Event(), []
    threads = [threading.Thread(target=_mixed_loop, args=(server, f"127.0.{1 + i // 200}.{2 + i % 200}", pages,
                                                          stop, seen)) for i in range(clients)]
    _run_for(threads, stop, seconds)
    total = max(1, len(seen))
    times = [t for _, s, t in seen if s == 200]
    return {"requests": len(seen), "refused (503/429) %": 100 * sum(s in (503, 429) for _, s, _ in seen) / total,
            "5xx %": 100 * sum(s >= 500 and s != 503 for _, s, _ in seen) / total,
            "failed connections": sum(s == 0 for _, s, _ in seen),
            "p50 s": percentile(times, 0.5), "p95 s": percentile(times, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=10, help="query time limit of the servers, seconds")
    parser.add_argument("--only", nargs="*", default=["startup", "swap", "runaways", "mixed"])
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    args = parser.parse_args()
    project = prepare(args.plans, args.workdir)
    only = set(args.only)
    if "startup" in only:
        first, memory = startup_in_process(project, args.workers)
        print(f"startup (in-process, imports done): first SPARQL answer {first:.2f} s (from the on-disk store); "
              f"from memory {memory:.2f} s ({memory / first:.1f}x later)")
    if only & {"startup", "swap"}:
        startup_and_swap(project, args.workers, only)
    results: dict[str, dict[str, dict]] = {}
    for name, extra in CONFIGS.items():
        if not only & {"runaways", "mixed"}:
            break
        server = Serve(project, args.workers, args.timeout, extra)
        try:
            server.until(in_memory)
            if "runaways" in only:
                results.setdefault("runaways", {})[name] = runaways(server, args.seconds)
            if "mixed" in only:
                results.setdefault("mixed", {})[name] = mixed(server, args.seconds, 50)
        finally:
            server.stop()
    for scenario, by_config in results.items():
        print(f"\n{scenario} ({args.plans} plans, {args.workers} workers, {args.seconds:g} s, time limit "
              f"{args.timeout:g} s)")
        keys = list(next(iter(by_config.values())))
        print(f"  {'':38}" + "".join(f"{name:>16}" for name in by_config))
        for key in keys:
            print(f"  {key:38}" + "".join(f"{by_config[name][key]:>16.3f}" if isinstance(by_config[name][key], float)
                                          else f"{by_config[name][key]:>16}" for name in by_config))
        fair, other = by_config.get("fair"), by_config.get("refuse-at-once")
        if fair and other and scenario == "runaways" and fair["cheap p95 s"] > 0:
            print(f"  cheap p95: refuse-at-once / fair = {other['cheap p95 s'] / fair['cheap p95 s']:.1f}x; "
                  f"cheap answered {fair['cheap answered %']:.1f} % vs {other['cheap answered %']:.1f} %")


if __name__ == "__main__":
    main()
