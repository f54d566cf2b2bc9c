"""``/plans``: the overview of every plan — collectivité, type of territory, department, region, adoption date,
number of actions, levers — sorted by any column and paged, usable with thousands of plans (read from the build's
search index, not from the graph). HTML with a form to compare the plans ticked; JSON for programs.

``/plans?sort=adopted&order=desc&page=2`` — ``sort`` one of :data:`essgraph.search.overview.PLAN_SORTS`, ``size``
plans a page (1 to :data:`MAX_SIZE`, :data:`PAGE_SIZE` by default). Format, caching and errors follow
:mod:`essgraph.web.http`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from essgraph import urls
from essgraph.errors import HttpError
from essgraph.rdf import formats
from essgraph.search.overview import PLAN_SORTS
from essgraph.web import deps
from essgraph.web.cache import per_build
from essgraph.web.http import PageRoute, choose_for, query_values, unchanged, validators
from essgraph.web.views import pages as views
from essgraph.web.views.search import SearchIndexOf, page_number
from essgraph.web.views.site import Site, SiteOf

router = APIRouter(route_class=PageRoute)
OFFERS = (formats.HTML, formats.JSON)
PAGE_SIZE = 50
MAX_SIZE = 200
CACHE_CONTROL = "public, max-age=300"
COLUMNS = (
    ("title", "Plan"),
    ("collectivite", "Collectivité"),
    ("type", "Type"),
    ("department", "Département"),
    ("region", "Région"),
    ("adopted", "Adopté le"),
    ("actions", "Fiches"),
    ("levers", "Leviers"),
)


def plans_url(
    site: Site,
    sort: str = "title",
    descending: bool = False,
    page: int = 1,
    fmt: str | None = None,
    size: int = PAGE_SIZE,
) -> str:
    """The one address of a page of the overview (defaults left out)."""
    params = ([("sort", sort)] if sort != "title" else []) + ([("order", "desc")] if descending else [])
    params += [("size", str(size))] if size != PAGE_SIZE else []
    params += ([("page", str(page))] if page > 1 else []) + ([("format", fmt)] if fmt else [])
    return site.plans + ("?" + urlencode(params) if params else "")


def _paging(request: Request) -> tuple[str, bool, int, int]:
    """(sort, descending, page, size) of the query string; 400 for what is not one."""
    pairs = query_values(request, frozenset({"sort", "order", "page", "size", "format"}))
    sort = (pairs.get("sort") or ["title"])[0]
    order = (pairs.get("order") or ["asc"])[0]
    if sort not in PLAN_SORTS:
        raise HttpError(
            400, "bad_sort", f"sort={sort!r} is not a column of the overview", "use one of " + ", ".join(PLAN_SORTS)
        )
    if order not in ("asc", "desc"):
        raise HttpError(400, "bad_order", f"order={order!r}", "use order=asc or order=desc")
    size = (pairs.get("size") or [str(PAGE_SIZE)])[0]
    if not size.isdigit() or not 1 <= int(size) <= MAX_SIZE:
        raise HttpError(400, "bad_size", f"size={size!r} is not a page size", f"use 1 to {MAX_SIZE}")
    return sort, order == "desc", page_number(pairs.get("page")), int(size)


@router.api_route(urls.route(urls.PLANS), methods=["GET", "HEAD"], summary="Every plan, sorted and paged")
@per_build
def plans(request: Request, published: deps.PublishedBuild, site: SiteOf, index: SearchIndexOf) -> Response:
    sort, descending, page, size = _paging(request)
    media = choose_for(request, OFFERS, "the overview of the plans")
    parts = ("plans", sort, descending, page, size, media.name)
    headers = {**validators(published, *parts, cache_control=CACHE_CONTROL), "Vary": "Accept"}
    if (same := unchanged(request, headers)) is not None:
        return same
    rows, total = index.plans(sort, descending, page, size)
    pages = max(1, -(-total // size))
    if page > pages:
        raise HttpError(404, "not_found", f"the overview has {pages} page(s), not {page}", f"use page=1 to {pages}")
    if media is formats.JSON:
        found = [{**row, "url": site.href(row["iri"])} for row in rows]
        return JSONResponse({"total": total, "page": page, "pages": pages, "plans": found}, headers=headers)
    body = views.render(
        request,
        "plans.html",
        site=site,
        crumbs=[("Accueil", site.base)],
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        sort=sort,
        descending=descending,
        columns=COLUMNS,
        url=lambda **kw: plans_url(site, size=size, **kw),
    )
    return Response(
        body.encode("utf-8"),
        headers={**headers, "Content-Type": formats.HTML.content_type, "Content-Language": "fr"},
    )
