"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

It says where the endpoint is, which language and result formats it speaks, that its default graph is the union of
the named graphs (``sd:UnionDefaultGraph``), and lists each named graph with its size (``void:triples``, from the
build manifest). Federated query (``sd:BasicFederatedQuery``) is deliberately not announced: SERVICE is refused.
"""

from __future__ import annotations

import pyoxigraph as ox

from essgraph.rdf import formats
from essgraph.rdf.namespaces import PREFIXES
from essgraph.urls import Urls

SD = PREFIXES["sd"]
VOID = PREFIXES["void"]
ENTAILMENT = "http://www.w3.org/ns/entailment/"
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")


def description(base_iri: str, manifest: dict, timeout_s: float, max_rows: int) -> list[ox.Triple]:
    where = Urls(base_iri)
    endpoint = where.sparql
    service = ox.NamedNode(where.service_description("service"))
    dataset = ox.NamedNode(where.service_description("dataset"))
    default_graph = ox.NamedNode(where.service_description("default-graph"))

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    def text(value: str) -> ox.Literal:
        return ox.Literal(value, language="en")

    def count(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))

    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode(ENTAILMENT + "Simple")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(service, ox.NamedNode(PREFIXES["dct"] + "title"), text("essgraph SPARQL endpoint")),
        ox.Triple(
            service,
            ox.NamedNode(PREFIXES["rdfs"] + "comment"),
            text(
                "Read-only SPARQL 1.1 Query endpoint. The default graph is the union of all the named graphs. "
                f"Limits: {timeout_s:g} s per query, {max_rows:,} results per response; SERVICE and updates are "
                "refused."
            ),
        ),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
        ox.Triple(
            default_graph,
            ox.NamedNode(PREFIXES["rdfs"] + "comment"),
            text("The union (RDF merge) of all the named graphs of the dataset."),
        ),
    ]
    # the W3C format IRI of every format the endpoint answers in
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(f.iri))
        for f in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS)
    ]
    for i, (iri, n) in enumerate(sorted(manifest.get("graphs", {}).items())):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(iri)),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), count(int(n))),
        ]
    return triples
