"""The W3C SHACL Core test suite (tests/fixtures/w3c-shacl/core/, copied verbatim) run against essgraph's SHACL
Core engine, and against pySHACL, the reference, which checks that this harness reads the suite right.

Every ``sht:Validate`` test of every manifest is run. The engine's report must be the expected one, compared as the
suite says: ``sh:conforms``, and the multiset of results by focus node, path, value, source shape, constraint
component and severity (messages and ``sh:detail`` are not compared). Blank nodes are compared by identity when
the expected report sits in the data graph's own file (the usual case), else as "some blank node".

A test whose shapes use a feature the engine does not evaluate must be in ``REFUSED``: the engine must then refuse
the shapes (``--shacl-engine essgraph`` fails, ``auto`` falls back to pySHACL) — never a silent skip.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from essgraph.errors import ShapesError
from essgraph.rdf.rdflib_bridge import to_ox_term, to_rdflib_term
from essgraph.validate.core import DataGraph, unsupported
from essgraph.validate.results import path_text
from essgraph.validate.shapes import CompiledShapes, load_shapes
from support.projects import FIXTURES

SUITE = FIXTURES / "w3c-shacl" / "core"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
ANY_BNODE = "_:any"
# the suite has ill-formed literals on purpose ("none"^^xsd:boolean); rdflib warns when it reads them
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")

# test name -> why the essgraph engine refuses its shapes (and pySHACL evaluates them instead)
REFUSED: dict[str, str] = {}
# test name -> where pySHACL departs from the suite (checked: the test fails while pySHACL does)
PYSHACL_DEPARTS = {
    "property/uniqueLang-002": 'pySHACL reads sh:uniqueLang "1"^^xsd:boolean as true; SHACL only knows true',
}


# -- reading the suite ---------------------------------------------------------------------------------------------

class Case:
    def __init__(self, name: str, graph: rdflib.Graph, node, graphs: dict):
        self.name = name
        action = graph.value(node, MF.action)
        self.data = graphs[str(graph.value(action, SHT.dataGraph))]
        self.shapes = graphs[str(graph.value(action, SHT.shapesGraph))]
        self.shared = self.data is graph  # the expected report's blank nodes are the data's own
        result = graph.value(node, MF.result)
        self.conforms = graph.value(result, SH.conforms).toPython()
        self.expected = Counter(self.key(graph, r, graph.value(r, SH.sourceShape))
                                for r in graph.objects(result, SH.result))

    def term(self, term):
        return ANY_BNODE if isinstance(term, rdflib.BNode) and not self.shared else term

    def key(self, graph: rdflib.Graph, result, shape) -> tuple:
        return (self.term(graph.value(result, SH.focusNode)), path_text(graph, graph.value(result, SH.resultPath)),
                self.term(graph.value(result, SH.value)), self.term(shape),
                graph.value(result, SH.sourceConstraintComponent), graph.value(result, SH.resultSeverity))


def _parse(path: Path, graphs: dict) -> rdflib.Graph:
    uri = path.as_uri()
    if uri not in graphs:
        graphs[uri] = load_shapes((path,))  # parsed as the build parses shapes: by pyoxigraph, lexical forms kept
    return graphs[uri]


def load_suite() -> list[Case]:
    graphs: dict = {}
    cases, todo, seen = [], [SUITE / "manifest.ttl"], set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        graph = _parse(path, graphs)
        manifest = rdflib.URIRef(path.as_uri())
        todo += [Path(str(i).removeprefix("file://")) for i in graph.objects(manifest, MF.include)]
        for entries in graph.objects(manifest, MF.entries):
            for node in Collection(graph, entries):
                assert (node, RDF.type, SHT.Validate) in graph, node
                for name in (graph.value(graph.value(node, MF.action), p) for p in (SHT.dataGraph, SHT.shapesGraph)):
                    _parse(Path(str(name).removeprefix("file://")), graphs)
                cases.append(Case(f"{path.parent.name}/{str(node).rsplit('/', 1)[-1]}", graph, node, graphs))
    return cases


CASES = load_suite()


def quads(graph: rdflib.Graph) -> list[ox.Quad]:
    return [ox.Quad(*(to_ox_term(t) for t in triple)) for triple in graph]


# -- the tests -----------------------------------------------------------------------------------------------------

def test_the_whole_core_suite_is_read():
    assert len(CASES) == 98
    assert len({c.name for c in CASES}) == 98
    assert sum(1 for c in CASES if not c.conforms) > 80  # most tests expect results: the comparison has teeth


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_essgraph_engine_gives_the_expected_report(case: Case):
    missing = unsupported(case.shapes)
    if case.name in REFUSED:
        assert missing, f"{case.name} is listed as refused but the engine supports its shapes: remove it from REFUSED"
        assert CompiledShapes.from_graph(case.shapes, "auto").engine is None  # auto: pySHACL evaluates it
        with pytest.raises(ShapesError, match="does not evaluate"):
            CompiledShapes.from_graph(case.shapes, "essgraph")
        return
    assert missing == []
    engine = CompiledShapes.from_graph(case.shapes, "essgraph").engine
    findings = engine.validate(DataGraph([("w3c", quads(case.data))]))
    bnodes: dict = {}
    actual = Counter(
        (case.term(to_rdflib_term(f.focus, bnodes)), f.path_text,
         None if f.value is None else case.term(to_rdflib_term(f.value, bnodes)), case.term(f.shape.node),
         rdflib.URIRef(f.component), f.severity_iri)
        for f in findings)
    assert (not findings) == case.conforms
    assert actual == case.expected


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.xfail(reason=PYSHACL_DEPARTS[c.name], strict=True))
    if c.name in PYSHACL_DEPARTS else c for c in CASES], ids=lambda c: c.name)
def test_pyshacl_gives_the_expected_report_through_the_same_comparison(case: Case):
    """The oracle passes the suite as this harness reads it: the comparison above is the suite's, not ours."""
    from pyshacl import validate

    conforms, report, _ = validate(case.data, shacl_graph=case.shapes, inference="none", advanced=False,
                                   meta_shacl=False)
    nested = set(report.objects(None, SH.detail))
    actual = Counter(case.key(report, r, report.value(r, SH.sourceShape))
                     for r in report.subjects(RDF.type, SH.ValidationResult) if r not in nested)
    assert conforms == case.conforms
    assert actual == case.expected
