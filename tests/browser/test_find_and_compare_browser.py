"""A person in headless Chromium finds an action and compares plans: home -> search (typed in the home page's box,
narrowed by a facet) -> an action -> the comparison -> back to the actions behind a number, reading what is on the
screen; and axe-core finds no accessibility violation on the home page, the comparison, the search, an action and
the SPARQL page. On a real ``essgraph serve`` of the three-plan project (Saint-Maur, Valmont-sur-Essai, Clairval).
Needs Debian's chromium (skipped with the reason when it is missing) and npm (for axe-core)."""

from __future__ import annotations

import pytest

from support.axe import axe_source, report, violations
from support.browser import Browser, chromium_path

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install chromium)")]

SM = "id/plan/saint-maur-des-fosses-2021"
ACTION = SM + "/action/2.10"


@pytest.fixture(scope="module")
def live(builds):
    return builds["three-plans"].real_server()


@pytest.fixture(scope="module")
def browser():
    with Browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def test_home_search_action_compare(live, browser):
    page = browser.new_page()
    page.goto(live.base)
    assert page.text("h1") == "Plans municipaux d'économie sociale et solidaire"
    assert "Saint-Maur, Ville d'initiatives solidaires" in page.text("main")

    page.click("#home-q", navigates=False)
    page.type("Jardins partagés")
    page.press("Enter", navigates=True)
    assert page.url == live.base + "search?q=Jardins+partag%C3%A9s"
    assert page.text("h1") == "Rechercher"
    titles = page.texts(".hit h3")
    assert "2.10 Encourager les partages de jardins" in titles
    assert "1.1 Marché de producteurs et jardins partagés" in titles
    assert page.evaluate("document.querySelector('#q').value") == "Jardins partagés"

    page.click('.facet a[href$="type=action"]')              # Type : Fiche action
    assert page.url.endswith("search?q=Jardins+partag%C3%A9s&type=action")
    # both words: 2.9 ("en jardins partagés"), 2.10, 2.12 and Clairval 1.1
    assert page.text("#h-results").startswith("4 résultats")
    assert "Type : Fiche action" in page.text(".active-filters")

    page.click(f'.hit a[href="{live.base}{ACTION}"]')
    assert page.url == live.base + ACTION
    assert page.text("h1") == "Encourager les partages de jardins"

    page.click(f'.nav a[href="{live.base}compare"]')
    assert page.url == live.base + "compare"
    assert page.text("h1") == "Comparer des plans"
    budgets = " ".join(page.text("#budgets").split())          # no-break spaces read as spaces
    assert "2026 — montants ponctuels" in budgets and "20 000 €" in budgets
    levers = [" ".join(row.split()) for row in page.texts("#leviers tbody tr")]
    assert any(row.startswith("Commande publique responsable") and "5 (16,7 %)" in row for row in levers), levers
    width = page.evaluate("document.querySelector('#leviers svg').getBoundingClientRect().width")
    assert width > 200                                      # the chart is drawn, beside its table

    page.click(f'#budgets td a[href="{live.base}id/plan/clairval-2025/action/2.2"]')   # behind the 20 000 €
    assert page.text("h1") == "Ressourcerie municipale"
    page.back()
    page.click(f'#leviers td a[href="{live.base}search?type=action&plan={SM.rsplit("/", 1)[1]}'
               f'&lever=commande-publique-responsable"]')                       # behind the 5
    assert [" ".join(t.split()[:1]) for t in page.texts(".hit h3")] == ["1.7", "1.8", "1.9", "1.10", "4.3"]
    assert page.errors == []


@pytest.mark.parametrize("path", ["", "compare", "search?q=jardin&type=action", ACTION, "sparql", "plans",
                                  "def/lever/commande-publique-responsable"])
def test_axe_finds_no_accessibility_violation(live, browser, axe, path):
    page = browser.new_page()
    page.goto(live.base + path)
    if path == "sparql":   # the examples are loaded by the page's script: check the page once they are shown
        page.evaluate("new Promise(r => { const t = setInterval(() => { if (document.querySelector("
                      "'#example-list button')) { clearInterval(t); r(true); } }, 50); })")
    found = violations(page, axe)
    assert found == [], report(found)
    assert page.errors == []
