"""One query in a process of its own: how the command line runs SPARQL, with the server's limits.

The server keeps a pool of query workers (:mod:`essgraph.sparql.engine`); a command runs one query, so it forks one
child for it. The child is confined exactly like a server worker (:func:`essgraph.sparql.sandbox.confine`: no
network — or no query at all when the kernel filter cannot be installed —, bounded memory), opens the store
read-only itself (nothing of the on-disk store is shared across ``fork``), and runs the same
:func:`~essgraph.sparql.execute.execute`: same row cap, same formats, parameters bound as RDF terms. The parent
waits at most the time limit, then kills the child: pyoxigraph's ``query()`` cannot be interrupted any other way.
Errors come back pickled and are raised in the parent as the same :class:`~essgraph.errors.QueryError` a web
client would get.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import signal
import time
import traceback
from typing import Callable

import pyoxigraph as ox

from essgraph.errors import EssgraphError
from essgraph.sparql import sandbox
from essgraph.sparql.execute import Answer, Job, execute, internal_error, stopped, timed_out

log = logging.getLogger("essgraph.sparql")
_CHUNK = 1 << 20


def _child(open_store: Callable[[], ox.Store], job: Job, memory_mib: int) -> Answer | EssgraphError:
    try:
        sandbox.confine(0)  # the network first: opening the store starts threads, which inherit the filter
        store = open_store()
        if memory_mib:  # then the memory: the store's own mappings are not the query's
            sandbox.limit_memory(memory_mib)
        return execute(store, job)
    except EssgraphError as exc:
        return exc
    except Exception:  # a bug: shown in full on stderr, masked as an internal error
        log.error("the query process failed:\n%s", traceback.format_exc())
        return internal_error()


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything written to ``fd`` until its end; None when the deadline passes first."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def run_isolated(open_store: Callable[[], ox.Store], job: Job, timeout_s: float, memory_mib: int) -> Answer:
    """Run ``job`` in a confined child process; the whole answer, or a QueryError (or the store's error)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it kills this process
            sandbox.die_with_parent()
            data = pickle.dumps(_child(open_store, job, memory_mib))
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        answer = _read_all(read_end, time.monotonic() + timeout_s)
    finally:
        os.close(read_end)
        _reap(pid)
    if answer is None:
        raise timed_out(timeout_s)
    if not answer:  # the child died before it could answer: killed by the kernel over its memory, or crashed
        raise stopped(memory_mib)
    outcome = pickle.loads(answer)
    if isinstance(outcome, EssgraphError):
        raise outcome
    return outcome
