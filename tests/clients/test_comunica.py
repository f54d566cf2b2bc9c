"""Comunica (npm ``@comunica/query-sparql`` 5.4) queries the endpoint, and its link-traversal engine
(``@comunica/query-sparql-link-traversal`` 0.5) answers queries by following the published IRIs from a seed —
restricted to 127.0.0.1, so no test uses the network.

* The default graph is the union of the named graphs as an RDF merge: a triple held by two graphs (the catalog
  repeats the commune's label and the dataset titles) is one row, for Comunica as for curl.
* The SPARQL service's IRI (``/id/service/sparql``) dereferences to its description and answers the SPARQL protocol
  too: link traversal, which sends queries to any IRI ending in ``/sparql``, finds answers instead of a 405.
* Resources come in N-Quads and TriG, the formats Comunica asks for first: it has no JSON-LD context to fetch for
  every document it reads.
"""

from __future__ import annotations

import json

import pytest

from support.clients import run_node
from support.projects import base_of

BASE = base_of("real")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
PLAN = BASE + "id/plan/saint-maur-des-fosses-2021"


@pytest.fixture(scope="module")
def answers(node, served) -> dict:
    queries = {
        "titles": {"kind": "bindings",
                   "query": f"SELECT ?d ?t WHERE {{ ?d a <{DCAT}Dataset> ; <{DCT}title> ?t }}"},
        "ask": {"kind": "boolean", "query": f"ASK {{ ?s a <{DCAT}Catalog> }}"},
        "construct": {"kind": "quads", "query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a <{DCAT}Catalog> ; ?p ?o }}"},
        "count": {"kind": "bindings", "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        "untyped": {"kind": "bindings", "source": "auto", "query": f"SELECT ?s WHERE {{ ?s a <{DCAT}Catalog> }}"},
    }
    return run_node("sparql.mjs", served.base + "sparql", json.dumps(queries))


def test_comunica_gets_each_dataset_title_once(answers):
    rows = answers["titles"]["rows"]
    assert len(rows) == 4, rows  # two datasets, a French and an English title each
    assert len({(r["d"], r["t"]) for r in rows}) == 4


def test_comunica_asks_constructs_and_counts(builds, answers):
    assert answers["ask"] == {"boolean": True}
    assert answers["construct"]["quads"] > 10
    published = builds["real"].memory
    distinct = {(q.subject, q.predicate, q.object) for q in published.quads_for_pattern(None, None, None, None)}
    assert int(answers["count"]["rows"][0]["n"]) == len(distinct)  # COUNT(*) counts each triple once


def test_comunica_reads_an_untyped_source_through_its_service_description(served, answers):
    assert answers["untyped"] == {"rows": [{"s": served.base + "catalog"}]}


def test_link_traversal_from_the_catalog_finds_the_sparql_endpoint(node, served):
    found = run_node("traverse.mjs", served.base + "catalog",
                     f"SELECT DISTINCT ?s ?url WHERE {{ ?s <{DCAT}endpointURL> ?url }}")
    assert found["error"] is None, found["error"]
    assert found["rows"] == [{"s": served.base + "id/service/sparql", "url": served.base + "sparql"}]
    assert not [r for r in found["requests"] if r["status"] >= 400], found["requests"]


def test_link_traversal_follows_a_plan_to_its_axes_reading_n_quads(node, served):
    found = run_node("traverse.mjs", PLAN, "SELECT DISTINCT ?axis ?label WHERE { "
                     f"<{PLAN}> <https://w3id.org/essgraph/def#hasSection> ?axis . "
                     "?axis <http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    assert found["error"] is None, found["error"]
    assert len({r["axis"] for r in found["rows"]}) == 4  # the plan's four axes
    documents = [r for r in found["requests"] if r["url"].startswith(served.base + "id/")]
    assert documents and all(r["type"].startswith("application/n-quads") for r in documents), documents[:3]
    assert not [r for r in found["requests"] if r["url"].endswith("/context.jsonld")]
