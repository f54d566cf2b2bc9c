"""The server side of query execution: one pool of worker processes per published store, a time limit that kills,
answers relayed in chunks, and workers that heal.

``QueryEngine.run(job)`` never blocks the event loop: the job goes to an idle worker over a socket and the answer
comes back through asyncio streams. When the time limit passes, the worker is killed (freeing its CPU and memory),
the query fails with ``query_timeout``, and a new worker is forked from the zygote in the background.
:meth:`QueryEngine.open` gives the answer as a :class:`Reply` whose bytes are read in chunks, so the server relays
an answer of any size with a few chunks of memory; the worker is busy until its answer has been read.

Healing: every ``WATCH_S`` the engine checks its zygote and its idle workers. A worker that died is replaced from
the zygote within that time. A zygote that died cannot fork any more: the engine is *broken*, says so
(``ready`` False, ``on_broken``), and the server replaces the whole engine (see :mod:`essgraph.web.live`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Callable

import pyoxigraph as ox

from essgraph.errors import QueryError, QueryUnavailable
from essgraph.sparql.admission import Demoted
from essgraph.sparql.execute import Answer, Job, not_started, stopped, timed_out
from essgraph.sparql.worker import HEADER, LENGTH, exec_zygote, fork_zygote

log = logging.getLogger("essgraph.sparql")
WATCH_S = 0.25  # how often the zygote and the idle workers are checked
CHUNK = 1 << 16  # bytes relayed at a time


@dataclass
class _Worker:
    pid: int
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


class _Zygote:
    """Blocking client of the zygote's control channel; called from threads, one call at a time."""

    def __init__(self, source: ox.Store | Path, memory_mib: int):
        if isinstance(source, Path):
            self._proc: subprocess.Popen | None
            self._proc, self.control = exec_zygote(str(source), memory_mib)
            self.pid = self._proc.pid
        else:
            self._proc = None
            self.pid, self.control = fork_zygote(source, memory_mib)
        self.lock = threading.Lock()
        self._exit: int | None = None

    def dead(self) -> bool:
        """Whether the zygote has exited (it is this process's child: reaped here)."""
        if self._exit is None:
            if self._proc is not None:
                self._exit = self._proc.poll()
            else:
                try:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:
                    pid, status = self.pid, 0
                if pid:
                    self._exit = status
        return self._exit is not None

    def spawn(self) -> tuple[int, socket.socket]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self.lock:
                socket.send_fds(self.control, [b"S"], [theirs.fileno()])
                reply = self._recv(LENGTH.size)
        except BaseException:
            ours.close()
            raise
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
        """Close the channel (the zygote then kills its workers and exits) and reap it."""
        self.control.close()
        deadline = time.monotonic() + 5
        while not self.dead() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self.dead():
            try:
                os.kill(self.pid, 9)
            except ProcessLookupError:
                pass
            if self._proc is not None:
                self._proc.wait()
            else:
                os.waitpid(self.pid, 0)


class Reply:
    """A finished answer still held by its worker: ``rows`` and ``size`` are known, the bytes are read in chunks.
    ``close()`` gives the worker back (or, when the answer was not read to its end, kills it) and runs the
    ``on_close`` callbacks; call it exactly once, whatever happens."""

    def __init__(self, engine: "QueryEngine", worker: _Worker, rows: int, size: int):
        self.rows = rows
        self.size = size
        self.on_close: list[Callable[[], None]] = []
        self._engine = engine
        self._worker: _Worker | None = worker
        self._left = size

    async def chunks(self, size: int = CHUNK) -> AsyncIterator[bytes]:
        while self._left > 0:
            assert self._worker is not None  # held until the answer is read or the reply closed
            chunk = await self._worker.reader.read(min(size, self._left))
            if not chunk:
                raise ConnectionError("the query worker died while its answer was read")
            self._left -= len(chunk)
            yield chunk

    async def read(self) -> bytes:
        """The whole answer (for answers the server itself transforms, such as HTML result tables)."""
        return b"".join([chunk async for chunk in self.chunks()])

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        if self._left == 0:
            self._engine._give_back(worker)
        else:
            self._engine._retire(worker)
        for callback in self.on_close:
            callback()


class QueryEngine:
    def __init__(
        self,
        source: ox.Store | Path,
        workers: int,
        timeout_s: float,
        memory_mib: int,
        on_broken: Callable[[str], None] | None = None,
    ):
        self.source = source
        self.size = workers
        self.timeout_s = timeout_s
        self.memory_mib = memory_mib
        self.on_broken = on_broken
        self.broken: str | None = None
        self._zygote: _Zygote | None = None
        self._idle: asyncio.LifoQueue[_Worker] = asyncio.LifoQueue()  # the most recently used (warmest) first
        self._live = 0  # workers forked and not retired
        self._tasks: set[asyncio.Task] = set()
        self.killed = 0  # workers stopped for overrunning the time limit
        self.replaced = 0  # workers that died (killed from outside, crashed) and were replaced

    # -- life cycle --------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the zygote (on this thread: see :mod:`essgraph.sparql.worker`) and the workers."""
        self._zygote = _Zygote(self.source, self.memory_mib)
        await self._top_up()
        self._background(self._watch())
        log.info(
            "SPARQL engine ready: %d worker processes (%s store), time limit %.1f s",
            self.size,
            "on-disk" if isinstance(self.source, Path) else "in-memory",
            self.timeout_s,
        )

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        while not self._idle.empty():
            self._idle.get_nowait().writer.close()
        if self._zygote is not None:
            zygote, self._zygote = self._zygote, None
            await asyncio.to_thread(zygote.close)  # the zygote kills its workers when the channel closes

    @property
    def ready(self) -> bool:
        """Whether a query can be answered now (or as soon as a worker is free)."""
        return self._zygote is not None and self.broken is None and not self._zygote.dead() and self._live > 0

    def status(self) -> dict:
        return {
            "ready": self.ready,
            "workers": self._live,
            "idle": self._idle.qsize(),
            "size": self.size,
            "zygote": self._zygote.pid if self._zygote else None,
            "stopped_over_time": self.killed,
            "replaced_after_dying": self.replaced,
            "broken": self.broken,
        }

    def _background(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _new_worker(self) -> _Worker:
        assert self._zygote is not None  # started
        pid, sock = await asyncio.to_thread(self._zygote.spawn)
        sock.setblocking(False)
        reader, writer = await asyncio.open_unix_connection(sock=sock, limit=CHUNK)
        return _Worker(pid, reader, writer)

    async def _top_up(self) -> None:
        while self._zygote is not None and self.broken is None and self._live < self.size:
            self._live += 1
            try:
                worker = await self._new_worker()
            except (OSError, ConnectionError):
                self._live -= 1
                what = "died" if await self._zygote_exits() else "stopped answering"
                self._break(f"the query zygote (pid {self._zygote.pid}) {what}")
                return
            self._idle.put_nowait(worker)

    async def _zygote_exits(self, within: float = 1.0) -> bool:
        """Whether the zygote exits within ``within`` seconds. A killed process closes its sockets before the
        kernel reports it gone: a failed fork is seen first, the exit a moment later."""
        assert self._zygote is not None
        deadline = time.monotonic() + within
        while not self._zygote.dead():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    def _break(self, cause: str) -> None:
        if self.broken is None:
            self.broken = cause
            log.critical("SPARQL: %s; starting new query processes", cause)
            if self.on_broken is not None:
                self.on_broken(cause)

    async def _watch(self) -> None:
        while self.broken is None:
            await asyncio.sleep(WATCH_S)
            if self._zygote is None:
                return
            if self._zygote.dead():
                self._break(f"the query zygote (pid {self._zygote.pid}) died")
                return
            alive = []
            while not self._idle.empty():
                worker = self._idle.get_nowait()
                if worker.reader.at_eof():
                    log.warning("SPARQL: query worker %d died; replacing it", worker.pid)
                    worker.writer.close()
                    self._live -= 1
                    self.replaced += 1
                else:
                    alive.append(worker)
            for worker in reversed(alive):
                self._idle.put_nowait(worker)
            await self._top_up()

    def _give_back(self, worker: _Worker) -> None:
        self._idle.put_nowait(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker whose state is unknown (over time, died, interrupted) and fork its replacement."""
        worker.writer.close()
        self._live -= 1
        self._background(self._replace(worker.pid))

    async def _replace(self, pid: int) -> None:
        try:
            if self._zygote is None:  # stopped meanwhile
                return
            await asyncio.to_thread(self._zygote.kill, pid)
        except (OSError, ConnectionError, AttributeError):
            return  # no zygote any more: the watcher reports it
        await self._top_up()

    # -- queries -----------------------------------------------------------------------------------------------

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    async def _take(self) -> _Worker:
        """An idle worker, waiting while one is being replaced (admission lets no more queries in than workers)."""
        deadline = time.monotonic() + max(self.timeout_s, 5.0)
        while True:
            if self._zygote is None or self.broken is not None:
                raise (
                    not_started()
                    if self._zygote is None
                    else QueryUnavailable(
                        "the query processes are being restarted",
                        "retry in a few seconds",
                        code="restarting",
                        retry_after=2,
                    )
                )
            try:
                return await asyncio.wait_for(self._idle.get(), WATCH_S)
            except asyncio.TimeoutError:
                if time.monotonic() > deadline:
                    raise QueryUnavailable(
                        f"{self.size} queries are already running, the most this server runs at once",
                        "retry in a moment",
                        code="too_many_queries",
                        retry_after=1,
                    ) from None

    async def open(self, job: Job, guard_s: float | None = None) -> Reply:
        """Run ``job`` and return its answer still held by the worker; raises QueryError (refused, malformed, over
        a limit), or :class:`Demoted` when ``guard_s`` (shorter than the time limit) passes first."""
        worker = await self._take()
        limit = self.timeout_s if guard_s is None else min(guard_s, self.timeout_s)
        try:
            rows, size = await asyncio.wait_for(self._exchange(worker, job), limit)
        except asyncio.TimeoutError:
            self._retire(worker)
            if limit < self.timeout_s:
                raise Demoted() from None
            self.killed += 1
            raise timed_out(self.timeout_s) from None
        except QueryError:
            self._give_back(worker)
            raise
        except (ConnectionError, asyncio.IncompleteReadError, EOFError):
            self._retire(worker)
            raise stopped(self.memory_mib) from None
        except BaseException:  # cancelled (client gone, shutdown) or a bug: the worker's state is unknown
            self._retire(worker)
            raise
        return Reply(self, worker, rows, size)

    async def run(self, job: Job, guard_s: float | None = None) -> Answer:
        """The whole answer of ``job``; raises QueryError (refused, malformed, over a limit, no worker free)."""
        reply = await self.open(job, guard_s)
        try:
            return Answer(await reply.read(), reply.rows)
        finally:
            reply.close()

    @staticmethod
    async def _exchange(worker: _Worker, job: Job) -> tuple[int, int]:
        """Send the job; read the answer's header: (rows, body size), or raise the QueryError the worker sent."""
        data = pickle.dumps(job)
        worker.writer.write(LENGTH.pack(len(data)) + data)
        await worker.writer.drain()
        meta_len, body_len = HEADER.unpack(await worker.reader.readexactly(HEADER.size))
        outcome = pickle.loads(await worker.reader.readexactly(meta_len))
        if isinstance(outcome, QueryError):
            raise outcome
        return outcome.rows, body_len
