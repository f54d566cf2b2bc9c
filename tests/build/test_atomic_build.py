"""A failed build never replaces the data being served; a rebuild redoes only what changed.
(A build killed mid-way, and a failed build while a server runs: tests/process/test_build_interrupted.py.)"""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from essgraph.build import load
from essgraph.build.pipeline import Builder
from essgraph.project import load_project
from essgraph.build.builds import StoreDir
from support.processes import run_cli
from support.projects import current_state, no_partial_left

BASE = "http://127.0.0.1:8000/"


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

    def explode(store, st, base_iri):
        raise failure

    monkeypatch.setattr(load, "load_dataset", explode)
    with pytest.raises(type(failure)):
        Builder(load_project(mini / "essgraph.toml"), BASE, mini / "var" / "store").run(write=True)
    assert current_state(mini) == before and no_partial_left(mini)


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
