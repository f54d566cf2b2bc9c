"""The real project (essgraph.toml) in Chromium: a walk from the home page to a plan, an action card, an
organisation and back, with the mouse, on a real server (the browser needs a socket). The project must build."""

from __future__ import annotations

import pytest

from essgraph.rdf.namespaces import ESS
from essgraph.sparql.execute import union_args
from support.browser import Browser, chromium_path

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install chromium)")]


@pytest.fixture(scope="module")
def built(builds):
    return builds["real"]


@pytest.fixture(scope="module")
def live(built):
    """The session's real server of the real project, on the port its base IRI names."""
    return built.real_server()


def _first(built, query: str) -> list[str]:
    return [row[0].value for row in built.memory.query(query, **union_args(built.memory))]


def test_walk_the_real_plan_in_chromium(built, live, tmp_path):
    plan = _first(built, f"SELECT ?p WHERE {{ ?p a <{ESS}Plan> }} ORDER BY ?p LIMIT 1")[0]
    action = _first(built, f"SELECT ?a WHERE {{ ?a <{ESS}inPlan> <{plan}> ; <{ESS}involvedOrganisation> ?o }} "
                           f"ORDER BY ?a LIMIT 1")[0]
    organisation = _first(built, f"SELECT ?o WHERE {{ <{action}> <{ESS}involvedOrganisation> ?o }} ORDER BY ?o "
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
