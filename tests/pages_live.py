"""A real server for the Linked Data page tests: a store built by ``Builder`` into a temporary folder, served by
uvicorn on 127.0.0.1 and a free port, with the base IRI set to that address so every IRI dereferences there."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import uvicorn

from essgraph.app import create_app
from essgraph.build.pipeline import Builder
from essgraph.project import load_project
from essgraph.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_PROJECT = Path(__file__).resolve().parent / "fixtures" / "pages" / "essgraph.toml"
REAL_PROJECT = ROOT / "essgraph.toml"


class LiveServer:
    """Build ``project_file`` for base ``http://127.0.0.1:{port}/`` and serve it until ``close()``."""

    def __init__(self, project_file: Path, workdir: Path):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}/"
        self.store_path = workdir / "store"
        self.report = Builder(load_project(project_file), self.base, self.store_path).run(write=True)
        self.app = create_app(Settings(base_iri=self.base, store=self.store_path))
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                self.close()
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    @property
    def store(self) -> ox.Store:
        return self.app.state.published.store

    def subjects_under(self, prefixes: tuple[str, ...]) -> list[str]:
        """Every subject IRI of the store that starts with one of ``prefixes``."""
        found = {q.subject.value for q in self.store.quads_for_pattern(None, None, None, None)
                 if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(prefixes)}
        return sorted(found)

    def close(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(15)
        self.sock.close()
