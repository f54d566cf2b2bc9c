"""``/compare``: plans side by side — HTML with charts, CSV, JSON.

``/compare?plan=ID&plan=ID…`` (IDs as in the plans' IRIs: ``saint-maur-des-fosses-2021``); with no plan, every plan
when there are at most :data:`MAX_PLANS`, else a form to choose. ``?format=csv`` (UTF-8 with BOM; ``&sep=;`` for
French spreadsheet software), ``?format=json``, or ``Accept``. Each section is produced by a named query of
``queries/`` (linked from the page), run by the SPARQL query workers: per plan (``?plan`` bound) when the query has
a ``plan`` parameter, else once for all plans. Their rows are kept with the build (they never change while it is
served), so a comparison asks the workers only for the plans no comparison has shown yet. Format, caching and errors
follow :mod:`essgraph.web.http`.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from essgraph import urls
from essgraph.compare.export import SEPARATORS, to_csv, to_json
from essgraph.compare.model import QUERIES, Plan, build_comparison
from essgraph.errors import HttpError
from essgraph.rdf import formats
from essgraph.search.query import SearchIndex
from essgraph.sparql.guard import check_query
from essgraph.web import deps
from essgraph.web.cache import per_build
from essgraph.web.http import PageRoute, choose_for, query_values, unchanged, validators
from essgraph.web.published import Published
from essgraph.web.routers.sparql import query_job, start_query
from essgraph.web.views import charts
from essgraph.web.views import pages as views
from essgraph.web.views.compare import table
from essgraph.web.views.search import SearchIndexOf, search_url
from essgraph.web.views.site import Site, SiteOf

router = APIRouter(route_class=PageRoute)
OFFERS = (formats.HTML, formats.CSV, formats.JSON)
MAX_PLANS = 12
CACHE_CONTROL = "public, max-age=300"
ROWS_KEPT = 4096  # (query, plan) answers kept per build, the least recently used let go first
_LOCK = threading.Lock()


def compare_url(site: Site, keys: list[str], **more: str) -> str:
    params = [("plan", k) for k in keys] + list(more.items())
    return site.compare + ("?" + urlencode(params) if params else "")


def _plans(index: SearchIndex, keys: list[str]) -> tuple[list[Plan], list[dict], int]:
    """The plans to compare (in the order asked), every plan (for the form) and how many there are."""
    if len(keys) > MAX_PLANS:
        raise HttpError(
            400,
            "too_many_plans",
            f"{len(keys)} plans asked, at most {MAX_PLANS} can be compared",
            "choose fewer plans; the overview of all plans is at /plans",
        )
    every, total = index.plans(sort="adopted", size=100_000)
    by_key = {row["key"]: row for row in every}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise HttpError(
            400,
            "unknown_plan",
            f"no plan is published as {', '.join(unknown)}",
            "plan IDs are the last part of the plans' IRIs; the list is at /plans",
        )
    chosen = keys or ([row["key"] for row in every] if total <= MAX_PLANS else [])
    return [Plan(k, by_key[k]["iri"], by_key[k]["title"]) for k in chosen], every, total


class _Rows:
    """The rows of the comparison's named queries, from the build's cache or from the query workers."""

    def __init__(self, request: Request, published: Published, settings, engine, live, queries):
        self.request, self.published, self.settings = request, published, settings
        self.engine, self.live, self.queries = engine, live, queries
        with _LOCK:
            self.cache: OrderedDict = published.cache.setdefault("compare_rows", OrderedDict())

    async def of(self, name: str, plan: str) -> list[dict]:
        query = self.queries.get(name)
        if query is None:
            raise HttpError(
                503,
                "missing_query",
                f"the comparison needs the named query {name!r} (queries/{name}.rq)",
                "restore the queries/ folder of essgraph next to the project file",
            )
        per_plan = any(p.name == "plan" for p in query.params)
        key = (name, plan if per_plan else None)
        with _LOCK:
            rows = self.cache.get(key)
            if rows is not None:
                self.cache.move_to_end(key)
        if rows is None:
            bindings = query.bindings({"plan": plan}) if per_plan else {}
            rows = await self._run(query.text, tuple(sorted((v.value, t) for v, t in bindings.items())))
            with _LOCK:
                self.cache[key] = rows
                while len(self.cache) > ROWS_KEPT:
                    self.cache.popitem(last=False)
        return rows if per_plan else [r for r in rows if r.get("plan") == plan]

    async def _run(self, text: str, substitutions: tuple) -> list[dict]:
        job = query_job(self.settings, text, formats.SPARQL_JSON, check_query(text), substitutions=substitutions)
        reply = await start_query(self.request, self.live, self.engine, job)
        try:
            data = json.loads(await reply.read())
        finally:
            reply.close()
        names = data["head"]["vars"]
        return [{n: (b[n]["value"] if n in b else None) for n in names} for b in data["results"]["bindings"]]


@router.api_route(urls.route(urls.COMPARE), methods=["GET", "HEAD"], summary="Plans side by side (HTML, CSV, JSON)")
@per_build
async def compare(
    request: Request,
    published: deps.PublishedBuild,
    settings: deps.AppSettings,
    engine: deps.Engine,
    live: deps.LiveHolder,
    queries: deps.NamedQueries,
    site: SiteOf,
    index: SearchIndexOf,
) -> Response:
    pairs = query_values(request, frozenset({"plan", "format", "sep"}), repeatable=frozenset({"plan"}))
    keys = list(dict.fromkeys(v for v in pairs.get("plan", []) if v))
    separator = (pairs.get("sep") or [","])[0]
    if separator not in SEPARATORS:
        raise HttpError(400, "bad_separator", f"sep={separator!r} is not a CSV separator", "use sep=, or sep=;")
    media = choose_for(request, OFFERS, "a comparison of plans")
    parts = ("compare", keys, separator, media.name)
    headers = {**validators(published, *parts, cache_control=CACHE_CONTROL), "Vary": "Accept"}
    if (same := unchanged(request, headers)) is not None:
        return same
    plans, every, total = _plans(index, keys)
    rows = _Rows(request, published, settings, engine, live, queries)
    fetched = {(name, p.iri): await rows.of(name, p.iri) for name in QUERIES for p in plans}

    def key_for(facet: str, iri: str) -> str | None:
        value = index.value_by_iri(facet, iri)
        return value.key if value else None

    comparison = build_comparison(plans, lambda name, plan: fetched[(name, plan)], key_for)
    keys = [p.key for p in plans]
    if media is formats.CSV:
        name = "comparaison-" + "-".join(keys)[:120] + ".csv"
        return Response(
            to_csv(comparison, separator),
            headers={
                **headers,
                "Content-Type": "text/csv; charset=utf-8; header=present",
                "Content-Disposition": f'attachment; filename="{name}"',
            },
        )
    if media is formats.JSON:
        data = to_json(comparison, lambda f: search_url(site, filters=f), site.query)
        return JSONResponse(data, headers=headers)
    body = views.render(
        request,
        "compare.html",
        site=site,
        crumbs=[("Accueil", site.base)],
        comparison=comparison,
        every=every,
        total=total,
        max_plans=MAX_PLANS,
        colours=[charts.colour(i) for i in range(len(plans))],
        figures={s.id: charts.chart(s, plans) for s in comparison.sections},
        tables=table(comparison, lambda f: search_url(site, filters=f), site.href),
        downloads=[
            ("CSV", compare_url(site, keys, format="csv")),
            ("CSV (séparateur ;)", compare_url(site, keys, format="csv", sep=";")),
            ("JSON", compare_url(site, keys, format="json")),
        ]
        if plans
        else [],
        without=lambda key: compare_url(site, [k for k in keys if k != key]) if len(keys) > 1 else None,
    )
    return Response(
        body.encode("utf-8"),
        headers={**headers, "Content-Type": formats.HTML.content_type, "Content-Language": "fr"},
    )
