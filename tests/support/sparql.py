"""Helpers of the SPARQL endpoint tests: queries that never end on the SPARQL fixture project (its 1,000 bulk
triples give ``SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`` 10^9 solutions, far more than any time limit allows),
the query worker processes of a real server, and a TCP listener that records every connection it receives.
"""

from __future__ import annotations

import os
import socket
import threading
import time

from support.processes import Server

RUNAWAY = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAY_COUNT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def children(pid: int) -> list[int]:
    """The living child processes of ``pid``: a killed child stays listed as a zombie until its parent reaps it
    (the zygote reaps when it next wakes), but it is dead."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            listed = [int(p) for p in handle.read().split()]
    except FileNotFoundError:
        return []
    return [child for child in listed if _state(child) not in ("Z", "X", None)]


def _state(pid: int) -> str | None:
    """The process state letter of ``pid`` (R, S, Z...), None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def worker_pids(server: Server) -> set[int]:
    """The query worker processes of a server: the children of its zygote (the server's only child process)."""
    return {w for z in children(server.proc.pid) for w in children(z)}


def cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (FileNotFoundError, ProcessLookupError):
        return 0


def busy(pids: set[int], seconds: float = 0.5) -> set[int]:
    """The processes that used CPU during ``seconds``."""
    before = {p: cpu_ticks(p) for p in pids}
    time.sleep(seconds)
    return {p for p in pids if cpu_ticks(p) > before[p]}


def wait_until(predicate, timeout: float = 10.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class Listener:
    """A TCP server on 127.0.0.1 that accepts and records every connection (and the first bytes it gets)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received.append(conn.recv(2048) or b"(connected, sent nothing)")
                except OSError:
                    self.received.append(b"(connected)")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def no_leak(text: str) -> bool:
    """An error body names no file path of the server and shows no traceback."""
    return "Traceback" not in text and "/work/" not in text and ".py" not in text and os.sep + "tmp" not in text
