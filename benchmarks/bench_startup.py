"""Start-up benchmark: how soon a real ``essgraph serve`` answers, and how soon it serves from its copy in memory.

    python benchmarks/bench_startup.py --store STORE --config PROJECT.toml [--rounds 2]
    python benchmarks/bench_startup.py --plans 200          # builds benchmarks/out/startup-200/ once

For each round a fresh ``essgraph serve`` process is started on the build (nothing is rebuilt or written into it,
except a lease file while it is served) and polled every 10 ms:

* first 200 on ``/-/health`` and on ``/`` (the home page) — served from the on-disk store;
* first 200 on ``/-/ready`` (query workers up, on the on-disk store);
* the time until health says ``"store": "memory"`` (the copy in memory loaded, its default graph merged, its query
  workers forked and swapped in): full speed;
* the server's memory once in memory: RSS of the server process, and PSS of its whole process tree (the query
  processes are forked from it and share its pages; PSS counts a shared page once).

Peer, in the same run, each in a fresh process: pyoxigraph alone loading the build's N-Quads dump
(``dumps/essgraph.nq``) into an in-memory ``Store`` — ``bulk_load`` from the file, and parse + ``bulk_extend`` (the
way the server reads it). The ratio printed is the server's time to full speed over the fastest peer. Nothing here
asserts a time.

``--merges R`` then times, in the benchmark's process, the merged default graph made from the same loaded copy the
way the server does (``merge_default_graph``: ``ADD <graph> TO DEFAULT`` inside pyoxigraph) and the way it did
before (every quad read out as a Python object and ``bulk_extend``-ed back), alternately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_sparql import free_port  # noqa: E402

from essgraph.build.builds import StoreDir  # noqa: E402
from essgraph.errors import EssgraphError  # noqa: E402

PEER = """
import sys, time, pyoxigraph as ox
path, how = sys.argv[1], sys.argv[2]
started = time.perf_counter()
store = ox.Store()
if how == "bulk_load":
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
else:
    store.bulk_extend(ox.parse(path=path, format=ox.RdfFormat.N_QUADS))
took = time.perf_counter() - started
print(took, len(store), int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024)
"""


def rss_mib(pid: int, field: str = "VmRSS", where: str = "status") -> int:
    try:
        with open(f"/proc/{pid}/{where}") as status:
            return int(status.read().split(field + ":")[1].split()[0]) // 1024
    except (OSError, IndexError):
        return 0


def tree(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [p for child in out for p in tree(int(child))]


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def serve_once(store: Path, config: Path, base_iri: str, log: Path) -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ESSGRAPH_BASE_IRI": base_iri, "ESSGRAPH_LOG_LEVEL": "info"}
    cmd = [
        sys.executable,
        "-m",
        "essgraph",
        "serve",
        "--config",
        str(config),
        "--store",
        str(store),
        "--port",
        str(port),
    ]
    seen: dict[str, float] = {}
    with open(log, "w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            with httpx.Client(timeout=30) as client:
                while not {"health", "home", "ready", "memory"} <= seen.keys():
                    if proc.poll() is not None:
                        raise SystemExit(f"essgraph serve exited with {proc.returncode}; see {log}")
                    if time.perf_counter() - started > 1800:
                        raise SystemExit(f"not in memory after 1800 s; see {log}")
                    for name, path in (("health", "/-/health"), ("home", "/"), ("ready", "/-/ready")):
                        if name in seen:
                            continue
                        try:
                            if client.get(url + path).status_code == 200:
                                seen[name] = time.perf_counter() - started
                        except httpx.HTTPError:
                            pass
                    if "health" in seen:
                        try:
                            if client.get(url + "/-/health").json().get("store") == "memory":
                                seen["memory"] = time.perf_counter() - started
                        except (httpx.HTTPError, ValueError):
                            pass
                    time.sleep(0.01 if len(seen) < 3 else 0.1)  # then as a load balancer would poll
            time.sleep(1)  # let the replaced on-disk workers go
            seen["rss"] = rss_mib(proc.pid)
            seen["pss_tree"] = sum(rss_mib(p, "Pss", "smaps_rollup") for p in tree(proc.pid))
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return seen


def peer(nquads: Path, how: str) -> tuple[float, int, int]:
    out = subprocess.run([sys.executable, "-c", PEER, str(nquads), how], capture_output=True, text=True, check=True)
    took, quads, rss = out.stdout.split()
    return float(took), int(quads), int(rss)


def merges(store: Path, rounds: int) -> None:
    """The merged default graph made two ways from the same loaded copy, alternately (in this process): quads read
    out as Python objects and ``bulk_extend``-ed back (essgraph until 2026-12-07) and ``merge_default_graph``."""
    import pyoxigraph as ox

    from essgraph.web import published

    def through_python(copy: ox.Store) -> None:
        for graph in list(copy.named_graphs()):
            copy.bulk_extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                for q in copy.quads_for_pattern(None, None, None, graph)
            )

    build = StoreDir(store).require_current()
    for _ in range(rounds):
        for name, merge in (
            ("quads through Python", through_python),
            ("merge_default_graph", published.merge_default_graph),
        ):
            copy = published._load(build)
            wall, cpu = time.perf_counter(), time.process_time()
            merge(copy)
            print(
                f"  merge, {name}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU "
                f"({len(copy):,} quads then); load {load_average()}",
                flush=True,
            )
            del copy


def prepare(plans: int, workdir: Path) -> tuple[Path, Path]:
    from synthetic import write_project

    project = workdir / f"startup-{plans}"
    if not (project / "var" / "store" / "current").is_symlink():
        write_project(project, plans, shapes=False)
        subprocess.run(
            [sys.executable, "-m", "essgraph", "build", "--no-progress"],
            cwd=project,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return project / "var" / "store", project / "essgraph.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="a store folder already built (read, never rebuilt)")
    parser.add_argument("--config", type=Path, help="its project file")
    parser.add_argument("--plans", type=int, default=200, help="without --store: build N synthetic plans once")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument(
        "--merges",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="then time the merged default graph made two ways, ROUNDS times each (in this process)",
    )
    args = parser.parse_args()
    store, config = (args.store, args.config) if args.store else prepare(args.plans, args.workdir)
    try:
        build = StoreDir(store).require_current()
    except EssgraphError as exc:
        raise SystemExit(f"no build to serve in {store}: {exc}") from None
    current, manifest = build.path, build.manifest
    nquads = current / "dumps" / "essgraph.nq"
    print(
        f"essgraph start-up benchmark — {os.cpu_count()} cores, build {current.name}, "
        f"{manifest['counts']['triples']:,} quads, {manifest['counts'].get('plans')} plans; load {load_average()}"
    )
    args.workdir.mkdir(parents=True, exist_ok=True)
    runs = []
    for i in range(args.rounds):
        seen = serve_once(store, config, manifest["base_iri"], args.workdir / f"startup-serve-{i}.log")
        runs.append(seen)
        print(
            f"  serve #{i + 1}: /-/health {seen['health']:.2f} s, / {seen['home']:.2f} s, /-/ready "
            f"{seen['ready']:.2f} s, in memory {seen['memory']:.2f} s; RSS {seen['rss']:,} MiB (PSS of the process tree, "
            f"query processes included: {seen['pss_tree']:,} MiB); load {load_average()}",
            flush=True,
        )
    peers = {}
    for how in ("bulk_load", "parse+bulk_extend"):
        took, quads, rss = peer(nquads, how)
        peers[how] = took
        print(
            f"  pyoxigraph alone, {how} of {nquads.name} ({quads:,} quads): {took:.2f} s, RSS {rss:,} MiB; "
            f"load {load_average()}",
            flush=True,
        )
    best = min(peers.values())
    median = {k: statistics.median(r[k] for r in runs) for k in ("health", "home", "ready", "memory", "rss")}
    print(
        f"\n  median of {len(runs)}: first answer (/-/health) {median['health']:.2f} s, home page "
        f"{median['home']:.2f} s, ready {median['ready']:.2f} s, full speed (in memory) {median['memory']:.2f} s "
        f"= {median['memory'] / best:.2f}x pyoxigraph alone loading the same N-Quads ({best:.2f} s); "
        f"RSS {median['rss']:,.0f} MiB"
    )
    if args.merges:
        merges(store, args.merges)


if __name__ == "__main__":
    main()
