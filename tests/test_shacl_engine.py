"""The essgraph SHACL engine gives exactly pySHACL's results (pySHACL is the reference implementation).

Checked on every dataset of the real project and on every deliberately broken fixture of tests/fixtures/broken/.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.util

from essgraph.project import load_project
from essgraph.rdf.parse import read_quads
from essgraph.validate.shacl_core import supports
from essgraph.validate.shapes import CompiledShapes, ShapesError, load_shapes, validate_batch
from test_shapes import BASE, FIXTURES, fixture_quads, manifest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = load_project(ROOT / "essgraph.toml")


@pytest.fixture(scope="module")
def engines() -> dict[str, CompiledShapes]:
    return {name: CompiledShapes.load(PROJECT.shapes, name) for name in ("essgraph", "pyshacl")}


def results(quads, shapes) -> Counter:
    found = validate_batch([("d", quads)], shapes)["d"]
    return Counter((r.severity, r.focus, r.path, canonical(r.value), r.message) for r in found)


def canonical(value: str) -> str:
    """rdflib prints some literals in canonical form ("650.0" for the double 650): compare both that way."""
    if not value.startswith('"'):
        return value
    return rdflib.util.from_n3(value).n3()


def test_the_project_shapes_need_no_fallback():
    assert supports(load_shapes(PROJECT.shapes)) == []
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
    shapes = tmp_path / "closed.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "<http://e/S> a sh:NodeShape ; sh:targetClass <http://e/C> ; sh:closed true .\n")
    assert supports(rdflib.Graph().parse(shapes)) == ["http://www.w3.org/ns/shacl#closed"]
    assert CompiledShapes.load((shapes,)).engine is None            # auto: pySHACL evaluates it
    with pytest.raises(ShapesError, match="does not evaluate http://www.w3.org/ns/shacl#closed"):
        CompiledShapes.load((shapes,), "essgraph")
