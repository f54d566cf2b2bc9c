"""``essgraph serve`` as a process: it builds when there is no store, then answers /-/health over real HTTP; it
refuses a store built for another base IRI."""

from __future__ import annotations

from pathlib import Path

import httpx

from support.processes import Server, run_cli


def test_serve_builds_first_then_reports_health(mini: Path):
    assert not (mini / "var").exists()
    server = Server(mini)
    try:
        response = httpx.get(server.url + "/-/health")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok" and body["conforms"] is True
        assert len(body["data_version"]) == 16
        assert body["triples"]["graphs"][server.url + "/graph/plan/mini-2024"] == 9
        assert body["triples"]["total"] >= 9
        assert body["counts"] == {"plans": 1, "actions": 2, "organisations": 0}
        assert body["validation"] == {"violations": 0, "warnings": 1}
        assert body["built_at"].startswith("20")
        head = httpx.head(server.url + "/-/health")
        assert head.status_code == 200 and head.content == b""
        missing = httpx.get(server.url + "/no/such/page")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    finally:
        server.close()
    assert "no store at" in server.output()


def test_serve_refuses_a_store_built_for_another_base(mini: Path):
    assert run_cli("build", "--base-iri", "https://data.example.org/", cwd=mini).returncode == 0
    result = run_cli("serve", "--port", "1", cwd=mini, env={"ESSGRAPH_BASE_IRI": "http://127.0.0.1:1/"}, timeout=60)
    assert result.returncode == 2
    assert "built for base IRI https://data.example.org/" in result.stderr
