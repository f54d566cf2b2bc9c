"""Shared test helpers: fixture projects copied to a temporary folder, the CLI as a real subprocess, a real server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_project(name: str, dest: Path) -> Path:
    """Copy fixture project ``name`` (a folder of tests/fixtures) to ``dest``; returns its folder."""
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target


def run_cli(*args: str, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``essgraph ARGS`` as a user would (a separate process), capturing output."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ESSGRAPH_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "essgraph", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate a child process, killing it if it does not stop within 10 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``essgraph serve`` in a subprocess on 127.0.0.1 and a free port; stopped by ``close()``."""

    def __init__(self, cwd: Path, *args: str, env: dict | None = None, ready_timeout: float = 120):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("ESSGRAPH_")}
        full_env.update(env or {})
        full_env.setdefault("ESSGRAPH_BASE_IRI", self.url + "/")
        self.log_path = cwd / f"server-{self.port}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "essgraph", "serve", "--port", str(self.port), *args],
                                     cwd=cwd, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.output()}")
            try:
                if httpx.get(self.url + "/-/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.close()
        raise RuntimeError(f"server not ready after {ready_timeout}s: {self.output()}")

    def output(self) -> str:
        """Everything the server printed so far (also after close)."""
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def close(self) -> None:
        stop_process(self.proc)
        self.log.close()


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the mini project (one plan, two actions, one shape)."""
    return copy_project("mini", tmp_path)
