"""The SPARQL router: ``/sparql`` (SPARQL 1.1 Protocol, service description, query page) and the canned queries
of ``queries/`` at ``/queries/{name}``.

Handlers parse and negotiate, then hand the query to the engine (worker processes: the event loop never runs a
query). Every answer is complete before its status line is sent. Every response carries CORS headers. The
query layer knows nothing of HTTP: its :class:`~essgraph.errors.QueryError` carries the status this router
answers with (:func:`http_error`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from html import escape
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

import pyoxigraph as ox

from essgraph import __version__
from essgraph.errors import HttpError, QueryError
from essgraph.sparql.named import NamedQuery, load_named_queries
from essgraph.web.views import sparql_pages as pages
from essgraph.sparql import service_description as sd
from essgraph.sparql.engine import Reply
from essgraph.sparql.guard import check_query
from essgraph.sparql.lexer import QueryInfo
from essgraph.web.sparql_protocol import parse_request
from essgraph.sparql.execute import Answer, Job, not_started
from essgraph.rdf import formats
from essgraph.rdf.serialize import serialize
from essgraph.web.http import negotiate
from essgraph.web.live import published_of
from essgraph.web.relay import RelayResponse

log = logging.getLogger("essgraph.web")
router = APIRouter()
ALLOW = "GET, HEAD, POST, OPTIONS"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Retry-After"}
SD_OFFERS = (*formats.GRAPH_FORMATS, formats.HTML)  # RDF clients first: the description, else the page
HTML_MAX_BYTES = 16 << 20  # the largest answer shown as an HTML table (the server builds that page in memory)
_HEADER_LIST = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$")


def install(app: FastAPI) -> None:
    """Add the router and read the canned queries (a malformed query header stops the server with its file)."""
    folder = app.state.settings.config.parent / "queries"
    app.state.named_queries = load_named_queries(folder) if folder.is_dir() else {}
    app.include_router(router)


# -- helpers -----------------------------------------------------------------------------------------------------

def http_error(exc: QueryError) -> HttpError:
    """The HTTP answer to a query that is not answered: the status and code it carries, Retry-After if set."""
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return HttpError(exc.status, exc.code, exc.message, exc.hint, headers=headers)


def _with_cors(exc: HttpError | QueryError) -> HttpError:
    if isinstance(exc, QueryError):
        exc = http_error(exc)
    exc.headers = {**CORS, "Vary": "Accept", **exc.headers}
    return exc


def offers_for(info: QueryInfo) -> tuple[formats.Format, ...]:
    """The media types a query can be answered in (the server's preference first)."""
    return formats.answer_formats(info.returns_graph)


def _too_large(limit: int) -> HttpError:
    return HttpError(413, "request_too_large", f"the request is larger than {limit:,} bytes, the most this endpoint "
                     "accepts", "shorten the query (a VALUES block of thousands of IRIs belongs in a local copy)")


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _choose(fmt: str | None, accept: str | None, offers: tuple[formats.Format, ...], what: str):
    if fmt:
        media = formats.by_name(fmt, offers)
        if media is None:
            raise HttpError(406, "not_acceptable", f"format={fmt} is not available for {what}",
                            "use format=" + ", format=".join(o.name for o in offers))
        return media
    media = negotiate(accept, offers)
    if media is None:
        raise HttpError(406, "not_acceptable", f"none of the media types accepted ({accept}) can represent {what}",
                        "accept one of " + ", ".join(o.media_type for o in offers))
    return media


def _etag(request: Request, *parts: object) -> str:
    version = published_of(request).manifest["data_version"]
    settings = request.app.state.settings
    digest = hashlib.sha256(json.dumps([__version__, version, settings.max_result_rows, *parts],
                                       default=str).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def _not_modified(request: Request, etag: str) -> bool:
    sent = request.headers.get("if-none-match", "")
    return request.method in ("GET", "HEAD") and (sent.strip() == "*" or etag in [t.strip() for t in sent.split(",")])


def _headers(etag: str | None = None) -> dict[str, str]:
    headers = {**CORS, "Vary": "Accept"}
    if etag:
        headers.update({"ETag": etag, "Cache-Control": "public, no-cache"})
    return headers


async def _start(request: Request, job: Job) -> Reply:
    """Run ``job`` on the request's build once admitted (fairly: see sparql.admission); the answer, still held
    by its worker, is relayed by :class:`RelayResponse` (or read whole with ``read()``, then closed)."""
    engine = published_of(request).engine
    if engine is None:
        raise not_started()
    client = request.client.host if request.client else "unknown"
    return await request.app.state.live.admission.start(engine, job, client)


# -- /sparql -----------------------------------------------------------------------------------------------------

@router.api_route("/sparql", methods=["GET", "HEAD", "POST"], summary="SPARQL 1.1 Protocol query endpoint")
async def sparql(request: Request) -> Response:
    try:
        return await _sparql(request)
    except (HttpError, QueryError) as exc:
        raise _with_cors(exc) from None


async def _sparql(request: Request) -> Response:
    settings = request.app.state.settings
    query_string = request.scope.get("query_string", b"")
    if len(query_string) > settings.max_request_bytes:
        raise _too_large(settings.max_request_bytes)
    body = await _read_body(request, settings.max_request_bytes) if request.method == "POST" else b""
    req = parse_request(request.method, query_string, request.headers.get("content-type"), body)
    accept = request.headers.get("accept")
    if req.query is None:
        return _describe(request, req.format, accept)
    info = check_query(req.query)
    offers = offers_for(info)
    if request.method != "POST":
        offers += (formats.HTML,)  # a browser following a link to a query gets the query page, which runs it
    media = _choose(req.format, accept, offers, f"the result of this {info.form or 'SPARQL'} query")
    if media is formats.HTML:
        return HTMLResponse(pages.query_page(settings.query_timeout_s, settings.max_result_rows),
                            headers=_headers())
    dataset = (req.default_graphs, req.named_graphs) if req.has_dataset else (None, None)
    etag = _etag(request, req.query, dataset, media.name) if request.method != "POST" else None
    if etag and _not_modified(request, etag):
        return Response(status_code=304, headers=_headers(etag))
    job = Job(req.query, media.media_type, settings.max_result_rows, dataset[0], dataset[1],
              union_default_graph=not info.has_dataset_clause, base_iri=sd.endpoint_iri(settings.base_iri),
              max_bytes=settings.max_answer_bytes)
    return RelayResponse(await _start(request, job), media.content_type, _headers(etag))


def _describe(request: Request, fmt: str | None, accept: str | None) -> Response:
    """No query: the service description for RDF clients, the query page for browsers."""
    settings = request.app.state.settings
    media = _choose(fmt, accept, SD_OFFERS, "the service description")
    if media is formats.HTML:
        return HTMLResponse(pages.query_page(settings.query_timeout_s, settings.max_result_rows),
                            headers=_headers())
    etag = _etag(request, "service-description", media.name)
    if _not_modified(request, etag):
        return Response(status_code=304, headers=_headers(etag))
    triples = sd.description(settings.base_iri, published_of(request).manifest, settings.query_timeout_s,
                             settings.max_result_rows)
    links = ", ".join(f'<sparql?format={o.name}>; rel="alternate"; type="{o.media_type}"' for o in SD_OFFERS)
    return Response(serialize(triples, media),
                    media_type=media.content_type,
                    headers={**_headers(etag), "Link": links})


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_wrong_method(request: Request) -> Response:
    raise _with_cors(HttpError(405, "method_not_allowed", f"{request.method} is not a SPARQL query operation",
                               "send queries with GET or POST; this endpoint is read-only", headers={"Allow": ALLOW}))


@router.options("/sparql", include_in_schema=False)
@router.options("/queries/{name}", include_in_schema=False)
async def preflight(request: Request) -> Response:
    asked = request.headers.get("access-control-request-headers", "")
    allowed = asked if _HEADER_LIST.match(asked) else "Accept, Content-Type"
    return Response(status_code=204, headers={**CORS, "Allow": ALLOW, "Access-Control-Allow-Methods": ALLOW,
                                              "Access-Control-Allow-Headers": allowed,
                                              "Access-Control-Max-Age": "86400"})


@router.api_route("/sparql/static/{name}", methods=["GET", "HEAD"], include_in_schema=False)
async def static(name: str) -> Response:
    if name not in pages.STATIC_FILES:
        raise HttpError(404, "not_found", f"no file {name} in the query page's assets")
    return Response(pages.static_file(name), media_type=pages.STATIC_FILES[name],
                    headers={"Cache-Control": "public, max-age=3600"})


# -- /queries ----------------------------------------------------------------------------------------------------

@router.api_route("/queries", methods=["GET", "HEAD"], summary="The canned queries")
async def query_list(request: Request) -> Response:
    queries: dict[str, NamedQuery] = request.app.state.named_queries
    fmt = dict(parse_qsl(request.url.query)).get("format")
    media = _choose(fmt, request.headers.get("accept"), (formats.JSON, formats.HTML), "the list of queries")
    if media is formats.HTML:
        return HTMLResponse(pages.query_list_page(queries), headers=_headers())
    return JSONResponse(pages.query_list_json(queries), headers=_headers())


@router.api_route("/queries/{name}", methods=["GET", "HEAD"], summary="Run a canned query")
async def canned_query(request: Request, name: str) -> Response:
    try:
        return await _canned_query(request, name)
    except (HttpError, QueryError) as exc:
        raise _with_cors(exc) from None


def _request_values(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        pairs = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True,
                          encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise HttpError(400, "bad_encoding", "the URL query string is not UTF-8 once percent-decoded") from None
    for key, value in pairs:
        if key in values:
            raise HttpError(400, "repeated_parameter", f"the parameter {key} is given more than once")
        values[key] = value
    return values


async def _canned_query(request: Request, name: str) -> Response:
    settings = request.app.state.settings
    query: NamedQuery | None = request.app.state.named_queries.get(name)
    if query is None:
        raise HttpError(404, "unknown_query", f"there is no canned query named {name!r}",
                        "the list of canned queries is at /queries")
    values = _request_values(request)
    fmt = values.pop("format", None)
    info = check_query(query.text)
    offers = offers_for(info) + (formats.HTML,)
    media = _choose(fmt, request.headers.get("accept"), offers, f"the query {name!r}")
    try:
        bindings = query.bindings(values)
    except QueryError as exc:
        if media is not formats.HTML:
            raise
        # a person gets the form back: to fill in (nothing given yet) or to correct (with what was wrong)
        note = "Fill in the parameters, then run the query." if not values else \
            exc.message + (f" ({exc.hint})" if exc.hint else "")
        page = pages.canned_query_page(query, values, f'<p class="error">{escape(note)}</p>', [])
        return HTMLResponse(page, status_code=200 if not values else 400, headers=_headers())
    substitutions = tuple(sorted((var.value, term) for var, term in bindings.items()))
    graph = info.returns_graph
    wanted = media if media is not formats.HTML else formats.TURTLE if graph else formats.SPARQL_JSON
    etag = _etag(request, "canned", name, query.text, sorted(values.items()), media.name)
    if _not_modified(request, etag):
        return Response(status_code=304, headers=_headers(etag))
    job = Job(query.text, wanted.media_type, settings.max_result_rows, union_default_graph=not info.has_dataset_clause,
              substitutions=substitutions, base_iri=sd.endpoint_iri(settings.base_iri),
              max_bytes=settings.max_answer_bytes)
    reply = await _start(request, job)
    if media is not formats.HTML:
        return RelayResponse(reply, media.content_type, _headers(etag))
    try:
        if reply.size > HTML_MAX_BYTES:
            raise HttpError(400, "answer_too_large_for_html", f"the answer ({reply.size:,} bytes) is too large to "
                            "show as a page", "ask for it as CSV or JSON (format=csv)")
        answer = Answer(await reply.read(), reply.rows)
    finally:
        reply.close()
    if graph:
        table = f'<pre class="sparql">{escape(answer.body.decode("utf-8"))}</pre>'
    else:  # up to max_result_rows rows: rendered off the event loop
        table = await asyncio.to_thread(lambda: pages.results_table(json.loads(answer.body)))
    names = [o.name for o in offers_for(info)]
    return HTMLResponse(pages.canned_query_page(query, values, table, names), headers=_headers(etag))
