"""axe-core (tests/support/axe.py) finds no accessibility violation on the pages of the repository's project that
tests/browser/test_find_and_compare_browser.py does not check — a plan, an organisation, the ontology, the list of
queries, a 404 page —, in Debian's Chromium, under the server's Content-Security-Policy, with no JavaScript error;
and no page people read (those too) loads an asset from another host. axe is injected through the DevTools
protocol (it is not one of the page's scripts); it runs on HTML pages only (a browser shows RDF or JSON as text)."""

from __future__ import annotations

import pytest

from support.axe import axe_source, report, violations
from support.browser import Browser, chromium_path

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install chromium)")]

PLAN = "id/plan/saint-maur-des-fosses-2021"
CHECKED = [PLAN, "id/organisation/ville-de-saint-maur-des-fosses", "def", "queries", "id/nothing-here"]
ELSEWHERE = ["", PLAN + "/action/1.1", "sparql", "catalog", "search?q=jardin", "compare", "plans"]  # axe: other file
ASSETS = ("[...document.querySelectorAll('script[src], link[href], img[src], iframe[src]')]"
          ".map(e => e.src || e.href).filter(u => u && !u.startsWith(location.origin))")


@pytest.fixture(scope="module")
def live(builds):
    return builds["real"].real_server()


@pytest.fixture(scope="module")
def browser():
    with Browser() as chromium:
        yield chromium


@pytest.mark.parametrize("path", CHECKED)
def test_the_page_has_no_accessibility_violation(live, browser, path):
    page = browser.new_page()
    page.goto(live.base + path)
    found = violations(page, axe_source())
    assert found == [], report(found)
    assert page.errors == []


@pytest.mark.parametrize("path", CHECKED + ELSEWHERE)
def test_the_page_loads_no_asset_from_another_host(live, browser, path):
    page = browser.new_page()
    page.goto(live.base + path)
    assert [a for a in page.evaluate(ASSETS) if not a.startswith("data:")] == []
    assert page.errors == []
