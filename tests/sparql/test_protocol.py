"""The SPARQL 1.1 Protocol at /sparql (in-process, the query workers running): the three ways to send a query, the
dataset parameters and the union default graph, the status code of every malformed request, content negotiation,
HEAD, CORS and conditional requests. (A request refused from its declared length alone, before its body arrives,
needs a socket: tests/process/test_sparql_safety.py.)"""

from __future__ import annotations

import json

import httpx
import pytest

from support.sparql import no_leak

KASEI = "http://kasei.us/2009/09/sparql/data/"
D1, D2, D3 = (f"{KASEI}data{i}.rdf" for i in (1, 2, 3))
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
MAX_BYTES = 4096


@pytest.fixture(scope="module")
def client(builds):
    with builds["sparql"].serve(max_request_bytes=MAX_BYTES).client() as c:
        yield c


def ask(client: httpx.Client, query: str, **params) -> bool:
    r = client.get("/sparql", params={"query": query, **params})
    assert r.status_code == 200, r.text
    return r.json()["boolean"]


# -- the three operations ----------------------------------------------------------------------------------------

def test_query_by_get(client):
    r = client.get("/sparql", params={"query": "SELECT ?n WHERE { ?a <https://w3id.org/essgraph/def#cardNumber> ?n } "
                                                "ORDER BY ?n"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert [b["n"]["value"] for b in r.json()["results"]["bindings"]] == ["1.1", "1.2", "2.1"]
    assert r.headers["access-control-allow-origin"] == "*"
    assert "Accept" in r.headers["vary"]


def test_query_by_post_form(client):
    r = client.post("/sparql", content="query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D", headers=FORM)
    assert r.status_code == 200 and r.json() == {"head": {}, "boolean": True}


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/sparql-query; charset=UTF-8",
                                          "Application/SPARQL-Query;charset=utf-8"])
def test_query_by_post_direct(client, content_type):
    r = client.post("/sparql", content="ASK { ?s ?p ?o }".encode(), headers={"Content-Type": content_type})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_form_post_takes_dataset_parameters_from_the_url_and_the_body(client):
    body = httpx.QueryParams({"query": f"ASK {{ <{D1}> a ?t }}", "named-graph-uri": D2})
    r = client.post("/sparql", params={"default-graph-uri": D1}, content=str(body), headers=FORM)
    assert r.status_code == 200 and r.json()["boolean"] is True
    r = client.post("/sparql", params={"default-graph-uri": D2}, content=str(body), headers=FORM)
    assert r.json()["boolean"] is False


# -- the dataset -------------------------------------------------------------------------------------------------

def test_default_graph_is_the_union_of_the_named_graphs(client):
    assert ask(client, f"ASK {{ <{D1}> a ?t . <{D2}> a ?t . <{D3}> a ?t }}")
    r = client.get("/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"})
    graphs = {b["g"]["value"] for b in r.json()["results"]["bindings"]}
    assert {D1, D2, D3, f"{client.base_url}/graph/plan/mini-2024"} <= graphs


def test_from_clauses_of_the_query_define_its_dataset(client):
    assert ask(client, f"ASK FROM <{D1}> {{ <{D1}> a ?t }}")
    assert not ask(client, f"ASK FROM <{D1}> {{ <{D2}> a ?t }}")
    assert not ask(client, f"ASK FROM NAMED <{D1}> {{ ?s ?p ?o }}")  # no FROM: an empty default graph
    assert ask(client, f"ASK FROM NAMED <{D1}> {{ GRAPH <{D1}> {{ ?s ?p ?o }} }}")
    assert not ask(client, f"ASK FROM NAMED <{D1}> {{ GRAPH <{D2}> {{ ?s ?p ?o }} }}")


def test_protocol_dataset_overrides_the_query_dataset(client):
    query = f"ASK FROM <{D1}> {{ <{D2}> a ?t }}"
    assert not ask(client, query)
    assert ask(client, query, **{"default-graph-uri": D2})


def test_several_default_graph_uris_are_merged(client):
    r = client.get("/sparql", params=[("query", f"ASK {{ <{D1}> a ?t . <{D2}> a ?t }}"),
                                      ("default-graph-uri", D1), ("default-graph-uri", D2)])
    assert r.json()["boolean"] is True


def test_named_graph_uri_alone_leaves_the_default_graph_empty(client):
    assert not ask(client, "ASK { ?s ?p ?o }", **{"named-graph-uri": D1})
    assert ask(client, f"ASK {{ GRAPH <{D1}> {{ ?s ?p ?o }} }}", **{"named-graph-uri": D1})
    assert not ask(client, f"ASK {{ GRAPH <{D2}> {{ ?s ?p ?o }} }}", **{"named-graph-uri": D1})


def test_a_graph_that_is_not_in_the_store_is_empty(client):
    missing = "http://example.org/not-in-the-store"
    assert not ask(client, "ASK { ?s ?p ?o }", **{"default-graph-uri": missing})
    assert ask(client, "ASK {}", **{"default-graph-uri": missing})
    assert not ask(client, f"ASK FROM <{missing}> {{ ?s ?p ?o }}")


# -- malformed requests ------------------------------------------------------------------------------------------

MALFORMED = [
    # (id, method, params, headers, body, status, code)
    ("put", "PUT", {"query": "ASK {}"}, FORM, b"", 405, "method_not_allowed"),
    ("delete", "DELETE", {}, {}, b"", 405, "method_not_allowed"),
    ("patch", "PATCH", {}, {}, b"", 405, "method_not_allowed"),
    ("two-queries-get", "GET", [("query", "ASK {}"), ("query", "SELECT * {}")], {}, b"", 400, "several_queries"),
    ("two-queries-form", "POST", {"query": "ASK {}"}, FORM, b"query=ASK%20%7B%7D", 400, "several_queries"),
    ("two-queries-direct", "POST", {"query": "ASK {}"}, DIRECT, b"ASK {}", 400, "several_queries"),
    ("wrong-media-type", "POST", {}, {"Content-Type": "text/plain"}, b"ASK {}", 415, "unsupported_media_type"),
    ("missing-form-type", "POST", {}, {}, b"query=ASK%20%7B%7D", 415, "missing_media_type"),
    ("missing-direct-type", "POST", {}, {}, b"ASK {}", 415, "missing_media_type"),
    ("utf16", "POST", {}, {"Content-Type": "application/sparql-query; charset=UTF-16"}, "ASK {}".encode("utf-16"),
     415, "unsupported_charset"),
    ("latin1-form", "POST", {}, {"Content-Type": FORM["Content-Type"] + "; charset=ISO-8859-1"}, b"query=ASK",
     415, "unsupported_charset"),
    ("not-utf8-body", "POST", {}, DIRECT, b"ASK { ?s ?p \"caf\xe9\" }", 400, "bad_encoding"),
    ("not-utf8-url", "GET", None, {}, b"", 400, "bad_encoding"),
    ("syntax", "GET", {"query": "ASK {"}, {}, b"", 400, "malformed_query"),
    ("no-query-post", "POST", {}, FORM, b"default-graph-uri=http%3A%2F%2Fa", 400, "missing_query"),
    ("empty-query", "GET", {"query": "  "}, {}, b"", 400, "missing_query"),
    ("two-formats", "GET", [("query", "ASK {}"), ("format", "json"), ("format", "xml")], {}, b"", 400,
     "several_formats"),
    ("bad-graph-iri", "GET", {"query": "ASK {}", "default-graph-uri": "not an iri"}, {}, b"", 400, "bad_graph_iri"),
]


@pytest.mark.parametrize("case", MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_requests_get_the_protocol_status(client, case):
    _id, method, params, headers, body, status, code = case
    url = "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D" if params is None else "/sparql"
    r = client.request(method, url, params=params, headers=headers, content=body)
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["status"] == status and error["code"] == code and error["message"]
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["access-control-allow-origin"] == "*"
    assert no_leak(r.text)
    if status == 405:
        assert r.headers["allow"] == "GET, HEAD, POST, OPTIONS"


def test_syntax_error_says_where(client):
    r = client.get("/sparql", params={"query": "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }"})
    assert r.status_code == 400
    assert "at line 3, column " in r.json()["error"]["message"]


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_requests_over_the_size_limit_get_413(client, how):
    query = "ASK { " + "?s ?p ?o . " * (MAX_BYTES // 8) + "}"
    if how == "get":
        r = client.get("/sparql", params={"query": query})
    elif how == "form":
        r = client.post("/sparql", content=str(httpx.QueryParams({"query": query})), headers=FORM)
    else:
        r = client.post("/sparql", content=query.encode(), headers=DIRECT)
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"


# -- formats and negotiation -------------------------------------------------------------------------------------

@pytest.mark.parametrize("accept,expected", [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+xml;q=0.5, text/csv", "text/csv"),
    ("text/csv;q=0.1, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("text/*;q=0.5, application/sparql-results+json;q=0.1", "text/csv"),
])
def test_select_negotiation_honours_q_values(client, accept, expected):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize("accept,expected", [
    (None, "text/turtle"), ("application/rdf+xml;q=1, text/turtle;q=0.5", "application/rdf+xml"),
    ("application/ld+json", "application/ld+json"), ("application/n-triples", "application/n-triples"),
])
def test_construct_negotiation(client, accept, expected):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s a ?t } LIMIT 2"}, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize("query,accept", [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "text/turtle"),
    ("ASK {}", "application/rdf+xml, text/turtle"),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "application/sparql-results+json"),
    ("DESCRIBE <http://example.org/>", "text/csv"),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png"),
])
def test_406_when_nothing_fits(client, query, accept):
    r = client.post("/sparql", data={"query": query}, headers={"Accept": accept})
    assert r.status_code == 406, r.text
    assert r.json()["error"]["code"] == "not_acceptable"


@pytest.mark.parametrize("fmt,expected", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                          ("xml", "application/sparql-results+xml"),
                                          ("json", "application/sparql-results+json"),
                                          ("text/csv", "text/csv")])
def test_format_parameter_wins_over_accept(client, fmt, expected):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "format": fmt},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == expected


@pytest.mark.parametrize("query,fmt", [("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "turtle"), ("ASK {}", "jsonld"),
                                       ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "csv")])
def test_format_parameter_that_does_not_fit_is_406(client, query, fmt):
    r = client.get("/sparql", params={"query": query, "format": fmt})
    assert r.status_code == 406 and f"format={fmt}" in r.json()["error"]["message"]


def test_a_format_parameter_that_names_no_format_falls_back_to_accept(client):
    # the one rule of essgraph.web.http: an unknown format= is passed over; a known one that does not fit is 406
    r = client.get("/sparql", params={"query": "ASK {}", "format": "bogus"},
                   headers={"Accept": "application/sparql-results+xml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+xml")
    r = client.get("/sparql", params={"query": "ASK {}", "format": "bogus"}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.json()["error"]["message"].startswith("format=bogus names no format")
    assert "format=json" in r.json()["error"]["hint"]


def test_format_output_and_results_are_read_together_as_sparqlwrapper_sends_them(client):
    params = [("query", "ASK {}"), ("format", "tsv"), ("format", "text/tab-separated-values"), ("output", "tsv"),
              ("results", "text/tab-separated-values")]
    r = client.get("/sparql", params=params)
    assert r.status_code == 200 and r.content == b"?_askResult\ntrue\n"
    r = client.post("/sparql?output=xml&results=application/sparql-results%2Bxml", content=b"ASK {}",
                    headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+xml")
    r = client.get("/sparql", params=[("query", "ASK {}"), ("format", "json"), ("output", "csv")])
    assert r.status_code == 400 and r.json()["error"]["code"] == "several_formats"


def test_a_browser_following_a_query_link_gets_the_query_page(client):
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<textarea id="query"' in r.text
    r = client.post("/sparql", data={"query": "ASK {}"}, headers={"Accept": BROWSER})
    # POST: the result itself, in the browser's best format (application/xml;q=0.9 beats */*;q=0.8)
    assert r.headers["content-type"].startswith("application/sparql-results+xml")


# -- HEAD, CORS, caching -----------------------------------------------------------------------------------------

def test_head_answers_like_get_without_a_body(client):
    params = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2", "format": "csv"}
    get, head = client.get("/sparql", params=params), client.head("/sparql", params=params)
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-length", "etag", "access-control-allow-origin"):
        assert head.headers[name] == get.headers[name]
    assert client.head("/sparql", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.head("/sparql", params={"query": "ASK {"}).status_code == 400


def test_cors_preflight(client):
    r = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers": "content-type, accept"})
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert r.headers["access-control-allow-headers"] == "content-type, accept"
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_conditional_get_answers_304(client):
    params = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}
    first = client.get("/sparql", params=params)
    etag = first.headers["etag"]
    again = client.get("/sparql", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/sparql", params={**params, "format": "csv"}, headers={"If-None-Match": etag})
    assert other.status_code == 200  # another representation, another tag
    assert "etag" not in client.post("/sparql", data=params).headers


def test_results_are_complete_json(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    data = json.loads(r.content)
    assert int(r.headers["content-length"]) == len(r.content)
    assert len(data["results"]["bindings"]) > 1000
