"""The search index a request reads, the addresses of searches, and reading their query strings.

The index is the build's own (``search/index.sqlite``, written by the build and swapped with it): opened on its
first use and kept with the build (:func:`search_index`, a FastAPI dependency). One rule makes every search URL
(:func:`search_url`): parameters in a fixed order (``q``, then the facets in the order of
:data:`essgraph.search.facets.FACETS`, values sorted, then ``page``), so the same search always has the same
address — a link to share, to cite, to cache. Query strings are read strictly (:func:`essgraph.web.http.query_values`):
an unknown parameter, a repeated one that cannot repeat or a page that is not a number is a 400 that says what was
wrong.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Request

from essgraph.describe.node import Node
from essgraph.errors import HttpError, StoreError
from essgraph.rdf.namespaces import ESS_SCHEMES
from essgraph.search.facets import BY_NAME, FACETS, SCHEME_OF
from essgraph.search.index import index_path
from essgraph.search.query import SearchIndex
from essgraph.web import deps
from essgraph.web.http import query_values
from essgraph.web.published import Published
from essgraph.web.views.site import Site

MAX_TEXT = 500
MAX_PAGE = 100_000
_LOCK = threading.Lock()


def search_index(published: Published = Depends(deps.published)) -> SearchIndex:
    """The index of the request's build, opened on its first use and kept with the build; 503 with what to do when
    the build has none."""
    with _LOCK:
        index = published.cache.get("search_index")
        if index is None:
            try:
                index = SearchIndex(index_path(published.build.path))
            except StoreError as exc:
                raise HttpError(503, "no_search_index", exc.message, exc.hint) from None
            published.cache["search_index"] = index
    return index


SearchIndexOf = Annotated[SearchIndex, Depends(search_index)]


def search_url(
    site: Site,
    text: str = "",
    filters: Mapping[str, Sequence[str] | str] | None = None,
    page: int = 1,
    fmt: str | None = None,
) -> str:
    """The one address of a search."""
    params: list[tuple[str, str]] = [("q", text)] if text else []
    filters = filters or {}
    for facet in FACETS:
        values = filters.get(facet.name) or ()
        values = (values,) if isinstance(values, str) else values
        params += [(facet.name, v) for v in sorted(set(values))]
    if page > 1:
        params.append(("page", str(page)))
    if fmt:
        params.append(("format", fmt))
    return site.search + ("?" + urlencode(params) if params else "")


def toggled(filters: dict[str, tuple[str, ...]], facet: str, key: str) -> dict[str, tuple[str, ...]]:
    """The filters with ``facet=key`` added, or removed when it was there."""
    values = set(filters.get(facet, ()))
    values ^= {key}
    return {**filters, facet: tuple(sorted(values))}


def page_number(values: list[str] | None) -> int:
    if not values or values[0] == "":
        return 1
    value = values[0]
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise HttpError(400, "bad_page", f"page={value!r} is not a page number", hint="pages are numbered from 1")
    return int(value)


def search_request(request: Request) -> tuple[str, dict[str, tuple[str, ...]], int]:
    """(text, filters, page) of a search's query string."""
    facets = frozenset(BY_NAME)
    pairs = query_values(request, frozenset({"q", "page", "format"}) | facets, repeatable=facets)
    text = (pairs.get("q") or [""])[0].strip()
    if len(text) > MAX_TEXT:
        raise HttpError(400, "query_too_long", f"the search text has {len(text)} characters, at most {MAX_TEXT}")
    filters = {name: tuple(v for v in values if v) for name, values in pairs.items() if name in facets}
    return text, {k: v for k, v in filters.items() if v}, page_number(pairs.get("page"))


def concept_counts(index: SearchIndex, site: Site, node: Node) -> list[dict] | None:
    """For a concept that is a facet value (a lever, a field, a status...): per plan, how many of its actions have
    it, their share of the plan's actions and the search listing them; None for other concepts."""
    scheme = node.first("skos:inScheme", "skos:topConceptOf")
    facet = next((f for f, code in SCHEME_OF.items() if scheme is not None and scheme.iri == ESS_SCHEMES + code), None)
    if facet is None:
        return None
    value = index.value_by_iri(facet, node.iri)
    if value is None:
        return []
    return [
        {
            "plan": plan,
            "count": n,
            "share": round(Decimal(100 * n) / plan["actions"], 1) if plan["actions"] else None,
            "url": search_url(site, filters={"type": "action", "plan": plan["key"], facet: value.key}),
        }
        for plan, n in index.plan_counts(facet, node.iri)
    ]
