"""The pages of the real project (essgraph.toml), as a reader sees them: every link works, and a walk in Chromium
from the home page to a plan, an action card, an organisation and back. Skipped, with the reason, while the
project's data does not build."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin

import httpx
import pytest

from browser import Browser, chromium_path
from essgraph.rdf.namespaces import ESS
from pages_live import REAL_PROJECT, LiveServer
from test_pages_html import OTHER_ROUTERS, Page



@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The repository's own project, built and served (its data must build: no skip)."""
    server = LiveServer(REAL_PROJECT, tmp_path_factory.mktemp("real"))
    yield server
    server.close()


def _first(live, query: str) -> list[str]:
    return [row[0].value for row in live.store.query(query, use_default_graph_as_union=True)]


@pytest.mark.slow
def test_every_link_of_the_real_pages_works(live):
    seen, queue, broken = set(), [live.base], []
    with httpx.Client(timeout=60, trust_env=False, headers={"Accept": "text/html"}) as client:
        while queue and len(seen) < 3000:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code != 200:
                broken.append(f"{url}: {response.status_code}")
                continue
            if response.headers["content-type"].startswith("text/html"):
                page = Page(response.text)
                assert page.headings and page.headings[0][0] == 1, url
                for href in page.links:
                    target = urldefrag(urljoin(url, href))[0]
                    if target.startswith(live.base) and not target[len(live.base):].startswith(OTHER_ROUTERS):
                        queue.append(target)
    assert not broken, broken[:40]


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install chromium)")
def test_walk_the_real_plan_in_chromium(live, tmp_path):
    plan = _first(live, f"SELECT ?p WHERE {{ ?p a <{ESS}Plan> }} ORDER BY ?p LIMIT 1")[0]
    action = _first(live, f"SELECT ?a WHERE {{ ?a <{ESS}inPlan> <{plan}> ; <{ESS}involvedOrganisation> ?o }} "
                          f"ORDER BY ?a LIMIT 1")[0]
    organisation = _first(live, f"SELECT ?o WHERE {{ <{action}> <{ESS}involvedOrganisation> ?o }} ORDER BY ?o "
                                f"LIMIT 1")[0]
    with Browser() as browser:
        page = browser.new_page()
        page.goto(live.base)
        page.click(f'main a[href="{plan}"]')
        assert page.url == plan and page.text("h1")
        page.click(f'main a[href="{action}"]')
        assert page.url == action and "Fiche action" in page.text(".kicker")
        page.screenshot(tmp_path / "real-action.png")
        page.click(f'main a[href="{organisation}"]')
        assert page.url == organisation and "Ses actions" in page.text("main")
        page.back()
        assert page.url == action
        page.back()
        page.back()
        assert page.url == live.base
        assert page.errors == []
