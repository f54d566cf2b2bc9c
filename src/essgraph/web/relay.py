"""A query answer relayed from its worker process to the client, a chunk at a time.

The worker writes the whole answer before it says anything, so the status line (200, with the exact
Content-Length) goes out only once the answer exists and is within every limit: a client never gets a truncated
200. The bytes then flow from the worker's socket to the client's as fast as the client reads them (uvicorn's flow
control), so the server holds a few chunks per answer whatever its size, and its memory stays flat.
"""

from __future__ import annotations

from starlette.responses import Response

from essgraph.sparql.engine import Reply


class RelayResponse(Response):
    def __init__(self, reply: Reply, media_type: str, headers: dict[str, str] | None = None):
        self.reply = reply
        super().__init__(None, 200, {**(headers or {}), "Content-Length": str(reply.size)}, media_type)

    async def __call__(self, scope, receive, send) -> None:
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            head = scope.get("method") == "HEAD"
            async for chunk in self.reply.chunks():  # read to the end even for HEAD: the worker is then reusable
                if not head:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self.reply.close()
