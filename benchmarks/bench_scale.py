"""Scale benchmark: one size of synthetic project (default 10,000 plans) from build to canned queries, and what
breaks first.

    python benchmarks/bench_scale.py --plans 10000 --workdir benchmarks/out/scale-10000 [--peer]

Steps, each in a fresh process, each reported even when an earlier one failed where it can still run:

1. the project is written by ``benchmarks/synthetic.py`` into ``--workdir`` (kept and reused by the next run);
2. ``essgraph build`` from scratch, then a rebuild after one plan changed (wall, CPU of the build and the processes
   it waited for, peak RSS of the largest process, size of the build folder). ``ESSGRAPH_KEEP_BUILDS=1``: at
   10,000 plans a build folder is tens of GB, and the disk must hold two while one is made;
3. with ``--peer``, pyoxigraph alone parsing the same files and loading them into an on-disk store (the peer of
   ``bench_build.py``), for the ratio;
4. ``essgraph serve`` on the build: seconds to the first answer of ``/-/health`` (the on-disk store), to full speed
   (``/-/health`` says the store is the copy in memory) or the server's reason to stay on disk (a copy that would
   not fit in memory), and the memory of the server's processes (PSS: pages shared by the query processes forked
   from one zygote counted once);
5. each canned query of ``queries/`` without required parameters over HTTP, once (``--query-timeout`` each): its
   time, status and answer size.

Nothing here asserts a time: it prints a table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench_build import OXIGRAPH_SCRIPT  # noqa: E402
from bench_sparql import free_port  # noqa: E402
from bench_startup import rss_mib, tree  # noqa: E402
from synthetic import write_project  # noqa: E402

TIMED = (
    "import subprocess,sys,resource,time;t=time.perf_counter();"
    "r=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
    "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
    "print(time.perf_counter()-t, u.ru_maxrss/1024, u.ru_utime+u.ru_stime, r.returncode);"
    "sys.stderr.write(r.stderr[-4000:])"
)


def timed(cmd: list[str], cwd: Path, env: dict) -> dict:
    """Wall seconds, peak MiB, CPU seconds and exit code of ``cmd`` run in a fresh child."""
    proc = subprocess.run([sys.executable, "-c", TIMED, *cmd], cwd=cwd, env=env, capture_output=True, text=True)
    seconds, peak, cpu, code = proc.stdout.split()
    return {"seconds": float(seconds), "peak_mib": float(peak), "cpu": float(cpu), "code": int(code),
            "error": proc.stderr.strip()[-600:] if int(code) else ""}


def folder_gib(path: Path) -> float:
    out = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True).stdout.split()
    return int(out[0]) / 2**30 if out else 0.0


def pss_mib(pid: int) -> float:
    """Proportional set size of a process and its descendants."""
    return float(sum(rss_mib(p, "Pss", "smaps_rollup") for p in tree(pid)))


def serve(project: Path, store: Path, port: int, timeout: float, query_timeout: float) -> dict:
    env = {**os.environ, "ESSGRAPH_CONFIG": str(project / "essgraph.toml"), "ESSGRAPH_STORE": str(store),
           "ESSGRAPH_QUERY_TIMEOUT_S": str(int(query_timeout)), "ESSGRAPH_MAX_RESULT_ROWS": "10000000",
           "ESSGRAPH_LOG_LEVEL": "warning"}
    log = open(project / "serve.log", "w")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "essgraph", "serve", "--port", str(port)], cwd=project, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    out: dict = {}
    health = f"http://127.0.0.1:{port}/-/health"
    try:
        while time.perf_counter() - started < timeout and proc.poll() is None:
            try:
                answer = httpx.get(health, timeout=5)
            except httpx.HTTPError:
                time.sleep(0.05)
                continue
            out.setdefault("first_answer_s", time.perf_counter() - started)
            state = answer.json()
            if state.get("store") == "memory":
                out["full_speed_s"] = time.perf_counter() - started
                break
            if (state.get("next") or {}).get("state") == "on disk only":  # the copy would not fit: stays on disk
                out["on_disk_only"] = state["next"].get("error", "")
                break
            time.sleep(0.1)
        if proc.poll() is not None:
            out["error"] = f"the server exited with {proc.returncode}: see {project / 'serve.log'}"
            return out
        out["pss_mib"] = pss_mib(proc.pid)
        out["queries"] = run_queries(f"http://127.0.0.1:{port}/sparql", query_timeout)
        out["pss_after_queries_mib"] = pss_mib(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    return out


def run_queries(url: str, timeout: float) -> list[dict]:
    from essgraph.sparql.named import load_named_queries

    rows = []
    for q in load_named_queries(ROOT / "queries").values():
        if any(p.required for p in q.params):
            continue
        started = time.perf_counter()
        try:
            answer = httpx.post(url, data={"query": q.text}, timeout=timeout + 30,
                                headers={"Accept": "application/sparql-results+json"})
            status, size = answer.status_code, len(answer.content)
        except httpx.HTTPError as exc:
            status, size = type(exc).__name__, 0
        rows.append({"query": q.name, "seconds": time.perf_counter() - started, "status": status, "bytes": size})
        print(f"    {q.name:<40} {rows[-1]['seconds']:8.2f} s  {status}  {size:,} bytes", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=10000)
    parser.add_argument("--workdir", type=Path, default=HERE / "out" / "scale-10000")
    parser.add_argument("--peer", action="store_true", help="also run pyoxigraph alone loading the same files")
    parser.add_argument("--skip-build", action="store_true", help="serve the build already in --workdir")
    parser.add_argument("--serve-timeout", type=float, default=3600)
    parser.add_argument("--query-timeout", type=float, default=600)
    args = parser.parse_args()
    project, store = args.workdir, args.workdir / "var" / "store"
    if not (project / "essgraph.toml").is_file():
        write_project(project, args.plans)
    env = {**os.environ, "ESSGRAPH_KEEP_BUILDS": "1"}
    essgraph = [sys.executable, "-m", "essgraph"]
    results: dict = {"plans": args.plans, "cores": os.cpu_count()}
    print(f"essgraph at scale — {args.plans} plans, {os.cpu_count()} cores", flush=True)
    if not args.skip_build:
        shutil.rmtree(store, ignore_errors=True)
        for name in ("build", "rebuild-1"):
            if name == "rebuild-1":
                plan = project / "plans" / "synth-0000.ttl"
                text = plan.read_text(encoding="utf-8")
                plan.write_text(text.replace("Plan ESS", "Plan ESS (modifié)", 1), encoding="utf-8")
            results[name] = timed(essgraph + ["build", "--no-progress"], project, env)
            results[name]["store_gib"] = folder_gib(store)
            results[name]["load"] = os.getloadavg()[0]
            print(f"  {name}: {json.dumps(results[name])}", flush=True)
            if results[name]["code"]:
                break
    if args.peer:
        peer_store = project / "oxigraph-only"
        shutil.rmtree(peer_store, ignore_errors=True)
        results["peer"] = timed([sys.executable, "-c", OXIGRAPH_SCRIPT, str(project / "essgraph.toml"),
                                 str(peer_store)], project, env)
        shutil.rmtree(peer_store, ignore_errors=True)
        print(f"  peer oxigraph load: {json.dumps(results['peer'])}", flush=True)
    if (store / "current").exists():
        print("  serve:", flush=True)
        results["serve"] = serve(project, store, free_port(), args.serve_timeout, args.query_timeout)
        print(f"  serve: { {k: v for k, v in results['serve'].items() if k != 'queries'} }", flush=True)
    (project / "bench-scale.json").write_text(json.dumps(results, indent=1))
    print(f"  results in {project / 'bench-scale.json'}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
