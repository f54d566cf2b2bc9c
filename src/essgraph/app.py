"""The application factory: ``create_app(settings)`` returns a FastAPI app; nothing is built at import time."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from essgraph import __version__
from essgraph.settings import Settings
from essgraph.web.published import Published, open_published
from essgraph.web import errors
from essgraph.web.routers import catalog, health, pages, sparql


def create_app(settings: Settings, published: Published | None = None) -> FastAPI:
    logging.getLogger("essgraph").setLevel(settings.log_level.upper())
    app = FastAPI(title="essgraph", version=__version__, lifespan=_lifespan,
                  description="Municipal ESS plans as Linked Open Data: SPARQL, dereferenceable IRIs, DCAT-AP.")
    app.state.settings = settings
    app.state.published = published or open_published(settings)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(catalog.router)
    app.include_router(pages.router)
    sparql.install(app)
    app.mount("/static/site", StaticFiles(directory=pages.STATIC), name="site-static")
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI):
    """Services started before the first request and stopped at shutdown: the SPARQL query workers."""
    async with sparql.lifespan(app):
        yield


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers (``--factory``): settings come from the ESSGRAPH_* environment."""
    return create_app(Settings())
