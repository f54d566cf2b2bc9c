"""The server side of query execution: a pool of worker processes, a time limit that kills, a concurrency cap.

``QueryEngine.run(job)`` never blocks the event loop: the job goes to an idle worker over a socket and the answer
comes back through asyncio streams. When no worker is idle the query is refused at once (``too_many_queries``,
with a retry delay); when the time limit passes, the worker is killed (freeing its CPU and memory), the query
fails with ``query_timeout``, and a new worker is forked from the zygote in the background. Every failure is a
:class:`~essgraph.errors.QueryError`; the web layer maps it to its HTTP status.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import socket
import threading
from dataclasses import dataclass

from essgraph.errors import QueryError, QueryUnavailable
from essgraph.sparql.execute import Answer, Job, not_started, stopped, timed_out
from essgraph.sparql.worker import HEADER, LENGTH, fork_zygote

log = logging.getLogger("essgraph.sparql")


@dataclass
class _Worker:
    pid: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


class _Zygote:
    """Blocking client of the zygote's control channel; called from threads, one call at a time."""

    def __init__(self, store, memory_mib: int):
        self.pid, self.control = fork_zygote(store, memory_mib)
        self.lock = threading.Lock()

    def spawn(self) -> tuple[int, socket.socket]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self.lock:
                socket.send_fds(self.control, [b"S"], [theirs.fileno()])
                reply = self._recv(LENGTH.size)
        finally:
            theirs.close()
        return LENGTH.unpack(reply)[0], ours

    def kill(self, pid: int) -> None:
        with self.lock:
            self.control.sendall(b"K" + LENGTH.pack(pid))
            self._recv(1)

    def _recv(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.control.recv(size - len(data))
            if not chunk:
                raise ConnectionError("the query zygote is gone")
            data += chunk
        return data

    def close(self) -> None:
        self.control.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


class QueryEngine:
    def __init__(self, store, workers: int, timeout_s: float, memory_mib: int):
        self.store = store
        self.size = workers
        self.timeout_s = timeout_s
        self.memory_mib = memory_mib
        self._zygote: _Zygote | None = None
        self._idle: asyncio.Queue[_Worker] = asyncio.LifoQueue()  # the most recently used (warmest) first
        self._tasks: set[asyncio.Task] = set()
        self.killed = 0  # workers stopped for overrunning the time limit (for logs and tests)

    # -- life cycle --------------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._zygote = _Zygote(self.store, self.memory_mib)  # forked here, before the server takes requests
        for _ in range(self.size):
            self._idle.put_nowait(await self._new_worker())
        log.info("SPARQL engine ready: %d worker processes, time limit %.1f s", self.size, self.timeout_s)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        while not self._idle.empty():
            self._idle.get_nowait().writer.close()
        if self._zygote is not None:
            await asyncio.to_thread(self._zygote.close)  # the zygote kills its workers when the channel closes
            self._zygote = None

    async def _new_worker(self) -> _Worker:
        assert self._zygote is not None
        pid, sock = await asyncio.to_thread(self._zygote.spawn)
        sock.setblocking(False)
        reader, writer = await asyncio.open_unix_connection(sock=sock, limit=1 << 20)
        return _Worker(pid, reader, writer)

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker whose state is unknown (over time, died, interrupted) and fork its replacement."""
        worker.writer.close()
        task = asyncio.get_running_loop().create_task(self._replace(worker.pid))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _replace(self, pid: int) -> None:
        try:
            await asyncio.to_thread(self._zygote.kill, pid)
            self._idle.put_nowait(await self._new_worker())
        except (OSError, ConnectionError):
            log.critical("the query zygote is gone: SPARQL queries cannot be answered until a restart")

    # -- queries -----------------------------------------------------------------------------------------------

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    async def run(self, job: Job) -> Answer:
        """The whole answer of ``job``; raises QueryError (refused, malformed, over a limit, no worker free)."""
        if self._zygote is None:
            raise not_started()
        try:
            worker = self._idle.get_nowait()
        except asyncio.QueueEmpty:
            raise QueryUnavailable(f"{self.size} queries are already running, the most essgraph runs at once",
                                   "retry in a moment", code="too_many_queries", retry_after=1) from None
        try:
            outcome = await asyncio.wait_for(self._exchange(worker, job), self.timeout_s)
        except asyncio.TimeoutError:
            self.killed += 1
            self._retire(worker)
            raise timed_out(self.timeout_s) from None
        except (ConnectionError, asyncio.IncompleteReadError, EOFError):
            self._retire(worker)
            raise stopped(self.memory_mib) from None
        except BaseException:  # cancelled (client gone, shutdown) or a bug: the worker's state is unknown
            self._retire(worker)
            raise
        self._idle.put_nowait(worker)
        if isinstance(outcome, QueryError):
            raise outcome
        return outcome

    @staticmethod
    async def _exchange(worker: _Worker, job: Job) -> Answer | QueryError:
        data = pickle.dumps(job)
        worker.writer.write(LENGTH.pack(len(data)) + data)
        await worker.writer.drain()
        meta_len, body_len = HEADER.unpack(await worker.reader.readexactly(HEADER.size))
        outcome = pickle.loads(await worker.reader.readexactly(meta_len))
        if isinstance(outcome, Answer):
            body = await worker.reader.readexactly(body_len) if body_len else b""
            return Answer(body, outcome.rows)
        return outcome

