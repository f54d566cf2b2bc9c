"""An app served inside the test process: no socket, no server thread fighting the test for the GIL.

``InProcess(app, base)`` runs the app's lifespan (ASGI ``lifespan.startup``, as uvicorn does: the SPARQL query
workers are forked then) on an event loop in a thread of its own; ``client()`` returns a plain ``httpx.Client``
whose requests go to the app through ``httpx.ASGITransport`` on that loop (``get``, ``head``, ``post``, ``request``
use one such client, like ``httpx.get`` and friends). Answers are what a real server sends, including masked 500s
(application errors are not raised into the test). ``close()`` runs ``lifespan.shutdown`` (the workers are stopped)
and ends the loop. (Lifespan *state* is not handed to requests: the app keeps what it needs on ``app.state``.)

    with InProcess(create_app(settings), settings.base_iri) as served, served.client() as client:
        assert client.get("/-/health").status_code == 200
"""

from __future__ import annotations

import asyncio
import threading

import httpx


class InProcess:
    def __init__(self, app, base: str, startup_timeout: float = 120):
        self.app = app
        self.base = base if base.endswith("/") else base + "/"
        self.url = self.base.rstrip("/")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="asgi-app", daemon=True)
        self._thread.start()
        self._asgi = httpx.ASGITransport(app, raise_app_exceptions=False, client=("127.0.0.1", 50000))
        self._to_app: asyncio.Queue | None = None
        self._from_app: asyncio.Queue | None = None
        self._lifespan = None
        self._client: httpx.Client | None = None
        self.call(self._startup(), startup_timeout)

    def call(self, coroutine, timeout: float | None = None):
        """Run ``coroutine`` on the app's event loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    async def _startup(self) -> None:
        self._to_app, self._from_app = asyncio.Queue(), asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
        self._lifespan = asyncio.ensure_future(self.app(scope, self._to_app.get, self._from_app.put))
        await self._to_app.put({"type": "lifespan.startup"})
        await self._expect("lifespan.startup.complete")

    async def _shutdown(self) -> None:
        await self._to_app.put({"type": "lifespan.shutdown"})
        await self._expect("lifespan.shutdown.complete")
        await self._lifespan

    async def _expect(self, kind: str) -> None:
        getting = asyncio.ensure_future(self._from_app.get())
        await asyncio.wait({getting, self._lifespan}, return_when=asyncio.FIRST_COMPLETED)
        if not getting.done():
            getting.cancel()
            self._lifespan.result()  # raises the app's own error, if any
            raise RuntimeError(f"the app's lifespan ended before {kind}")
        message = getting.result()
        if message["type"] != kind:
            raise RuntimeError(f"the app's lifespan answered {message} instead of {kind}")

    async def _handle(self, request: httpx.Request) -> tuple[int, list, bytes]:
        response = await self._asgi.handle_async_request(request)
        return response.status_code, response.headers.raw, await response.aread()

    def client(self, **options) -> httpx.Client:
        """An httpx client of this app (``base_url`` is the app's base IRI unless given)."""
        options.setdefault("base_url", self.url)
        options.setdefault("timeout", 60)
        return httpx.Client(transport=_Transport(self), **options)

    def request(self, method: str, url: str, **options) -> httpx.Response:
        if self._client is None:
            self._client = self.client()
        return self._client.request(method, url, **options)

    def get(self, url: str, **options) -> httpx.Response:
        return self.request("GET", url, **options)

    def head(self, url: str, **options) -> httpx.Response:
        return self.request("HEAD", url, **options)

    def post(self, url: str, **options) -> httpx.Response:
        return self.request("POST", url, **options)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        try:
            if self._lifespan is not None and not self._lifespan.done():
                self.call(self._shutdown(), 60)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

    def __enter__(self) -> "InProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Transport(httpx.BaseTransport):
    """A synchronous httpx transport that hands each request to the app's event loop."""

    def __init__(self, served: InProcess):
        self.served = served

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=body,
                                  extensions=request.extensions)
        status, headers, content = self.served.call(self.served._handle(forwarded))
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(content), request=request)
