"""Load benchmark: a real ``essgraph serve`` of the Saint-Maur project under mixed traffic from 10 and 50
concurrent clients, against a static-file server on the same stack serving the very same bytes, in the same run.

    python benchmarks/bench_load.py [--clients 10 50] [--seconds 10] [--configs cached uncached workers2 static]

The repository's own project is built once into ``benchmarks/out/load/`` (reused by the next run). The traffic is
a fixed list of requests, drawn once with a fixed seed and shared by every server:

* 40 % pages (HTML) of the plan, its axes, actions and organisations, 25 % their Turtle description (``Accept:
  text/turtle``), 10 % JSON-LD (``?format=jsonld``), 10 % the catalog (Turtle, JSON-LD, by ``Accept`` and by
  extension), 10 % VoID, 5 % a cheap SPARQL query (GET, SPARQL JSON), which runs in a query process every time.

Servers (each started, warmed by one pass over every distinct request, then loaded):

* **cached**: ``essgraph serve`` as shipped (answers kept per build, ``essgraph.web.cache``);
* **uncached**: the same with ``ESSGRAPH_RESPONSE_CACHE_MIB=0``: every answer rendered per request;
* **workers2**: the cached server with ``--workers 2`` (two uvicorn processes, each with its own copy of the build);
* **static**: uvicorn + Starlette ``StaticFiles`` serving, one file per distinct request, the exact bytes essgraph
  answered (SPARQL answers included): the floor of this HTTP stack.

The clients are asyncio connections kept alive (HTTP/1.1), each with its own source address (127.0.0.2...: the
query admission counts per address, as it would count distinct users), in this process; they send one request,
read the whole answer, and send the next, for ``--seconds``. A request counts as an error unless its status is 200
and its body has the length announced. The machine's load average is printed with the figures: the clients, the
server and whatever else runs share its cores. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_live import percentile  # noqa: E402
from bench_sparql import Server, free_port  # noqa: E402

BASE = "http://127.0.0.1:8000/"
ASK = "ASK { ?s a <https://w3id.org/essgraph/def#Plan> }"
STATIC_APP = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
app = Starlette(routes=[Mount("/", StaticFiles(directory=sys.argv[1]))])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def build(workdir: Path) -> Path:
    store = workdir / "store"
    if not (store / "current").is_symlink():
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "essgraph", "build", "--no-progress", "--base-iri", BASE, "--store",
                        str(store)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"built the Saint-Maur project in {time.perf_counter() - started:.1f} s", flush=True)
    return store


class Proc(Server):
    """A server process on ``port``, ready once ``ready`` (a path) answers 200 (``stop`` as for bench_sparql's)."""

    def __init__(self, cmd: list[str], port: int, ready: str, log: Path, env: dict | None = None):
        self.port, self.base = port, f"http://127.0.0.1:{port}"
        self.log = open(log, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 600
        while not self._answers(ready):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"{cmd[1:3]} did not start; see {log}")
            time.sleep(0.1)

    def _answers(self, path: str) -> bool:
        try:
            return httpx.get(self.base + path, timeout=30).status_code == 200
        except httpx.HTTPError:
            return False


def essgraph(store: Path, workdir: Path, env: dict[str, str], workers: int = 1) -> Proc:
    """``essgraph serve``, ready once it answers /-/ready (its build in memory, its query workers up)."""
    port = free_port()
    env = {"ESSGRAPH_BASE_IRI": BASE, "ESSGRAPH_LOG_LEVEL": "warning", "ESSGRAPH_STORE": str(store),
           "ESSGRAPH_CONFIG": str(ROOT / "essgraph.toml"), **env}
    server = Proc([sys.executable, "-m", "essgraph", "serve", "--port", str(port), "--workers", str(workers)], port,
                  "/-/ready", workdir / f"serve-{port}.log", env)
    deadline = time.monotonic() + 600
    while httpx.get(server.base + "/-/health", timeout=30).json()["store"] != "memory":
        if time.monotonic() > deadline:
            raise SystemExit("the server did not load its build in memory within 600 s")
        time.sleep(0.1)
    return server


def static(folder: Path, workdir: Path) -> Proc:
    """uvicorn + Starlette StaticFiles over ``folder``."""
    port = free_port()
    (workdir / "static_app.py").write_text(STATIC_APP, encoding="utf-8")
    return Proc([sys.executable, str(workdir / "static_app.py"), str(folder), str(port)], port, "/0.bin",
                workdir / f"static-{port}.log")


# -- the traffic ---------------------------------------------------------------------------------------------------

def distinct_requests(base: str) -> list[tuple[str, str]]:
    """(path, Accept) of every distinct request of the mix, by kind; read from a running essgraph server."""
    query = ("SELECT DISTINCT ?r WHERE { { ?r a <https://w3id.org/essgraph/def#Plan> } UNION "
             "{ ?r a <https://w3id.org/essgraph/def#Axis> } UNION { ?r a <https://w3id.org/essgraph/def#Action> } "
             "UNION { ?r a <http://www.w3.org/ns/org#Organization> } }")
    answer = httpx.get(base + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                       timeout=60).json()
    pages = sorted("/" + b["r"]["value"].removeprefix(BASE) for b in answer["results"]["bindings"]
                   if b["r"]["value"].startswith(BASE))
    return pages


def mix(pages: list[str], count: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """``count`` requests (kind, path, Accept) drawn with a fixed seed."""
    rng = random.Random(seed)
    catalog = [("/catalog", "text/turtle"), ("/catalog.jsonld", "*/*"), ("/catalog", "application/ld+json"),
               ("/catalog.ttl", "*/*")]
    kinds = [("page", 40), ("turtle", 25), ("jsonld", 10), ("catalog", 10), ("void", 10), ("sparql", 5)]
    names = [k for k, weight in kinds for _ in range(weight)]
    out = []
    for _ in range(count):
        kind = rng.choice(names)
        if kind == "page":
            out.append((kind, rng.choice(pages), "text/html"))
        elif kind == "turtle":
            out.append((kind, rng.choice(pages), "text/turtle"))
        elif kind == "jsonld":
            out.append((kind, rng.choice(pages) + "?format=jsonld", "*/*"))
        elif kind == "catalog":
            out.append((kind, *rng.choice(catalog)))
        elif kind == "void":
            out.append((kind, "/.well-known/void", "text/turtle"))
        else:
            out.append((kind, "/sparql?query=" + quote(ASK), "application/sparql-results+json"))
    return out


def snapshot(base: str, requests: list[tuple[str, str, str]], folder: Path) -> dict[tuple[str, str], str]:
    """Save essgraph's answer to each distinct request as a file (the static server's content); returns the file
    name of each (path, Accept)."""
    folder.mkdir(parents=True, exist_ok=True)
    names: dict[tuple[str, str], str] = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for _, path, accept in requests:
            if (path, accept) in names:
                continue
            r = client.get(path, headers={"Accept": accept})
            r.raise_for_status()
            name = f"{len(names)}.bin"
            (folder / name).write_bytes(r.content)
            names[(path, accept)] = name
    return names


# -- the clients ---------------------------------------------------------------------------------------------------

async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Status of one HTTP/1.1 answer and whether its body came whole (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
        return status, True
    if headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                return status, True
    return status, False


async def _client(port: int, address: str, requests: list[bytes], offset: int, until: float, out: list) -> None:
    """Send ``requests`` in turn from ``offset`` until ``until``; ``out`` gets (index, status, seconds) of each."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(address, 0))
    i = offset
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(requests[i % len(requests)])
            try:
                status, whole = await _read_answer(reader)
            except (asyncio.IncompleteReadError, ConnectionError, ValueError):
                out.append((i % len(requests), 0, time.perf_counter() - started))
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(address, 0))
                i += 1
                continue
            out.append((i % len(requests), status if whole else -1, time.perf_counter() - started))
            i += 1
    finally:
        writer.close()


async def warm(port: int, requests: list[bytes]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for request in requests:
        writer.write(request)
        status, _ = await _read_answer(reader)
        if status != 200:
            raise SystemExit(f"warm-up: {request.split(b' ')[1]!r} answered {status}")
    writer.close()


def load(port: int, requests: list[bytes], kinds: list[str], clients: int, seconds: float) -> dict:
    out: list[tuple[int, int, float]] = []

    async def run() -> float:
        until = time.perf_counter() + seconds
        began = time.perf_counter()
        await asyncio.gather(*(_client(port, f"127.0.{1 + c // 200}.{2 + c % 200}", requests,
                                       c * len(requests) // clients, until, out) for c in range(clients)))
        return time.perf_counter() - began

    elapsed = asyncio.run(run())
    times = [t for _, _, t in out]
    by_kind = {k: [t for i, _, t in out if kinds[i] == k] for k in dict.fromkeys(kinds)}
    return {"requests": len(out), "req/s": len(out) / elapsed, "p50 ms": 1000 * percentile(times, 0.5),
            "p99 ms": 1000 * percentile(times, 0.99), "errors": sum(1 for _, s, _ in out if s != 200),
            "load": os.getloadavg()[0],
            **{f"p99 {k} ms": 1000 * percentile(t, 0.99) for k, t in by_kind.items()}}


def wire(requests: list[tuple[str, str, str]], port: int, files: dict | None) -> list[bytes]:
    """The requests as bytes on the wire (for the static server: the file holding the same answer)."""
    out = []
    for _, path, accept in requests:
        target = "/" + files[(path, accept)] if files is not None else path
        out.append(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n\r\n".encode())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--configs", nargs="+", default=["cached", "uncached", "workers2", "static"])
    parser.add_argument("--workdir", type=Path, default=HERE / "out" / "load")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    store = build(args.workdir)
    first = essgraph(store, args.workdir, {})
    try:
        pages = distinct_requests(first.base)
        requests = mix(pages, 5000)
        files = snapshot(first.base, requests, args.workdir / "static")
    finally:
        first.stop()
    kinds = {k: sum(1 for r in requests if r[0] == k) for k, *_ in requests}
    print(f"{len(pages)} resources, {len(files)} distinct requests; mix of {len(requests)}: {kinds}", flush=True)
    results: dict[str, dict[int, dict]] = {}
    for config in args.configs:
        if config == "static":
            server = static(args.workdir / "static", args.workdir)
        else:
            env = {"ESSGRAPH_RESPONSE_CACHE_MIB": "0"} if config == "uncached" else {}
            server = essgraph(store, args.workdir, env, workers=2 if config == "workers2" else 1)
        try:
            port = server.port
            on_wire = wire(requests, port, files if config == "static" else None)
            asyncio.run(warm(port, list(dict.fromkeys(on_wire))))  # every distinct request once, not counted
            for clients in args.clients:
                results.setdefault(config, {})[clients] = figures = load(port, on_wire, [r[0] for r in requests],
                                                                         clients, args.seconds)
                print(f"{config:>9} {clients:>3} clients: " + ", ".join(
                    f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()), flush=True)
        finally:
            server.stop()
    print(f"\n{'server':>9} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'load':>5} "
          f"{'vs static':>9}  p99 by kind (ms)")
    for config, by_clients in results.items():
        for clients, f in by_clients.items():
            floor = results.get("static", {}).get(clients)
            ratio = f"{f['req/s'] / floor['req/s']:.2f}x" if floor else "-"
            print(f"{config:>9} {clients:>7} {f['req/s']:>8.0f} {f['p50 ms']:>8.1f} {f['p99 ms']:>8.1f} "
                  f"{f['errors']:>7} {f['load']:>5.1f} {ratio:>9}  "
                  + " ".join(f"{k[4:-3]} {v:.0f}" for k, v in f.items() if k.startswith("p99 ") and k != "p99 ms"))


if __name__ == "__main__":
    main()
