"""The copies of a build name every blank node alike: its on-disk store, its dumps and the server's copy in memory.

The server answers from the on-disk store while it loads the copy in memory, then from the copy: a page with blank
nodes (an ontology's owl:unionOf, VoID partitions) must be the same bytes before and after. pyoxigraph's
``Store.load`` and ``bulk_load`` rename blank nodes; the build and the server parse N-Quads themselves instead.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from essgraph.app import create_app
from essgraph.build.builds import StoreDir
from essgraph.settings import Settings
from essgraph.errors import StoreError
from essgraph.web import live as live_module
from essgraph.web import published as published_module
from essgraph.web.published import load_in_memory
from support.asgi import InProcess
from support.projects import build, copy_project
from support.sparql import wait_until

BASE = "http://127.0.0.1:8000/"


def quads(store: ox.Store) -> set[str]:
    """The quads of the named graphs (the copy in memory also holds their merge as its default graph)."""
    return {str(q) for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != ox.DefaultGraph()}


def blank_nodes(found: set[str]) -> int:
    return sum("_:" in q for q in found)


def test_the_memory_copy_and_the_dump_are_the_on_disk_store_blank_nodes_included(builds):
    current = builds["pages"].current
    on_disk = quads(current.open())
    assert blank_nodes(on_disk) > 10  # the ontology's owl:unionOf lists, VoID's partitions
    memory = load_in_memory(current)
    assert quads(memory) == on_disk
    triples = lambda found: {str(ox.Triple(q.subject, q.predicate, q.object)) for q in found}  # noqa: E731
    merge = triples(memory.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert merge == triples(current.open().quads_for_pattern(None, None, None, None))  # its default graph: the merge
    dump = {str(q) for q in ox.parse(path=str(current.path / "dumps" / "essgraph.nq"),
                                     format=ox.RdfFormat.N_QUADS)}
    assert dump and dump <= on_disk


def test_so_are_they_after_a_rebuild_from_a_checkpoint(tmp_path):
    project = copy_project("pages", tmp_path)
    store = tmp_path / "store"
    build(project / "essgraph.toml", BASE, store)
    plan = next((project / "plans").rglob("actions.ttl"))
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    again = build(project / "essgraph.toml", BASE, store)
    assert again.reused >= 1  # a checkpoint of the first build, with the changed plan reloaded
    current = StoreDir(store).require_current()
    on_disk = quads(current.open())
    assert blank_nodes(on_disk) > 10 and quads(load_in_memory(current)) == on_disk


def test_the_server_answers_from_its_on_disk_store_while_the_copy_loads_then_the_same_from_memory(tmp_path,
                                                                                                 monkeypatch):
    """Pages, health and SPARQL answer before the copy in memory is loaded (held back here until the test lets it
    go), from the on-disk store; once the copy is served, the same page is the same bytes and the same query the
    same rows."""
    project = copy_project("mini", tmp_path)
    store = project / "var" / "store"
    build(project / "essgraph.toml", BASE, store)
    release, real_load = threading.Event(), live_module.load_in_memory

    def held_back(build_):
        assert release.wait(120)
        return real_load(build_)

    monkeypatch.setattr(live_module, "load_in_memory", held_back)
    settings = Settings(config=project / "essgraph.toml", store=store, base_iri=BASE, max_concurrent_queries=1,
                        log_level="error")
    query = {"query": "SELECT DISTINCT ?s WHERE { ?s a ?type } ORDER BY ?s"}
    accept = {"Accept": "application/sparql-results+json"}
    try:
        with InProcess(create_app(settings), BASE) as served, served.client() as client:
            assert wait_until(lambda: client.get("/-/ready").status_code == 200, timeout=30)
            health = client.get("/-/health").json()
            assert health["store"] == "disk" and health["next"]["state"] == "loading into memory"
            home, rows = client.get("/"), client.post("/sparql", data=query, headers=accept)
            assert home.status_code == 200 and rows.status_code == 200
            subjects = [b["s"]["value"] for b in rows.json()["results"]["bindings"]]
            assert "http://127.0.0.1:8000/id/plan/mini-2024/action/1.1" in subjects
            plan = client.get("/id/plan/mini-2024", headers={"Accept": "text/turtle"})
            assert plan.status_code == 200
            release.set()
            assert wait_until(lambda: client.get("/-/health").json()["store"] == "memory", timeout=60)
            assert client.get("/").content == home.content
            assert client.get("/id/plan/mini-2024", headers={"Accept": "text/turtle"}).content == plan.content
            again = client.post("/sparql", data=query, headers=accept).json()["results"]["bindings"]
            assert [b["s"]["value"] for b in again] == subjects
    finally:
        release.set()


def test_a_build_whose_copy_would_not_fit_in_memory_stays_served_from_disk_and_health_says_why(tmp_path,
                                                                                              monkeypatch):
    """At 10,000 plans the copy in memory outgrew the machine; a server whose available memory is too small for a
    build's copy keeps answering everything from the on-disk store, and health says why."""
    project = copy_project("mini", tmp_path)
    store = project / "var" / "store"
    build(project / "essgraph.toml", BASE, store)
    monkeypatch.setattr(published_module, "memory_available", lambda: 200 << 20)  # 200 MiB: under the margin
    settings = Settings(config=project / "essgraph.toml", store=store, base_iri=BASE, max_concurrent_queries=1,
                        log_level="error")
    query = {"query": "ASK { ?s a ?type }"}
    with InProcess(create_app(settings), BASE) as served, served.client() as client:
        assert wait_until(lambda: (client.get("/-/health").json().get("next") or {}).get("state") == "on disk only",
                          timeout=60)
        health = client.get("/-/health").json()
        assert health["store"] == "disk" and "available" in health["next"]["error"]
        assert client.get("/").status_code == 200
        answer = client.post("/sparql", data=query, headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_the_memory_check_lets_a_copy_that_fits_load():
    from essgraph.build.builds import Build

    small = Build(Path("/nowhere"), {"counts": {"triples": 1000}})
    published_module.check_memory(small, available=4 << 30)  # fits: no error
    with pytest.raises(StoreError, match="would need about"):
        published_module.check_memory(Build(Path("/nowhere"), {"counts": {"triples": 10_000_000}}), available=4 << 30)
