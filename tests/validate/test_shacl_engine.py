"""The essgraph SHACL engine gives exactly pySHACL's results (pySHACL is the reference implementation).

Checked on every dataset of the real project and on every deliberately broken fixture of tests/fixtures/broken/.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from essgraph.errors import ShapesError
from essgraph.project import load_project
from essgraph.rdf.parse import read_quads
from essgraph.validate.core import unsupported
from essgraph.validate.shapes import CompiledShapes, load_shapes, validate_batch
from support.projects import ROOT
from test_shapes import BASE, FIXTURES, fixture_quads, manifest

PROJECT = load_project(ROOT / "essgraph.toml")


@pytest.fixture(scope="module")
def engines() -> dict[str, CompiledShapes]:
    return {name: CompiledShapes.load(PROJECT.shapes, name) for name in ("essgraph", "pyshacl")}


def results(quads, shapes) -> Counter:
    found = validate_batch([("d", quads)], shapes)["d"]
    return Counter((r.severity, r.focus, r.path, r.value, r.message) for r in found)



def test_the_project_shapes_need_no_fallback():
    assert unsupported(load_shapes(PROJECT.shapes)) == []
    assert CompiledShapes.load(PROJECT.shapes).engine is not None  # "auto" picks the essgraph engine


@pytest.mark.parametrize("dataset", PROJECT.datasets, ids=lambda d: d.id)
def test_same_results_as_pyshacl_on_the_published_data(dataset, engines):
    quads = []
    for g in dataset.graphs:
        for f in g.files:
            quads += read_quads(f, BASE, ox.NamedNode(PROJECT.resolve(g.iri, BASE)))
    ours, reference = results(quads, engines["essgraph"]), results(quads, engines["pyshacl"])
    assert ours == reference


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_same_results_as_pyshacl_on_every_broken_fixture(path: Path, engines):
    removals, _expected, standalone, _rule = manifest(path)
    quads = fixture_quads(path, removals, standalone)
    ours, reference = results(quads, engines["essgraph"]), results(quads, engines["pyshacl"])
    assert ours == reference


def test_unsupported_features_fall_back_or_are_refused(tmp_path: Path):
    """A SHACL-AF rule is beyond SHACL Core: ``auto`` hands the shapes to pySHACL, ``essgraph`` refuses them."""
    shapes = tmp_path / "rule.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "<http://e/S> a sh:NodeShape ; sh:targetClass <http://e/C> ; sh:closed true ;\n"
                      "  sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate <http://e/p> ;"
                      " sh:object sh:this ] .\n")
    assert unsupported(rdflib.Graph().parse(shapes)) == ["http://www.w3.org/ns/shacl#rule"]
    assert CompiledShapes.load((shapes,)).engine is None            # auto: pySHACL evaluates it
    with pytest.raises(ShapesError, match="does not evaluate http://www.w3.org/ns/shacl#rule"):
        CompiledShapes.load((shapes,), "essgraph")


def test_recursive_shapes_over_cyclic_data_end(tmp_path: Path):
    """SHACL leaves recursive shapes undefined; the engine must still end (a shape met again inside its own check
    holds) and report what fails elsewhere, not crash with a RecursionError."""
    shapes = tmp_path / "recursive.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "<http://e/Person> a sh:NodeShape ; sh:targetClass <http://e/P> ;\n"
                      "  sh:property [ sh:path <http://e/knows> ; sh:node <http://e/Person> ] ;\n"
                      "  sh:property [ sh:path <http://e/name> ; sh:minCount 1 ] .\n")
    data = tmp_path / "cycle.ttl"
    data.write_text("<http://e/a> a <http://e/P> ; <http://e/knows> <http://e/b> ; <http://e/name> \"A\" .\n"
                    "<http://e/b> a <http://e/P> ; <http://e/knows> <http://e/a> .\n")
    quads = read_quads(data, BASE, None)
    found = validate_batch([("d", quads)], CompiledShapes.load((shapes,), "essgraph"))["d"]
    assert sorted((r.focus, r.path, r.value) for r in found) == [
        ("http://e/a", "http://e/knows", "http://e/b"),  # b does not conform to Person: it has no name
        ("http://e/b", "http://e/name", ""),
    ]


@pytest.mark.parametrize("engine", ["essgraph", "auto", "pyshacl"])
def test_a_malformed_path_is_a_shapes_error_with_every_engine(tmp_path: Path, engine: str):
    """No traceback: the essgraph engine refuses a path it does not know, pySHACL's load error is wrapped."""
    shapes = tmp_path / "bad-path.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "<http://e/S> a sh:PropertyShape ; sh:targetClass <http://e/C> ;\n"
                      "  sh:path [ sh:somePath <http://e/p> ] ; sh:minCount 1 .\n")
    quads = [ox.Quad(ox.NamedNode("http://e/x"), ox.NamedNode(str(rdflib.RDF.type)), ox.NamedNode("http://e/C"))]
    with pytest.raises(ShapesError, match="somePath"):
        validate_batch([("d", quads)], CompiledShapes.load((shapes,), engine))
