"""The HTTP rules of essgraph.web.http, table-tested: format choice (400/406), conditional requests, Allow, CORS and
errors in the negotiated format, on a small app with the same middleware and handlers as the real one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from essgraph.errors import HttpError
from essgraph.settings import Settings
from essgraph.rdf import formats
from essgraph.web import errors
from essgraph.web.headers import Cors, allow_header
from essgraph.web.http import PageRoute, choose, entity_tag, negotiate, not_modified

GRAPH = formats.GRAPH_FORMATS
PAGE = (formats.HTML, *formats.GRAPH_FORMATS)


@pytest.mark.parametrize("accept,offers,expected", [
    (None, GRAPH, formats.TURTLE),
    ("", PAGE, formats.HTML),
    ("*/*", GRAPH, formats.TURTLE),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.4", GRAPH, formats.RDFXML),
    ("text/turtle;q=0, */*", GRAPH, formats.JSONLD),
    ("text/plain", GRAPH, formats.NTRIPLES),
    ("application/x-turtle", GRAPH, formats.TURTLE),
    ("text/*;q=0.5, application/sparql-results+json;q=0.1", formats.RESULT_FORMATS, formats.CSV),
    ("application/json", formats.RESULT_FORMATS, formats.SPARQL_JSON),
    ("image/png", GRAPH, None),
    ("text/turtle;q=0", GRAPH, None),
    ("garbage, text/html;q=oops", PAGE, None),
])
def test_negotiation_honours_q_values_and_the_servers_order(accept, offers, expected):
    assert negotiate(accept, offers) is expected


def test_format_parameter_then_extension_then_accept():
    assert choose("ttl", "application/ld+json", GRAPH, "x", formats.RDFXML) is formats.TURTLE
    assert choose(None, "application/ld+json", GRAPH, "x", formats.RDFXML) is formats.RDFXML
    assert choose(None, "application/ld+json", GRAPH, "x") is formats.JSONLD
    assert choose("application/n-triples", None, GRAPH, "x") is formats.NTRIPLES


@pytest.mark.parametrize("asked,accept,status,code", [
    ("pdf", "image/png", 406, "not_acceptable"),  # names no format, and nothing accepted fits
    ("csv", None, 406, "not_acceptable"),         # a format, not one this resource comes in
    ("text/html", None, 406, "not_acceptable"),
    (None, "image/png", 406, "not_acceptable"),   # nothing accepted fits
    (("json-ld", "turtle"), None, 400, "several_formats"),  # values that disagree
])
def test_a_format_that_cannot_be_given_is_406_and_formats_that_disagree_are_400(asked, accept, status, code):
    with pytest.raises(HttpError) as caught:
        choose(asked, accept, GRAPH, "the thing")
    assert caught.value.status == status and caught.value.code == code
    assert "format=turtle" in caught.value.hint or "text/turtle" in caught.value.hint


def test_a_format_name_that_means_no_format_falls_back_to_the_extension_then_accept():
    assert choose("pdf", "application/ld+json", GRAPH, "x") is formats.JSONLD
    assert choose("pdf", None, GRAPH, "x", formats.RDFXML) is formats.RDFXML
    assert choose("pdf", None, GRAPH, "x") is formats.TURTLE  # no Accept: everything is acceptable
    with pytest.raises(HttpError) as caught:
        choose(("pdf",), "image/png", GRAPH, "the thing")
    assert caught.value.message.startswith("format=pdf names no format, and none of the media types accepted")


@pytest.mark.parametrize("values,offers,expected", [
    # SPARQLWrapper names the format in format, output and results, each again with its media type
    (("tsv", "text/tab-separated-values", "tsv", "text/tab-separated-values"), formats.RESULT_FORMATS, formats.TSV),
    (("json-ld", "application/ld+json,application/x-json+ld"), GRAPH, formats.JSONLD),  # a list: one known
    (("rdf+xml", "application/rdf+xml"), GRAPH, formats.RDFXML),
    (("xml",), GRAPH, formats.RDFXML),          # xml for a graph: RDF/XML
    (("xml",), formats.RESULT_FORMATS, formats.SPARQL_XML),
    (("json",), GRAPH, formats.JSONLD),         # json for a graph: JSON-LD
    (("json",), formats.RESULT_FORMATS, formats.SPARQL_JSON),
    (("n3",), GRAPH, formats.TURTLE),           # N3 includes Turtle
    (("turtle", "nonsense"), GRAPH, formats.TURTLE),  # an unknown name next to a known one is passed over
])
def test_repeated_format_values_that_agree_and_the_names_clients_send(values, offers, expected):
    assert choose(values, "image/png", offers, "x") is expected


def test_etags_change_with_what_varies():
    assert entity_tag("build-1", "turtle") == entity_tag("build-1", "turtle")
    assert entity_tag("build-1", "turtle") != entity_tag("build-1", "jsonld") != entity_tag("build-2", "jsonld")
    assert entity_tag("x").startswith('W/"')


def test_allow_lists_the_methods_in_one_order_with_options():
    assert allow_header("POST, GET, HEAD") == "GET, HEAD, POST, OPTIONS"
    assert allow_header("HEAD,GET") == "GET, HEAD, OPTIONS"


# -- on an app: middleware, handlers, error formats -------------------------------------------------------------

def _app() -> FastAPI:
    app = FastAPI()
    app.state.settings = Settings()
    # what an HTML error page shows: the build the holder of builds (essgraph.web.live) serves
    app.state.live = SimpleNamespace(current=SimpleNamespace(manifest={"data_version": "test"}))
    errors.install(app)
    app.add_middleware(Cors)
    api, people = APIRouter(), APIRouter(route_class=PageRoute)

    @api.api_route("/api", methods=["GET", "HEAD", "POST"])
    def api_route(request: Request):
        if request.query_params.get("fail"):
            raise HttpError(409, "conflict", "it -- failed", "try again")
        headers = {"ETag": entity_tag("v1"), "Last-Modified": "Tue, 01 Jun 2021 10:00:00 GMT"}
        if not_modified(request, headers):
            return PlainTextResponse("", status_code=304, headers=headers)
        return PlainTextResponse("ok", headers=headers)

    @people.api_route("/page/{name}", methods=["GET", "HEAD"])
    def page_route(name: str):
        raise HttpError(404, "not_found", f"no page {name}")

    app.include_router(api)
    app.include_router(people)
    return app


@pytest.fixture(scope="module")
def client():
    with TestClient(_app()) as c:
        yield c


def test_every_answer_allows_any_origin(client):
    for response in (client.get("/api"), client.get("/api?fail=1"), client.get("/nowhere")):
        assert response.headers["access-control-allow-origin"] == "*"
        assert "ETag" in response.headers["access-control-expose-headers"]


def test_a_preflight_gets_the_methods_of_its_route(client):
    r = client.options("/api", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST",
                                        "Access-Control-Request-Headers": "content-type, accept"})
    assert r.status_code == 204 and r.content == b""
    assert r.headers["access-control-allow-methods"] == r.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    assert r.headers["access-control-allow-headers"] == "content-type, accept"
    r = client.options("/page/a", headers={"Access-Control-Request-Headers": "x\ny"})
    assert r.status_code == 204 and r.headers["allow"] == "GET, HEAD, OPTIONS"
    assert r.headers["access-control-allow-headers"] == "Accept, Content-Type"
    assert client.options("/nowhere").status_code == 404


def test_a_wrong_method_is_405_with_allow(client):
    r = client.put("/api")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    assert r.json()["error"]["code"] == "method_not_allowed"


def test_conditional_requests(client):
    first = client.get("/api")
    assert client.get("/api", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get("/api", headers={"If-None-Match": first.headers["etag"].removeprefix("W/")}).status_code == 304
    assert client.get("/api", headers={"If-None-Match": "*"}).status_code == 304
    assert client.get("/api", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/api", headers={"If-Modified-Since": "Wed, 02 Jun 2021 10:00:00 GMT"}).status_code == 304
    assert client.get("/api", headers={"If-Modified-Since": "Mon, 31 May 2021 10:00:00 GMT"}).status_code == 200
    assert client.post("/api", headers={"If-None-Match": "*"}).status_code == 200  # only GET and HEAD


@pytest.mark.parametrize("path,accept,kind", [
    ("/api?fail=1", None, "application/json"),                      # an API: JSON first
    ("/api?fail=1", "text/turtle", "text/turtle"),
    ("/api?fail=1", "application/n-triples", "application/n-triples"),
    ("/api?fail=1", "application/rdf+xml", "application/rdf+xml"),
    ("/api?fail=1", "application/ld+json", "application/ld+json"),
    ("/api?fail=1", "application/sparql-results+json, application/n-triples;q=0.9", "application/json"),
    ("/api?fail=1&format=ttl", "application/json", "text/turtle"),
    ("/api?fail=1", "image/png", "application/json"),
    ("/page/a", None, "text/html"),                                 # a page for people: HTML first
    ("/page/a.ttl", None, "text/turtle"),
    ("/page/a", "application/json", "application/json"),
])
def test_errors_come_in_the_negotiated_format(client, path, accept, kind):
    r = client.get(path, headers={"Accept": accept} if accept else {})
    assert r.status_code in (404, 409) and r.headers["content-type"].startswith(kind)
    assert "Accept" in r.headers["vary"]
    if kind in ("application/json", "application/ld+json"):
        assert r.json()["error"]["code"] in ("conflict", "not_found")
    elif kind in ("text/turtle", "application/n-triples"):
        assert r.text.startswith("# 4") and r.text.count("\n") == 1
    elif kind == "application/rdf+xml":
        assert "<!-- 409 conflict: it - - failed (hint: try again) -->" in r.text
