"""Answers kept per build (essgraph.web.cache): the same request gets the same bytes without being rendered again,
a new build served changes the answer, and what must not be kept (SPARQL, errors, conditional requests, dumps) is
not."""

from __future__ import annotations

from essgraph.app import create_app
from essgraph.settings import Settings
from essgraph.web.cache import Answers, Entry
from support.asgi import InProcess
from support.projects import base_of, build, copy_project
from support.sparql import wait_until

PROJECT = "pages"
PLAN = "/id/plan/bourg-exemple-2023"
TURTLE = {"Accept": "text/turtle"}


def kept(live) -> dict:
    return live.app.state.answers.status()


def test_the_same_request_is_answered_from_the_kept_bytes(live, client):
    first = client.get(PLAN, headers=TURTLE)
    before = kept(live)
    second = client.get(PLAN, headers=TURTLE)
    after = kept(live)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and "Bourg-Exemple solidaire" in second.text
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-type"] == first.headers["content-type"]
    assert second.headers["access-control-allow-origin"] == "*"  # added outside the cache, on every answer
    assert after["hits"] == before["hits"] + 1 and after["entries"] == before["entries"]


def test_each_negotiated_format_and_query_is_kept_apart(live, client):
    html = client.get(PLAN, headers={"Accept": "text/html"})
    turtle = client.get(PLAN, headers=TURTLE)
    jsonld = client.get(PLAN + "?format=jsonld")
    again = client.get(PLAN, headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert again.content == html.content and again.content != turtle.content


def test_head_gets_the_headers_without_a_body(client):
    get = client.get(PLAN + ".ttl")
    for _ in range(2):
        head = client.head(PLAN + ".ttl")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["etag"] == get.headers["etag"]
        assert head.headers["content-length"] == str(len(get.content))


def test_errors_conditional_requests_and_sparql_are_not_kept(live, client):
    before = kept(live)["entries"]
    for _ in range(2):
        assert client.get("/id/nothing/here").status_code == 404
        assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    tag = client.get(PLAN, headers=TURTLE).headers["etag"]
    assert client.get(PLAN, headers={**TURTLE, "If-None-Match": tag}).status_code == 304
    assert kept(live)["entries"] <= before + 1  # at most the Turtle description itself


def test_nothing_is_kept_when_the_cache_is_set_to_zero(built):
    served = built.serve(response_cache_mib=0)
    with served.client() as client:
        assert client.get(PLAN).content == client.get(PLAN).content
    assert served.app.state.answers.status()["entries"] == 0


def test_a_new_build_served_changes_the_kept_answer(tmp_path):
    project = copy_project("pages", tmp_path)
    base = base_of(PROJECT)
    store = project / "var" / "store"
    build(project / "essgraph.toml", base, store)
    settings = Settings(config=project / "essgraph.toml", store=store, base_iri=base, log_level="error",
                        max_concurrent_queries=1)
    with InProcess(create_app(settings), base) as served, served.client() as client:
        version = client.get("/-/health").json()["data_version"]
        old = [client.get(PLAN, headers=TURTLE), client.get(PLAN, headers=TURTLE)]
        old_void = client.get("/.well-known/void")
        assert old[1].content == old[0].content and served.app.state.answers.status()["hits"] >= 1
        plan = project / "plans" / "bourg-exemple-2023.ttl"
        plan.write_text(plan.read_text(encoding="utf-8").replace("Bourg-Exemple solidaire", "Bourg-Nouveau"),
                        encoding="utf-8")
        build(project / "essgraph.toml", base, store)
        assert wait_until(lambda: client.get("/-/health").json()["data_version"] != version, timeout=60)
        new = client.get(PLAN, headers=TURTLE)
        assert new.status_code == 200 and "Bourg-Nouveau" in new.text and "Bourg-Exemple solidaire" not in new.text
        assert new.headers["etag"] != old[0].headers["etag"]
        assert old_void.status_code == 200
        assert client.get("/.well-known/void").headers["etag"] != old_void.headers["etag"]
        assert client.get(PLAN, headers=TURTLE).content == new.content


def test_the_least_recently_used_answers_go_first_past_the_bound():
    answers = Answers(16 * 400)  # an answer may cost 400 bytes at most (its body, headers, 256 of bookkeeping)
    answers.follow("b1")
    for i in range(40):
        answers.put(("b1", i), Entry(200, [], b"x" * 144))
        answers.get(("b1", 0))  # the first one keeps being asked for
    assert answers.status()["bytes"] <= 6400 and answers.status()["entries"] == 16
    assert answers.get(("b1", 0)) is not None and answers.get(("b1", 1)) is None
    answers.put(("b1", "big"), Entry(200, [], b"x" * 145))
    assert answers.get(("b1", "big")) is None
    answers.follow("b2")
    assert answers.status()["entries"] == 0 and answers.get(("b1", 0)) is None


def test_answers_without_a_body_still_count_against_the_bound():
    answers = Answers(16 * 400)
    answers.follow("b1")
    for i in range(1000):  # HEAD answers: headers only
        answers.put(("b1", "HEAD", i), Entry(200, [(b"etag", b'W/"' + b"0" * 32 + b'"')], b""))
    assert answers.status()["entries"] < 30 and answers.status()["bytes"] <= 6400
