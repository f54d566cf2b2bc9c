"""Real processes for the tests that need them: the CLI as a user runs it, and ``Server``, the one harness of a real
``essgraph serve`` process (for signals, isolation, worker processes and the browser, which needs a socket).

Everything else talks to the app in-process (``support.asgi``): no socket, no thread contending for the GIL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

_reserved: dict[int, socket.socket] = {}


def clean_env(extra: dict | None = None) -> dict[str, str]:
    """The environment without any ESSGRAPH_* setting of the caller's shell, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESSGRAPH_")}
    env.update(extra or {})
    return env


def run_cli(*args: str, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``essgraph ARGS`` as a user would (a separate process), capturing output."""
    return subprocess.run([sys.executable, "-m", "essgraph", *args], cwd=cwd, env=clean_env(env),
                          capture_output=True, text=True, timeout=timeout)


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
    """A port nobody listens on now (another process may take it before it is used: prefer ``reserve_port``)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reserve_port() -> int:
    """A port held for this test process until it ends: bound (with SO_REUSEADDR) but not listening, so no other
    program is given it, while a server started later (uvicorn sets SO_REUSEADDR too) can still listen on it.
    Builds whose base IRI names this port can then be served there, by a real server, whenever one is needed."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    _reserved[port] = sock
    return port


def release_port(port: int) -> None:
    """Let go of a port held by ``reserve_port``."""
    sock = _reserved.pop(port, None)
    if sock is not None:
        sock.close()


class Server:
    """``essgraph serve`` in a subprocess on 127.0.0.1, stopped by ``close()`` (or ``with``).

    It serves the project of ``cwd`` (building it first when it has no store). ``port`` is the port to listen on
    (a free one by default); the base IRI is the server's own address unless ``env`` sets ESSGRAPH_BASE_IRI — a
    server may serve a shared build made for another address, as long as nothing it is asked follows a link.
    ``python_args`` replace ``-m essgraph`` (a test may run the CLI's ``main`` under a patch).
    """

    def __init__(self, cwd: Path, *args: str, env: dict | None = None, port: int | None = None,
                 ready_timeout: float = 120, python_args: tuple[str, ...] = ("-m", "essgraph")):
        self._reserved = port is None  # a port of its own, held from now until close(): no listener of another
        self.port = port or reserve_port()  # test can be given it meanwhile and receive this server's requests
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = clean_env(env)
        full_env.setdefault("ESSGRAPH_BASE_IRI", self.url + "/")
        self.base = full_env["ESSGRAPH_BASE_IRI"]
        self.log_path = cwd / f"server-{self.port}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([sys.executable, *python_args, "serve", "--port", str(self.port), *args],
                                     cwd=cwd, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.close()
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.output()}")
            try:
                health = httpx.get(self.url + "/-/health", timeout=1, trust_env=False)
                if health.status_code == 200 and health.json().get("store") == "memory":
                    return  # it answers from the on-disk store at once; tests want the copy in memory it then loads
            except httpx.HTTPError:
                pass
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
        if self._reserved:
            release_port(self.port)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
