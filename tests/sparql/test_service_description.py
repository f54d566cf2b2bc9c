"""The service description at /sparql (for RDF clients) and the query page (for browsers), driven by the W3C
service-description test manifest (tests/fixtures/sparql/w3c/service-description-manifest.ttl)."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from rdflib import RDF, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.collection import Collection

from support.projects import FIXTURES
from support.rdf import RDFLIB_FORMATS

# rdflib's JSON-LD parser (used here only to check our JSON-LD) warns about its own internals
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
MANIFEST = FIXTURES / "sparql" / "w3c" / "service-description-manifest.ttl"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def server(builds):
    return builds["sparql"].serve(query_timeout_s=7.5)


def description(server, accept: str = "text/turtle") -> rdflib.Graph:
    r = server.get("/sparql", headers={"Accept": accept}, timeout=30)
    assert r.status_code == 200, r.text
    return rdflib.Graph().parse(data=r.content, format=RDFLIB_FORMATS[r.headers["content-type"].split(";")[0]])


# -- the W3C service description tests ---------------------------------------------------------------------------

def _returns_rdf(server):
    for accept in (None, "*/*", "text/turtle"):
        r = server.get("/sparql", headers={"Accept": accept} if accept else {}, timeout=30)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
        assert len(rdflib.Graph().parse(data=r.content, format="turtle")) > 10


def _has_endpoint_triple(server):
    graph = description(server)
    assert list(graph.objects(None, SD.endpoint)) == [URIRef(server.url + "/sparql")]


def _conforms_to_schema(server):
    graph = description(server)
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    service = services[0]
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert all(isinstance(f, URIRef) for f in graph.objects(service, SD.resultFormat))
    dataset = graph.value(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    assert (graph.value(dataset, SD.defaultGraph), RDF.type, SD.Graph) in graph
    for named in graph.objects(dataset, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in graph
        assert isinstance(graph.value(named, SD.name), URIRef)
        size = graph.value(graph.value(named, SD.graph), VOID.triples)
        assert size.datatype == rdflib.XSD.integer and size.toPython() > 0


CHECKS = {"returns-rdf": _returns_rdf, "has-endpoint-triple": _has_endpoint_triple,
          "conforms-to-schema": _conforms_to_schema}


def _entries() -> list[str]:
    graph = rdflib.Graph().parse(MANIFEST, format="turtle", publicID="http://example.org/sd-manifest")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return [str(e).rsplit("#", 1)[1] for e in Collection(graph, graph.value(manifest, MF.entries))]


@pytest.mark.parametrize("name", _entries())
def test_w3c_service_description(server, name):
    CHECKS[name](server)


# -- what it says ------------------------------------------------------------------------------------------------

def test_it_says_the_default_graph_is_the_union_and_federation_is_off(server):
    graph = description(server)
    service = next(graph.subjects(RDF.type, SD.Service))
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph
    comment = " ".join(str(c) for c in graph.objects(None, rdflib.RDFS.comment))
    assert "union" in comment and "7.5 s" in comment and "10,000" in comment


def test_named_graphs_and_their_sizes_come_from_the_build(server, builds):
    graph = description(server)
    sizes = {str(graph.value(n, SD.name)): graph.value(graph.value(n, SD.graph), VOID.triples).toPython()
             for n in graph.objects(None, SD.namedGraph)}
    assert sizes == builds["sparql"].current.manifest["graphs"]
    for iri, n in sizes.items():  # the counts are the store's
        r = server.get("/sparql", timeout=30,
                      params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"})
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == n


def test_result_formats_are_announced(server):
    graph = description(server)
    formats = {str(f).rsplit("/", 1)[1] for f in graph.objects(None, SD.resultFormat)}
    assert formats == {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                       "Turtle", "N-Triples", "JSON-LD", "RDF_XML"}


def test_every_rdf_format_says_the_same(server):
    reference = description(server, "text/turtle")
    for accept in ("application/ld+json", "application/n-triples", "application/rdf+xml"):
        assert isomorphic(description(server, accept), reference), accept
    r = server.get("/sparql", params={"format": "jsonld"}, timeout=30)
    assert r.headers["content-type"].startswith("application/ld+json")
    assert 'rel="alternate"; type="application/rdf+xml"' in r.headers["link"]


def test_nothing_fits_is_406(server):
    r = server.get("/sparql", headers={"Accept": "image/png"}, timeout=30)
    assert r.status_code == 406 and r.json()["error"]["code"] == "not_acceptable"


def test_browsers_get_the_query_page(server):
    r = server.get("/sparql", headers={"Accept": BROWSER}, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert '<textarea id="query"' in page and 'id="example-list"' in page
    config = json.loads(re.search(r'id="essgraph-config">(.*?)</script>', page, re.S).group(1))
    assert config["timeout_s"] == 7.5 and config["prefixes"]["ess"] == "https://w3id.org/essgraph/def#"
    # nothing from another host: every script, stylesheet and alternate is this deployment's (links to specs are not
    # loaded); the page is in French, with the site's header and its search box
    own = server.url + "/"
    assert all(u.startswith(own) for u in re.findall(r'src="([^"]*)"', page))
    assert all(u.startswith(own) for u in re.findall(r'<link[^>]*href="([^"]*)"', page))
    assert '<html lang="fr">' in page and 'class="site-header"' in page and 'role="search"' in page
    for asset in ("sparql/static/sparql.js", "sparql/static/sparql.css"):
        a = server.get(f"/{asset}", timeout=30)
        assert a.status_code == 200 and "http://" not in a.text.replace("http://www.w3.org", "")
    assert server.get("/sparql/static/../app.py", timeout=30).status_code == 404
