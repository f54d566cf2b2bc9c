"""The pages of the real project (essgraph.toml), as a reader sees them: every link of every page works (all of
them: the crawl has no cap) and every page has one main heading first. In-process; the project must build."""

from __future__ import annotations

import pytest

from support.html import Page, crawl

PROJECT = "real"   # the repository's own project, built once per session (its data must build: no skip)


@pytest.mark.slow
def test_every_link_of_the_real_pages_works(live, client):
    without_heading = []

    def check(url: str, page: Page) -> None:
        if not (page.headings and page.headings[0][0] == 1):
            without_heading.append(url)

    seen, broken = crawl(client, live.base, check)
    assert not broken, broken[:40]
    assert not without_heading, without_heading[:40]
    assert len(seen) > 1000   # all of the real project's pages: 4,268 when this was written (a cap of 3,000 before)
