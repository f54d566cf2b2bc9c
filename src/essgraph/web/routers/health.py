"""Service pages under ``/-/``: health (what is served, and whether all of it works) and readiness.

``/-/health`` always answers 200 while the server runs, with ``status`` "ok", or "degraded" while SPARQL cannot be
answered (its query processes are being replaced); ``/-/ready`` answers 200 only when everything can be answered,
503 otherwise, for load balancers and orchestrators.
"""

from __future__ import annotations

from fastapi import APIRouter

from essgraph import __version__, urls
from essgraph.errors import HttpError
from essgraph.web import deps

router = APIRouter()


@router.api_route(
    urls.route(urls.HEALTH), methods=["GET", "HEAD"], summary="Health and data version of the published graph"
)
def health(published: deps.PublishedBuild, live: deps.LiveHolder) -> dict:
    manifest = published.manifest
    return {
        "status": "ok" if live.ready else "degraded",
        "essgraph_version": __version__,
        "data_version": manifest["data_version"],
        "base_iri": manifest["base_iri"],
        "built_at": manifest["built_at"],
        "build_seconds": manifest["build_seconds"],
        "conforms": manifest["conforms"],
        "validation": {k: manifest["validation"][k] for k in ("violations", "warnings")},
        "triples": {"total": manifest["counts"]["triples"], "graphs": manifest["graphs"]},
        "counts": {k: v for k, v in manifest["counts"].items() if k != "triples"},
        **live.status(published),
    }


@router.api_route(
    urls.route(urls.READY), methods=["GET", "HEAD"], summary="200 when every part answers (SPARQL included)"
)
def ready(live: deps.LiveHolder) -> dict:
    if not live.ready:
        raise HttpError(
            503,
            "not_ready",
            "SPARQL queries cannot be answered now: its query processes are starting or being replaced",
            "retry in a few seconds; /-/health tells more",
            headers={"Retry-After": "2"},
        )
    return {"ready": True, "build": live.current.build.id, "store": live.current.mode}
