"""The application factory: ``create_app(settings)`` returns a FastAPI app; nothing is built at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import FastAPI

from . import __version__
from .errors import StoreError
from .settings import Settings
from .store import Build, StoreDir
from .web import errors, health


@dataclass(frozen=True)
class Published:
    """What the server publishes: one immutable build and its store."""

    build: Build
    store: ox.Store

    @property
    def manifest(self) -> dict:
        return self.build.manifest


def open_published(settings: Settings) -> Published:
    build = StoreDir(settings.store).require_current()
    if build.manifest.get("base_iri") != settings.base_iri:
        raise StoreError(
            f"the store was built for base IRI {build.manifest.get('base_iri')} but the server is set to "
            f"{settings.base_iri}", hint="rebuild with 'essgraph build --base-iri ...' or change the setting")
    return Published(build, build.open())


def create_app(settings: Settings, published: Published | None = None) -> FastAPI:
    logging.getLogger("essgraph").setLevel(settings.log_level.upper())
    app = FastAPI(title="essgraph", version=__version__,
                  description="Municipal ESS plans as Linked Open Data: SPARQL, dereferenceable IRIs, DCAT-AP.")
    app.state.settings = settings
    app.state.published = published or open_published(settings)
    errors.install(app)
    app.include_router(health.router)
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn workers (``--factory``): settings come from the ESSGRAPH_* environment."""
    return create_app(Settings())
