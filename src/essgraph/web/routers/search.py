"""``/search``: full-text search over the actions, organisations and plans, with facets.

``/search?q=jardin&type=action&plan=saint-maur-des-fosses-2021&page=2`` — ``q`` the words (see
:mod:`essgraph.search.query` for the syntax), one parameter per facet (repeat it for several values), ``page``.
HTML for people (results linking to the resources' pages, facets as links that add or remove a filter; those links
are ``rel="nofollow"``: every subset of every facet's values has an address, more than any crawler should walk),
JSON for programs (``Accept: application/json`` or ``?format=json``). Answered from the build's search index (SQLite
FTS5), never by scanning the graph; format, caching and errors follow :mod:`essgraph.web.http`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from essgraph import urls
from essgraph.rdf import formats
from essgraph.search.facets import FACETS
from essgraph.search.query import Results
from essgraph.web import deps
from essgraph.web.cache import per_build
from essgraph.web.http import PageRoute, choose_for, unchanged, validators
from essgraph.web.views import pages as views
from essgraph.web.views.search import SearchIndexOf, search_request, search_url, toggled
from essgraph.web.views.site import Site, SiteOf

router = APIRouter(route_class=PageRoute)
OFFERS = (formats.HTML, formats.JSON)
PAGE_SIZE = 20
FACET_VALUES_LISTED = 40  # per facet, most frequent first; the others are counted ("… and 960 others")
CACHE_CONTROL = "public, max-age=300"
SDG_LABEL_CHARS = 70


@router.api_route(urls.route(urls.SEARCH), methods=["GET", "HEAD"], summary="Full-text search with facets")
@per_build
def search(request: Request, published: deps.PublishedBuild, site: SiteOf, index: SearchIndexOf) -> Response:
    text, filters, page = search_request(request)
    media = choose_for(request, OFFERS, "a search")
    headers = {
        **validators(published, "search", text, sorted(filters.items()), page, media.name, cache_control=CACHE_CONTROL),
        "Vary": "Accept",
    }
    if (same := unchanged(request, headers)) is not None:
        return same
    results = index.search(text, filters, page, PAGE_SIZE, FACET_VALUES_LISTED)
    if media is formats.JSON:
        return JSONResponse(as_json(site, results), headers=headers)
    keys = sorted({h.plan for h in results.hits if h.plan})
    plans = {p["key"]: p for p in index.plans(keys=keys, size=PAGE_SIZE)[0]}
    body = views.render(
        request,
        "search.html",
        site=site,
        crumbs=[("Accueil", site.base)],
        results=results,
        facets=facet_view(site, results),
        plans=plans,
        url=lambda **kw: search_url(site, **kw),
    )
    return Response(
        body.encode("utf-8"),
        headers={**headers, "Content-Type": formats.HTML.content_type, "Content-Language": "fr"},
    )


def facet_view(site: Site, results: Results) -> list[dict]:
    """Per facet with values: its heading and its values, each with its count and the link that toggles it."""
    shown = []
    for facet in FACETS:
        values = results.facets.get(facet.name)
        if not values:
            continue
        items = [
            {
                "label": _label(facet.name, value.key, value.label),
                "key": value.key,
                "count": count,
                "selected": selected,
                "url": search_url(site, results.text, toggled(results.filters, facet.name, value.key)),
            }
            for value, count, selected in values
        ]
        shown.append(
            {
                "name": facet.name,
                "label": facet.label,
                "items": items[: facet.shown],
                "more": items[facet.shown :],
                "not_listed": results.not_listed.get(facet.name, 0),
            }
        )
    return shown


def _label(facet: str, key: str, label: str) -> str:
    if facet == "sdg":
        text = f"{key} — {label}"
        return text if len(text) <= SDG_LABEL_CHARS else text[: SDG_LABEL_CHARS - 1].rstrip() + "…"
    return label


def as_json(site: Site, results: Results) -> dict:
    """The search as JSON: its hits, its facets (each value with the URL that toggles it), the next page."""
    return {
        "q": results.text,
        "filters": {k: list(v) for k, v in results.filters.items()},
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "hits": [
            {
                "iri": h.iri,
                "url": site.href(h.iri),
                "kind": h.kind,
                "title": h.title,
                "number": h.number or None,
                "plan": h.plan,
                "excerpt": "".join(t for t, _ in h.excerpt),
            }
            for h in results.hits
        ],
        "facets": {
            name: [
                {
                    "key": v.key,
                    "label": v.label,
                    "count": n,
                    "selected": s,
                    "url": search_url(site, results.text, toggled(results.filters, name, v.key)),
                }
                for v, n, s in values
            ]
            for name, values in results.facets.items()
        },
        "unknown": [{"facet": f, "key": k} for f, k in results.unknown],
        "not_listed": results.not_listed,
        "next": search_url(site, results.text, results.filters, results.page + 1, "json")
        if results.page < results.pages
        else None,
    }
