"""The published catalog conforms to the official DCAT-AP 3.0.1 shapes (shapes/dcat-ap/), with zero violations.

Every page the server answers is validated: against all the shapes files together (as the build does), and against
each file on its own (the release template shacl_dcat-ap-SHACL.ttl with its shacl_ranges.ttl, which only adds
ranges to the template's property shapes). The same check runs on the repository's real project when it builds.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from essgraph.publish.catalog import dcat_shapes_dir, validate_catalog
from essgraph.rdf.namespaces import Triples
from test_catalog_build import ROOT, Served, free_port, real_project_build, served, served_paged  # noqa: F401

SHAPES = dcat_shapes_dir(ROOT)
TEMPLATE = ("shacl_dcat-ap-SHACL.ttl", "shacl_ranges.ttl")
GROUPS = [TEMPLATE] + [(p.name,) for p in sorted(SHAPES.glob("html_shacl_*.ttl"))]


def pages(server: Served, ext: str = "ttl") -> list[bytes]:
    """Every page of /catalog.{ext}, following hydra:next."""
    found, url = [], f"{server.url}/catalog.{ext}"
    while url:
        response = httpx.get(url)
        assert response.status_code == 200, response.text
        found.append(response.content)
        nexts = [t.object.value for t in ox.parse(response.content, format=ox.RdfFormat.TURTLE)
                 if t.predicate.value == "http://www.w3.org/ns/hydra/core#next"]
        url = nexts[0] if nexts else None
    return found


def as_triples(data: bytes) -> Triples:
    triples = Triples()
    for t in ox.parse(data, format=ox.RdfFormat.TURTLE):
        triples.add(t.subject, t.predicate, t.object)
    return triples


def shapes_subset(tmp: Path, names: tuple[str, ...]) -> Path:
    folder = tmp / "-".join(n.split(".")[0] for n in names)
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes((SHAPES / name).read_bytes())
    return folder


def test_the_repository_has_every_official_shapes_file():
    names = {p.name for p in SHAPES.glob("*.ttl")}
    assert {"shacl_dcat-ap-SHACL.ttl", "shacl_ranges.ttl", "html_shacl_shapes.ttl", "html_shacl_shapes_recommended.ttl",
            "html_shacl_range.ttl", "html_shacl_mdr-vocabularies.shape.ttl", "html_shacl_deprecateduris.ttl"} <= names
    assert (SHAPES / "README.md").is_file()


@pytest.mark.parametrize("paged", [False, True], ids=["one-page", "paged"])
def test_every_served_page_conforms_to_all_dcat_ap_shapes(served, served_paged, paged):
    server = served_paged if paged else served
    for page in pages(server):
        results = validate_catalog(as_triples(page), SHAPES)
        violations = [r.line() for r in results if r.severity == "Violation"]
        assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("names", GROUPS, ids=["+".join(g) for g in GROUPS])
def test_the_catalog_conforms_to_each_shapes_file(served, tmp_path, names):
    data = pages(served)[0]
    results = validate_catalog(as_triples(data), shapes_subset(tmp_path, names))
    violations = [r.line() for r in results if r.severity == "Violation"]
    assert violations == [], "\n".join(violations)


def test_the_controlled_vocabulary_values_are_in_the_graph_with_scheme_and_label(served):
    graph = as_triples(pages(served)[0])
    skos = "http://www.w3.org/2004/02/skos/core#"
    themes = {t.object for t in graph if t.predicate.value == "http://www.w3.org/ns/dcat#theme"}
    assert themes
    for theme in themes:
        assert graph.objects(theme, ox.NamedNode(skos + "inScheme")) == [
            ox.NamedNode("http://publications.europa.eu/resource/authority/data-theme")]
        assert {lit.language for lit in graph.objects(theme, ox.NamedNode(skos + "prefLabel"))} >= {"fr", "en"}


def test_the_real_project_catalog_conforms(tmp_path):
    port = free_port()
    real_project_build(tmp_path, port)  # skips with the reason while the real data does not build
    server = Served(ROOT / "essgraph.toml", tmp_path / "store", port)
    try:
        for page in pages(server):
            violations = [r.line() for r in validate_catalog(as_triples(page), SHAPES) if r.severity == "Violation"]
            assert violations == [], "\n".join(violations)
    finally:
        server.close()
