"""The published catalog conforms to the official DCAT-AP 3.0.1 shapes (essgraph/publish/dcat_ap/), with zero violations
but the documented waivers (essgraph.publish.waivers): exactly those results, on each shapes file.

Every page the server answers is validated: against all the shapes files together (as the build does), and against
each file on its own (the release template shacl_dcat-ap-SHACL.ttl with its shacl_ranges.ttl, which only adds
ranges to the template's property shapes). The same check runs on the repository's real project when it builds.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from essgraph.publish.dcat_check import check_catalog, dcat_shapes_dir, validate_catalog
from essgraph.rdf.namespaces import Triples
from support.asgi import InProcess
from support.projects import ROOT

SHAPES = dcat_shapes_dir(ROOT)
TEMPLATE = ("shacl_dcat-ap-SHACL.ttl", "shacl_ranges.ttl")
GROUPS = [TEMPLATE] + [(p.name,) for p in sorted(SHAPES.glob("html_shacl_*.ttl"))]


def pages(server: InProcess, ext: str = "ttl") -> list[bytes]:
    """Every page of /catalog.{ext}, following hydra:next."""
    found, url = [], f"{server.url}/catalog.{ext}"
    while url:
        response = server.get(url)
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
def test_every_served_page_conforms_to_all_dcat_ap_shapes(catalog_app, catalog_app_paged, paged):
    server = catalog_app_paged if paged else catalog_app
    for page in pages(server):
        results = validate_catalog(as_triples(page), SHAPES)
        violations = [r.line() for r in results if r.severity == "Violation"]
        assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("names", GROUPS, ids=["+".join(g) for g in GROUPS])
def test_the_catalog_conforms_to_each_shapes_file(catalog_app, tmp_path, names):
    data = pages(catalog_app)[0]
    results = validate_catalog(as_triples(data), shapes_subset(tmp_path, names))
    violations = [r.line() for r in results if r.severity == "Violation"]
    assert violations == [], "\n".join(violations)


def test_the_controlled_vocabulary_values_are_in_the_graph_with_scheme_and_label(catalog_app):
    graph = as_triples(pages(catalog_app)[0])
    skos = "http://www.w3.org/2004/02/skos/core#"
    themes = {t.object for t in graph if t.predicate.value == "http://www.w3.org/ns/dcat#theme"}
    assert themes
    for theme in themes:
        assert graph.objects(theme, ox.NamedNode(skos + "inScheme")) == [
            ox.NamedNode("http://publications.europa.eu/resource/authority/data-theme")]
        assert {lit.language for lit in graph.objects(theme, ox.NamedNode(skos + "prefLabel"))} >= {"fr", "en"}


SPDX = "http://spdx.org/rdf/terms#"
LOCN_GEOMETRY = "http://www.w3.org/ns/locn#geometry"


def expected_waivers(graph: Triples, names: tuple[str, ...]) -> Counter:
    """The waived results a catalog must give on these shapes files: one per checksum algorithm (vocabulary
    shapes), one per checksum value in each file that checks its datatype, two per WKT geometry (node kind and
    class, in the release template and its ranges)."""
    checksums = sum(1 for t in graph if t.predicate.value == SPDX + "checksumValue")
    geometries = sum(1 for t in graph if t.predicate.value == LOCN_GEOMETRY)
    expected: Counter = Counter()
    if "html_shacl_mdr-vocabularies.shape.ttl" in names:
        expected["checksum-algorithm-spdx2-iri"] += checksums
    for name in ("html_shacl_shapes.ttl", "shacl_dcat-ap-SHACL.ttl"):
        if name in names:
            expected["checksum-value-plain-literal"] += checksums
    if "shacl_dcat-ap-SHACL.ttl" in names:
        expected["geometry-wkt-literal"] += 2 * geometries
    return +expected


@pytest.fixture(scope="module")
def real_catalog(builds) -> Triples:
    return as_triples(pages(builds["real"].serve())[0])


@pytest.mark.parametrize("names", [tuple(p.name for p in SHAPES.glob("*.ttl"))] + GROUPS,
                         ids=["all"] + ["+".join(g) for g in GROUPS])
def test_the_real_catalog_gives_exactly_the_waived_results_and_no_violation(real_catalog, tmp_path, names):
    check = check_catalog(real_catalog, shapes_subset(tmp_path, names))
    assert [r.line() for r in check.results if r.severity == "Violation"] == []
    assert Counter(w.name for w, _ in check.waived) == expected_waivers(real_catalog, names)
    assert sum(1 for t in real_catalog if t.predicate.value == LOCN_GEOMETRY) == 1  # the commune's outline


def test_a_result_a_waiver_does_not_describe_stays_a_violation(real_catalog):
    broken = Triples()
    for t in real_catalog:
        obj = t.object
        if t.predicate.value == SPDX + "checksumValue":
            obj = ox.Literal("not a digest")  # a plain literal, but not a SHA-256
        elif t.predicate.value == LOCN_GEOMETRY:
            obj = ox.Literal(t.object.value)  # not typed gsp:wktLiteral
        broken.add(t.subject, t.predicate, obj)
    check = check_catalog(broken, SHAPES)
    violations = {(r.path, r.message) for r in check.results if r.severity == "Violation"}
    assert any(path == SPDX + "checksumValue" for path, _ in violations)
    assert any(path == LOCN_GEOMETRY for path, _ in violations)
    assert {w.name for w, _ in check.waived} == {"checksum-algorithm-spdx2-iri"}


def test_the_real_project_catalog_conforms(builds):
    for page in pages(builds["real"].serve()):
        violations = [r.line() for r in validate_catalog(as_triples(page), SHAPES) if r.severity == "Violation"]
        assert violations == [], "\n".join(violations)
