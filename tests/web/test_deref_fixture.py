"""Every IRI of the fixture project dereferences, in every format, with the right HTTP around it (in-process).

The fixture (tests/fixtures/pages) holds two plans modelled per docs/modelling.md, a snapshot of the ontology and of
concept schemes, and reference data. Each subject IRI under the base, the ontology, each of its terms, each concept
scheme and each concept is fetched as HTML, Turtle, JSON-LD, N-Triples and RDF/XML (and by its format URLs); every
RDF answer is parsed, must state everything the data states about the IRI, and all four must describe the same
graph; rdflib reads a sample of them too and must agree.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
import pytest
import rdflib

from essgraph.rdf.namespaces import ESS, ESS_SCHEMES
from support.deref import RDF_FORMATS, all_iris, check_one, sample
from support.rdf import RDFLIB_FORMATS, Contexts, same_graph
from support.rdf import parse as quads_of

PROJECT = "pages"


def parse(body: bytes, fmt: str, base: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=body, format=fmt, publicID=base)
    return graph


@pytest.mark.slow
def test_every_iri_dereferences_in_every_format(built, live, client):
    iris = all_iris(built)
    kinds = {"id/plan/", "id/organisation/", "id/place/", "id/programme/", "id/person/", "id/document/",
             "id/legal-expression/", "graph/"}
    assert {k for k in kinds if any(i.startswith(live.base + k) for i in iris)} == kinds
    assert any("/action/" in i and i.endswith("/objective/1") for i in iris)
    assert sum(i.startswith(ESS) for i in iris) > 50 and sum(i.startswith(ESS_SCHEMES) for i in iris) > 30
    checked = sample(live.base, iris, 20)
    assert len(checked) >= 40
    contexts = Contexts(client)
    with ThreadPoolExecutor(2) as pool:
        problems = [p for found in pool.map(lambda i: check_one(client, live.base, i, built.memory,
                                                                cross_check=i in checked, contexts=contexts), iris)
                    for p in found]
    assert not problems, "\n".join(problems[:40])


def test_the_description_is_complete(live, client):
    """Own triples, blank nodes, parts, labels of what it links to, incoming links a reader needs."""
    action = live.base + "id/plan/ville-test-2024/action/1.1"
    g = parse(client.get(action + ".ttl").content, "turtle", action)
    A = rdflib.URIRef(action)
    ESSNS = rdflib.Namespace(ESS)
    RDFS = rdflib.RDFS
    assert (A, RDFS.label, rdflib.Literal("Logistique de la solidarité alimentaire", lang="fr")) in g
    # parts come whole: objectives, the calendar's instants (blank nodes), the indicator's target and its value
    calendar = g.value(A, ESSNS.scheduledInterval)
    begin = g.value(calendar, rdflib.URIRef("http://www.w3.org/2006/time#hasBeginning"))
    assert str(g.value(begin, rdflib.URIRef("http://www.w3.org/2006/time#inXSDDate"))) == "2024-10-01"
    target = rdflib.URIRef(action + "/indicator/2/target")
    assert str(g.value(g.value(target, ESSNS.targetValue), rdflib.URIRef("http://schema.org/value"))) == "30"
    # labels of what it links to: organisations, concepts, the plan, an ELI text titled by its expression
    assert g.value(rdflib.URIRef(live.base + "id/organisation/epicerie-solidaire"),
                   rdflib.SKOS.prefLabel) is not None
    assert (rdflib.URIRef("https://w3id.org/essgraph/def/field/alimentation"), rdflib.SKOS.prefLabel,
            rdflib.Literal("Alimentation", lang="fr")) in g
    expression = rdflib.URIRef(live.base + "id/legal-expression/directive-2018-851/fr")
    assert g.value(expression, rdflib.URIRef("http://data.europa.eu/eli/ontology#title")) is not None
    # incoming: the note of the plan about it, the actions that refer to it
    assert (rdflib.URIRef(live.base + "id/plan/ville-test-2024/action/2.1"), ESSNS.hostedBy, A) in g
    # an organisation lists its actions, with their labels and plans
    org = live.base + "id/organisation/epicerie-solidaire"
    og = parse(client.get(org, headers={"Accept": "text/turtle"}).content, "turtle", org)
    actions = set(og.subjects(ESSNS.involvedOrganisation, rdflib.URIRef(org)))
    assert {str(a).rsplit("/plan/", 1)[1] for a in actions} == {
        "ville-test-2024/action/1.1", "ville-test-2024/action/1.2", "bourg-exemple-2023/action/1.1"}
    assert all(og.value(a, RDFS.label) is not None for a in actions)
    assert og.value(rdflib.URIRef(live.base + "id/plan/bourg-exemple-2023"), rdflib.DCTERMS.title) is not None


def test_jsonld_uses_the_published_context(live, client):
    action = live.base + "id/plan/ville-test-2024/action/1.1"
    doc = client.get(action, headers={"Accept": "application/ld+json"}).json()
    assert doc["@context"] == live.base + "context.jsonld"
    node = next(n for n in doc["@graph"] if n["id"] == action)
    assert node["type"] == "Action"
    assert node["label"] == {"fr": "Logistique de la solidarité alimentaire", "en": "Food-aid logistics"}
    assert node["inPlan"] == live.base + "id/plan/ville-test-2024"
    assert node["cardNumber"] == "1.1"
    context = client.get(live.base + "context.jsonld")
    assert context.status_code == 200 and context.headers["content-type"].startswith("application/ld+json")
    assert context.headers["access-control-allow-origin"] == "*"
    assert client.get(live.base + "context.jsonld", headers={"If-None-Match": context.headers["etag"]}
                      ).status_code == 304
    keys = context.json()["@context"]
    ontology = parse(client.get(live.base + "def.ttl").content, "turtle", live.base + "def")
    terms = {str(s)[len(ESS):] for s in ontology.subjects(rdflib.RDF.type, None) if str(s).startswith(ESS)}
    assert terms and terms <= set(keys), f"context misses {sorted(terms - set(keys))}"


def test_conditional_requests_and_head(live, client):
    url = live.base + "id/plan/ville-test-2024"
    first = client.get(url, headers={"Accept": "text/turtle"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert "max-age" in first.headers["cache-control"]
    again = client.get(url, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "Accept" in again.headers["vary"]
    assert client.get(url, headers={"Accept": "text/turtle", "If-None-Match": 'W/"other"'}).status_code == 200
    assert client.get(url, headers={"Accept": "text/turtle", "If-Modified-Since": modified}).status_code == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(url, headers={"Accept": "text/turtle", "If-Modified-Since": old}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110)
    assert client.get(url, headers={"Accept": "text/turtle", "If-None-Match": '"x"', "If-Modified-Since": modified}
                      ).status_code == 200
    html = client.get(url, headers={"Accept": "text/html"})
    assert html.headers["etag"] != etag   # one ETag per representation
    assert client.get(url, headers={"Accept": "text/turtle", "If-None-Match": html.headers["etag"]}
                      ).status_code == 200
    for accept in ("text/html", "text/turtle"):
        head = client.head(url, headers={"Accept": accept})
        get = client.get(url, headers={"Accept": accept})
        assert head.status_code == 200 and head.content == b""
        for name in ("content-type", "etag", "link", "vary", "last-modified"):
            assert head.headers[name] == get.headers[name]
    for path in ("", "def", "def/lever", "context.jsonld"):
        assert client.head(live.base + path).status_code == 200


@pytest.mark.parametrize("accept,status,kind", [
    ("text/html,application/xhtml+xml,*/*;q=0.8", 200, "text/html"),
    ("text/turtle;q=0.9, application/ld+json", 200, "application/ld+json"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.4, */*;q=0.1", 200, "application/rdf+xml"),
    ("text/plain", 200, "application/n-triples"),
    ("*/*", 200, "text/html"),
    ("", 200, "text/html"),
    ("image/png", 406, "application/json"),
    ("text/turtle;q=0, */*", 200, "text/html"),   # anything but Turtle: the server's first choice
    ("text/html;q=0, */*", 200, "text/turtle"),
    ("text/turtle;q=0", 406, "application/json"),
    ("application/json", 406, "application/json"),
])
def test_accept_negotiation(live, client, accept, status, kind):
    response = client.get(live.base + "id/plan/ville-test-2024/action/1.1", headers={"Accept": accept})
    assert response.status_code == status
    assert response.headers["content-type"].startswith(kind)
    assert "Accept" in response.headers["vary"]
    if status == 406:
        assert response.json()["error"]["code"] == "not_acceptable"


def test_explicit_format_switch_wins_over_accept(live, client):
    url = live.base + "id/plan/ville-test-2024/action/1.1"
    for switch in ("?format=turtle", "?format=ttl", "?format=text/turtle", ".ttl"):
        response = client.get(url + switch, headers={"Accept": "text/html"})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle"), switch
    assert client.get(url + ".html", headers={"Accept": "text/turtle"}).headers["content-type"].startswith(
        "text/html")
    # a format= that names no format falls back to Accept; when nothing acceptable remains, the 406 names it
    unknown = client.get(url + "?format=pdf", headers={"Accept": "application/ld+json"})
    assert unknown.status_code == 200 and unknown.headers["content-type"].startswith("application/ld+json")
    bad = client.get(url + "?format=pdf", headers={"Accept": "image/png"})
    assert bad.status_code == 406 and bad.json()["error"]["message"].startswith("format=pdf names no format")
    assert client.get(live.base + "def.jsonld").headers["content-type"].startswith("application/ld+json")
    assert client.get(live.base + "def/term/Action.nt").headers["content-type"].startswith("application/n-triples")
    assert client.get(live.base + "def/field/alimentation.rdf").headers["content-type"].startswith(
        "application/rdf+xml")


def test_resources_come_in_n_quads_and_trig_as_link_traversal_clients_ask(live, client):
    """Comunica's Accept puts N-Quads first: the description comes as N-Quads (no @context to fetch), the same
    triples as the Turtle answer, in the default graph; TriG by extension."""
    url = live.base + "id/plan/ville-test-2024/action/1.1"
    turtle = quads_of(client.get(url, headers={"Accept": "text/turtle"}).content, "text/turtle", url)
    comunica = ("application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
                "application/n-triples;q=0.8,text/turtle;q=0.6,*/*;q=0.1")
    for asked, headers, media in ((url, {"Accept": comunica}, "application/n-quads"),
                                  (url + ".nq", {}, "application/n-quads"), (url + ".trig", {}, "application/trig")):
        response = client.get(asked, headers=headers)
        assert response.status_code == 200 and response.headers["content-type"].startswith(media), asked
        found = quads_of(response.content, media, url)
        assert len(found) > 10 and {q.graph_name for q in found} == {ox.DefaultGraph()}, asked
        assert same_graph(found, turtle), asked


def test_home_sends_rdf_clients_to_the_catalog(live, client):
    response = client.get(live.base, headers={"Accept": "text/turtle"})
    assert response.status_code == 303 and response.headers["location"] == live.base + "catalog"
    assert "Accept" in response.headers["vary"]


UNKNOWN = ["id/nothing/here", "id/plan/ville-test-2024/action/9.9", "def/term/NoSuchTerm", "def/lever/nope",
           "def/a/b/c", "graph/none", "id/plan/x%3E%20%3Fp%20%3Fo", "id/..%2F..%2Fetc", "id/a//b",
           "id/.hidden", "id/plan/ville-test-2024.xyz"]


@pytest.mark.parametrize("path", UNKNOWN)
def test_unknown_iris_get_a_404_in_the_negotiated_format(live, client, path):
    url = live.base + path
    html = client.get(url, headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.headers["content-type"].startswith("text/html")
    assert "Aucune ressource" in html.text and 'lang="fr"' in html.text
    for accept, parser in ((accept, RDFLIB_FORMATS[accept]) for accept in RDF_FORMATS):
        response = client.get(url, headers={"Accept": accept})
        assert response.status_code == 404, accept
        assert response.headers["content-type"].startswith(accept)
        assert "Accept" in response.headers["vary"]
        if parser == "json-ld":
            assert response.json()["error"]["code"] == "not_found"
        else:
            assert len(parse(response.content, parser, url)) == 0   # an empty graph, with the error as a comment
    assert client.get(url, headers={"Accept": "image/png"}).status_code == 404
    assert client.get(url + ".ttl").headers["content-type"].startswith("text/turtle")


def test_control_characters_in_the_path_are_never_looked_up(live, client):
    # the router does not match a path holding a newline: the app's JSON 404 answers, nothing reaches the store
    response = client.get(live.base + "id/%0A%3Cx%3E%20%3Cy%3E%20%3Cz%3E%20.", headers={"Accept": "text/turtle"})
    assert response.status_code == 404


def test_static_assets_are_local(live, client):
    css = client.get(live.base + "static/site/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "http" not in css.text.replace("https://", "")   # no @import or url() to another host
    html = client.get(live.base + "id/plan/ville-test-2024", headers={"Accept": "text/html"}).text
    for tag in ("<link rel=\"stylesheet\"", "<script src", "<img"):
        for piece in html.split(tag)[1:]:
            assert live.base in piece.split(">", 1)[0] or tag != "<link rel=\"stylesheet\"", piece[:100]
    assert "<script src" not in html and "<img" not in html
