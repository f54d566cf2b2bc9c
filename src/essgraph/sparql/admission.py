"""Fair admission of SPARQL queries to the query workers: a bounded queue, a cap per client, and a lane kept for
queries known to be quick, so that runaway queries never starve cheap ones.

* **Queue.** A query waits for a worker at most ``wait_s`` seconds (then 503 + Retry-After); at most ``max_queued``
  queries wait at once (more are refused at once). Waiting queries are served in order of arrival, skipping the
  ones that may not start yet (their client is at its cap, or their lane is full), so one kind never blocks another.
* **Per client.** A client (an IP address) runs at most ``per_client`` queries at once; its other queries wait
  their turn, and get 429 + Retry-After if that turn does not come within ``wait_s``.
* **Lanes.** Of the ``workers`` processes, ``reserved`` (a quarter, at least one when there are two or more) are
  kept from long queries: a query may run there only if it is *fast* — its last run took at most ``fast_s`` — or
  *unknown*, and an unknown query found there still running after ``fast_s`` is stopped and queued again as slow
  (the :class:`Demoted` path). Slow queries — known to have taken longer, or unknown ones from a client that ran a
  slow query in the last minute — wait for one of the other workers. So with every other worker held by a runaway
  query until its time limit, a cheap query still waits at most ``fast_s`` for a worker.

Query cost is remembered by a fingerprint of the query (text with white space collapsed, dataset, parameters), in a
bounded LRU table; nothing here parses or estimates SPARQL.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import time
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field

from essgraph.errors import QueryError, QueryUnavailable

log = logging.getLogger("essgraph.sparql")
FAST, UNKNOWN, SLOW = "fast", "unknown", "slow"
REMEMBERED = 10_000  # query fingerprints whose cost is remembered
CLIENT_MEMORY_S = 60.0  # how long a client that ran a slow query has its unknown queries treated as slow


class Demoted(Exception):
    """An unknown query overran ``fast_s`` on a reserved worker: it was stopped, and is queued again as slow."""


def fingerprint(job) -> str:
    """The identity of a query for its cost: the same text (white space aside), dataset and parameters."""
    text = " ".join(job.query.split())
    key = repr((text, job.default_graphs, job.named_graphs, job.union_default_graph, job.substitutions))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class CostMemory:
    """The last known duration of recent queries, and the clients that ran a slow query lately."""

    def __init__(self, fast_s: float, size: int = REMEMBERED, client_memory_s: float = CLIENT_MEMORY_S):
        self.fast_s = fast_s
        self.size = size
        self.client_memory_s = client_memory_s
        self._seconds: OrderedDict[str, float] = OrderedDict()
        self._slow_clients: dict[str, float] = {}

    def lane(self, key: str, client: str) -> str:
        seconds = self._seconds.get(key)
        if seconds is not None:
            self._seconds.move_to_end(key)
            return FAST if seconds <= self.fast_s else SLOW
        if self._slow_clients.get(client, 0.0) > time.monotonic():
            return SLOW
        return UNKNOWN

    def record(self, key: str, client: str, seconds: float) -> None:
        self._seconds[key] = seconds
        self._seconds.move_to_end(key)
        while len(self._seconds) > self.size:
            self._seconds.popitem(last=False)
        if seconds > self.fast_s:
            now = time.monotonic()
            self._slow_clients[client] = now + self.client_memory_s
            if len(self._slow_clients) > self.size:
                self._slow_clients = {c: t for c, t in self._slow_clients.items() if t > now}


@dataclass
class Ticket:
    """Leave to run one query: on a worker that may hold it to the time limit (``long``), or on a reserved one
    where it may run ``guard_s`` seconds at most."""

    client: str
    long: bool
    guard_s: float | None


@dataclass
class _Waiter:
    client: str
    lane: str
    granted: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Admission:
    def __init__(self, workers: int, per_client: int, wait_s: float, max_queued: int, fast_s: float):
        self.workers = workers
        self.reserved = 0 if workers < 2 else max(1, workers // 4)
        self.per_client = per_client
        self.wait_s = wait_s
        self.max_queued = max_queued
        self.fast_s = fast_s
        self.costs = CostMemory(fast_s)
        self.running = 0
        self.long = 0
        self._clients: Counter[str] = Counter()
        self._waiting: deque[_Waiter] = deque()
        self.refused: Counter[str] = Counter()  # why queries were turned away (for health and benchmarks)

    @property
    def queued(self) -> int:
        return len(self._waiting)

    def status(self) -> dict:
        return {
            "running": self.running,
            "queued": self.queued,
            "workers": self.workers,
            "reserved_for_fast_queries": self.reserved,
            "refused": dict(self.refused),
        }

    # -- granting ----------------------------------------------------------------------------------------------

    def _grant(self, client: str, lane: str) -> Ticket | None:
        if self.running >= self.workers or self._clients[client] >= self.per_client:
            return None
        if self.long < self.workers - self.reserved:
            ticket = Ticket(client, long=True, guard_s=None)
        elif lane == SLOW:
            return None
        else:
            ticket = Ticket(client, long=False, guard_s=self.fast_s)
        self.running += 1
        self.long += ticket.long
        self._clients[client] += 1
        return ticket

    def _dispatch(self) -> None:
        for waiter in list(self._waiting):
            if self.running >= self.workers:
                return
            if waiter.granted.done():  # cancelled while waiting
                self._waiting.remove(waiter)
                continue
            ticket = self._grant(waiter.client, waiter.lane)
            if ticket is not None:
                self._waiting.remove(waiter)
                waiter.granted.set_result(ticket)

    async def enter(self, client: str, lane: str) -> Ticket:
        """Wait for leave to run a query; raises QueryUnavailable (503/429 with a retry delay) when none comes."""
        waiter = _Waiter(client, lane)
        self._waiting.append(waiter)
        self._dispatch()
        if waiter.granted.done():  # a worker was free for it
            return waiter.granted.result()
        if len(self._waiting) > self.max_queued:
            self._waiting.remove(waiter)
            raise self._busy(
                "queue_full", f"{self.max_queued} queries are already waiting for a worker, the most this server queues"
            )
        try:
            return await asyncio.wait_for(asyncio.shield(waiter.granted), self.wait_s)
        except asyncio.TimeoutError:
            if waiter.granted.done():  # granted in the same instant
                return waiter.granted.result()
            raise self._refusal(client) from None
        except BaseException:  # the request went away (cancelled): give back what it may have been granted
            if waiter.granted.done() and not waiter.granted.cancelled():
                self.leave(waiter.granted.result())
            raise
        finally:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            if not waiter.granted.done():
                waiter.granted.cancel()

    def _refusal(self, client: str) -> QueryUnavailable:
        if self._clients[client] >= self.per_client:
            self.refused["per_client"] += 1
            return QueryUnavailable(
                f"this client already runs {self.per_client} queries at once, the most one client may run",
                "wait for your other queries to finish, then retry",
                code="too_many_client_queries",
                status=429,
                retry_after=1,
            )
        return self._busy("busy", f"every query worker stayed busy for {self.wait_s:g} s")

    def _busy(self, reason: str, message: str) -> QueryUnavailable:
        """The server-wide refusal (503 ``too_many_queries``, retry after about the queue wait), counted under
        ``reason`` in :attr:`refused`."""
        self.refused[reason] += 1
        return QueryUnavailable(
            message, "retry in a few seconds", code="too_many_queries", retry_after=max(1, round(self.wait_s))
        )

    def leave(self, ticket: Ticket) -> None:
        self.running -= 1
        self.long -= ticket.long
        self._clients[ticket.client] -= 1
        if not self._clients[ticket.client]:
            del self._clients[ticket.client]
        self._dispatch()

    async def start(self, engine, job, client: str):
        """Run ``job`` on ``engine`` once admitted; returns the engine's Reply, which gives the admission back
        when it is closed. A demoted query (see :class:`Demoted`) is queued again, as slow, transparently."""
        key = fingerprint(job)
        lane = self.costs.lane(key, client)
        while True:
            ticket = await self.enter(client, lane)
            started = time.monotonic()
            try:
                reply = await engine.open(job, ticket.guard_s)
            except Demoted:
                self.leave(ticket)
                self.costs.record(key, client, time.monotonic() - started)
                lane = SLOW
                continue
            except QueryError as exc:
                self.leave(ticket)
                if exc.code == "query_timeout":
                    self.costs.record(key, client, float("inf"))
                raise
            except BaseException:
                self.leave(ticket)
                raise
            self.costs.record(key, client, time.monotonic() - started)
            reply.on_close.append(functools.partial(self.leave, ticket))
            return reply
