"""Who publishes what: each plan dataset by its own collectivité, the catalog by the deployment's operator.

A deployment with three plans of three collectivités (the catalog fixture's Saint-Maur excerpt, the fictional
Valmont-sur-Essai plan of tests/fixtures/second-plan/ and a third fictional plan made from it for another town) run
by an operator set in the project file ([project.publisher]). Its catalog must conform to the official DCAT-AP
3.0.1 shapes with zero violations — a dataset has at most one dct:publisher there.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from essgraph.build.pipeline import Builder
from essgraph.publish.dcat_check import dcat_shapes_dir, validate_catalog
from essgraph.publish.layout import CATALOG_FILES
from essgraph.urls import CATALOG_GRAPH
from essgraph.errors import ConfigError
from essgraph.project import load_project
from essgraph.build.builds import StoreDir
from essgraph.rdf.namespaces import Triples
from support.projects import ROOT, catalog_project as fixture_project, three_plan_project

BASE = "http://127.0.0.1:9/"
DCT, DCAT, FOAF = "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#", "http://xmlns.com/foaf/0.1/"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Triples:
    tmp = tmp_path_factory.mktemp("three-plans")
    config = three_plan_project(tmp)
    Builder(load_project(config), BASE, tmp / "store").run(write=True)
    served = StoreDir(tmp / "store").require_current().path / CATALOG_FILES[CATALOG_GRAPH]  # what /catalog serves
    triples = Triples()
    for t in ox.parse(path=str(served), format=ox.RdfFormat.N_TRIPLES):
        triples.add(t.subject, t.predicate, t.object)
    return triples


def publishers(catalog: Triples, subject: str) -> list[str]:
    return sorted(o.value for o in catalog.objects(ox.NamedNode(subject), ox.NamedNode(DCT + "publisher")))


def test_each_plan_dataset_is_published_by_its_own_collectivite(catalog):
    assert publishers(catalog, BASE + "id/dataset/saint-maur-des-fosses-2021") == [
        BASE + "id/organisation/ville-de-saint-maur-des-fosses"]
    assert publishers(catalog, BASE + "id/dataset/valmont-sur-essai-2024") == [
        BASE + "id/organisation/ville-de-valmont-sur-essai"]
    assert publishers(catalog, BASE + "id/dataset/val-d-essai-2025") == [
        BASE + "id/organisation/ville-de-val-d-essai"]


def test_the_operator_of_the_project_file_publishes_the_catalog_the_whole_graph_and_the_service(catalog):
    operator = BASE + "id/organisation/reseau-d-essai"
    for subject in ("catalog", "id/dataset/essgraph", "id/service/sparql"):
        assert publishers(catalog, BASE + subject) == [operator], subject
    agent = ox.NamedNode(operator)
    assert [o.value for o in catalog.objects(agent, ox.NamedNode(FOAF + "name"))] == [
        "Réseau d'essai des plans ESS (opérateur fictif de test)"]
    assert [o.value for o in catalog.objects(agent, ox.NamedNode(DCT + "type"))] == [
        "http://purl.org/adms/publishertype/NonProfitOrganisation"]


def test_every_publisher_is_a_named_agent_and_collectivites_are_local_authorities(catalog):
    for org in ("ville-de-saint-maur-des-fosses", "ville-de-valmont-sur-essai", "ville-de-val-d-essai"):
        agent = ox.NamedNode(BASE + "id/organisation/" + org)
        assert catalog.objects(agent, ox.NamedNode(FOAF + "name")), org
        assert [o.value for o in catalog.objects(agent, ox.NamedNode(DCT + "type"))] == [
            "http://purl.org/adms/publishertype/LocalAuthority"], org


def test_the_three_plan_catalog_conforms_to_every_official_dcat_ap_shape(catalog):
    results = validate_catalog(catalog, dcat_shapes_dir(ROOT))
    violations = [r.line() for r in results if r.severity == "Violation"]
    assert violations == [], "\n".join(violations)
    datasets = catalog.subjects(ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                ox.NamedNode(DCAT + "Dataset"))
    assert len(datasets) == 4  # the whole graph and three plans


def test_a_catalog_without_publisher_is_refused_with_a_hint(tmp_path):
    project = fixture_project(tmp_path)
    config = project / "essgraph.toml"
    text = config.read_text(encoding="utf-8")
    head, rest = text.split("[project.publisher]", 1)
    config.write_text(head + rest.split("\n\n", 1)[1], encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Builder(load_project(config), BASE, tmp_path / "store").run(write=True)
    assert "no publisher" in caught.value.message and "[project.publisher]" in caught.value.hint
    assert StoreDir(tmp_path / "store").current() is None


def test_a_publisher_stated_twice_is_refused(tmp_path):
    project = fixture_project(tmp_path)
    meta = project / "data" / "catalog" / "catalog.ttl"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "    dcat:contactPoint", "    dct:publisher <id/organisation/ville-de-saint-maur-des-fosses> ;\n    dcat:contactPoint",
        1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Builder(load_project(project / "essgraph.toml"), BASE, tmp_path / "store").run(write=True)
    assert "set twice" in caught.value.message
