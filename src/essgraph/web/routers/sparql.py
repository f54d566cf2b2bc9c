"""The SPARQL router: ``/sparql`` (SPARQL 1.1 Protocol, service description, query page), the SPARQL service's IRI
``/id/service/sparql`` (its description, like any resource; with a query, the protocol too) and the canned queries
of ``queries/`` at ``/queries/{name}``.

Handlers parse and negotiate, then hand the query to the engine (worker processes: the event loop never runs a
query). Every answer is complete before its status line is sent. Format choice, caching, CORS and errors follow
:mod:`essgraph.web.http`; the query layer knows nothing of HTTP: its :class:`~essgraph.errors.QueryError` carries
the status it is answered with (:func:`essgraph.web.errors.http_error`).
"""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from essgraph import urls
from essgraph.errors import HttpError, QueryError
from essgraph.rdf import formats
from essgraph.rdf.serialize import serialize
from essgraph.settings import Settings
from essgraph.sparql import service_description as sd
from essgraph.sparql.engine import QueryEngine, Reply
from essgraph.sparql.execute import Answer, Job, not_started
from essgraph.sparql.guard import check_query
from essgraph.sparql.lexer import QueryInfo
from essgraph.sparql.named import load_named_queries
from essgraph.web import deps
from essgraph.web.http import (
    FORMAT_PARAMETERS,
    choose,
    choose_for,
    link,
    link_header,
    query_values,
    unchanged,
    validators,
)
from essgraph.web.live import Live
from essgraph.web.published import Published
from essgraph.web.relay import RelayResponse
from essgraph.web.routers import pages as resource_pages
from essgraph.web.sparql_protocol import UPDATE_PARAMS, parse_request
from essgraph.web.views import sparql_pages as pages
from essgraph.web.views.site import Site, SiteOf

router = APIRouter()
SD_OFFERS = (*formats.GRAPH_FORMATS, formats.HTML)  # RDF clients first: the description, else the page
CACHE_CONTROL = "public, no-cache"  # revalidated each time: an ETag costs nothing to check
HTML_MAX_BYTES = 16 << 20  # the largest answer shown as an HTML table (the server builds that page in memory)


def install(app: FastAPI) -> None:
    """Add the router and read the canned queries (a malformed query header stops the server with its file)."""
    folder = app.state.settings.config.parent / "queries"
    app.state.named_queries = load_named_queries(folder) if folder.is_dir() else {}
    app.include_router(router)


# -- helpers -----------------------------------------------------------------------------------------------------


def offers_for(info: QueryInfo) -> tuple[formats.Format, ...]:
    """The formats a query can be answered in (the server's preference first)."""
    return formats.answer_formats(info.returns_graph)


def _too_large(limit: int) -> HttpError:
    return HttpError(
        413,
        "request_too_large",
        f"the request is larger than {limit:,} bytes, the most this endpoint accepts",
        "shorten the query (a VALUES block of thousands of IRIs belongs in a local copy)",
    )


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


def _validators(published: Published, settings: Settings, *parts: object) -> dict[str, str]:
    """Caching headers of an answer: it depends on the build, the row cap and ``parts`` (query, dataset, format)."""
    return {**validators(published, settings.max_result_rows, *parts, cache_control=CACHE_CONTROL), "Vary": "Accept"}


def query_job(settings: Settings, query: str, media: formats.Format, info: QueryInfo, **dataset_or_bindings) -> Job:
    """A query to run with the server's caps (rows, bytes); the default graph is the union of the named graphs unless
    the query has its own FROM; relative IRIs resolve against the endpoint."""
    return Job(
        query,
        media.media_type,
        settings.max_result_rows,
        union_default_graph=not info.has_dataset_clause,
        base_iri=urls.Urls(settings.base_iri).sparql,
        max_bytes=settings.max_answer_bytes,
        **dataset_or_bindings,
    )


async def start_query(request: Request, live: Live, engine: QueryEngine | None, job: Job) -> Reply:
    """Run ``job`` on the request's build once admitted (fairly: see sparql.admission); the answer, still held
    by its worker, is relayed by :class:`RelayResponse` (or read whole with ``read()``, then closed)."""
    if engine is None:
        raise not_started()
    client = request.client.host if request.client else "unknown"
    return await live.admission.start(engine, job, client)


def _query_page(request: Request, site: Site, settings: Settings) -> Response:
    return HTMLResponse(
        pages.query_page(request, site, settings.query_timeout_s, settings.max_result_rows),
        headers={"Vary": "Accept"},
    )


# -- /sparql -----------------------------------------------------------------------------------------------------


@router.api_route(
    urls.route(urls.SPARQL), methods=["GET", "HEAD", "POST"], summary="SPARQL 1.1 Protocol query endpoint"
)
async def sparql(
    request: Request,
    settings: deps.AppSettings,
    published: deps.PublishedBuild,
    engine: deps.Engine,
    live: deps.LiveHolder,
    site: SiteOf,
) -> Response:
    query_string = request.scope.get("query_string", b"")
    if len(query_string) > settings.max_request_bytes:
        raise _too_large(settings.max_request_bytes)
    body = await _read_body(request, settings.max_request_bytes) if request.method == "POST" else b""
    req = parse_request(request.method, query_string, request.headers.get("content-type"), body)
    accept = request.headers.get("accept")
    if req.query is None:
        return _describe(request, settings, published, site, req.formats, accept)
    info = check_query(req.query)
    offers = offers_for(info)
    if request.method != "POST":
        offers += (formats.HTML,)  # a browser following a link to a query gets the query page, which runs it
    media = choose(req.formats, accept, offers, f"the result of this {info.form or 'SPARQL'} query")
    if media is formats.HTML:
        return _query_page(request, site, settings)
    dataset = (req.default_graphs, req.named_graphs) if req.has_dataset else (None, None)
    headers = {"Vary": "Accept"}
    if request.method != "POST":
        headers = _validators(published, settings, req.query, dataset, media.name)
        if (same := unchanged(request, headers)) is not None:
            return same
    job = query_job(settings, req.query, media, info, default_graphs=dataset[0], named_graphs=dataset[1])
    return RelayResponse(await start_query(request, live, engine, job), media.content_type, headers)


@router.api_route(
    urls.route(urls.SERVICE), methods=["GET", "HEAD", "POST"], summary="The SPARQL service (its description; queries)"
)
async def service(
    request: Request,
    settings: deps.AppSettings,
    published: deps.PublishedBuild,
    engine: deps.Engine,
    live: deps.LiveHolder,
    site: SiteOf,
) -> Response:
    """The IRI of the catalog's ``dcat:DataService``: dereferenced, its description (as every IRI under ``id/``);
    sent a query, the SPARQL protocol, exactly as ``/sparql`` — clients that take an IRI ending in ``/sparql`` for an
    endpoint (Comunica's link traversal) get answers, not a 405."""
    if request.method == "POST" or any(name in request.query_params for name in ("query", *UPDATE_PARAMS)):
        return await sparql(request, settings, published, engine, live, site)
    path = urls.SERVICE.removeprefix(urls.ID)
    return await asyncio.to_thread(resource_pages.resource, request, path, published, site)


def _describe(
    request: Request,
    settings: Settings,
    published: Published,
    site: Site,
    fmt: tuple[str, ...],
    accept: str | None,
) -> Response:
    """No query: the service description for RDF clients, the query page for browsers."""
    media = choose(fmt, accept, SD_OFFERS, "the service description")
    if media is formats.HTML:
        return _query_page(request, site, settings)
    headers = {
        **_validators(published, settings, "service-description", media.name),
        **link_header(*(link(f"{urls.SPARQL}?format={o.name}", "alternate", o) for o in SD_OFFERS)),
    }
    if (same := unchanged(request, headers)) is not None:
        return same
    triples = sd.description(settings.base_iri, published.manifest, settings.query_timeout_s, settings.max_result_rows)
    return Response(serialize(triples, media), media_type=media.content_type, headers=headers)


@router.api_route(urls.route(urls.SPARQL_STATIC) + "/{name}", methods=["GET", "HEAD"], include_in_schema=False)
async def static(name: str) -> Response:
    if name not in pages.STATIC_FILES:
        raise HttpError(404, "not_found", f"no file {name} in the query page's assets")
    return Response(
        pages.static_file(name), media_type=pages.STATIC_FILES[name], headers={"Cache-Control": "public, max-age=3600"}
    )


# -- /queries ----------------------------------------------------------------------------------------------------


@router.api_route(urls.route(urls.QUERIES), methods=["GET", "HEAD"], summary="The canned queries")
async def query_list(request: Request, queries: deps.NamedQueries, site: SiteOf) -> Response:
    media = choose_for(request, (formats.JSON, formats.HTML), "the list of queries")
    if media is formats.HTML:
        return HTMLResponse(pages.query_list_page(request, site, queries), headers={"Vary": "Accept"})
    return JSONResponse(pages.query_list_json(queries), headers={"Vary": "Accept"})


@router.api_route(urls.route(urls.QUERIES) + "/{name}", methods=["GET", "HEAD"], summary="Run a canned query")
async def canned_query(
    request: Request,
    name: str,
    settings: deps.AppSettings,
    published: deps.PublishedBuild,
    engine: deps.Engine,
    queries: deps.NamedQueries,
    live: deps.LiveHolder,
    site: SiteOf,
) -> Response:
    query = queries.get(name)
    if query is None:
        raise HttpError(
            404,
            "unknown_query",
            f"there is no canned query named {name!r}",
            f"the list of canned queries is at {urls.route(urls.QUERIES)}",
        )
    given = query_values(request, repeatable=frozenset(FORMAT_PARAMETERS))
    fmt = tuple(value for name in FORMAT_PARAMETERS for value in given.pop(name, []))
    values = {name: values[0] for name, values in given.items()}
    info = check_query(query.text)
    offers = offers_for(info) + (formats.HTML,)
    media = choose(fmt, request.headers.get("accept"), offers, f"the query {name!r}")
    try:
        bindings = query.bindings(values)
    except QueryError as exc:
        if media is not formats.HTML:
            raise
        # a person gets the form back: to fill in (nothing given yet) or to correct (with what was wrong)
        note = (
            "Renseignez les paramètres, puis lancez la requête."
            if not values
            else exc.message + (f" ({exc.hint})" if exc.hint else "")
        )
        page = pages.canned_query_page(request, site, query, values, None, [], note)
        return HTMLResponse(page, status_code=200 if not values else 400, headers={"Vary": "Accept"})
    substitutions = tuple(sorted((var.value, term) for var, term in bindings.items()))
    graph = info.returns_graph
    wanted = media if media is not formats.HTML else formats.TURTLE if graph else formats.SPARQL_JSON
    headers = _validators(published, settings, "canned", name, query.text, sorted(values.items()), media.name)
    if (same := unchanged(request, headers)) is not None:
        return same
    job = query_job(settings, query.text, wanted, info, substitutions=substitutions)
    reply = await start_query(request, live, engine, job)
    if media is not formats.HTML:
        return RelayResponse(reply, media.content_type, headers)
    try:
        if reply.size > HTML_MAX_BYTES:
            raise HttpError(
                400,
                "answer_too_large_for_html",
                f"the answer ({reply.size:,} bytes) is too large to show as a page",
                "ask for it as CSV or JSON (format=csv)",
            )
        answer = Answer(await reply.read(), reply.rows)
    finally:
        reply.close()
    if graph:
        table = pages.graph_text(answer.body)
    else:  # up to max_result_rows rows: rendered off the event loop
        table = await asyncio.to_thread(lambda: pages.results_table(json.loads(answer.body)))
    names = [o.name for o in offers_for(info)]
    return HTMLResponse(pages.canned_query_page(request, site, query, values, table, names), headers=headers)
