"""Kernel-enforced limits of a query process: no network, bounded memory, no core dumps.

The SPARQL layer refuses ``SERVICE`` before a query runs; this is the second, independent layer. A seccomp filter
makes the ``socket()`` system call fail with EPERM in the query process, so no code path of the query engine
(pyoxigraph executes ``SERVICE`` over HTTP and has no switch to turn it off) can open a connection, whatever the
query text. The process talks to its parent through a socket or pipe it inherited, which the filter does not affect.

It fails closed: :func:`confine` raises when the filter cannot be installed, and a process that could not be
confined answers every query with that error instead of running it.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import platform
import resource
import signal

from essgraph.errors import QueryUnavailable

log = logging.getLogger("essgraph.sparql")

_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000
_RET_ALLOW = 0x7FFF0000
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_X32_SYSCALL_BIT = 0x40000000

#: machine -> (audit arch, denied system call numbers, whether the x32 ABI must be shut too)
_ARCHES = {
    "x86_64": (0xC000003E, {"socket": 41, "io_uring_setup": 425}, True),
    "aarch64": (0xC00000B7, {"socket": 198, "io_uring_setup": 425}, False),
}


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def _program(arch: int, denied: list[int], shut_x32: bool) -> list[tuple[int, int, int, int]]:
    """BPF: kill on a foreign architecture, EPERM for the denied calls, allow the rest."""
    checks = ([(_JGE_K, _X32_SYSCALL_BIT)] if shut_x32 else []) + [(_JEQ_K, nr) for nr in denied]
    prog = [(_LD_W_ABS, 0, 0, 4), (_JEQ_K, 1, 0, arch), (_RET_K, 0, 0, _RET_KILL_PROCESS), (_LD_W_ABS, 0, 0, 0)]
    for i, (op, k) in enumerate(checks):
        to_deny = len(checks) - i  # skip the remaining checks and the ALLOW
        prog.append((op, to_deny, 0, k))
    prog += [(_RET_K, 0, 0, _RET_ALLOW), (_RET_K, 0, 0, _RET_ERRNO | errno.EPERM)]
    return prog


def deny_network() -> bool:
    """Forbid creating sockets in this process and its future children; False when the kernel cannot."""
    return _install_filter() is None


def _install_filter() -> str | None:
    """Install the seccomp filter; None when done, else why it could not be."""
    spec = _ARCHES.get(platform.machine())
    if spec is None:
        return f"no seccomp filter is written for the {platform.machine() or 'unknown'} architecture"
    arch, calls, shut_x32 = spec
    prog = _program(arch, sorted(calls.values()), shut_x32)
    filters = (_Filter * len(prog))(*(_Filter(*ins) for ins in prog))
    fprog = _Program(len(prog), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if (
        libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0
        or libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0
    ):
        return f"the kernel refused the seccomp filter ({os.strerror(ctypes.get_errno())})"
    return None


def unavailable(reason: str) -> QueryUnavailable:
    return QueryUnavailable(
        f"queries are refused: the kernel filter that keeps them off the network could not be installed: {reason}",
        "run essgraph on Linux (x86_64 or aarch64) with seccomp allowed (containers: the "
        "default seccomp profile allows it)",
        code="sandbox_unavailable",
    )


def confine(memory_mib: int) -> None:
    """Everything a query process needs before it runs a query; raises QueryUnavailable when the network cannot
    be shut (the caller then refuses every query: fail closed)."""
    harden()
    reason = _install_filter()
    if reason is not None:
        log.critical("SPARQL queries are refused: %s", reason)
        raise unavailable(reason)
    if memory_mib:
        limit_memory(memory_mib)


def limit_memory(extra_mib: int) -> None:
    """Cap the address space at what the process maps now (the shared store) plus ``extra_mib``."""
    with open("/proc/self/status", encoding="ascii") as status:
        vm_kib = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    limit = (vm_kib + extra_mib * 1024) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def die_with_parent() -> None:
    """Be killed when the thread that forked this process ends (no query outlives its server or command)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def harden() -> None:
    """No core files (a killed query must not write its memory to disk); be the first the OOM killer picks."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        with open("/proc/self/oom_score_adj", "w", encoding="ascii") as handle:
            handle.write("1000")
    except OSError:
        pass
