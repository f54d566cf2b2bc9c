"""SPARQL survives its processes: a query worker or the zygote killed with ``kill -9`` is noticed and replaced
within seconds, and while SPARQL cannot answer, health says "degraded" and /-/ready answers 503 (the case where no
new process can start at all: tests/web/test_readiness.py)."""

from __future__ import annotations

import os
import signal
import threading
import time

import httpx
import pytest

from support.sparql import children, wait_until

ASK = "ASK { ?s ?p ?o }"


def health(url: str) -> dict:
    return httpx.get(url + "/-/health", timeout=30).json()


def answers(url: str) -> bool:
    try:
        return httpx.post(url + "/sparql", data={"query": ASK}, timeout=10).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def server(builds):
    srv = builds["sparql"].process(max_concurrent_queries=2)
    yield srv
    srv.close()


def test_a_killed_worker_is_replaced_within_seconds(server):
    before = health(server.url)["sparql"]
    zygote = before["zygote"]
    workers = children(zygote)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    assert wait_until(lambda: health(server.url)["sparql"]["replaced_after_dying"] == before["replaced_after_dying"] + 1
                      and len(children(zygote)) == 2, timeout=10)
    assert workers[0] not in children(zygote)
    assert all(answers(server.url) for _ in range(10))
    assert health(server.url)["status"] == "ok"


def _watch(url: str, stop: threading.Event, seen: list) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        while not stop.is_set():
            ready = client.get("/-/ready")
            seen.append((ready.status_code, client.get("/-/health").json()["status"]))
            time.sleep(0.01)


def test_a_killed_zygote_is_replaced_and_health_reflects_the_gap(server):
    before = health(server.url)
    zygote = before["sparql"]["zygote"]
    worker = children(zygote)[0]
    stop, seen = threading.Event(), []
    watcher = threading.Thread(target=_watch, args=(server.url, stop, seen))
    watcher.start()
    time.sleep(0.2)
    os.kill(worker, signal.SIGKILL)
    os.kill(zygote, signal.SIGKILL)
    killed = time.monotonic()
    try:
        assert wait_until(lambda: answers(server.url), timeout=10), "SPARQL did not answer again within 10 s"
        recovered = time.monotonic() - killed
        assert wait_until(lambda: health(server.url)["status"] == "ok", timeout=10)
        time.sleep(0.2)
    finally:
        stop.set()
        watcher.join(30)
    assert recovered < 10
    assert (503, "degraded") in seen  # the gap was visible to a poller...
    assert seen[0] == (200, "ok") and seen[-1] == (200, "ok")
    after = health(server.url)
    assert after["sparql"]["zygote"] != zygote and after["data_version"] == before["data_version"]
    outage = after["sparql"]["last_outage"]  # ...and stays recorded for the others
    assert after["sparql"]["outages"] == before["sparql"]["outages"] + 1
    assert f"pid {zygote}" in outage["cause"] and "died" in outage["cause"]
    assert 0 < outage["seconds"] < 10
    assert wait_until(lambda: len(children(after["sparql"]["zygote"])) == 2, timeout=10)
