"""Safety of the public endpoint, against real ``essgraph serve`` processes (the SPARQL fixture project's session
build, served with the settings each test needs): a runaway query is really stopped at the time limit (its
process killed, its CPU freed, a new worker forked) while other clients keep getting answers; caps on results,
memory and concurrent queries; updates refused; and no request ever leaves the machine because of a query.

Time bounds here are generous: they only prove that the stop happens, not how fast the machine is."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from essgraph.settings import Settings
from support.sparql_corpus import BYPASSES
from support.sparql import RUNAWAY, RUNAWAY_COUNT, Listener, busy, no_leak, wait_until, worker_pids

TIMEOUT_S = 3.0          # the runaway tests: long enough for cheap queries to be answered meanwhile on a busy machine
CAPPED_TIMEOUT_S = 10.0  # the caps' tests: every cap must stop its query long before this
FAST = ("PREFIX dct: <http://purl.org/dc/terms/> PREFIX ess: <https://w3id.org/essgraph/def#> "
        "SELECT ?t WHERE { ?a ess:cardNumber \"1.2\" ; dct:title ?t }")


@pytest.fixture(scope="module")
def server(builds):
    """Time limit 3 s, 3 workers, row and byte caps high enough for the runaway query to meet the time limit first."""
    srv = builds["sparql"].process(query_timeout_s=TIMEOUT_S, max_concurrent_queries=3, max_result_rows=100_000_000,
                                   max_answer_bytes=1 << 40)
    yield srv
    srv.close()


@pytest.fixture(scope="module")
def capped(builds):
    """Default row cap (10,000), 2 workers."""
    srv = builds["sparql"].process(query_timeout_s=CAPPED_TIMEOUT_S, max_concurrent_queries=2)
    yield srv
    srv.close()


def post(server, query: str, **kw) -> httpx.Response:
    return httpx.post(server.url + "/sparql", data={"query": query}, timeout=60, **kw)


def _in_background(server, query: str) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run():
        started = time.monotonic()
        r = post(server, query)
        outcome.update(status=r.status_code, body=r.text, seconds=time.monotonic() - started)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


# -- the time limit ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [RUNAWAY, RUNAWAY_COUNT], ids=["streaming", "aggregate"])
def test_runaway_query_is_stopped_while_others_are_served(server, query):
    before = worker_pids(server)
    assert len(before) == 3
    thread, outcome = _in_background(server, query)
    running = set()   # the worker seen using CPU, kept: on a loaded machine a second look may miss it
    assert wait_until(lambda: running.update(busy(before, 0.2)) or running, timeout=5), \
        "the runaway query never started"
    runaway_pid = next(iter(running))
    answered = []
    while thread.is_alive() and len(answered) < 200:
        started = time.monotonic()
        r = httpx.get(server.url + "/sparql", params={"query": FAST}, timeout=30)
        answered.append((r.status_code, time.monotonic() - started))
    thread.join(60)
    assert outcome["status"] == 504, outcome
    assert TIMEOUT_S <= outcome["seconds"] < TIMEOUT_S + 10
    error = json.loads(outcome["body"])["error"]
    assert error["code"] == "query_timeout" and f"{TIMEOUT_S:g} s" in error["message"]
    assert len(answered) >= 3 and all(status == 200 for status, _ in answered)
    # others were answered while the runaway query ran, none kept waiting until it was stopped
    assert max(seconds for _, seconds in answered) < TIMEOUT_S
    # its process is gone (CPU and memory freed), a fresh worker took its place
    assert wait_until(lambda: runaway_pid not in worker_pids(server) and len(worker_pids(server)) == 3)
    assert not busy(worker_pids(server), 0.3)
    assert post(server, FAST).status_code == 200


def test_a_stopped_query_never_gets_a_truncated_200(server):
    r = httpx.get(server.url + "/sparql", params={"query": RUNAWAY, "format": "csv"}, timeout=60)
    assert r.status_code == 504
    assert r.headers["content-type"].startswith("application/json") and r.json()["error"]["code"] == "query_timeout"


# -- caps --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def single(builds):
    """One worker (no lane kept for fast queries), a queue wait of 1 s, a time limit of 4 s."""
    srv = builds["sparql"].process(query_timeout_s=4, max_concurrent_queries=1, query_queue_wait_s=1,
                                   max_result_rows=100_000_000)
    yield srv
    srv.close()


def test_a_query_that_finds_every_worker_busy_waits_then_gets_503_with_retry_after(single):
    running = _in_background(single, RUNAWAY_COUNT)
    assert wait_until(lambda: busy(worker_pids(single), 0.2), timeout=5)
    started = time.monotonic()
    r = post(single, "ASK {}")
    assert r.status_code == 503 and r.json()["error"]["code"] == "too_many_queries"
    assert 1 <= time.monotonic() - started < 3  # it waited its turn (1 s) before being refused
    assert int(r.headers["retry-after"]) >= 1 and "1 s" in r.json()["error"]["message"]
    running[0].join(60)
    assert running[1]["status"] == 504
    assert post(single, "ASK {}").status_code == 200


@pytest.mark.parametrize("limit,status", [(10_000, 200), (10_001, 400)])
def test_result_rows_are_capped_never_truncated(capped, limit, status):
    query = f"SELECT ?s ?w WHERE {{ ?s <https://w3id.org/essgraph/def#value> ?v . " \
            f"?t <https://w3id.org/essgraph/def#value> ?w }} LIMIT {limit}"
    r = post(capped, query)
    assert r.status_code == status
    if status == 200:
        assert len(r.json()["results"]["bindings"]) == limit
    else:
        assert r.json()["error"]["code"] == "too_many_results" and "10,000" in r.json()["error"]["message"]


@pytest.mark.parametrize("limit,status", [(10_000, 200), (10_001, 400)])
def test_constructed_triples_are_capped(capped, limit, status):
    query = f"CONSTRUCT {{ ?s <http://example.org/p> ?w }} WHERE {{ ?s <https://w3id.org/essgraph/def#value> ?v . " \
            f"?t <https://w3id.org/essgraph/def#value> ?w }} LIMIT {limit}"
    r = httpx.post(capped.url + "/sparql", data={"query": query, "format": "ntriples"}, timeout=60)
    assert r.status_code == status
    if status == 200:
        assert r.text.count("\n") == limit


def test_the_runaway_query_meets_the_row_cap_first(capped):
    started = time.monotonic()
    r = post(capped, RUNAWAY)
    assert r.status_code == 400 and r.json()["error"]["code"] == "too_many_results"
    assert time.monotonic() - started < CAPPED_TIMEOUT_S  # stopped by the cap, long before the time limit


@pytest.fixture(scope="module")
def memory_capped(builds):
    """256 MiB per query and a time limit far away, so that on a loaded machine the memory limit is still met first."""
    srv = builds["sparql"].process(query_timeout_s=120, max_concurrent_queries=1, query_memory_mib=256)
    yield srv
    srv.close()


def test_a_query_over_its_memory_is_stopped(memory_capped):
    r = post(memory_capped, RUNAWAY + " ORDER BY ?a ?e ?i LIMIT 1")  # sorting 10^9 rows must hold them all
    assert r.status_code == 503 and r.json()["error"]["code"] == "query_stopped", r.text
    assert "256 MiB" in r.json()["error"]["message"]
    assert wait_until(lambda: post(memory_capped, FAST).status_code == 200)


def test_a_request_over_the_size_limit_is_refused_from_its_declared_length(server):
    """The declared Content-Length is enough to refuse, without waiting for a body that never comes."""
    limit = Settings.model_fields["max_request_bytes"].default
    head = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/sparql-query"
            f"\r\nContent-Length: {10 * limit}\r\n\r\nASK {{}}")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.encode())
        answer = b""
        while b"request_too_large" not in answer:  # head and body may come in separate packets
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.decode().startswith("HTTP/1.1 413") and b"request_too_large" in answer


# -- read-only ---------------------------------------------------------------------------------------------------

UPDATES = [
    ("direct", {"headers": {"Content-Type": "application/sparql-update"}, "content": b"CLEAR ALL"}),
    ("direct-insert", {"headers": {"Content-Type": "application/sparql-update"},
                       "content": b"INSERT DATA { <http://a> <http://b> <http://c> }"}),
    ("form", {"data": {"update": "DROP ALL"}}),
    ("form-using", {"params": {"using-graph-uri": "http://a"}, "data": {"query": "ASK {}"}}),
    ("update-as-query", {"data": {"query": "DELETE WHERE { ?s ?p ?o }"}}),
    ("prefixed-update-as-query", {"data": {"query": "PREFIX ex: <http://ex/>\nINSERT DATA { ex:a ex:b ex:c }"}}),
    ("load", {"data": {"query": "LOAD <http://127.0.0.1:9/data.ttl>"}}),
]


@pytest.mark.parametrize("name,request_kw", UPDATES, ids=[u[0] for u in UPDATES])
def test_updates_are_refused_and_change_nothing(server, name, request_kw):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = post(server, count).json()["results"]["bindings"][0]["n"]["value"]
    r = httpx.post(server.url + "/sparql", timeout=30, **request_kw)
    assert r.status_code == 403 and r.json()["error"]["code"] == "read_only", r.text
    assert no_leak(r.text)
    get = httpx.get(server.url + "/sparql", params={"update": "CLEAR ALL"}, timeout=30)
    assert get.status_code == 403
    assert post(server, count).json()["results"]["bindings"][0]["n"]["value"] == before


# -- no request leaves the machine -------------------------------------------------------------------------------

@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


def test_no_query_makes_the_server_send_a_request(server, listener):
    url = listener.url
    refused = [
        f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}sparql> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SeRvIcE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o }} # a comment\nSERVICE <{url}> {{ }}",
    ]
    for query in refused:
        r = post(server, query)
        assert r.status_code == 403 and r.json()["error"]["code"] == "service_refused", query
    answered = [
        ({"query": f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}"}, 200),
        ({"query": f"SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, 200),
        ({"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": f"{url}data.ttl"}, 200),
        ({"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{url}data.ttl"}, 200),
        ({"query": f"DESCRIBE <{url}thing>"}, 200),
        ({"query": f"SELECT * WHERE {{ BIND(IRI(\"{url}x\") AS ?i) ?i ?p ?o }}"}, 200),
        ({"query": f"LOAD <{url}data.ttl>"}, 403),
    ]
    for params, status in answered:
        r = httpx.post(server.url + "/sparql", data=params, timeout=30)
        assert r.status_code == status, (params, r.text)
    time.sleep(0.5)
    assert listener.received == []


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_no_bypass_of_the_service_check_makes_the_server_send_a_request(server, listener, name):
    """Each bypass of the corpus (tests/sparql_corpus.py) is refused as a SERVICE clause — decided on the query's
    parsed form in the worker, not left to the kernel filter (which would answer network_refused)."""
    for method in ("GET", "POST"):
        query = BYPASSES[name].format(u=listener.url)
        if method == "GET":
            r = httpx.get(server.url + "/sparql", params={"query": query}, timeout=30)
        else:
            r = post(server, query)
        assert r.status_code == 403 and r.json()["error"]["code"] == "service_refused", (method, r.text)
    time.sleep(0.3)
    assert listener.received == []


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }" }',
    "SELECT * WHERE { ?s ?p '''\nSERVICE <http://127.0.0.1:9/> {}\n''' }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX service: <http://example.org/> SELECT ?service WHERE { ?service service:SERVICE ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { }",
    "SELECT * WHERE { ?s ?p \"x\"@service }",
    "SELECT * WHERE { _:service ?p ?o }",
])
def test_the_word_service_outside_a_keyword_is_not_refused(server, query):
    assert post(server, query).status_code == 200


SANDBOXED = """
import json, sys
import pyoxigraph as ox
from essgraph.sparql import sandbox
from essgraph.sparql.execute import Job, evaluate
if sys.argv[2] == "sandboxed":
    assert sandbox.deny_network()
from essgraph.errors import QueryError
job = Job(f"SELECT * WHERE {{ SERVICE <{sys.argv[1]}sparql> {{ ?s ?p ?o }} }}", "application/sparql-results+json", 100)
try:
    evaluate(ox.Store(), job)
    print(json.dumps("answered"))
except QueryError as exc:
    print(json.dumps(exc.code))
"""


def test_the_worker_sandbox_stops_service_even_past_the_check(listener):
    """Second layer: in a worker, the kernel refuses to create sockets, so pyoxigraph's SERVICE client fails
    even for a query that would slip past the SERVICE check. Without the sandbox, the request goes out."""
    def run(mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", SANDBOXED, listener.url, mode], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert run("sandboxed") == "network_refused"
    time.sleep(0.3)
    assert listener.received == []
    run("open")  # pyoxigraph on its own: the listener receives the SERVICE request
    assert wait_until(lambda: listener.received, timeout=5)
    assert listener.received[0].startswith(b"POST /sparql")


NO_SECCOMP = ("-c", "import platform, sys; platform.machine = lambda: 'sparc'; from essgraph.cli import main; "
              "sys.exit(main(sys.argv[1:]))")


def test_without_the_kernel_filter_the_server_runs_no_query(builds, listener):
    """Fail closed: where the seccomp filter cannot be installed (here: an architecture it has no table for), the
    server still serves its pages, but every query is answered 503 sandbox_unavailable and none runs."""
    srv = builds["sparql"].process(python_args=NO_SECCOMP, max_concurrent_queries=1)
    try:
        assert httpx.get(srv.url + "/-/health", timeout=30).status_code == 200
        for query in ("ASK {}", BYPASSES["less-than-then-iri-lookalike"].format(u=listener.url)):
            r = post(srv, query)
            assert r.status_code == 503, r.text
            error = r.json()["error"]
            assert error["code"] == "sandbox_unavailable" and "sparc" in error["message"]
        time.sleep(0.3)
        assert listener.received == []
        assert "SPARQL queries are refused" in srv.output()
    finally:
        srv.close()
