"""/compare, /plans and the per-plan counts of concept pages over HTTP (in-process) on the three-plan project.

The numbers are those of tests/compare/test_compare_model.py (worked out by hand from the sources); here they are
checked as people and programs get them: the HTML page (tables beside accessible SVG charts, links to the actions
and to the SPARQL queries, nothing from another host), the CSV (BOM, ";") and the JSON, whose links lead to searches
that find exactly the actions counted."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from support.html import Page

PROJECT = "three-plans"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SM, VM, CV = "saint-maur-des-fosses-2021", "valmont-sur-essai-2024", "clairval-2025"


@pytest.fixture(scope="module")
def page(client):
    response = client.get("/compare", headers={"Accept": BROWSER})
    assert response.status_code == 200, response.text[:500]
    return response.text


def test_with_no_plan_given_every_plan_is_compared_in_adoption_order(client):
    data = client.get("/compare", params={"format": "json"}).json()
    assert [p["key"] for p in data["plans"]] == [SM, VM, CV]
    assert [s["id"] for s in data["sections"]] == ["ensemble", "leviers", "champs", "bases-legales",
                                                   "types-organisations", "partenaires", "budgets", "calendrier",
                                                   "odd", "qualite"]


def test_the_plans_asked_come_in_the_order_asked(client):
    data = client.get("/compare", params=[("plan", CV), ("plan", SM), ("format", "json")]).json()
    assert [p["key"] for p in data["plans"]] == [CV, SM]
    partners = next(s for s in data["sections"] if s["id"] == "partenaires")
    assert {r["label"] for r in partners["rows"]} == {
        "Réseau des collectivités territoriales pour une économie solidaire",
        "Chambre régionale de l'économie sociale et solidaire", "Fédération des Usagers de la Bicyclette"}


def test_each_cell_links_to_a_search_finding_the_actions_it_counts(client):
    data = client.get("/compare", params={"format": "json"}).json()
    checked = 0
    for section in data["sections"]:
        for row in section["rows"]:
            for cell in row["cells"].values():
                if row["unit"] == "fiches" and cell.get("value") and "actions" in cell:
                    found = client.get(cell["actions"], headers={"Accept": "application/json"}).json()
                    assert found["total"] == cell["value"], (section["id"], row["label"])
                    checked += 1
    assert checked > 60
    for section in data["sections"]:
        for url in section["queries"]:
            assert client.get(url, headers={"Accept": "application/sparql-results+json"}).status_code == 200, url


def test_the_page_shows_the_numbers_in_tables_with_their_charts(page, live):
    seen = Page(page)
    text = seen.visible
    for shown in ("Vue d'ensemble", "Leviers d'action", "Budgets annoncés", "20 000 €", "12 000 €", "300 €",
                  "Montants qui ne s'additionnent pas", "« 1 500 € par vélo » (montant par unité)",
                  "Organisations partagées entre les plans", "Calendrier", "Moyen terme"):
        assert shown.replace("\u202f", " ") in text.replace("\u202f", " "), shown
    assert text.count("Requête SPARQL") >= 9
    assert f"{live.base}queries/compare-plans-budgets" in seen.links
    charts = re.findall(r'<svg [^>]*role="img" aria-labelledby="([^"]+)"', page)
    assert {c.split()[0] for c in charts} == {"chart-leviers-t", "chart-champs-t", "chart-calendrier-t"}
    for ident in ("chart-leviers", "chart-champs", "chart-calendrier"):
        assert f'<title id="{ident}-t">' in page and f'<desc id="{ident}-d">' in page
    assert len(re.findall(r"<table class=\"data\">", page)) == 10
    assert f"{live.base}id/plan/{CV}/action/2.2" in seen.links     # the action behind Clairval's 2026 budget


def test_the_page_loads_nothing_from_another_host(page, live):
    seen = Page(page)
    for tag, attrs in seen.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value and tag in ("script", "link", "img", "iframe", "source"):
                assert value.startswith(live.base), (tag, value)
    scripts = [attrs for tag, attrs in seen.tags if tag == "script"]
    assert all(a.get("type") == "application/ld+json" for a in scripts)   # no script runs on this page


def test_csv_comes_with_a_bom_and_a_semicolon_option(client):
    comma = client.get("/compare", params={"format": "csv"})
    assert comma.status_code == 200 and comma.headers["content-type"].startswith("text/csv")
    assert comma.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(comma.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["rubrique", "ligne", "iri", "unité"] and len(rows[0]) == 7
    french = client.get("/compare", params={"format": "csv", "sep": ";"}, headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(french.content.decode("utf-8-sig")), delimiter=";"))
    shares = {r[1]: r[4:] for r in rows if r[0] == "Leviers d'action"}
    assert shares["Commande publique responsable"] == ["5", "1", "1"]
    assert {r[1]: r[4:] for r in rows if r[0] == "Budgets annoncés"}["2026 — montants ponctuels"] == ["", "", "20000"]
    assert client.get("/compare", headers={"Accept": "text/csv"}).headers["content-type"].startswith("text/csv")


@pytest.mark.parametrize("query, code", [
    ([("plan", "nowhere-2030")], "unknown_plan"),
    ([("plan", f"p{i}") for i in range(13)], "too_many_plans"),
    ([("format", "csv"), ("sep", "|")], "bad_separator"),
    ([("colour", "red")], "unknown_parameter"),
])
def test_bad_requests_say_what_was_wrong(client, query, code):
    response = client.get("/compare", params=query, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert response.json()["error"].get("hint")


def test_the_form_offers_the_other_plans(client):
    seen = Page(client.get("/compare", params={"plan": SM}, headers={"Accept": BROWSER}).text)
    options = [attrs.get("value") for tag, attrs in seen.tags if tag == "option"]
    assert options == [VM, CV]
    hidden = [attrs.get("value") for tag, attrs in seen.tags if tag == "input" and attrs.get("type") == "hidden"]
    assert hidden == [SM]


# -- the overview of the plans -------------------------------------------------------------------------------------

def test_the_overview_sorts_and_pages(client, live):
    data = client.get("/plans", params={"sort": "actions", "order": "desc", "size": 2, "format": "json"}).json()
    assert (data["total"], data["pages"]) == (3, 2)
    assert [p["key"] for p in data["plans"]] == [SM, CV]
    assert data["plans"][0]["department"] == "Val-de-Marne" and data["plans"][0]["region"] == "Île-de-France"
    second = client.get("/plans", params={"sort": "actions", "order": "desc", "size": 2, "page": 2,
                                          "format": "json"}).json()
    assert [p["key"] for p in second["plans"]] == [VM]
    html = client.get("/plans", params={"sort": "adopted", "size": 2}, headers={"Accept": BROWSER}).text
    assert 'aria-sort="ascending"' in html
    seen = Page(html)
    assert f"{live.base}plans?sort=adopted&size=2&page=2" in seen.links
    assert f"{live.base}plans?sort=adopted&order=desc&size=2" in seen.links   # the same column, the other way
    boxes = [a for t, a in seen.tags if t == "input" and a.get("type") == "checkbox"]
    assert [b["value"] for b in boxes] == [SM, VM] and all(b["name"] == "plan" for b in boxes)


@pytest.mark.parametrize("query, status, code", [
    ({"sort": "colour"}, 400, "bad_sort"), ({"order": "up"}, 400, "bad_order"), ({"size": "0"}, 400, "bad_size"),
    ({"page": "9"}, 404, "not_found"),
])
def test_the_overview_refuses_what_it_cannot_do(client, query, status, code):
    response = client.get("/plans", params=query, headers={"Accept": "application/json"})
    assert response.status_code == status and response.json()["error"]["code"] == code


# -- concept pages and the home page -------------------------------------------------------------------------------

def test_lever_pages_count_the_actions_of_each_plan(client, live):
    """Commande publique responsable: Saint-Maur 1.7-1.10, 4.3 (5 of 30); Valmont 1.2 and Clairval 1.2 (1 of 4)."""
    html = client.get("/def/lever/commande-publique-responsable", headers={"Accept": BROWSER}).text
    table = re.search(r'<section class="block" aria-labelledby="h-per-plan">(.*?)</section>', html, re.S).group(1)
    rows = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>\s*<td class="n"><a href="([^"]+)">(\d+)</a>'
                      r'</td>\s*<td class="n">([^<]+)</td>', table)
    found = {unescape(title): (int(n), share.replace("\u202f", " ")) for title, _, n, share in rows}
    assert found == {"Saint-Maur, Ville d'initiatives solidaires": (5, "16,7 %"),
                     "Clairval, territoire d'économie solidaire": (1, "25 %"),
                     "Valmont-sur-Essai, commune coopérative": (1, "25 %")}
    url = next(u for t, u, _, _ in rows if t.startswith("Saint-Maur")).replace("&amp;", "&")
    assert client.get(url, headers={"Accept": "application/json"}).json()["total"] == 5
    field = client.get("/def/field/mobilite", headers={"Accept": BROWSER}).text
    assert "Fiches action par plan" in field


def test_the_home_page_is_a_website_with_a_search_action(client, live):
    html = client.get("/", headers={"Accept": BROWSER}).text
    data = json.loads(Page(html).scripts[0])
    assert data["@type"] == "WebSite" and data["url"] == live.base
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == live.base + "search?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    seen = Page(html)
    for link in ("compare", "plans", "search", "catalog", "sparql"):
        assert live.base + link in seen.links, link
    assert urlsplit(live.base).path == "/"
