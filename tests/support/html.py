"""Reading the pages people see: ``Page`` (visible text, headings, links, attributes and scripts of an HTML
page) and ``crawl`` (every page reachable by links from a start page, each fetched once; ``rel="nofollow"`` links
not followed, as search engines do)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

import httpx

OTHER_ROUTERS = ("sparql", "catalog", ".well-known/", "static/")  # pages served by other parts of the app


class Page(HTMLParser):
    """Visible text (by section class), headings, links, attributes and scripts of an HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.main: list[str] = []
        self.headings: list[tuple[int, str]] = []
        self.links: list[str] = []
        self.nofollow: set[str] = set()  # links marked rel="nofollow" (a search's facets: every subset has one)
        self.scripts: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._stack: list[str] = []
        self._in_main = 0
        self._skip_box = 0
        self._script = None
        self._heading = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        classes = (attrs.get("class") or "").split()
        if tag in ("br", "link", "meta", "img", "input"):
            return
        self._stack.append(tag)
        if "card-main" in classes:
            self._in_main = len(self._stack)
        if "data-box" in classes:
            self._skip_box = len(self._stack)
        if tag == "script":
            self._script = []
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if "nofollow" in (attrs.get("rel") or "").split():
                self.nofollow.add(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None
        if re.fullmatch(r"h[1-6]", tag) and self._heading:
            self.headings.append((self._heading[0], " ".join("".join(self._heading[1]).split())))
            self._heading = None
        if self._stack and self._stack[-1] == tag:
            if self._in_main == len(self._stack):
                self._in_main = 0
            if self._skip_box == len(self._stack):
                self._skip_box = 0
            self._stack.pop()

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
            return
        self.text.append(data)
        if self._in_main and not self._skip_box:
            self.main.append(data)
        if self._heading:
            self._heading[1].append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())

    @property
    def main_text(self) -> str:
        return " ".join(" ".join(self.main).split())


def crawl(client: httpx.Client, base: str, check: Callable[[str, Page], None] | None = None) -> tuple[set[str], list[str]]:
    """Every page reachable by links from ``base`` (links to other routers and other hosts are not followed), each
    fetched once as HTML; ``check(url, page)`` is called on each HTML page. ``rel="nofollow"`` links are not
    followed, as search engines do: a search's facet links (every subset of every facet's values has an address;
    fetching them made the real project's crawl 3,800 searches out of 10,000 pages — their links are tested in
    tests/web/test_search_http.py). Returns the URLs seen and the broken ones (with their status and the page that
    links to them)."""
    seen, queue, broken, parent = set(), deque([base]), [], {}
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, headers={"Accept": "text/html"})
        if response.status_code != 200:
            broken.append(f"{url}: {response.status_code} (linked from {parent.get(url)})")
            continue
        if not response.headers["content-type"].startswith("text/html"):
            continue
        page = Page(response.text)
        if check:
            check(url, page)
        for href in page.links:
            if href in page.nofollow:
                continue
            target = urldefrag(urljoin(url, href))[0]
            if target.startswith(base) and not target[len(base):].startswith(OTHER_ROUTERS) and target not in seen:
                parent.setdefault(target, url)
                queue.append(target)
    return seen, broken
