"""axe-core (npm, 4.14) finds no accessibility violation (WCAG 2.1 A and AA, and best practices) on the pages people
read, in Debian's Chromium, under the server's Content-Security-Policy, with no JavaScript error; every asset of
those pages comes from the server itself. axe is injected into each page through the DevTools protocol (it is
not one of the page's scripts); it runs on HTML pages only (a browser shows RDF or JSON as plain text)."""

from __future__ import annotations

import pytest

from support.browser import Browser, chromium_path
from support.clients import node_missing, node_modules

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install chromium)"),
              pytest.mark.skipif(node_missing() is not None, reason=str(node_missing()))]

PAGES = ["", "id/plan/saint-maur-des-fosses-2021", "id/plan/saint-maur-des-fosses-2021/action/1.1",
         "id/organisation/ville-de-saint-maur-des-fosses", "def", "sparql", "queries", "id/nothing-here"]
RUN = ("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
       "'best-practice']}}).then(r => r.violations.map(v => v.id + ' x' + v.nodes.length))")
ASSETS = ("[...document.querySelectorAll('script[src], link[href], img[src], iframe[src]')]"
          ".map(e => e.src || e.href).filter(u => u && !u.startsWith(location.origin))")


@pytest.fixture(scope="module")
def live(builds):
    return builds["real"].real_server()


@pytest.fixture(scope="module")
def axe() -> str:
    return (node_modules() / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    with Browser() as chromium:
        yield chromium


@pytest.mark.parametrize("path", PAGES)
def test_the_page_has_no_accessibility_violation_and_only_local_assets(live, axe, browser, path):
    page = browser.new_page()
    page.goto(live.base + path)
    page.evaluate(axe)
    assert page.evaluate(RUN) == []
    assert [a for a in page.evaluate(ASSETS) if not a.startswith("data:")] == []
    assert page.errors == []
