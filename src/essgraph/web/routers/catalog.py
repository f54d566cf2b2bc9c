"""Open-data routes: the DCAT-AP catalog, the VoID description and the dumps.

* ``/catalog`` (GET, HEAD): the catalog, format chosen by the rules of :mod:`essgraph.web.http` (``?format=``,
  ``Accept``; ``Vary: Accept``): RDF first (``*/*`` gets Turtle), browsers (``text/html``) the downloads page for
  people (``/catalog.html``); ``/catalog.ttl``, ``/catalog.jsonld``, ``/catalog.rdf``, ``/catalog.nt``: one format
  each (harvesters such as data.gouv.fr pick the format from the URL's extension, then from a HEAD request's
  Content-Type). More datasets than the ``catalog_page_size`` setting are paged: ``?page=N`` with a
  ``hydra:PartialCollectionView`` (first/previous/next/last), each page holding its datasets, their distributions
  and the shared nodes.
* ``/.well-known/void`` (GET, HEAD): the VoID description.
* ``/dumps/{name}`` (GET, HEAD): a dump file of the build, streamed, with its SHA-256 as strong ETag.

What is served comes from the build folder, through :class:`essgraph.web.views.catalog.CatalogView`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response

from essgraph import urls
from essgraph.errors import HttpError
from essgraph.rdf import formats
from essgraph.rdf.formats import Format
from essgraph.urls import with_extension
from essgraph.web import deps
from essgraph.web.cache import per_build
from essgraph.web.http import choose_for, content_tag, extension_format, link, link_header, unchanged, validators
from essgraph.web.published import Published
from essgraph.web.views import pages as views
from essgraph.web.views.catalog import CatalogOf, CatalogView
from essgraph.web.views.catalog_page import catalog_page
from essgraph.web.views.schema_org import data_catalog
from essgraph.web.views.site import Site, SiteOf

router = APIRouter()
OFFERS = formats.GRAPH_FORMATS
CATALOG_OFFERS = (*OFFERS, formats.HTML)  # RDF first: "*/*" gets Turtle, browsers the downloads page
CACHE_CONTROL = "public, max-age=300"


def _rdf_response(
    request: Request, published: Published, body: bytes, media: Format, parts: tuple, headers: dict[str, str]
) -> Response:
    headers = {**validators(published, *parts, media.name, cache_control=CACHE_CONTROL), **headers}
    if (same := unchanged(request, headers)) is not None:
        return same
    return Response(body, media_type=media.content_type, headers=headers)


def _catalog(
    request: Request,
    published: Published,
    view: CatalogView,
    site: Site,
    size: int,
    media: Format | None,
    page: int,
    path: str,
) -> Response:
    if view.root is None:
        raise HttpError(
            404,
            "not_found",
            "this deployment publishes no catalog",
            hint="add the catalog metadata (data/catalog/*.ttl) and rebuild",
        )
    if page > view.pages(size):
        raise HttpError(
            404,
            "not_found",
            f"the catalog has {view.pages(size)} page(s), not {page}",
            hint=f"use ?page=1 to {view.pages(size)}",
        )
    chosen = choose_for(request, CATALOG_OFFERS, "the catalog", media)
    headers = link_header(
        *(link(with_extension(view.urls.catalog, o.extension), "alternate", o) for o in CATALOG_OFFERS),
        link(view.urls.void, "describedby", formats.TURTLE),
    )
    headers["Vary"] = "Accept"
    if chosen is formats.HTML:
        return _downloads(request, published, view, site, (page, size, path), headers)
    body = view.page(page, size, chosen, path)
    return _rdf_response(request, published, body, chosen, ("catalog", path, page, size), headers)


def _downloads(
    request: Request,
    published: Published,
    view: CatalogView,
    site: Site,
    paging: tuple[int, int, str],
    headers: dict[str, str],
) -> Response:
    """The catalog for people: its datasets and their files, to download, paged like the catalog."""
    page, size, path = paging
    content = catalog_page(view.catalog, view.root, view.datasets[(page - 1) * size : page * size])
    body = views.render(
        request,
        "catalog.html",
        site=site,
        crumbs=[("Accueil", site.base)],
        catalog=content,
        page=page,
        pages=view.pages(size),
        pager_url=lambda n: site.catalog_page(path, n),
        rdf=[(o.label, with_extension(site.catalog, o.extension), o.media_type) for o in OFFERS],
        schema=data_catalog(content, site.catalog),
    )
    headers = {**headers, "Content-Language": "fr"}
    return _rdf_response(request, published, body.encode("utf-8"), formats.HTML, ("catalog", page, size), headers)


@router.api_route(
    urls.route(urls.CATALOG), methods=["GET", "HEAD"], summary="The DCAT-AP 3 catalog (by Accept; Hydra paging)"
)
@per_build
def catalog(
    request: Request,
    published: deps.PublishedBuild,
    view: CatalogOf,
    settings: deps.AppSettings,
    site: SiteOf,
    page: int = Query(1, ge=1, description="page number (Hydra paging)"),
) -> Response:
    return _catalog(request, published, view, site, settings.catalog_page_size, None, page, urls.CATALOG)


@router.api_route(
    urls.route(urls.CATALOG) + ".{ext}", methods=["GET", "HEAD"], summary="The DCAT-AP 3 catalog in one format"
)
@per_build
def catalog_as(
    request: Request,
    ext: str,
    published: deps.PublishedBuild,
    view: CatalogOf,
    settings: deps.AppSettings,
    site: SiteOf,
    page: int = Query(1, ge=1),
) -> Response:
    media = extension_format(ext, CATALOG_OFFERS, view.urls.catalog)
    path = with_extension(urls.CATALOG, ext)
    return _catalog(request, published, view, site, settings.catalog_page_size, media, page, path)


@router.api_route(urls.route(urls.VOID), methods=["GET", "HEAD"], summary="The VoID description of the graph")
@per_build
def void(request: Request, published: deps.PublishedBuild, view: CatalogOf) -> Response:
    media = choose_for(request, OFFERS, "the VoID description")
    if not view.void:
        raise HttpError(404, "not_found", "this build has no VoID description", hint="rebuild with essgraph build")
    headers = {"Vary": "Accept", **link_header(link(view.urls.catalog, "related"))}
    return _rdf_response(request, published, view.void_bytes(media), media, ("void",), headers)


@router.api_route(
    urls.route(urls.DUMPS) + "/{name:path}", methods=["GET", "HEAD"], summary="A dump of the published graph"
)
def dump(request: Request, name: str, published: deps.PublishedBuild, view: CatalogOf) -> Response:
    entry = view.dumps.get(name)
    if entry is None:
        raise HttpError(
            404, "not_found", f"no dump named {name!r}", hint="the catalog (/catalog) lists every dump with its URL"
        )
    headers = {**validators(published, cache_control="public, max-age=3600"), "ETag": content_tag(entry.sha256)}
    if (same := unchanged(request, headers)) is not None:
        return same
    return FileResponse(
        view.dumps_dir / entry.name,
        media_type=entry.served_format.content_type,
        headers=headers,
        filename=Path(entry.name).name,
        content_disposition_type="inline",
    )
