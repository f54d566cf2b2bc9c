"""The headers every answer carries (essgraph.web.headers): any origin may read every public GET — catalog, VoID,
dumps, health, pages, SPARQL, errors — with ``Link`` and ``ETag`` exposed; a Content-Security-Policy that allows
this server's own scripts and styles only, ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy`` on every
answer, preflights and 304s included. The ``Host`` header is never echoed; there is no page that loads assets
from another host (no Swagger UI: ``/docs`` is gone, ``/openapi.json`` stays)."""

from __future__ import annotations

import pytest

from essgraph.web.headers import SECURITY_HEADERS

ORIGIN = {"Origin": "https://portal.example"}
GETS = ["/catalog", "/catalog.ttl", "/.well-known/void", "/dumps/essgraph.nq", "/dumps/essgraph-actions.csv",
        "/-/health", "/-/ready", "/", "/id/plan/saint-maur-des-fosses-2021", "/sparql?query=ASK%7B%7D", "/sparql",
        "/queries", "/context.jsonld", "/openapi.json", "/static/site/site.css", "/id/nothing-here", "/nothing",
        "/catalog?page=9", "/dumps/nothing.ttl"]


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS:
        assert response.headers[name.decode()] == value.decode(), (response.url, name)


@pytest.mark.parametrize("path", GETS)
def test_every_public_get_allows_any_origin_and_carries_the_security_headers(catalog_app, path):
    response = catalog_app.get(path, headers=ORIGIN)
    assert response.status_code in (200, 404), (path, response.status_code)
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"Link", "ETag"} <= exposed
    assert_security_headers(response)


def test_the_content_security_policy_allows_this_servers_assets_only(catalog_app):
    policy = dict(SECURITY_HEADERS)[b"content-security-policy"].decode()
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy


def test_preflights_304s_and_errors_carry_them_too(catalog_app):
    preflight = catalog_app.request("OPTIONS", "/sparql", headers={
        **ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    assert_security_headers(preflight)
    first = catalog_app.get("/catalog.ttl")
    again = catalog_app.get("/catalog.ttl", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert_security_headers(again)
    refused = catalog_app.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert refused.status_code == 415
    assert_security_headers(refused)


@pytest.mark.parametrize("path,accept", [
    ("/id/nothing-here", "text/html"), ("/id/nothing-here", "application/json"), ("/id/nothing-here", "text/turtle"),
    ("/nothing", "text/html"), ("/", "text/html"), ("/id/plan/saint-maur-des-fosses-2021", "text/html"),
    ("/id/plan/saint-maur-des-fosses-2021", "application/ld+json"), ("/catalog", "text/turtle"),
    ("/sparql", "text/html"), ("/sparql", "text/turtle"), ("/sparql?query=ASK%7B", "application/json"),
    ("/-/health", "application/json"),
])
def test_the_host_header_is_never_echoed(catalog_app, path, accept):
    response = catalog_app.get(path, headers={"Host": "attacker.example", "Accept": accept})
    assert "attacker.example" not in response.text
    assert all("attacker.example" not in v for v in response.headers.values())


def test_no_swagger_ui_page_and_the_openapi_document_stays(catalog_app):
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert catalog_app.get(path).status_code == 404, path
    spec = catalog_app.get("/openapi.json")
    assert spec.status_code == 200 and "/sparql" in spec.json()["paths"]
