"""The catalog and VoID graphs of a rebuild's store are updated by difference from the previous build's files
(essgraph.build.load.replace_graph), and end up holding exactly the build's files whatever the store held."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from essgraph.build.load import replace_graph
from essgraph.build.pipeline import Builder
from essgraph.publish.layout import CATALOG_FILES
from essgraph.project import load_project
from support.projects import catalog_project

G = ox.NamedNode("http://example.org/graph/catalog")
OLD = b"""<http://example.org/d> <http://purl.org/dc/terms/title> "Ancien"@fr .
<http://example.org/d> <http://spdx.org/rdf/terms#checksum> _:c1 .
_:c1 <http://spdx.org/rdf/terms#checksumValue> "aa" .
<http://example.org/d> <http://www.w3.org/ns/dcat#byteSize> "12"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .
"""
NEW = b"""<http://example.org/d> <http://purl.org/dc/terms/title> "Nouveau"@fr .
<http://example.org/d> <http://spdx.org/rdf/terms#checksum> _:c2 .
_:c2 <http://spdx.org/rdf/terms#checksumValue> "bb" .
<http://example.org/d> <http://www.w3.org/ns/dcat#byteSize> "12"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .
"""


def _term(o):  # the store turns xsd:nonNegativeInteger into xsd:integer: literals compared by value and language
    return (o.value, o.language) if isinstance(o, ox.Literal) else o


def triples(store: ox.Store, graph: ox.NamedNode = G) -> set:
    return {(q.subject, q.predicate, _term(q.object)) for q in store.quads_for_pattern(None, None, None, graph)}


def parsed(data: bytes) -> set:
    return {(t.subject, t.predicate, _term(t.object)) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def loaded(data: bytes) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, G) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    return store


def test_a_graph_holding_the_previous_file_gets_exactly_the_new_one_blank_nodes_included():
    store = loaded(OLD)
    replace_graph(store, G, NEW, OLD)
    assert triples(store) == parsed(NEW)


def test_a_graph_that_did_not_hold_the_previous_file_is_replaced_whole():
    store = ox.Store()
    store.load(OLD, format=ox.RdfFormat.N_TRIPLES, to_graph=G)  # load renames blank nodes: _:c1 is not there
    replace_graph(store, G, NEW, OLD)
    assert triples(store) == parsed(NEW)


def test_an_empty_file_empties_the_graph_and_a_missing_graph_is_made():
    store = loaded(OLD)
    replace_graph(store, G, b"", OLD)
    assert triples(store) == set()
    replace_graph(store, G, NEW, None)
    assert triples(store) == parsed(NEW)


def test_after_a_rebuild_the_store_holds_exactly_the_served_catalog_and_void_files(tmp_path: Path):
    project = catalog_project(tmp_path)
    config = load_project(project / "essgraph.toml")
    base = "http://127.0.0.1:8000/"
    Builder(config, base, project / "var" / "store").run(write=True)
    plan = project / "data" / "plans" / "plan.ttl"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    report = Builder(config, base, project / "var" / "store").run(write=True)
    assert report.changes.incremental
    store = ox.Store.read_only(str(report.build_path / "oxigraph"))
    for name, path in CATALOG_FILES.items():
        data = (report.build_path / path).read_bytes()
        held = triples(store, ox.NamedNode(base + name))
        assert held == parsed(data) and len(held) == len(data.splitlines()) > 0
