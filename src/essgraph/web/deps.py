"""The FastAPI dependencies of the routes: what a handler needs, taken from the app in one place.

Handlers declare them (``published: deps.PublishedBuild``, FastAPI's ``Annotated`` form of
``Depends(deps.published)``) instead of reading ``request.app.state``;
tests may override them (``app.dependency_overrides``). :func:`published` alone says which build a request sees:
the build held for it by :mod:`essgraph.web.live` (builds are swapped while the server runs, and a request keeps the
build it started with until its last byte).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from essgraph.settings import Settings
from essgraph.sparql.engine import QueryEngine
from essgraph.sparql.named import NamedQuery
from essgraph.web.live import Live, published_of
from essgraph.web.published import Published


def settings(request: Request) -> Settings:
    return request.app.state.settings


def published(request: Request) -> Published:
    """The build this request is answered from."""
    return published_of(request)


def live(request: Request) -> Live:
    """The holder of the builds served (swaps, query workers, admission)."""
    return request.app.state.live


def query_engine(request: Request) -> QueryEngine | None:
    """The SPARQL query workers of the request's build (None while they start or after a failure)."""
    return published_of(request).engine


def named_queries(request: Request) -> dict[str, NamedQuery]:
    return request.app.state.named_queries


# what handlers declare
AppSettings = Annotated[Settings, Depends(settings)]
PublishedBuild = Annotated[Published, Depends(published)]
Engine = Annotated[QueryEngine | None, Depends(query_engine)]
NamedQueries = Annotated[dict[str, NamedQuery], Depends(named_queries)]
LiveHolder = Annotated[Live, Depends(live)]
