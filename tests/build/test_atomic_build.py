"""A failed build never replaces the data being served; a rebuild redoes only what changed."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import Server, run_cli
from essgraph.build.pipeline import Builder
from essgraph.project import load_project
from essgraph.build.builds import StoreDir

BASE = "http://127.0.0.1:8000/"


def current_state(project: Path) -> tuple[str, str]:
    store = StoreDir(project / "var" / "store")
    build = store.current()
    assert build is not None
    return os.readlink(store.current_link), build.manifest["data_version"]


def no_partial_left(project: Path) -> bool:
    return not list((project / "var" / "store" / "builds").glob(".partial-*"))


def test_syntax_error_and_violation_leave_the_previous_build(mini: Path):
    assert run_cli("build", cwd=mini).returncode == 0
    before = current_state(mini)
    plan = mini / "data" / "plan.ttl"
    good = plan.read_text()
    plan.write_text(good + "<x> <y> .\n")
    assert run_cli("build", cwd=mini).returncode == 2
    assert current_state(mini) == before and no_partial_left(mini)
    plan.write_text(good + '<id/plan/mini-2024/action/9> a <https://w3id.org/essgraph/def#Action> .\n')
    result = run_cli("build", cwd=mini)
    assert result.returncode == 1 and "does not conform" in result.stderr
    assert current_state(mini) == before and no_partial_left(mini)


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_crash_or_ctrl_c_during_load_leaves_the_previous_build(mini: Path, monkeypatch, failure):
    project = load_project(mini / "essgraph.toml")
    Builder(project, BASE, mini / "var" / "store").run(write=True)
    before = current_state(mini)
    (mini / "data" / "plan.ttl").write_text((mini / "data" / "plan.ttl").read_text() + "\n# changed\n")

    def explode(self, store, st):
        raise failure

    monkeypatch.setattr(Builder, "_load_dataset", explode)
    with pytest.raises(type(failure)):
        Builder(load_project(mini / "essgraph.toml"), BASE, mini / "var" / "store").run(write=True)
    assert current_state(mini) == before and no_partial_left(mini)


def test_killed_build_leaves_previous_build_and_is_cleaned_next_time(mini: Path):
    assert run_cli("build", cwd=mini).returncode == 0
    before = current_state(mini)
    big = mini / "big.nt"
    with open(big, "w") as out:  # large enough that the build is still running when it is killed
        for i in range(400_000):
            out.write(f'<http://example.org/s{i}> <http://example.org/p> "value {i}" .\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESSGRAPH_")}
    proc = subprocess.Popen([sys.executable, "-m", "essgraph", "build", "big.nt"], cwd=mini, env=env,
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


def test_rebuild_revalidates_and_reloads_only_what_changed(mini: Path):
    second = mini / "data" / "second.ttl"
    second.write_text('<id/plan/other> a <https://w3id.org/essgraph/def#Plan> ; '
                      '<http://purl.org/dc/terms/title> "Other"@fr .\n')
    toml = mini / "essgraph.toml"
    toml.write_text(toml.read_text() + '\n[[dataset]]\nid = "other"\n[[dataset.graph]]\niri = "graph/plan/other"\n'
                    'files = ["data/second.ttl"]\n')
    store = mini / "var" / "store"
    first = Builder(load_project(toml), BASE, store).run(write=True)
    assert first.reused == 0 and first.counts["plans"] == 2
    second.write_text('<id/plan/other> a <https://w3id.org/essgraph/def#Plan> ; '
                      '<http://purl.org/dc/terms/title> "Renamed"@fr .\n')
    again = Builder(load_project(toml), BASE, store).run(write=True)
    assert again.reused == 1                                   # the unchanged plan was not re-validated
    assert again.graph_triples == first.graph_triples          # same shape of data
    titles = run_cli("query", "SELECT ?t { <http://127.0.0.1:8000/id/plan/other> ?p ?t FILTER isLiteral(?t) }",
                     "--format", "csv", cwd=mini).stdout.split()
    assert titles == ["t", "Renamed"]                          # old triples of the changed plan are gone
    manifest = json.loads((StoreDir(store).current().path / "manifest.json").read_text())
    assert {d["id"] for d in manifest["datasets"]} == {"mini-2024", "other"}
