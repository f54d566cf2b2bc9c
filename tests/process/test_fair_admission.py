"""Fair admission on a real server: with four clients looping runaway queries (each stopped at the time limit), a
fifth client's cheap queries keep answering, p95 under a second. Clients are told apart by their source addresses
(127.0.0.2 ... 127.0.0.6), as distinct users would be."""

from __future__ import annotations

import statistics
import threading
import time

import httpx
import pytest

from support.sparql import RUNAWAY_COUNT

CHEAP = "SELECT ?t WHERE { ?a <https://w3id.org/essgraph/def#cardNumber> \"1.2\" ; " \
        "<http://purl.org/dc/terms/title> ?t }"


def _client(address: str) -> httpx.Client:
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=60)


def _loop(url: str, address: str, query: str, stop: threading.Event, out: list) -> None:
    with _client(address) as client:
        while not stop.is_set():
            started = time.monotonic()
            r = client.post(url + "/sparql", data={"query": query})
            out.append((r.status_code, time.monotonic() - started))


@pytest.fixture(scope="module")
def server(builds):
    srv = builds["sparql"].process(query_timeout_s=4, max_concurrent_queries=4, max_result_rows=100_000_000)
    yield srv
    srv.close()


def test_four_runaway_loops_do_not_starve_a_cheap_client(server):
    stop, runaway, cheap = threading.Event(), [], []
    loops = [threading.Thread(target=_loop, args=(server.url, f"127.0.0.{2 + i}", RUNAWAY_COUNT, stop, runaway))
             for i in range(4)]
    for thread in loops:
        thread.start()
    try:
        time.sleep(6)  # every runaway client has run (and been stopped at the time limit) at least once
        with _client("127.0.0.6") as client:
            for _ in range(60):
                started = time.monotonic()
                r = client.post(server.url + "/sparql", data={"query": CHEAP})
                cheap.append((r.status_code, time.monotonic() - started))
    finally:
        stop.set()
        for thread in loops:
            thread.join(60)
    assert {status for status, _ in cheap} == {200}
    p95 = statistics.quantiles([seconds for _, seconds in cheap], n=20)[-1]
    assert p95 < 1.0, f"cheap queries p95 {p95:.2f} s"
    assert any(status == 504 for status, _ in runaway)  # the runaways really ran, until their time limit
    assert all(status in (504, 503) for status, _ in runaway)
