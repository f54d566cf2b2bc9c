"""A build killed mid-way, and a build that fails while a real server runs: the data being served stays, and the
next build cleans what the killed one left."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from support.processes import Server, clean_env, run_cli
from support.projects import current_state, no_partial_left


def test_killed_build_leaves_previous_build_and_is_cleaned_next_time(mini: Path):
    assert run_cli("build", cwd=mini).returncode == 0
    before = current_state(mini)
    big = mini / "big.nt"
    with open(big, "w") as out:  # large enough that the build is still running when it is killed
        for i in range(400_000):
            out.write(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n')
    proc = subprocess.Popen([sys.executable, "-m", "essgraph", "build", "big.nt"], cwd=mini, env=clean_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    builds = mini / "var" / "store" / "builds"
    deadline = time.monotonic() + 60
    while not list(builds.glob(".partial-*")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    assert current_state(mini) == before                      # still the old build
    assert run_cli("query", "ASK { ?s ?p ?o }", cwd=mini).stdout.strip() == "true"   # and still usable
    assert run_cli("build", cwd=mini).returncode == 0        # the next build cleans the leftover
    assert no_partial_left(mini)


def test_failed_build_while_serving_keeps_the_server_answering(mini: Path):
    assert run_cli("build", "--base-iri", "http://127.0.0.1:1/", cwd=mini).returncode == 0
    server = None
    try:
        server = Server(mini, env={"ESSGRAPH_BASE_IRI": "http://127.0.0.1:1/"})
        version = httpx.get(server.url + "/-/health").json()["data_version"]
        (mini / "data" / "plan.ttl").write_text("this is not turtle")
        result = run_cli("build", "--base-iri", "http://127.0.0.1:1/", cwd=mini)
        assert result.returncode == 2
        health = httpx.get(server.url + "/-/health")
        assert health.status_code == 200 and health.json()["data_version"] == version
    finally:
        if server:
            server.close()
