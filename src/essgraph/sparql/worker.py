"""The processes that run queries: a zygote, forked once from the server, which forks the workers.

Why a zygote: pyoxigraph's ``query()`` cannot be interrupted (no timeout, signals are ignored while it evaluates),
so a query over the time limit is stopped by killing its process, and a fresh worker takes its place. Forking
that worker from the server itself would copy a process with many threads (the event loop, the thread pool),
which is unsafe; the zygote is single-threaded and does nothing but fork and reap, so every worker is a clean
copy of it, sharing the in-memory store's pages with it and with the server (copy-on-write, never written).

Two ways to start a zygote, because ``fork`` copies the locks other threads hold at that instant:

* :func:`fork_zygote` (an in-memory store): forked from the server with a store that no thread has touched yet
  (a copy just loaded, before the server answers from it). Measured here, a child forked while other threads
  query *that* store hangs in about 2 % of forks; with a fresh store, 0 of 300.
* :func:`exec_zygote` (the on-disk store): a new Python process that never opened RocksDB; each worker it forks
  opens the store read-only itself. A child forked from a process whose threads use RocksDB hangs in about 6 %
  of forks, even when it opens its own store, so the server never forks for the on-disk store.

Messages (over socket pairs; everything here blocks, and runs outside the server's event loop):

* server -> zygote: ``S`` + one file descriptor (the worker's end of a new socket pair): fork a worker;
  the reply is its pid (8 bytes). ``K`` + pid: kill that worker if it is ours; the reply is ``k``.
  End of file: kill every worker and exit.
* server -> worker: a pickled :class:`~essgraph.sparql.execute.Job` framed by its length;
  worker -> server: a 16-byte header (lengths), a pickled Answer header or QueryError, then the body bytes.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import traceback

import pyoxigraph as ox

from essgraph.errors import QueryError
from essgraph.sparql import sandbox
from essgraph.sparql.execute import Answer, execute, internal_error

log = logging.getLogger("essgraph.sparql")
LENGTH = struct.Struct("!Q")
HEADER = struct.Struct("!QQ")


def _recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _close_fds_except(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


# -- worker ------------------------------------------------------------------------------------------------------


def _serve_queries(store, channel: socket.socket, refusal: QueryError | None = None) -> None:
    """Answer jobs until the server closes the channel; with ``refusal``, answer every job with it instead."""
    while True:
        head = _recv_exactly(channel, LENGTH.size)
        if head is None:
            return
        data = _recv_exactly(channel, LENGTH.unpack(head)[0])
        if data is None:
            return
        try:
            if refusal is not None:
                raise refusal
            outcome: Answer | QueryError = execute(store, pickle.loads(data))
        except QueryError as exc:
            outcome = exc
        except Exception:  # a bug: logged here, masked for the client
            log.error("query worker failed:\n%s", traceback.format_exc())
            outcome = internal_error()
        body = outcome.body if isinstance(outcome, Answer) else b""
        meta = pickle.dumps(outcome if isinstance(outcome, QueryError) else Answer(b"", outcome.rows))
        channel.sendall(HEADER.pack(len(meta), len(body)) + meta)
        if body:
            channel.sendall(body)


def _worker_main(source, channel: socket.socket, memory_mib: int) -> None:
    """``source``: the in-memory store (shared with the zygote), or the path of an on-disk store to open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    sandbox.die_with_parent()
    try:
        sandbox.confine(0)  # the network first: opening the store starts threads, which inherit the filter
    except QueryError as exc:  # fail closed: no query runs without the kernel filter
        _serve_queries(None, channel, refusal=exc)
        return
    store = ox.Store.read_only(source) if isinstance(source, str) else source
    if memory_mib:  # then the memory: the store's own mappings are not the query's
        sandbox.limit_memory(memory_mib)
    _serve_queries(store, channel)


# -- zygote ------------------------------------------------------------------------------------------------------


def _spawn(store, control: socket.socket, channel_fd: int, memory_mib: int) -> int:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            control.close()
            _worker_main(store, socket.socket(fileno=channel_fd), memory_mib)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(channel_fd)
    return pid


def _reap(children: set[int]) -> None:
    while children:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid == 0:
            return
        children.discard(pid)


def _zygote_loop(store, control: socket.socket, memory_mib: int) -> None:
    children: set[int] = set()
    try:
        while True:
            ready, _, _ = select.select([control], [], [], 1.0)
            _reap(children)
            if not ready:
                continue
            msg, fds, _flags, _addr = socket.recv_fds(control, 9, 1)
            if not msg:
                return
            if msg[:1] == b"S" and fds:
                pid = _spawn(store, control, fds[0], memory_mib)
                children.add(pid)
                control.sendall(LENGTH.pack(pid))
            elif msg[:1] == b"K" and len(msg) == 9:
                pid = LENGTH.unpack(msg[1:])[0]
                if pid in children:
                    os.kill(pid, signal.SIGKILL)
                control.sendall(b"k")
            else:
                for fd in fds:
                    os.close(fd)
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for _ in children:
            try:
                os.wait()
            except ChildProcessError:
                break


def fork_zygote(store, memory_mib: int) -> tuple[int, socket.socket]:
    """Fork the zygote from the server; returns its pid and the server's end of the control channel."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)  # one command = one message
    main_thread = threading.current_thread() is threading.main_thread()
    pid = os.fork()
    if pid != 0:
        theirs.close()
        return pid, ours
    code = 0
    try:
        ours.close()
        _close_fds_except({theirs.fileno()})
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        if main_thread:
            signal.set_wakeup_fd(-1)
            sandbox.die_with_parent()  # tied to the forking thread: only safe when that is the main thread
        gc.freeze()  # the server's objects are never collected here, so their pages stay shared
        _zygote_loop(store, theirs, memory_mib)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def exec_zygote(path: str, memory_mib: int) -> tuple[subprocess.Popen, socket.socket]:
    """Start a zygote for the on-disk store at ``path`` in a new process (see the module's note on ``fork``)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "essgraph.sparql.worker",
                str(theirs.fileno()),
                path,
                str(memory_mib),
                str(os.getpid()),
            ],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
        )
    finally:
        theirs.close()
    return proc, ours


def _main(argv: list[str]) -> None:
    fd, path, memory_mib, parent = int(argv[0]), argv[1], int(argv[2]), int(argv[3])
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sandbox.die_with_parent()
    if os.getppid() != parent:  # the server died before this process could ask to die with it
        return
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _zygote_loop(path, socket.socket(fileno=fd), memory_mib)


if __name__ == "__main__":
    _main(sys.argv[1:])
