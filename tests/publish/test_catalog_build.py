"""The build's open-data step: catalog and VoID graphs in the store, dates across rebuilds, failures that stop it.

Also the shared helpers of the catalog and dumps tests: a fixture project built with essgraph.build.pipeline.Builder into a
temporary folder (with this repository's data/catalog/) and served by a real uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import uvicorn

from essgraph.app import create_app, open_published
from essgraph.build.pipeline import Builder
from essgraph.publish.catalog import CATALOG_GRAPH, STATE_FILE, VOID_GRAPH
from essgraph.errors import ValidationFailed
from essgraph.project import load_project
from essgraph.settings import Settings
from essgraph.build.builds import StoreDir

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "catalog"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fixture_project(dest: Path, with_catalog: bool = True) -> Path:
    """A copy of the catalog fixture project, with this repository's catalog metadata (data/catalog/)."""
    project = dest / "project"
    shutil.copytree(FIXTURE, project)
    if with_catalog:
        shutil.copytree(ROOT / "data" / "catalog", project / "data" / "catalog")
    return project


def build(project_file: Path, base: str, store: Path):
    return Builder(load_project(project_file), base, store).run(write=True)


class Served:
    """A build served by a real uvicorn server (in a thread) on 127.0.0.1; ``url`` ends without a slash."""

    def __init__(self, project_file: Path, store: Path, port: int, page_size: int = 100):
        self.url = f"http://127.0.0.1:{port}"
        self.base = self.url + "/"
        self.store = store
        settings = Settings(config=project_file, store=store, base_iri=self.base, port=port,
                            catalog_page_size=page_size, log_level="warning")
        self.app = create_app(settings, open_published(settings))
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    @property
    def build_path(self) -> Path:
        return StoreDir(self.store).require_current().path

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)


def serve_fixture(tmp: Path, page_size: int = 100) -> Served:
    port = free_port()
    project = fixture_project(tmp)
    build(project / "essgraph.toml", f"http://127.0.0.1:{port}/", tmp / "store")
    return Served(project / "essgraph.toml", tmp / "store", port, page_size)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = serve_fixture(tmp_path_factory.mktemp("catalog-served"))
    yield server
    server.close()


@pytest.fixture(scope="module")
def served_paged(tmp_path_factory):
    """The same build served with one dataset per catalog page (two pages: the whole graph, the plan)."""
    server = serve_fixture(tmp_path_factory.mktemp("catalog-paged"), page_size=1)
    yield server
    server.close()


def real_project_build(tmp: Path, port: int):
    """Build the repository's own project (its data must build: a failure here is a real failure)."""
    return build(ROOT / "essgraph.toml", f"http://127.0.0.1:{port}/", tmp / "store")


# -- tests -------------------------------------------------------------------------------------------------------

def _graph_triples(store: ox.Store, iri: str) -> list[ox.Quad]:
    return list(store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))


def test_build_stores_catalog_and_void_graphs_and_reports_them(tmp_path):
    project = fixture_project(tmp_path)
    base = "http://127.0.0.1:9/"
    report = build(project / "essgraph.toml", base, tmp_path / "store")
    current = StoreDir(tmp_path / "store").require_current()
    store = current.open()
    catalog = _graph_triples(store, base + CATALOG_GRAPH)
    void = _graph_triples(store, base + VOID_GRAPH)
    assert catalog and void
    assert current.manifest["graphs"][base + CATALOG_GRAPH] == len(catalog)
    assert current.manifest["counts"]["triples"] == len(store)
    assert report.conforms and not [r for r in report.results if r.dataset == "catalog" and r.severity == "Violation"]
    assert any(r.dataset == "catalog" for r in report.warnings)  # e.g. the commune is not in an EU place table
    datasets = {q.subject.value for q in catalog if q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
                and q.object.value == DCAT + "Dataset"}
    assert datasets == {base + "id/dataset/essgraph", base + "id/dataset/saint-maur-des-fosses-2021"}
    assert (current.path / "dumps" / "essgraph.ttl.gz").is_file()
    assert (current.path / "dumps" / "datasets" / "saint-maur-des-fosses-2021.nq").is_file()


def test_plan_dataset_takes_period_place_publisher_and_keywords_from_the_data(tmp_path):
    project = fixture_project(tmp_path)
    base = "http://127.0.0.1:9/"
    build(project / "essgraph.toml", base, tmp_path / "store")
    store = StoreDir(tmp_path / "store").require_current().open()
    ds = ox.NamedNode(base + "id/dataset/saint-maur-des-fosses-2021")
    graph = ox.NamedNode(base + CATALOG_GRAPH)

    def objects(s, p):
        return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None, graph)]

    period = objects(ds, DCT + "temporal")[0]
    assert [o.value for o in objects(period, DCAT + "startDate")] == ["2021-06-30"]  # the council's decision
    assert [o.value for o in objects(period, DCAT + "endDate")] == ["2024-06-29"]    # + P3Y, last day
    assert [o.value for o in objects(ds, DCT + "spatial")] == [base + "id/place/saint-maur-des-fosses"]
    assert [o.value for o in objects(ds, DCT + "publisher")] == [base + "id/organisation/ville-de-saint-maur-des-fosses"]
    assert [o.value for o in objects(ds, DCAT + "landingPage")] == [base + "id/plan/saint-maur-des-fosses-2021"]
    keywords = {o.value for o in objects(ds, DCAT + "keyword")}
    assert {"Alimentation", "Mise à disposition de moyens", "économie sociale et solidaire"} <= keywords
    titles = {(o.language, o.value) for o in objects(ds, DCT + "title")}
    assert {lang for lang, _ in titles} == {"fr", "en"}  # stated in data/catalog/catalog.ttl, kept as is


def test_rebuild_keeps_issued_moves_modified_only_on_change_and_replaces_the_catalog(tmp_path):
    project = fixture_project(tmp_path)
    base = "http://127.0.0.1:9/"
    build(project / "essgraph.toml", base, tmp_path / "store")
    first = json.loads((StoreDir(tmp_path / "store").require_current().path / STATE_FILE).read_text())
    time.sleep(1.1)
    build(project / "essgraph.toml", base, tmp_path / "store")  # unchanged: a checkpoint of the previous store
    second_build = StoreDir(tmp_path / "store").require_current()
    second = json.loads((second_build.path / STATE_FILE).read_text())
    assert second == first
    store = second_build.open()
    catalogs = list(store.quads_for_pattern(None, None, ox.NamedNode(DCAT + "Catalog"), None))
    assert len(catalogs) == 1  # the previous catalog graph was replaced, not added to
    plan = project / "data" / "plans" / "plan.ttl"
    plan.write_text(plan.read_text(encoding="utf-8").replace("Court terme", "Moyen terme"), encoding="utf-8")
    time.sleep(1.1)
    build(project / "essgraph.toml", base, tmp_path / "store")
    third = json.loads((StoreDir(tmp_path / "store").require_current().path / STATE_FILE).read_text())
    plan_id = "saint-maur-des-fosses-2021"
    assert third[plan_id]["issued"] == first[plan_id]["issued"]
    assert third[plan_id]["modified"] > first[plan_id]["modified"]
    assert third["essgraph"]["modified"] > first["essgraph"]["modified"]


def test_catalog_violation_stops_the_build_and_keeps_the_previous_one(tmp_path):
    project = fixture_project(tmp_path)
    base = "http://127.0.0.1:9/"
    build(project / "essgraph.toml", base, tmp_path / "store")
    before = StoreDir(tmp_path / "store").require_current().path
    config = project / "essgraph.toml"
    text = config.read_text(encoding="utf-8")
    # a publisher whose type is not in the ADMS publisher-type vocabulary: a DCAT-AP violation
    config.write_text(text.replace('type = "LocalAuthority"', 'type = "http://example.org/not-a-publisher-type"'),
                      encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        build(project / "essgraph.toml", base, tmp_path / "store")
    assert "DCAT-AP catalog does not conform" in caught.value.message
    assert StoreDir(tmp_path / "store").require_current().path == before


def test_without_catalog_metadata_the_build_still_writes_dumps_and_void(tmp_path):
    project = fixture_project(tmp_path, with_catalog=False)
    base = "http://127.0.0.1:9/"
    build(project / "essgraph.toml", base, tmp_path / "store")
    current = StoreDir(tmp_path / "store").require_current()
    store = current.open()
    assert not _graph_triples(store, base + CATALOG_GRAPH)
    assert _graph_triples(store, base + VOID_GRAPH)
    assert (current.path / "dumps" / "index.json").is_file()


def test_catalog_answers_404_when_the_build_has_no_catalog(tmp_path):
    import httpx

    port = free_port()
    project = fixture_project(tmp_path, with_catalog=False)
    build(project / "essgraph.toml", f"http://127.0.0.1:{port}/", tmp_path / "store")
    server = Served(project / "essgraph.toml", tmp_path / "store", port)
    try:
        response = httpx.get(server.url + "/catalog")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert httpx.get(server.url + "/dumps/essgraph.nt").status_code == 200
    finally:
        server.close()
