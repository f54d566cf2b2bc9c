"""Fair admission of queries: a bounded queue with a wait before 503 + Retry-After, a cap per client, and a lane kept
for fast queries so that runaway queries never starve cheap ones — the rules, on :class:`Admission` itself (no
process; the only clock is the queue's wait). The outcome on a real server: tests/process/test_fair_admission.py.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from essgraph.errors import QueryUnavailable
from essgraph.sparql.admission import FAST, SLOW, UNKNOWN, Admission, CostMemory


def admission(**kw) -> Admission:
    settings = dict(workers=4, per_client=2, wait_s=0.3, max_queued=10, fast_s=0.5)
    settings.update(kw)
    return Admission(**settings)


def run(coro):
    return asyncio.run(coro)


def test_a_quarter_of_the_workers_is_kept_from_slow_queries():
    async def scenario():
        gate = admission()
        slow = [await gate.enter(f"runaway-{i}", SLOW) for i in range(3)]
        assert all(t.long and t.guard_s is None for t in slow)
        with pytest.raises(QueryUnavailable) as refused:  # the fourth slow query may not take the kept worker
            await gate.enter("runaway-3", SLOW)
        assert refused.value.status == 503 and refused.value.retry_after >= 1
        cheap = await gate.enter("cheap", FAST)  # ...a fast one may, guarded
        assert not cheap.long and cheap.guard_s == 0.5
        gate.leave(cheap)
        unknown = await gate.enter("newcomer", UNKNOWN)
        assert not unknown.long and unknown.guard_s == 0.5
    run(scenario())


def test_a_waiting_query_starts_as_soon_as_a_worker_is_free():
    async def scenario():
        gate = admission(workers=1, wait_s=5)
        first = await gate.enter("a", UNKNOWN)
        waiting = asyncio.ensure_future(gate.enter("b", UNKNOWN))
        await asyncio.sleep(0.05)
        assert not waiting.done() and gate.queued == 1
        gate.leave(first)
        ticket = await asyncio.wait_for(waiting, 1)
        assert ticket.client == "b" and gate.running == 1 and gate.queued == 0
    run(scenario())


def test_a_client_at_its_cap_waits_then_gets_429_while_others_go_first():
    async def scenario():
        gate = admission(per_client=2)
        mine = [await gate.enter("greedy", UNKNOWN) for _ in range(2)]
        started = time.monotonic()
        third = asyncio.ensure_future(gate.enter("greedy", UNKNOWN))
        other = await asyncio.wait_for(gate.enter("polite", UNKNOWN), 0.1)  # not behind the greedy client's
        with pytest.raises(QueryUnavailable) as refused:
            await third
        assert 0.25 < time.monotonic() - started < 2
        assert refused.value.status == 429 and refused.value.code == "too_many_client_queries"
        assert refused.value.retry_after >= 1
        for ticket in mine + [other]:
            gate.leave(ticket)
        assert gate.running == 0
    run(scenario())


def test_the_queue_is_bounded_and_full_means_503_at_once():
    async def scenario():
        gate = admission(workers=1, max_queued=2, wait_s=5)
        held = await gate.enter("a", UNKNOWN)
        queued = [asyncio.ensure_future(gate.enter(f"q{i}", UNKNOWN)) for i in range(2)]
        await asyncio.sleep(0.01)
        started = time.monotonic()
        with pytest.raises(QueryUnavailable) as refused:
            await gate.enter("late", UNKNOWN)
        assert time.monotonic() - started < 0.1 and refused.value.code == "too_many_queries"
        for task in queued:
            task.cancel()
        gate.leave(held)
        assert gate.status()["refused"] == {"queue_full": 1}
    run(scenario())


def test_a_request_that_goes_away_while_waiting_gives_its_place_back():
    async def scenario():
        gate = admission(workers=1, wait_s=5)
        held = await gate.enter("a", UNKNOWN)
        gone = asyncio.ensure_future(gate.enter("b", UNKNOWN))
        await asyncio.sleep(0.01)
        gone.cancel()
        await asyncio.sleep(0.01)
        gate.leave(held)
        assert gate.running == 0 and gate.queued == 0
        assert (await gate.enter("c", UNKNOWN)).client == "c"
    run(scenario())


def test_cost_memory_tells_fast_from_slow_and_remembers_slow_clients():
    costs = CostMemory(fast_s=0.5, size=2, client_memory_s=60)
    assert costs.lane("q1", "alice") == UNKNOWN
    costs.record("q1", "alice", 0.01)
    assert costs.lane("q1", "alice") == FAST
    costs.record("q2", "bob", 9.0)
    assert costs.lane("q2", "alice") == SLOW
    assert costs.lane("q-new", "bob") == SLOW     # bob ran a slow query: his new ones wait with the slow ones
    assert costs.lane("q-new", "alice") == UNKNOWN
    costs.record("q3", "carol", 0.1)             # bounded: the least recently used is forgotten
    assert costs.lane("q1", "alice") == UNKNOWN


def test_with_no_queue_a_free_worker_is_still_taken_and_a_busy_one_refused_at_once():
    async def scenario():
        gate = admission(workers=1, max_queued=0, wait_s=5)
        held = await gate.enter("a", UNKNOWN)
        started = time.monotonic()
        with pytest.raises(QueryUnavailable):
            await gate.enter("b", UNKNOWN)
        assert time.monotonic() - started < 0.1
        gate.leave(held)
        assert (await gate.enter("b", UNKNOWN)).client == "b"
    run(scenario())
