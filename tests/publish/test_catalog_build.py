"""The build's open-data step: catalog and VoID graphs in the store, dates across rebuilds, failures that stop it.

Each test builds its own copy of the catalog fixture project (support.projects.catalog_project: an excerpt of the
Saint-Maur plan with this repository's data/catalog/), since it changes it or rebuilds it.
"""

from __future__ import annotations

import json
import time

import pyoxigraph as ox
import pytest

from essgraph.app import create_app
from essgraph.publish.layout import STATE_FILE
from essgraph.urls import CATALOG_GRAPH, VOID_GRAPH
from essgraph.errors import ValidationFailed
from essgraph.settings import Settings
from essgraph.build.builds import StoreDir
from support.asgi import InProcess
from support.projects import build, catalog_project as fixture_project

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"


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
    project = fixture_project(tmp_path, with_catalog=False)
    base = "http://127.0.0.1:9/"
    build(project / "essgraph.toml", base, tmp_path / "store")
    settings = Settings(config=project / "essgraph.toml", store=tmp_path / "store", base_iri=base)
    with InProcess(create_app(settings), base) as server:
        response = server.get("/catalog")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert server.get("/dumps/essgraph.nt").status_code == 200
