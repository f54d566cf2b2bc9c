"""Canned queries: every query of queries/ at /queries/{name}, in HTML, JSON and CSV (and the other formats of its
form), its parameters bound as RDF terms through essgraph.sparql.named, never pasted into the query text. The fixture
queries live in tests/fixtures/sparql/queries/."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from essgraph.sparql.named import parse_named_query
from essgraph.sparql.guard import check_query
from essgraph.sparql.execute import Answer, Job, execute
from essgraph.web.routers.sparql import offers_for
from support.projects import ROOT
from support.sparql import no_leak

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(builds):
    with builds["sparql"].serve().client() as c:
        yield c


def org(client, name: str) -> str:
    return f"{client.base_url}/id/organisation/{name}"


def test_the_list_of_queries(client):
    data = client.get("/queries").json()
    names = [q["name"] for q in data["queries"]]
    assert sorted(names) == ["actions", "actions-titled", "has-actions", "organisation-actions", "plan-graph"]
    described = {q["name"]: q for q in data["queries"]}["organisation-actions"]
    assert described["title"] == "Actions of an organisation" and described["url"] == "queries/organisation-actions"
    assert [(p["name"], p["type"], p["required"]) for p in described["parameters"]] == \
        [("organisation", "iri", True), ("minBudget", "decimal", False)]
    assert "SELECT ?organisation ?action ?title ?budget ?minBudget" in described["sparql"]
    page = client.get("/queries", headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html")
    assert f'href="{client.base_url}/queries/actions"' in page.text and "Actions of an organisation" in page.text
    assert "Requêtes toutes prêtes" in page.text and 'class="site-header"' in page.text   # French, the site's header


@pytest.mark.parametrize("accept,fmt,media", [
    (None, None, "application/sparql-results+json"), ("text/csv", None, "text/csv"),
    (None, "csv", "text/csv"), (None, "tsv", "text/tab-separated-values"),
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    (BROWSER, None, "text/html"), (None, "html", "text/html"),
])
def test_a_canned_query_in_each_format(client, accept, fmt, media):
    r = client.get("/queries/actions", params={"format": fmt} if fmt else {},
                   headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    assert r.headers["access-control-allow-origin"] == "*"
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(r.text, newline="")))
        assert rows[0] == ["action", "number", "title"] and [row[1] for row in rows[1:]] == ["1.1", "1.2", "2.1"]
    if media == "text/html":
        assert r.text.count("<tr><td") == 3 and "Jardin partagé" in r.text
        assert 'href="actions?format=csv"' in r.text and "Ouvrir dans l'éditeur de requêtes" in r.text


def test_parameters_are_bound_as_rdf_terms(client):
    r = client.get("/queries/organisation-actions", params={"organisation": org(client, "asso")})
    assert [b["title"]["value"] for b in r.json()["results"]["bindings"]] == ["Rencontre"]
    r = client.get("/queries/organisation-actions", params={"organisation": org(client, "ville"), "minBudget": "1000"})
    assert [b["title"]["value"] for b in r.json()["results"]["bindings"]] == ["Enquête"]
    r = client.get("/queries/actions-titled", params={"title": "Enquête@fr"})
    assert len(r.json()["results"]["bindings"]) == 1
    assert client.get("/queries/actions-titled", params={"title": "Enquête@en"}).json()["results"]["bindings"] == []


@pytest.mark.parametrize("value", ['Enquête" } UNION { ?action ?p ?o } #@fr', "x\" . ?action ?p ?o #@fr",
                                   "Enquête'@fr"])
def test_a_value_can_never_change_the_query(client, value):
    r = client.get("/queries/actions-titled", params={"title": value})
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []


@pytest.mark.parametrize("params,code", [
    ({}, "bad_parameter"),                                                      # required parameter missing
    ({"organisation": "not an iri"}, "bad_parameter"),
    ({"organisation": "http://x/> } UNION { ?s ?p ?o"}, "bad_parameter"),      # not an IRI: refused, not pasted
    ({"organisation": "http://x/", "minBudget": "lots"}, "bad_parameter"),
    ({"organisation": "http://x/", "colour": "red"}, "bad_parameter"),           # unknown parameter
])
def test_bad_parameters_are_400(client, params, code):
    r = client.get("/queries/organisation-actions", params=params)
    assert r.status_code == 400 and r.json()["error"]["code"] == code, r.text
    assert r.json()["error"]["message"] and no_leak(r.text)


def test_a_repeated_parameter_is_400(client):
    r = client.get("/queries/organisation-actions?organisation=http%3A%2F%2Fa%2F&organisation=http%3A%2F%2Fb%2F")
    assert r.status_code == 400 and r.json()["error"]["code"] == "repeated_parameter"


def test_construct_and_ask_canned_queries(client):
    plan = f"{client.base_url}/id/plan/mini-2024"
    r = client.get("/queries/plan-graph", params={"plan": plan})
    assert r.headers["content-type"].startswith("text/turtle") and "Jardin partagé" in r.text
    r = client.get("/queries/plan-graph", params={"plan": plan, "format": "jsonld"})
    assert r.headers["content-type"].startswith("application/ld+json")
    page = client.get("/queries/plan-graph", params={"plan": plan}, headers={"Accept": BROWSER})
    assert "<pre" in page.text and "Jardin partagé" in page.text
    assert client.get("/queries/plan-graph", params={"plan": plan, "format": "csv"}).status_code == 406
    assert client.get("/queries/has-actions").json()["boolean"] is True
    assert '<p class="boolean">vrai</p>' in client.get("/queries/has-actions", headers={"Accept": BROWSER}).text


def test_the_html_page_has_a_parameter_form(client):
    page = client.get("/queries/organisation-actions", params={"organisation": org(client, "asso")},
                      headers={"Accept": BROWSER}).text
    assert f'<form class="params" method="get" action="{client.base_url}/queries/organisation-actions">' in page
    assert f'value="{org(client, "asso")}"' in page and "required" in page
    assert "Rencontre" in page


def test_unknown_query_is_404(client):
    r = client.get("/queries/no-such-query")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_query"


def test_head_cors_and_caching(client):
    get = client.get("/queries/actions")
    head = client.head("/queries/actions")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert client.get("/queries/actions", headers={"If-None-Match": get.headers["etag"]}).status_code == 304
    preflight = client.options("/queries/actions", headers={"Origin": "https://example.org",
                                                            "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"


def test_a_person_gets_the_form_to_fill_in_or_correct(client):
    page = client.get("/queries/organisation-actions", headers={"Accept": BROWSER})
    assert page.status_code == 200 and "Renseignez les paramètres" in page.text and "<table>" not in page.text
    page = client.get("/queries/organisation-actions", params={"organisation": "nope"}, headers={"Accept": BROWSER})
    assert page.status_code == 400 and "not a valid iri" in page.text and 'value="nope"' in page.text


REPOSITORY_QUERIES = sorted((ROOT / "queries").glob("*.rq"))


@pytest.mark.parametrize("path", REPOSITORY_QUERIES, ids=[p.stem for p in REPOSITORY_QUERIES])
def test_every_query_of_the_repository_can_be_served(path):
    """Each query of queries/ is a read-only query without SERVICE, and its parameters (bound from their documented
    examples) are accepted by the engine: pyoxigraph only substitutes variables that the query projects."""
    query = parse_named_query(path)
    info = check_query(query.text)
    assert info.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
    values = {p.name: p.example for p in query.params if p.example}
    assert all(p.name in values for p in query.params if p.required), "a required parameter has no example"
    bindings = query.bindings(values)
    job = Job(query.text, offers_for(info)[0].media_type, 10, substitutions=tuple(
        (var.value, term) for var, term in bindings.items()), base_iri="http://127.0.0.1:8000/sparql")
    outcome = execute(ox.Store(), job)
    assert isinstance(outcome, Answer), outcome
