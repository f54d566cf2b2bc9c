"""The headers every answer carries, whatever route made it (ASGI middlewares, so errors, files and preflights too):

**CORS** (:class:`Cors`). Everything is public and read-only: every answer allows any origin and exposes the headers
clients read (``ETag``, ``Link``...); preflights (``OPTIONS``) are answered for every route with the methods the
route accepts.

**Security** (:class:`SecurityHeaders`). ``Content-Security-Policy``: the pages load scripts, styles, fonts and
images from this server only (no inline script runs; ``data:`` images are allowed), are never framed and post forms
to this server only; ``X-Content-Type-Options: nosniff`` (a browser never reinterprets an RDF or CSV answer as a
page); ``Referrer-Policy: no-referrer`` (the sites the pages link to are not told which page was read).
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
EXPOSED = b"ETag, Link, Content-Location, Retry-After, Allow"
_HEADER_LIST = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$")


def allow_header(methods: str) -> str:
    """The ``Allow`` value of a route's methods, in a stable order, OPTIONS included (every route answers it)."""
    found = {m.strip().upper() for m in methods.split(",") if m.strip()} | {"OPTIONS"}
    return ", ".join(m for m in METHODS if m in found)


class _HttpMiddleware:
    """An ASGI middleware that acts on HTTP exchanges only (:meth:`exchange`); lifespan and others pass through."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        else:
            await self.exchange(scope, receive, send)

    async def exchange(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class Cors(_HttpMiddleware):
    """Allows every origin on every answer; answers the preflight (``OPTIONS``) of every route with its methods.

    An ``OPTIONS`` request goes through the app like any other: a route that has the path answers 405 with its
    ``Allow`` header, which becomes a 204 preflight answer here; a path no route has stays a 404."""

    async def exchange(self, scope: Scope, receive: Receive, send: Send) -> None:
        preflight = scope["method"] == "OPTIONS"
        swallowing = False

        async def with_cors(message: Message) -> None:
            nonlocal swallowing
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _CORS_NAMES]
                if preflight and message["status"] == 405:
                    allow = dict(headers).get(b"allow", b"").decode("latin-1")
                    swallowing = True
                    await send({"type": "http.response.start", "status": 204, "headers": _preflight(scope, allow)})
                    await send({"type": "http.response.body", "body": b""})
                    return
                headers += [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", EXPOSED)]
                message = {**message, "headers": headers}
            elif swallowing:
                return
            await send(message)

        await self.app(scope, receive, with_cors)


_CORS_NAMES = (b"access-control-allow-origin", b"access-control-expose-headers")


def _preflight(scope: Scope, allow: str) -> list[tuple[bytes, bytes]]:
    asked = dict(scope["headers"]).get(b"access-control-request-headers", b"").decode("latin-1")
    allowed_headers = asked if _HEADER_LIST.match(asked) else "Accept, Content-Type"
    return [
        (b"access-control-allow-origin", b"*"),
        (b"allow", allow.encode()),
        (b"access-control-allow-methods", allow.encode()),
        (b"access-control-allow-headers", allowed_headers.encode("latin-1")),
        (b"access-control-max-age", b"86400"),
        (b"content-length", b"0"),
    ]


#: the security headers of every answer
SECURITY_HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
        b"frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_SECURITY_NAMES = {name for name, _ in SECURITY_HEADERS}


class SecurityHeaders(_HttpMiddleware):
    """Adds :data:`SECURITY_HEADERS` to every answer (replacing any a route set)."""

    async def exchange(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _SECURITY_NAMES]
                message = {**message, "headers": headers + list(SECURITY_HEADERS)}
            await send(message)

        await self.app(scope, receive, with_headers)
