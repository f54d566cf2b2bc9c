"""Listening before anything else: ``essgraph serve`` binds its address first, so a busy port is reported at once
(exit code 3, before any build or loading), and the bound socket is the one uvicorn serves on — no window in which
another process could take the port between the check and the start.

The socket is made as uvicorn makes its own (``SO_REUSEADDR``, IPv6 when the host has a colon) and handed to
``uvicorn.Server.run`` (one process) or uvicorn's ``Multiprocess`` supervisor (``--workers`` > 1).
"""

from __future__ import annotations

import errno
import socket

from essgraph.errors import ServeError
from essgraph.settings import Settings


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port``; ServeError (exit 3) when the address is in use or not this machine's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except (OSError, OverflowError) as exc:
        sock.close()
        where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        if getattr(exc, "errno", None) == errno.EADDRINUSE:
            raise ServeError(
                f"cannot serve on {where}: the address is already in use (another server?)",
                "stop the other server, or choose another port with --port or ESSGRAPH_PORT",
            ) from None
        detail = getattr(exc, "strerror", None) or str(exc)
        raise ServeError(
            f"cannot serve on {where}: {detail}",
            "give --host an address of this machine (127.0.0.1, 0.0.0.0, ::) and a free --port",
        ) from None
    sock.set_inheritable(True)
    return sock


def run(sock: socket.socket, settings: Settings, app=None) -> bool:
    """Serve on ``sock`` until stopped: ``app`` in this process, or one app per worker process when ``app`` is
    None (each built by ``essgraph.app:app_from_env``). False when the server failed to start."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        app if app is not None else "essgraph.app:app_from_env",
        factory=app is None,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
    )
    if settings.workers > 1:
        Multiprocess(config, sockets=[sock]).run()
        return True
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    return server.started
