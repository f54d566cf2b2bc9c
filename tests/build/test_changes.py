"""A build knows what changed since the previous one (essgraph.build.changes): the datasets it must redo, and
whether the previous build's work may be reused at all (same base IRI, same essgraph version)."""

from __future__ import annotations

from pathlib import Path

from essgraph.build.pipeline import Builder
from essgraph.project import load_project

BASE = "http://127.0.0.1:8000/"
CONTEXT = """
[[dataset]]
id = "labels"
kind = "reference"
[[dataset.graph]]
iri = "graph/labels"
files = ["data/labels.ttl"]
"""


def build(project: Path, base: str = BASE):
    return Builder(load_project(project / "essgraph.toml"), base, project / "var" / "store").run(write=True)


def test_a_first_build_is_a_full_build(mini: Path):
    changes = build(mini).changes
    assert not changes.incremental and changes.changed == {"mini-2024"} and changes.context_changed


def test_a_rebuild_with_nothing_changed_redoes_nothing(mini: Path):
    first = build(mini)
    changes = build(mini).changes
    assert changes.incremental and changes.previous.path == first.build_path
    assert changes.changed == set() and changes.removed == set() and not changes.context_changed
    assert changes.reusable("mini-2024") and changes.reusable_with_context("mini-2024")


def test_a_changed_plan_is_redone_and_a_new_context_dataset_invalidates_what_plans_derive_with_it(mini: Path):
    build(mini)
    plan = mini / "data" / "plan.ttl"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    changes = build(mini).changes
    assert changes.changed == {"mini-2024"} and not changes.context_changed and not changes.reusable("mini-2024")

    (mini / "data" / "labels.ttl").write_text("<http://example.org/a> <http://example.org/b> 'c' .\n", "utf-8")
    (mini / "essgraph.toml").write_text((mini / "essgraph.toml").read_text(encoding="utf-8") + CONTEXT, "utf-8")
    changes = build(mini).changes
    assert changes.changed == {"labels"} and changes.context_changed
    assert changes.reusable("mini-2024") and not changes.reusable_with_context("mini-2024")

    (mini / "essgraph.toml").write_text((mini / "essgraph.toml").read_text(encoding="utf-8").replace(CONTEXT, ""), "utf-8")
    changes = build(mini).changes
    assert changes.removed == {"labels"} and changes.changed == set() and changes.context_changed


def test_another_base_iri_makes_a_full_build(mini: Path):
    build(mini)
    changes = build(mini, base="https://example.org/essgraph/").changes
    assert not changes.incremental and changes.changed == {"mini-2024"}
