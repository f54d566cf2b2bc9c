"""/search over HTTP (in-process) on the three-plan project: results that link to the actions' pages, facets as
links that add and remove filters, stable query-string URLs, JSON, paging, errors, caching — and the search box
on every page. Expected actions are those of test_search_index (worked out from the sources)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from support.html import Page

PROJECT = "three-plans"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SM = "id/plan/saint-maur-des-fosses-2021"


def html(client, url: str, **params):
    response = client.get(url, params=params or None, headers={"Accept": BROWSER})
    assert response.status_code == 200, response.text[:500]
    return Page(response.text)


def test_results_link_to_the_pages_of_the_actions_found(client, live):
    page = html(client, "/search", q="jardins", type="action")
    for number in ("2.9", "2.10", "2.12"):
        assert f"{live.base}{SM}/action/{number}" in page.links, number
    assert f"{live.base}id/plan/clairval-2025/action/1.1" in page.links
    assert "4 résultats" in page.visible and "Affiner" in page.visible
    assert "Levier d'action" in page.visible and "Animation territoriale" in page.visible


def test_facet_links_add_and_remove_a_filter_with_stable_urls(client, live):
    page = html(client, "/search", q="jardin", type="action")
    levers = [link for link in page.links if "lever=animation-territoriale" in link]
    assert levers == [f"{live.base}search?q=jardin&type=action&lever=animation-territoriale"]
    narrowed = html(client, levers[0])
    assert "4 résultats" in narrowed.visible
    removing = [link for link in narrowed.links if "lever=" not in link and "q=jardin" in link and "type=action" in link]
    assert f"{live.base}search?q=jardin&type=action" in removing
    # the same search written in another order is the same search, and its links are written one way
    other = client.get("/search?lever=animation-territoriale&type=action&q=jardin", headers={"Accept": BROWSER})
    assert Page(other.text).links == narrowed.links


def test_json_answers_with_hits_facets_and_their_urls(client, live):
    data = client.get("/search", params={"q": "jardin", "type": "action", "format": "json"}).json()
    assert data["total"] == 4 and data["pages"] == 1
    assert {h["url"] for h in data["hits"]} >= {f"{live.base}{SM}/action/2.9", f"{live.base}{SM}/action/2.10"}
    plans = {f["key"]: f["count"] for f in data["facets"]["plan"]}
    assert plans == {"saint-maur-des-fosses-2021": 3, "clairval-2025": 1}
    assert client.get("/search", params={"q": "jardin"}, headers={"Accept": "application/json"}).json()["total"] == 5


def test_a_facet_lists_its_40_most_frequent_values_and_says_how_many_others_there_are(client):
    """Saint-Maur's cards involve more than 40 organisations: the page lists 40 and counts the rest (with 1,000
    plans a facet would otherwise list thousands of links)."""
    data = client.get("/search", params={"type": "action", "format": "json"}).json()
    orgs = data["facets"]["org"]
    assert len(orgs) == 40 and data["not_listed"]["org"] > 0
    assert [o["count"] for o in orgs] == sorted((o["count"] for o in orgs), reverse=True)
    page = html(client, "/search", type="action")
    assert f"et {data['not_listed']['org']} autres valeurs" in page.visible


def test_results_are_paged(client, live):
    """38 actions (30 + 4 + 4): two pages of 20."""
    first = client.get("/search", params={"type": "action", "format": "json"}).json()
    assert (first["total"], first["pages"], len(first["hits"])) == (38, 2, 20)
    second = client.get(first["next"]).json()
    assert len(second["hits"]) == 18 and second["next"] is None
    assert not {h["iri"] for h in first["hits"]} & {h["iri"] for h in second["hits"]}
    page = html(client, "/search", type="action")
    assert f"{live.base}search?type=action&page=2" in page.links


@pytest.mark.parametrize("query, code", [
    ({"colour": "blue"}, "unknown_parameter"),
    ({"q": ["a", "b"]}, "repeated_parameter"),
    ({"page": "0"}, "bad_page"),
    ({"q": "x" * 501}, "query_too_long"),
])
def test_bad_queries_are_400_with_what_was_wrong(client, query, code):
    response = client.get("/search", params=query, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    page = client.get("/search", params=query, headers={"Accept": BROWSER})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")


def test_a_format_that_names_nothing_falls_back_to_accept_as_on_every_route(client):
    response = client.get("/search", params={"format": "pdf"}, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    refused = client.get("/search", params={"format": "pdf"}, headers={"Accept": "application/pdf"})
    assert refused.status_code == 406 and "format=pdf names no format" in refused.json()["error"]["message"]


def test_unknown_filter_values_are_shown_not_an_error(client):
    data = client.get("/search", params={"lever": "nope", "format": "json"}).json()
    assert data["total"] == 0 and data["unknown"] == [{"facet": "lever", "key": "nope"}]


def test_answers_are_cached_by_etag(client):
    first = client.get("/search", params={"q": "vélo"}, headers={"Accept": BROWSER})
    again = client.get("/search", params={"q": "vélo"}, headers={"Accept": BROWSER,
                                                                  "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert client.head("/search", params={"q": "vélo"}, headers={"Accept": BROWSER}).status_code == 200


@pytest.mark.parametrize("path", ["", "plans", "compare", "search?q=jardin", SM, f"{SM}/action/2.9", "sparql",
                                  "queries", "def/lever", "id/organisation/rtes"])
def test_every_page_has_a_search_box(client, live, path):
    page = html(client, live.base + path)
    forms = [attrs for tag, attrs in page.tags if tag == "form" and attrs.get("role") == "search"]
    assert any(f.get("action") == live.base + "search" for f in forms), path
    inputs = [attrs for tag, attrs in page.tags if tag == "input" and attrs.get("name") == "q"]
    assert inputs and all(attrs.get("id") for attrs in inputs)


def test_the_search_box_leads_to_the_results(client, live):
    url = f"{live.base}search?" + "q=v%C3%A9los"
    data = client.get(url, headers={"Accept": "application/json"}).json()
    found = {h["iri"].rsplit("/", 1)[-1] for h in data["hits"] if h["kind"] == "action"}
    assert {"2.1"} <= found                                 # Valmont's bicycle workshop, Clairval's e-bikes
    assert dict(parse_qsl(urlsplit(data["facets"]["type"][0]["url"]).query))["q"] == "vélos"
