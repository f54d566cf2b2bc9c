"""The HTML query page in headless Chromium (Debian's ``chromium``), as a person uses it: the example queries one
click away, a query typed and run with Ctrl+Enter, results as a table, download links, errors shown, a shareable
link, and nothing loaded from another host. Driven through the DevTools protocol by tests/support/browser.py."""

from __future__ import annotations

import json
import os
import re
import time

import pytest

from support.browser import Browser, chromium_path

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install chromium)")]
CTRL = 2  # the DevTools protocol's modifier bit for Ctrl


@pytest.fixture(scope="module")
def server(builds):
    """The session's real server of the SPARQL fixture project (the browser needs a socket)."""
    return builds["sparql"].real_server()


@pytest.fixture(scope="module")
def page(server):
    with Browser() as browser:
        tab = browser.new_page()
        tab.goto(server.url + "/sparql")
        yield tab


def wait_for(page, expression: str, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(expression)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"never true: {expression}; page says: {page.text('main')[:500]}")


def run_query(page, query: str, with_keyboard: bool = False) -> None:
    page.evaluate("document.getElementById('output').replaceChildren(); document.getElementById('status')"
                  ".textContent = ''")
    page.evaluate(f"document.getElementById('query').value = {json.dumps(query)}")
    if with_keyboard:
        page.evaluate("document.getElementById('query').focus()")
        for kind in ("keyDown", "keyUp"):
            page.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                      modifiers=CTRL)
    else:
        page.click("#run", navigates=False)
    wait_for(page, "!document.getElementById('run').disabled && document.getElementById('status').textContent"
                   " && !document.getElementById('status').textContent.startsWith('Requête en cours')")


def table(page) -> list[list[str]]:
    return page.evaluate("[...document.querySelectorAll('#output tr')].map(r => [...r.cells].map(c => c.innerText))")


def test_the_page_runs_its_default_query(page, server):
    assert page.title.startswith("Requête SPARQL")
    assert "PREFIX ess:" in page.evaluate("document.getElementById('query').value")
    run_query(page, page.evaluate("document.getElementById('query').value"))
    rows = table(page)
    assert rows[0] == ["#", "graph", "triples"]
    assert any(row[1].endswith("graph/plan/bulk>") or "graph/plan/bulk" in row[1] for row in rows[1:])
    assert re.search(r"^\d+ lignes? en [\d,]+ s$", page.text("#status"))


def test_example_queries_are_one_click_away(page):
    wait_for(page, "document.querySelectorAll('#example-list button').length === 5")
    titles = page.texts("#example-list button")
    assert "Actions" in titles and "Actions of an organisation" in titles
    page.click('#example-list button[data-name="actions"]', navigates=False)
    wait_for(page, "document.querySelectorAll('#output tbody tr').length === 3")
    rows = table(page)
    assert rows[0] == ["#", "action", "number", "title"]
    assert [r[3] for r in rows[1:]] == ["Enquête@fr", "Rencontre@fr", "Jardin partagé@fr"]
    assert "ess:cardNumber" in page.evaluate("document.getElementById('query').value")


def test_a_typed_construct_runs_with_ctrl_enter(page):
    run_query(page, "PREFIX dct: <http://purl.org/dc/terms/>\nCONSTRUCT WHERE { ?s dct:title ?t }",
              with_keyboard=True)
    rows = table(page)
    assert rows[0] == ["#", "sujet", "prédicat", "objet"]
    assert any("Jardin partagé" in r[3] for r in rows[1:])
    assert re.search(r"^\d+ triplets? en [\d,]+ s$", page.text("#status"))
    assert page.texts("#downloads a") == ["Turtle", "N-Triples", "JSON-LD", "RDF/XML"]


def test_an_ask_shows_its_answer(page):
    run_query(page, "ASK { ?s ?p ?o }")
    assert page.text("#output") == "vrai"


def test_errors_are_shown_with_their_hint(page):
    run_query(page, "SELECT * WHERE {")
    assert page.evaluate("!document.getElementById('error').hidden")
    assert "SPARQL syntax error at line 1" in page.text("#error") and "Conseil :" in page.text("#error")
    run_query(page, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert "SERVICE" in page.text("#error") and "not allowed" in page.text("#error")


def test_download_links_download_the_results(page):
    run_query(page, "SELECT ?n WHERE { ?a <https://w3id.org/essgraph/def#cardNumber> ?n } ORDER BY ?n")
    assert page.texts("#downloads a") == ["JSON", "CSV", "TSV", "XML"]
    href = page.attribute('#downloads a[download="results.csv"]', "href")
    fetched = page.evaluate(f"fetch({json.dumps(href)}).then(r => r.text().then(t => [r.headers.get('content-type'), t]))")
    assert fetched[0].startswith("text/csv") and fetched[1].split() == ["n", "1.1", "1.2", "2.1"]


def test_the_address_is_a_shareable_link_that_runs_the_query(page, server):
    run_query(page, "SELECT ?t WHERE { ?a <http://purl.org/dc/terms/title> ?t } ORDER BY ?t LIMIT 2")
    link = page.url
    assert "query=" in link
    page.goto(link)
    wait_for(page, "document.querySelectorAll('#output tbody tr').length === 2")
    assert page.evaluate("document.getElementById('query').value").startswith("SELECT ?t")


def test_nothing_comes_from_another_host_and_no_script_error(page, server, tmp_path):
    resources = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(url.startswith(server.url + "/") for url in resources), resources
    assert page.errors == []
    shot = page.screenshot(tmp_path / "sparql-page.png")
    assert shot.stat().st_size > 10_000
    if os.environ.get("ESSGRAPH_KEEP_SCREENSHOTS"):
        shot.replace(os.environ["ESSGRAPH_KEEP_SCREENSHOTS"])


def test_a_canned_query_page_with_its_parameter_form(page, server):
    page.goto(server.url + "/queries/organisation-actions")
    assert "Actions of an organisation" in page.text("h1")
    page.evaluate(f"document.getElementById('p-organisation').value = "
                  f"{json.dumps(server.url + '/id/organisation/asso')}")
    page.click("form.params button")
    assert "organisation=" in page.url
    assert "Rencontre" in page.text("table")
    page.click('a[href*="/sparql?query="]')  # "Open in the query editor"
    wait_for(page, "document.querySelectorAll('#output tbody tr').length >= 1")
    assert "?organisation" in page.evaluate("document.getElementById('query').value")
