"""Bounded answers, against real servers: an answer over the byte cap is refused with an error naming the setting
(never a truncated 200), the server relays big answers in chunks so its own memory stays flat, and a literal
larger than 16 MiB is answered, not a 500.

The big answers are made by an 800-byte query: 10,000 rows (10 x 1,000 bulk values) each holding a 32 KiB string
built by doubling, that is 320 MB (327,680,000 bytes of values).
"""

from __future__ import annotations

import httpx
import pytest


ESS = "https://w3id.org/essgraph/def#"
MIB = 1 << 20


def doubled(name: str, times: int) -> str:
    """BINDs that make ?{name}{times}: a 16-character string doubled ``times`` times (16 * 2**times characters)."""
    binds = [f'BIND("0123456789abcdef" AS ?{name}0)']
    binds += [f"BIND(CONCAT(?{name}{i}, ?{name}{i}) AS ?{name}{i + 1})" for i in range(times)]
    return " ".join(binds)


BIG = (f"SELECT ?x11 WHERE {{ ?s <{ESS}value> ?v FILTER(?v < 10) ?t <{ESS}value> ?w "
       f"{doubled('x', 11)} }}")  # 10,000 rows of 32 KiB
HUGE_LITERAL = f"SELECT ?l WHERE {{ {doubled('x', 20)} BIND(CONCAT(?x20, \"!\") AS ?l) }}"  # 16 MiB + 1


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


@pytest.fixture(scope="module")
def capped(builds):
    """The default answer cap (64 MiB); a time limit generous for a busy machine (these answers take a few seconds)."""
    srv = builds["sparql"].process(max_concurrent_queries=2, query_timeout_s=120)
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def roomy(builds):
    """A cap of 1 GiB: the 320 MB answer is relayed."""
    srv = builds["sparql"].process(max_concurrent_queries=2, max_answer_bytes=1 << 30, query_timeout_s=120)
    yield srv
    srv.close()


def test_the_query_is_short_and_its_answer_huge():
    assert len(BIG.encode()) < 1000


def test_an_answer_over_the_cap_is_refused_naming_the_setting(capped):
    before = peak_rss_mib(capped.proc.pid)
    r = httpx.post(capped.url + "/sparql", data={"query": BIG}, timeout=120)
    assert r.status_code == 400, r.text[:300]
    error = r.json()["error"]
    assert error["code"] == "answer_too_large"
    assert "ESSGRAPH_MAX_ANSWER_BYTES" in error["message"] + error.get("hint", "")
    assert "64 MiB" in error["message"]
    assert peak_rss_mib(capped.proc.pid) - before < 32  # the server never held the answer
    assert httpx.post(capped.url + "/sparql", data={"query": "ASK {}"}).status_code == 200


def test_a_320_mb_answer_is_relayed_while_the_server_memory_stays_flat(roomy):
    before = peak_rss_mib(roomy.proc.pid)
    received = 0
    with httpx.stream("POST", roomy.url + "/sparql", data={"query": BIG}, timeout=300,
                      headers={"Accept": "text/csv"}) as r:
        assert r.status_code == 200
        length = int(r.headers["content-length"])
        for chunk in r.iter_raw(1 << 20):
            received += len(chunk)
    assert received == length and length > 320_000_000
    assert peak_rss_mib(roomy.proc.pid) - before < 64, "the server held the answer in memory"


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "text/tab-separated-values",
                                    "application/sparql-results+xml"])
def test_a_literal_over_16_mib_is_answered(capped, accept):
    r = httpx.post(capped.url + "/sparql", data={"query": HUGE_LITERAL}, headers={"Accept": accept}, timeout=120)
    assert r.status_code == 200, r.text[:300]
    assert r.content.count(b"0123456789abcdef") == 1 << 20 and b"!" in r.content


def test_a_constructed_literal_over_16_mib_is_answered(capped):
    query = HUGE_LITERAL.replace("SELECT ?l WHERE", "CONSTRUCT { <http://example.org/s> <http://example.org/p> ?l }"
                                                    " WHERE")
    for accept in ("text/turtle", "application/n-triples"):
        r = httpx.post(capped.url + "/sparql", data={"query": query}, headers={"Accept": accept}, timeout=120)
        assert r.status_code == 200, r.text[:300]
        assert r.content.count(b"0123456789abcdef") == 1 << 20
