"""Readiness while SPARQL cannot answer: with no query process able to start (fork and exec refused), after its
zygote is killed, the server keeps answering everything else, says "degraded" in health, answers 503 on /-/ready
and on SPARQL (with Retry-After), and recovers by itself once processes can start again."""

from __future__ import annotations

import os
import signal
import time

from essgraph.app import create_app
from essgraph.settings import Settings
from essgraph.sparql import engine as engine_module
from support.asgi import InProcess
from support.projects import build, copy_project
from support.sparql import wait_until

ASK = "ASK { ?s ?p ?o }"


def test_while_no_query_process_can_start_sparql_is_refused_and_health_is_degraded(tmp_path, monkeypatch):
    project = copy_project("mini", tmp_path)
    base = "http://127.0.0.1:8000/"
    build(project / "essgraph.toml", base, project / "var" / "store")
    settings = Settings(config=project / "essgraph.toml", store=project / "var" / "store", base_iri=base,
                        max_concurrent_queries=1, log_level="error")
    with InProcess(create_app(settings), base) as served, served.client() as client:
        assert wait_until(lambda: client.get("/-/health").json()["store"] == "memory", timeout=60)
        assert client.post("/sparql", data={"query": ASK}).status_code == 200

        def refuse(*args, **kwargs):
            raise OSError("fork refused by the test")

        monkeypatch.setattr(engine_module, "fork_zygote", refuse)
        monkeypatch.setattr(engine_module, "exec_zygote", refuse)
        os.kill(client.get("/-/health").json()["sparql"]["zygote"], signal.SIGKILL)
        assert wait_until(lambda: client.get("/-/ready").status_code == 503, timeout=10)
        for _ in range(5):  # it stays so: every new attempt fails
            time.sleep(0.3)
            assert client.get("/-/ready").status_code == 503
            body = client.get("/-/health").json()
            assert body["status"] == "degraded" and body["sparql"]["outage"]["cause"]
            refused = client.post("/sparql", data={"query": ASK})
            assert refused.status_code == 503 and int(refused.headers["retry-after"]) >= 1
        assert client.get("/").status_code == 200  # everything else still answers
        monkeypatch.undo()
        assert wait_until(lambda: client.get("/-/ready").status_code == 200, timeout=10)
        assert client.post("/sparql", data={"query": ASK}).status_code == 200
        assert client.get("/-/health").json()["sparql"]["last_outage"]["seconds"] > 1.5
