"""The HTTP rules every route follows, in one place: format choice (406), conditional requests (ETag, 304), ``Link``
headers and errors in the negotiated format (the headers every answer carries, CORS included, are in
:mod:`essgraph.web.headers`).

**Format.** The query parameters ``format``, ``output`` and ``results`` (:data:`FORMAT_PARAMETERS`: SPARQL clients
send the last two, SPARQLWrapper all three, some repeated with a media type) name the format, by short name,
extension, media type or a client's name for it (``json-ld``, ``rdf+xml``, ``n3``; ``xml`` and ``json`` mean RDF/XML
and JSON-LD where the answer is a graph); a value may be a comma-separated list. What they name wins, then an
extension on the path (``/catalog.ttl``, ``…/1.4.ttl``), then ``Accept`` with its q-values; ties go to the route's
own order. Every known format they name must be the same one (else **400** ``several_formats``), one the resource
comes in (else **406** ``not_acceptable``). A name that means no format at all is passed over: the answer falls back
to the extension, then to ``Accept`` — and when nothing acceptable remains, the 406 names that value. Never a silent
answer in another format than one asked for.

**Caching.** What the server generates (pages, catalog, VoID, query answers) is a pure function of the build, the
code and the request: its ETag is weak and made from the build id, the essgraph version and what varies (the format,
the page, the query); Last-Modified is the build time. Files (dumps, the JSON-LD context) get a strong ETag, their
content hash. ``If-None-Match`` (weak comparison) wins over ``If-Modified-Since``; both only for GET and HEAD.

**Errors.** One body (``{"error": {status, code, message, hint}}``) in the format the client negotiated among the
route's error formats: an HTML page for people, an RDF document holding only a comment (an empty graph) for Turtle,
N-Triples, N-Quads, TriG and RDF/XML clients, else JSON (see :func:`error_response`); a 406 is always JSON.
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


#: the query parameters that name a format (``output`` and ``results`` are the synonyms SPARQL clients send)
FORMAT_PARAMETERS = ("format", "output", "results")


def format_values(params) -> tuple[str, ...]:
    """The values of the format parameters among ``params`` ((name, value) pairs), in order."""
    return tuple(value for name, value in params if name in FORMAT_PARAMETERS)


def named_format(values: tuple[str, ...], offers: tuple[Format, ...], what: str) -> Format | None:
    """The one format ``values`` name (None when they name no known format); 400 when they name different
    formats, 406 when the one they name is not among ``offers``."""
    named: dict[Format, str] = {}  # each known format named, with the first name given for it
    for value in values:
        for item in value.split(","):
            name = item.split(";")[0].strip()
            found = (formats.by_name(name, offers) or formats.by_name(name, formats.ALL_FORMATS)) if name else None
            if found is not None:
                named.setdefault(found, name)
    if len(named) > 1:
        raise HttpError(
            400,
            "several_formats",
            "the request names different formats: " + ", ".join(f"format={n}" for n in named.values()),
            "name one of " + ", ".join(f"format={o.name}" for o in offers) + " (format, output and results must agree)",
        )
    if not named:
        return None
    ((found, name),) = named.items()
    if found not in offers:
        raise HttpError(
            406,
            "not_acceptable",
            f"format={name} is not available for {what}",
            "use " + ", ".join(f"format={o.name}" for o in offers),
            headers={"Vary": "Accept"},
        )
    return found


def choose(
    asked: str | tuple[str, ...] | None,
    accept: str | None,
    offers: tuple[Format, ...],
    what: str,
    extension: Format | None = None,
) -> Format:
    """The format of an answer by the rule above: what ``asked`` (the format parameters' values) names, else
    ``extension``, else ``accept``."""
    values = (asked,) if isinstance(asked, str) else tuple(asked or ())
    found = named_format(values, offers, what)
    if found is not None:
        return found
    if extension is not None:
        return extension
    found = negotiate(accept, offers)
    if found is None:
        unknown = next((v for v in values if v.strip()), None)
        prefix = f"format={unknown} names no format, and " if unknown else ""
        raise HttpError(
            406,
            "not_acceptable",
            f"{prefix}none of the media types accepted ({accept}) can represent {what}",
            "accept one of "
            + ", ".join(o.media_type for o in offers)
            + ", or ask with format="
            + " or format=".join(o.name for o in offers),
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
    """:func:`choose` with the request's format parameters and ``Accept``."""
    values = format_values(request.query_params.multi_items())
    return choose(values, request.headers.get("accept"), offers, what, extension)


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


# -- errors --------------------------------------------------------------------------------------------------------

#: the error formats of API routes (JSON first) and of pages for people (HTML first)
ERROR_FORMATS = (formats.JSON, formats.SPARQL_JSON, formats.HTML, *formats.GRAPH_FORMATS)
PAGE_ERROR_FORMATS = (formats.HTML, *formats.RESOURCE_FORMATS, formats.JSON, formats.SPARQL_JSON)


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
    try:
        found = named_format(format_values(request.query_params.multi_items()), offers, "the error")
    except HttpError:
        found = None
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
    if media in (formats.TURTLE, formats.NTRIPLES, formats.NQUADS, formats.TRIG):
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
