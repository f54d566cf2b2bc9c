"""Answers kept per build: a page, a description in Turtle or JSON-LD, the catalog, VoID, a search, a comparison or
the overview of the plans is a pure function of the build, the code and the request, so the bytes rendered once are sent again until another build is served.

* **What is kept.** The whole answer (status, headers, body) of a ``GET`` or ``HEAD`` whose route is marked
  :func:`per_build` and whose status is 200, up to a sixteenth of the cache a body; conditional requests
  (``If-None-Match``, ``If-Modified-Since``) go to the route, which answers 304 without rendering anything.
* **Key.** The build's id, the method, the path, the query string and the ``Accept`` header: everything the marked
  routes read from a request (their ``Vary`` is ``Accept``).
* **Bound.** ``response_cache_mib`` in all (bodies, headers and a fixed overhead per answer), least recently used
  first out.
* **A new build.** Once requests are answered from another build (a hot swap by :mod:`essgraph.web.live`), every
  answer of the former one is dropped; the copy in memory of the same build, which replaces its on-disk store,
  keeps them (same id, same bytes). A request still finishing on a replaced build neither reads nor adds answers.

Why a cache in the serving process rather than several processes or files rendered at build time: a hit costs a
dictionary lookup and one write, far less than the routing, the thread hop of a synchronous route and the
rendering; every extra uvicorn worker would hold its own copy in memory of the build (1.2 GiB at 1,000 plans) and
its own query workers, and pre-rendering every page and format of 1,000 plans at build time would cost minutes of
build for pages nobody asks (benchmarks/README.md, load benchmark).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

F = TypeVar("F", bound=Callable)
CONDITIONAL = (b"if-none-match", b"if-modified-since")


def per_build(endpoint: F) -> F:
    """Mark a route whose 200 answers depend only on the build and the request (path, query, Accept)."""
    endpoint.cached_per_build = True  # type: ignore[attr-defined]
    return endpoint


@dataclass(frozen=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    @property
    def cost(self) -> int:
        """Bytes it holds, headers and bookkeeping included (a HEAD answer has no body but is not free)."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 256


class Answers:
    """The answers of the build being served, least recently used first out past ``max_bytes`` of bodies."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 16
        self.build: str | None = None
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()

    def get(self, key: tuple) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if not self.max_bytes or entry.cost > self.max_entry_bytes or key in self._entries:
            return
        self._entries[key] = entry
        self.size += entry.cost
        while self.size > self.max_bytes and self._entries:
            _, old = self._entries.popitem(last=False)
            self.size -= old.cost

    def follow(self, build: str) -> None:
        """Requests are now answered from ``build``: the answers of any other build are dropped."""
        if build != self.build:
            self._entries.clear()
            self.size = 0
            self.build = build

    def status(self) -> dict:
        return {"entries": len(self._entries), "bytes": self.size, "hits": self.hits, "misses": self.misses}


def _key(scope: Scope, build: str) -> tuple | None:
    if scope["method"] not in ("GET", "HEAD"):
        return None
    accept = b""
    for name, value in scope["headers"]:
        if name in CONDITIONAL:
            return None
        if name == b"accept":
            accept = value
    return (build, scope["method"], scope["path"], scope["query_string"], accept)


class ResponseCache:
    """ASGI middleware (inside :class:`essgraph.web.live.HoldBuild`, whose build it reads) serving kept answers."""

    def __init__(self, app: ASGIApp, answers: Answers):
        self.app = app
        self.answers = answers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        published = scope.get("state", {}).get("published") if scope["type"] == "http" else None
        if published is None:
            await self.app(scope, receive, send)
            return
        build = published.build.id
        current = build == scope["app"].state.live.current.build.id
        if current:
            self.answers.follow(build)
        key = _key(scope, build) if current else None
        if key is None:
            await self.app(scope, receive, send)
            return
        entry = self.answers.get(key)
        if entry is not None:
            await send({"type": "http.response.start", "status": entry.status, "headers": entry.headers})
            await send({"type": "http.response.body", "body": entry.body})
            return
        await self._answer_and_keep(scope, receive, send, key)

    async def _answer_and_keep(self, scope: Scope, receive: Receive, send: Send, key: tuple) -> None:
        start: Message | None = None
        chunks: list[bytes] | None = []
        size = 0

        async def keeping(message: Message) -> None:
            nonlocal start, chunks, size
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and chunks is not None:
                body = message.get("body", b"")
                size += len(body)
                if size > self.answers.max_entry_bytes:
                    chunks = None  # too big to keep: just sent on
                else:
                    chunks.append(body)
                    if not message.get("more_body", False):
                        keep(start, b"".join(chunks))
            await send(message)

        def keep(begun: Message | None, body: bytes) -> None:
            endpoint = scope.get("endpoint")
            if begun is None or begun["status"] != 200 or not getattr(endpoint, "cached_per_build", False):
                return
            if self.answers.build != key[0]:
                return  # another build went live while this answer was made
            self.answers.put(key, Entry(200, list(begun.get("headers", [])), body))

        await self.app(scope, receive, keeping)
