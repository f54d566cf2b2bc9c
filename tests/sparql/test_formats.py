"""Result formats: SELECT and ASK in SPARQL JSON, XML, CSV and TSV; CONSTRUCT and DESCRIBE in Turtle, N-Triples,
JSON-LD and RDF/XML. Every format of one query must say the same thing: results are compared term by term (and
graphs by isomorphism), after parsing each format with an independent parser."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic


# rdflib's JSON-LD parser (used here only to check our JSON-LD) warns about its own internals
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

PREFIXES = """PREFIX ess: <https://w3id.org/essgraph/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
RICH_SELECT = PREFIXES + """SELECT ?action ?title ?budget ?description ?step ?stepLabel WHERE {
  ?action a ess:Action ; dct:title ?title .
  OPTIONAL { ?action ess:budget ?budget }
  OPTIONAL { ?action dct:description ?description }
  OPTIONAL { ?action ess:step ?step . ?step rdfs:label ?stepLabel }
} ORDER BY ?action"""
VALUES_SELECT = PREFIXES + """SELECT ?x ?y WHERE {
  VALUES (?x ?y) { (1 "un"@fr) (2.5 "deux et demi") ("2024-03-01"^^xsd:date UNDEF) (true <http://example.org/>)
                   ("tab\\there" "line\\nbreak \\"quoted\\" , ; done") }
}"""
RESULT_PARSERS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                  "tsv": ox.QueryResultsFormat.TSV}
RDF_PARSERS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
CONSTRUCT = PREFIXES + """CONSTRUCT { ?action dct:title ?title ; ess:budget ?budget ; ess:step ?step .
                                      ?step rdfs:label ?label }
WHERE { ?action dct:title ?title . OPTIONAL { ?action ess:budget ?budget }
        OPTIONAL { ?action ess:step ?step . ?step rdfs:label ?label } }"""


@pytest.fixture(scope="module")
def client(builds):
    with builds["sparql"].serve().client() as c:
        yield c


def fetch(client: httpx.Client, query: str, fmt: str) -> httpx.Response:
    r = client.get("/sparql", params={"query": query, "format": fmt})
    assert r.status_code == 200, r.text
    return r


def canonical(term) -> tuple | None:
    """(kind, value, language, datatype) of a pyoxigraph term; blank nodes all look alike."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return ("bnode", None, None, None)
    return ("literal", term.value, term.language, None if term.language else term.datatype.value)


def rows_of(body: bytes, fmt: str) -> tuple[list[str], list[list]]:
    solutions = ox.parse_query_results(body, format=RESULT_PARSERS[fmt])
    names = [v.value for v in solutions.variables]
    return names, [[canonical(s[n]) for n in names] for s in solutions]


@pytest.mark.parametrize("query", [RICH_SELECT, VALUES_SELECT], ids=["rich", "values"])
def test_select_says_the_same_in_every_format(client, query):
    names, expected = rows_of(fetch(client, query, "json").content, "json")
    assert expected and names
    for fmt in ("xml", "tsv"):
        assert rows_of(fetch(client, query, fmt).content, fmt) == (names, expected), fmt
    table = list(csv.reader(io.StringIO(fetch(client, query, "csv").content.decode("utf-8"), newline="")))
    assert table[0] == names
    assert [[c[1] if c and c[0] != "bnode" else "" for c in row] for row in expected] == \
        [[cell if not cell.startswith("_:") else "" for cell in row] for row in table[1:]]


def test_select_json_follows_the_spec(client):
    data = fetch(client, VALUES_SELECT, "json").json()
    assert data["head"]["vars"] == ["x", "y"]
    first = data["results"]["bindings"][0]
    assert first["x"] == {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    assert first["y"] == {"type": "literal", "value": "un", "xml:lang": "fr"}
    assert "y" not in data["results"]["bindings"][2]  # UNDEF: unbound, left out


def test_literal_with_line_break_and_quotes_survives_every_format(client):
    query = PREFIXES + "SELECT ?d WHERE { ?a dct:description ?d }"
    expected = fetch(client, query, "json").json()["results"]["bindings"][0]["d"]["value"]
    assert "\n" in expected and '"' in expected and "SERVICE" in expected
    for fmt in ("xml", "tsv"):
        assert rows_of(fetch(client, query, fmt).content, fmt)[1][0][0][1] == expected
    assert list(csv.reader(io.StringIO(fetch(client, query, "csv").text, newline="")))[1][0] == expected


@pytest.mark.parametrize("query,expected", [("ASK { ?s ?p ?o }", True), ("ASK { <http://nothing> ?p ?o }", False)])
def test_ask_in_every_format(client, query, expected):
    assert fetch(client, query, "json").json() == {"head": {}, "boolean": expected}
    assert bool(ox.parse_query_results(fetch(client, query, "xml").content, format=ox.QueryResultsFormat.XML)) \
        is expected
    # CSV and TSV as Apache Jena writes ASK: a one-column table whose variable is _askResult
    assert fetch(client, query, "csv").content == f"_askResult\r\n{str(expected).lower()}\r\n".encode()
    assert fetch(client, query, "tsv").content == f"?_askResult\n{str(expected).lower()}\n".encode()


@pytest.mark.parametrize("query,rows", [
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(false) }", 0),
    ("SELECT * WHERE {}", 1),
    ("SELECT * WHERE { FILTER(false) }", 0),
])
def test_empty_and_variable_free_results(client, query, rows):
    for fmt in ("json", "xml", "tsv"):
        assert len(rows_of(fetch(client, query, fmt).content, fmt)[1]) == rows, fmt
    assert len(fetch(client, query, "json").json()["results"]["bindings"]) == rows


def _graph(body: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=RDF_PARSERS[fmt])


@pytest.mark.parametrize("query", [CONSTRUCT, "DESCRIBE <http://kasei.us/2009/09/sparql/data/data1.rdf>",
                                   PREFIXES + "DESCRIBE ?a WHERE { ?a ess:cardNumber \"2.1\" }",
                                   "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(false) }"],
                         ids=["construct", "describe-iri", "describe-where", "empty"])
def test_graphs_say_the_same_in_every_format(client, query):
    reference = _graph(fetch(client, query, "ntriples").content, "ntriples")
    for fmt in ("turtle", "jsonld", "rdfxml"):
        assert isomorphic(_graph(fetch(client, query, fmt).content, fmt), reference), fmt


def test_construct_content(client):
    graph = _graph(fetch(client, CONSTRUCT, "turtle").content, "turtle")
    titles = {str(o) for o in graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))}
    assert {"Enquête", "Rencontre", "Jardin partagé", "Mini plan"} <= titles
    budgets = {o.toPython() for o in graph.objects(None, rdflib.URIRef("https://w3id.org/essgraph/def#budget"))}
    assert budgets == {1500, 250.5}
    assert fetch(client, CONSTRUCT, "turtle").text.startswith("@prefix")  # readable Turtle, with prefixes


def test_rdfxml_refuses_a_predicate_it_cannot_write(client):
    r = client.get("/sparql", params={"query": "CONSTRUCT { <http://a/s> <http://a/1> 1 } WHERE {}",
                                      "format": "rdfxml"})
    assert r.status_code == 406 and r.json()["error"]["code"] == "not_representable"
    assert fetch(client, "CONSTRUCT { <http://a/s> <http://a/1> 1 } WHERE {}", "turtle").text


def test_relative_iris_resolve_against_the_endpoint(client):
    r = fetch(client, "ASK { <id/plan/mini-2024> a ?type }", "json")
    assert r.json()["boolean"] is True


def test_json_content_is_utf8(client):
    r = fetch(client, PREFIXES + "SELECT ?t WHERE { ?a ess:cardNumber \"1.1\" ; dct:title ?t }", "json")
    assert r.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert json.loads(r.content.decode("utf-8"))["results"]["bindings"][0]["t"]["value"] == "Enquête"
