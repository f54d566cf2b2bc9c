"""New builds go live without a restart, and nothing served breaks meanwhile (real ``essgraph serve`` processes).

The project is the catalog fixture (a plan excerpt, its classification, the repository's catalog metadata) plus a
generated file (``big.nt``), made big enough for one test (about 9 MB of N-Triples) that a download of its dump
is still in flight while new builds are made and swapped in.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import threading
import time
from pathlib import Path

import httpx
import pytest

from support.processes import Server, run_cli
from support.projects import ROOT, copy_project
from support.sparql import wait_until

PLAN = "data/plans/plan.ttl"
BASE = "http://127.0.0.1:1/"  # the IRIs' base (the server's address does not matter to these tests)
TITLE_QUERY = "SELECT ?t WHERE { ?p a <https://w3id.org/essgraph/def#Plan> ; <http://www.w3.org/2000/01/rdf-schema#label> ?t }"


def project(tmp: Path, big: int) -> Path:
    folder = copy_project("catalog", tmp)
    shutil.copytree(ROOT / "data" / "catalog", folder / "data" / "catalog")
    with open(folder / "big.nt", "w", encoding="utf-8") as out:
        for i in range(big):
            out.write(f'<http://example.org/big/{i}> <http://example.org/value> "{i:020d}" .\n')
    return folder


def rename_plan(folder: Path, label: str) -> None:
    """Give the plan a new rdfs:label (a change of data: a new data version)."""
    plan = folder / PLAN
    text = plan.read_text(encoding="utf-8")
    start = text.index('rdfs:label "') + len('rdfs:label "')
    end = text.index('"@fr', start)
    plan.write_text(text[:start] + label + text[end:], encoding="utf-8")


def build(folder: Path, **settings: str) -> None:
    env = {"ESSGRAPH_BASE_IRI": BASE, **{f"ESSGRAPH_{k.upper()}": v for k, v in settings.items()}}
    result = run_cli("build", "big.nt", cwd=folder, env=env)
    assert result.returncode == 0, result.stderr


def lease_free(build: Path) -> bool:
    """Whether no process holds the lease of ``build`` (tried with an exclusive lock, released at once)."""
    with open(build / ".lease", "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def health(server: Server) -> dict:
    return httpx.get(server.url + "/-/health", timeout=30).json()


def wait_for_version(server: Server, old: str, timeout: float = 30) -> dict:
    assert wait_until(lambda: health(server)["data_version"] != old, timeout=timeout, step=0.1), \
        f"the server still serves {old} after {timeout} s"
    return health(server)


@pytest.fixture
def served(tmp_path: Path, request):
    """The project built and served; ``@pytest.mark.parametrize("served", [N], indirect=True)`` for N big triples."""
    folder = project(tmp_path, getattr(request, "param", 10))
    build(folder)
    server = Server(folder, env={"ESSGRAPH_BASE_IRI": BASE})
    yield folder, server
    server.close()


def test_a_build_made_while_serving_is_served_without_a_restart(served):
    folder, server = served
    before = health(server)
    page = httpx.get(server.url + "/id/plan/saint-maur-des-fosses-2021", headers={"Accept": "text/turtle"})
    rename_plan(folder, "Saint-Maur, nouvelle version")
    build(folder)
    noticed = time.monotonic()
    after = wait_for_version(server, before["data_version"])
    assert server.proc.poll() is None  # the same process: no restart
    assert after["build"] != before["build"]
    # every part of the server answers from the new build
    again = httpx.get(server.url + "/id/plan/saint-maur-des-fosses-2021", headers={"Accept": "text/turtle",
                                                                                   "If-None-Match": page.headers["etag"]})
    assert again.status_code == 200 and again.headers["etag"] != page.headers["etag"]
    assert "nouvelle version" in again.text
    answer = httpx.post(server.url + "/sparql", data={"query": TITLE_QUERY}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert "Saint-Maur, nouvelle version" in {b["t"]["value"] for b in answer.json()["results"]["bindings"]}
    # on disk first, then in memory: health says which
    assert after["store"] in ("disk", "memory")
    assert wait_until(lambda: health(server)["store"] == "memory", timeout=60)
    assert time.monotonic() - noticed < 60


def _hammer(server: Server, paths: list[str], stop: threading.Event, seen: list) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        while not stop.is_set():
            for path in paths:
                if path == "/sparql":
                    r = client.post(path, data={"query": "ASK { ?s ?p ?o }"})
                else:
                    r = client.get(path)
                seen.append((path, r.status_code))


def test_three_builds_while_serving_keep_every_part_answering_and_consistent(served):
    folder, server = served
    version = health(server)["data_version"]
    paths = ["/-/health", "/catalog", "/.well-known/void", "/sparql", "/", "/dumps/essgraph-actions.csv",
             "/id/plan/saint-maur-des-fosses-2021"]
    stop, seen = threading.Event(), []
    hammer = threading.Thread(target=_hammer, args=(server, paths, stop, seen))
    hammer.start()
    try:
        for n in range(3):
            rename_plan(folder, f"Saint-Maur, version {n}")
            build(folder)
            version = wait_for_version(server, version)["data_version"]
    finally:
        stop.set()
        hammer.join(120)
    assert seen and {status for _, status in seen} == {200}, [s for s in seen if s[1] != 200][:5]
    assert {path for path, _ in seen} == set(paths)
    # the folder it served from at first is gone (keep_builds is 2), and what it serves now is consistent
    now = health(server)
    assert now["data_version"] == version
    for name in ("essgraph.nt", "essgraph.nq"):
        dump = httpx.get(f"{server.url}/dumps/{name}", timeout=60)
        assert dump.status_code == 200
        assert dump.headers["etag"] == f'"{hashlib.sha256(dump.content).hexdigest()}"'
    catalog = httpx.get(server.url + "/catalog.nt", timeout=60).text
    sha = hashlib.sha256(httpx.get(server.url + "/dumps/essgraph.nt", timeout=60).content).hexdigest()
    assert sha in catalog  # the catalog describes the dump being served
    void = httpx.get(server.url + "/.well-known/void", headers={"Accept": "application/n-triples"}).text
    data = sum(n for graph, n in now["triples"]["graphs"].items() if not graph.endswith(("/catalog", "/void")))
    assert f'<{BASE}id/dataset/essgraph> <http://rdfs.org/ns/void#triples> "{data}"' in void  # as health says


@pytest.mark.parametrize("served", [100_000], indirect=True)  # a 9 MB dump: more than the sockets buffer
def test_a_download_in_flight_finishes_on_its_build_which_is_not_pruned_meanwhile(served):
    folder, server = served
    first = health(server)
    url = server.url + "/dumps/essgraph.nt"
    with httpx.Client(timeout=120) as client, client.stream("GET", url) as response:
        assert response.status_code == 200
        etag = response.headers["etag"]
        chunks = response.iter_bytes(1 << 16)
        body = [next(chunks)]
        rename_plan(folder, "Saint-Maur, pendant le téléchargement")
        build(folder, keep_builds="1")  # keeps one build: the first one would be pruned if it were not in use
        wait_for_version(server, first["data_version"])
        builds = folder / "var" / "store" / "builds"
        assert (builds / first["build"]).is_dir()  # leased by the download
        body.extend(chunks)
    assert f'"{hashlib.sha256(b"".join(body)).hexdigest()}"' == etag  # the whole old dump, byte for byte
    assert wait_until(lambda: lease_free(builds / first["build"]), timeout=30)  # the server let go of it
    build(folder, keep_builds="1")
    assert not (builds / first["build"]).exists()  # let go once the download ended: pruned by the next build


def test_a_build_for_another_base_iri_is_refused_and_the_current_one_kept(served):
    folder, server = served
    before = health(server)
    result = run_cli("build", "big.nt", cwd=folder, env={"ESSGRAPH_BASE_IRI": "https://elsewhere.example.org/"})
    assert result.returncode == 0
    assert wait_until(lambda: (health(server).get("next") or {}).get("state") == "refused", timeout=10)
    now = health(server)
    assert now["data_version"] == before["data_version"] and now["build"] == before["build"]
    assert "https://elsewhere.example.org/" in now["next"]["error"]
    assert httpx.get(server.url + "/catalog").status_code == 200
