"""Service pages under ``/-/``: health."""

from __future__ import annotations

from fastapi import APIRouter, Request

from essgraph import __version__

router = APIRouter()


@router.api_route("/-/health", methods=["GET", "HEAD"], summary="Health and data version of the published graph")
def health(request: Request) -> dict:
    manifest = request.app.state.published.manifest
    return {
        "status": "ok",
        "essgraph_version": __version__,
        "data_version": manifest["data_version"],
        "base_iri": manifest["base_iri"],
        "built_at": manifest["built_at"],
        "build_seconds": manifest["build_seconds"],
        "conforms": manifest["conforms"],
        "validation": {k: manifest["validation"][k] for k in ("violations", "warnings")},
        "triples": {"total": manifest["counts"]["triples"], "graphs": manifest["graphs"]},
        "counts": {k: v for k, v in manifest["counts"].items() if k != "triples"},
    }
