"""The HTTP rules every route follows, in one place: format choice (406), conditional requests (ETag, 304), CORS,
``Link`` headers and errors in the negotiated format.

**Format.** ``?format=`` (a short name, an extension or a media type) wins, then an extension on the path
(``/catalog.ttl``, ``…/1.4.ttl``), then ``Accept`` with its q-values; ties go to the route's own order. A
``?format=`` that names no format at all is a bad request (**400** ``unknown_format``); a known format the resource
does not come in, or an ``Accept`` that nothing fits, is **406** ``not_acceptable`` — never a silent fallback.

**Caching.** What the server generates (pages, catalog, VoID, query answers) is a pure function of the build, the
code and the request: its ETag is weak and made from the build id, the essgraph version and what varies (the format,
the page, the query); Last-Modified is the build time. Files (dumps, the JSON-LD context) get a strong ETag, their
content hash. ``If-None-Match`` (weak comparison) wins over ``If-Modified-Since``; both only for GET and HEAD.

**CORS.** Everything is public and read-only: every answer allows any origin; preflights (``OPTIONS``) are answered
for every route with the methods the route accepts (:class:`Cors`).

**Errors.** One body (``{"error": {status, code, message, hint}}``) in the format the client negotiated among the
route's error formats: an HTML page for people, an RDF document holding only a comment (an empty graph) for Turtle,
N-Triples and RDF/XML clients, else JSON (see :func:`error_response`); a 406 is always JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qsl

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from essgraph import __version__
from essgraph.errors import HttpError
from essgraph.rdf import formats
from essgraph.rdf.formats import Format
from essgraph.urls import with_extension
from essgraph.web.published import Published

# -- format choice -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    specificity: int


def parse_accept(header: str | None) -> list[_Range]:
    """Media ranges of an Accept header; a malformed part is skipped, a missing header accepts everything."""
    if not header or not header.strip():
        return [_Range("*", "*", 1.0, 0)]
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        full = pieces[0].lower()
        if "/" not in full:
            continue
        type_, subtype = full.split("/", 1)
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append(_Range(type_, subtype, q, 0 if type_ == "*" else (1 if subtype == "*" else 2)))
    return ranges


def _quality(offer: Format, ranges: list[_Range]) -> float:
    """The q of the most specific range matching the offer (RFC 9110 §12.5.1); 0 when none matches."""
    best: _Range | None = None
    for candidate in (offer.media_type, *(a for a in offer.aliases if "/" in a)):
        type_, subtype = candidate.split("/", 1)
        for r in ranges:
            matches = r.type == "*" or (r.type == type_ and r.subtype in ("*", subtype))
            if matches and (best is None or r.specificity > best.specificity):
                best = r
    return best.q if best else 0.0


def negotiate(accept: str | None, offers: tuple[Format, ...]) -> Format | None:
    """The offer the client prefers (ties: the order of ``offers``), or None when nothing fits."""
    scored = [(_quality(o, parse_accept(accept)), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored, key=lambda t: (t[0], t[1]))
    return offer if q > 0 else None


def choose(
    asked: str | None, accept: str | None, offers: tuple[Format, ...], what: str, extension: Format | None = None
) -> Format:
    """The format of an answer by the rule above: ``asked`` (``?format=``), else ``extension``, else ``accept``."""
    if asked:
        found = formats.by_name(asked, offers)
        if found is not None:
            return found
        names = ", ".join(f"format={o.name}" for o in offers)
        if formats.by_name(asked, formats.ALL_FORMATS) is None:
            raise HttpError(400, "unknown_format", f"unknown format {asked!r}", f"use {names}")
        raise HttpError(
            406,
            "not_acceptable",
            f"format={asked} is not available for {what}",
            f"use {names}",
            headers={"Vary": "Accept"},
        )
    if extension is not None:
        return extension
    found = negotiate(accept, offers)
    if found is None:
        raise HttpError(
            406,
            "not_acceptable",
            f"none of the media types accepted ({accept}) can represent {what}",
            "accept one of " + ", ".join(o.media_type for o in offers) + ", or ask with ?format=",
            headers={"Vary": "Accept"},
        )
    return found


def extension_format(extension: str, offers: tuple[Format, ...], url: str) -> Format:
    """The format of ``{url}.{extension}`` (``/catalog.ttl``, ``/def.jsonld``); 404 when the resource has no such
    form."""
    found = formats.by_extension(extension, offers)
    if found is None:
        raise HttpError(
            404,
            "not_found",
            f"nothing is published at {with_extension(url, extension)}",
            "use one of " + ", ".join(with_extension(url, o.extension) for o in offers),
        )
    return found


def choose_for(request: Request, offers: tuple[Format, ...], what: str, extension: Format | None = None) -> Format:
    """:func:`choose` with the request's ``?format=`` and ``Accept``."""
    return choose(request.query_params.get("format"), request.headers.get("accept"), offers, what, extension)


# -- query strings ------------------------------------------------------------------------------------------------


def query_values(
    request: Request, allowed: frozenset[str] | None = None, repeatable: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """The URL's query string as ``{name: [values]}``, read strictly: a query string that is not UTF-8 once
    percent-decoded is **400** ``bad_encoding``; a parameter not in ``allowed`` (when given) **400**
    ``unknown_parameter``; one given twice that is not ``repeatable`` **400** ``repeated_parameter``."""
    raw = request.scope.get("query_string", b"").decode("latin-1")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise HttpError(400, "bad_encoding", "the URL query string is not UTF-8 once percent-decoded") from None
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        if allowed is not None and name not in allowed:
            raise HttpError(
                400,
                "unknown_parameter",
                f"{request.url.path} has no parameter {name!r}",
                "its parameters are: " + ", ".join(sorted(allowed)),
            )
        if name in found and name not in repeatable:
            raise HttpError(400, "repeated_parameter", f"the parameter {name} is given more than once")
        found.setdefault(name, []).append(value)
    return found


# -- conditional requests ------------------------------------------------------------------------------------------


def entity_tag(*parts: object) -> str:
    """The weak ETag of a representation made from ``parts``."""
    return 'W/"' + hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32] + '"'


def content_tag(sha256: str) -> str:
    """The strong ETag of a file: its SHA-256."""
    return f'"{sha256}"'


def build_time(published: Published) -> datetime:
    value = published.manifest.get("built_at", "")
    try:
        built = datetime.fromisoformat(value)
    except ValueError:
        built = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (built if built.tzinfo else built.replace(tzinfo=timezone.utc)).replace(microsecond=0)


def validators(published: Published, *parts: object, cache_control: str) -> dict[str, str]:
    """The caching headers of a representation generated from the build: ETag, Last-Modified, Cache-Control."""
    tag = entity_tag(__version__, Path(published.build.path).name, *parts)
    return {
        "ETag": tag,
        "Last-Modified": format_datetime(build_time(published), usegmt=True),
        "Cache-Control": cache_control,
    }


def not_modified(request: Request, headers: dict[str, str]) -> bool:
    """RFC 9110 §13.1: If-None-Match (weak comparison) wins; else If-Modified-Since against Last-Modified."""
    if request.method not in ("GET", "HEAD"):
        return False
    condition = request.headers.get("if-none-match")
    if condition is not None:
        ours = headers["ETag"].removeprefix("W/")
        tags = [t.strip().removeprefix("W/") for t in condition.split(",")]
        return "*" in tags or ours in tags
    since_text = request.headers.get("if-modified-since")
    if since_text and "Last-Modified" in headers:
        try:
            since = parsedate_to_datetime(since_text)
        except (TypeError, ValueError, IndexError):
            return False
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
        return parsedate_to_datetime(headers["Last-Modified"]) <= since
    return False


def unchanged(request: Request, headers: dict[str, str]) -> Response | None:
    """A 304 with ``headers`` when the client's copy is current, else None."""
    return Response(status_code=304, headers=headers) if not_modified(request, headers) else None


# -- links ---------------------------------------------------------------------------------------------------------


def link(url: str, rel: str, media: Format | None = None) -> str:
    """One value of a ``Link`` header (RFC 8288)."""
    return f'<{url}>; rel="{rel}"' + (f'; type="{media.media_type}"' if media else "")


def link_header(*values: str) -> dict[str, str]:
    return {"Link": ", ".join(values)}


# -- CORS ----------------------------------------------------------------------------------------------------------

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
EXPOSED = b"ETag, Link, Content-Location, Retry-After, Allow"
_HEADER_LIST = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$")


def allow_header(methods: str) -> str:
    """The ``Allow`` value of a route's methods, in a stable order, OPTIONS included (every route answers it)."""
    found = {m.strip().upper() for m in methods.split(",") if m.strip()} | {"OPTIONS"}
    return ", ".join(m for m in METHODS if m in found)


class Cors:
    """Allows every origin on every answer; answers the preflight (``OPTIONS``) of every route with its methods.

    An ``OPTIONS`` request goes through the app like any other: a route that has the path answers 405 with its
    ``Allow`` header, which becomes a 204 preflight answer here; a path no route has stays a 404."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
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


# -- errors --------------------------------------------------------------------------------------------------------

#: the error formats of API routes (JSON first) and of pages for people (HTML first)
ERROR_FORMATS = (formats.JSON, formats.SPARQL_JSON, formats.HTML, *formats.GRAPH_FORMATS)
PAGE_ERROR_FORMATS = (formats.HTML, *formats.GRAPH_FORMATS, formats.JSON, formats.SPARQL_JSON)


class PageRoute(APIRoute):
    """A route for people first: its errors default to an HTML page (``*/*`` gets HTML)."""

    error_formats = PAGE_ERROR_FORMATS


def error_body(status: int, code: str, message: str, hint: str | None = None) -> dict:
    error = {"status": status, "code": code, "message": message}
    if hint:
        error["hint"] = hint
    return {"error": error}


def _error_format(request: Request, exc: HttpError) -> Format:
    if exc.status == 406:
        return formats.JSON
    offers = getattr(request.scope.get("route"), "error_formats", ERROR_FORMATS)
    asked = request.query_params.get("format")
    found = formats.by_name(asked, offers) if asked else None
    last = request.url.path.rsplit("/", 1)[-1]
    if found is None and "." in last:
        found = formats.by_extension(last.rsplit(".", 1)[1], offers)
    return found or negotiate(request.headers.get("accept"), offers) or formats.JSON


def error_response(request: Request, exc: HttpError) -> Response:
    """The error in the format the client asked for: an HTML page, an RDF document holding only a comment (an
    empty graph), or the JSON error body (as JSON-LD for JSON-LD clients: a JSON-LD reader sees an empty graph)."""
    media = _error_format(request, exc)
    headers = {"Vary": "Accept", **exc.headers}
    text = re.sub(
        r"[\x00-\x1f\x7f]",
        " ",
        f"{exc.status} {exc.code}: {exc.message}" + (f" (hint: {exc.hint})" if exc.hint else ""),
    )
    if media is formats.HTML:
        from essgraph.web import deps
        from essgraph.web.views import pages as views  # the templates; only an error page needs them
        from essgraph.web.views.site import site as site_of

        site = site_of(deps.published(request), deps.settings(request))
        body = views.render(request, "error.html", site=site, error=exc, crumbs=[])
        return Response(
            body.encode("utf-8"),
            status_code=exc.status,
            headers={**headers, "Content-Type": media.content_type, "Content-Language": "fr"},
        )
    if media in (formats.TURTLE, formats.NTRIPLES):
        content = f"# {text}\n"
    elif media is formats.RDFXML:
        content = (
            '<?xml version="1.0" encoding="utf-8"?>\n<!-- '
            + text.replace("--", "- -")
            + ' -->\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
        )
    else:
        media = formats.JSONLD if media is formats.JSONLD else formats.JSON
        content = json.dumps(error_body(exc.status, exc.code, exc.message, exc.hint))
    return Response(
        content.encode("utf-8"), status_code=exc.status, headers={**headers, "Content-Type": media.content_type}
    )
