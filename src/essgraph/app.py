"""The application factory: ``create_app(settings)`` returns a FastAPI app; nothing is built at import time.

The app opens the current build on disk at once (a few milliseconds, whatever its size); its start-up (lifespan)
starts the query workers and the supervisor that loads the copy in memory and follows new builds
(:mod:`essgraph.web.live`).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from essgraph import __version__, urls
from essgraph.settings import Settings
from essgraph.web import errors
from essgraph.web.cache import Answers, ResponseCache
from essgraph.web.headers import Cors, SecurityHeaders
from essgraph.web.live import HoldBuild, Live
from essgraph.web.published import Published, open_published
from essgraph.web.routers import catalog, compare, health, pages, plans, search, sparql
from essgraph.web.views import pages as views

__all__ = ["create_app", "app_from_env", "open_published"]


def create_app(settings: Settings, published: Published | None = None) -> FastAPI:
    """``published``: serve that build first (tests pass a copy already in memory); else the current build."""
    logging.getLogger("essgraph").setLevel(settings.log_level.upper())
    app = FastAPI(
        title="essgraph",
        version=__version__,
        lifespan=_lifespan,
        description="Municipal ESS plans as Linked Open Data: SPARQL, dereferenceable IRIs, DCAT-AP.",
        # no Swagger UI or ReDoc pages: FastAPI loads them from a CDN (no asset of another host, ever; the
        # Content-Security-Policy blocks them). The OpenAPI document stays at /openapi.json; README lists the routes.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    if published is not None:  # shared with other apps (tests): this app gets its own holder and query workers
        published = Published(published.build, published.store, published.mode)
    app.state.live = Live(settings, published) if published is not None else Live.open(settings)
    errors.install(app)
    app.state.answers = Answers(settings.response_cache_mib << 20)
    app.add_middleware(ResponseCache, answers=app.state.answers)  # answers kept per build (inside HoldBuild)
    app.add_middleware(HoldBuild)  # the request's build, held until its last byte is sent
    app.add_middleware(Cors)
    app.add_middleware(SecurityHeaders)  # outermost: on every answer, preflights included
    app.include_router(health.router)
    app.include_router(catalog.router)
    sparql.install(app)  # before the pages: the SPARQL service's IRI (id/service/sparql) answers queries
    app.include_router(pages.router)
    app.include_router(search.router)
    app.include_router(compare.router)
    app.include_router(plans.router)
    app.mount(urls.route(urls.STATIC), StaticFiles(directory=views.STATIC_DIR), name="site-static")
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI):
    """Started before the first request, stopped at shutdown: query workers, the build supervisor."""
    live: Live = app.state.live
    await live.start()
    try:
        yield
    finally:
        await live.stop()


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers (``--factory``): settings come from the ESSGRAPH_* environment."""
    return create_app(Settings())
