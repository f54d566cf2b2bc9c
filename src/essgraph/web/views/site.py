"""The addresses a page links to (:class:`Site`: the deployment's :class:`essgraph.urls.Urls` and the build it
shows), as a FastAPI dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from essgraph.rdf import formats
from essgraph.settings import Settings
from essgraph.urls import Urls, with_extension
from essgraph.web import deps
from essgraph.web.published import Published


@dataclass(frozen=True)
class Site(Urls):
    """The deployment's addresses (:class:`essgraph.urls.Urls`) and the build a page shows."""

    data_version: str = ""
    built_at: str = ""

    def formats(self, page: str) -> list[tuple[str, str, str]]:
        """(name, URL, media type) of each raw format of a page."""
        return [(f.label, with_extension(page, f.extension), f.media_type) for f in formats.RESOURCE_FORMATS]


def site(published: Published = Depends(deps.published), settings: Settings = Depends(deps.settings)) -> Site:
    """The addresses of the deployment and the build a page shows (a FastAPI dependency)."""
    manifest = published.manifest
    return Site(settings.base_iri, manifest.get("data_version", ""), manifest.get("built_at", ""))


SiteOf = Annotated[Site, Depends(site)]
