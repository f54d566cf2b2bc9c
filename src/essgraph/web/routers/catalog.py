"""Open-data routes: the DCAT-AP catalog, the VoID description and the dumps.

* ``/catalog`` (GET, HEAD): the catalog, format chosen by ``Accept`` (``Vary: Accept``; 406 when nothing fits);
  ``/catalog.ttl``, ``/catalog.jsonld``, ``/catalog.rdf``, ``/catalog.nt``: one format each (harvesters such as
  data.gouv.fr pick the format from the URL's extension, then from a HEAD request's Content-Type).
  More datasets than the ``catalog_page_size`` setting are paged: ``?page=N`` with a ``hydra:PartialCollectionView``
  (first/previous/next/last), each page holding its datasets, their distributions and the shared nodes.
* ``/.well-known/void`` (GET, HEAD): the VoID description, by ``Accept``.
* ``/dumps/{name}`` (GET, HEAD): a dump file of the build, streamed, with its SHA-256 as strong ETag.

Everything is read from the served build's folder (``catalog/catalog.nt``, ``catalog/void.nt``: the exact triples
the build validated; the store's ``graph/catalog`` and ``graph/void`` are the SPARQL copy) and ``dumps/``;
serialized pages are cached per build.
"""

from __future__ import annotations

import threading
from email.utils import format_datetime
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, Response

from essgraph.publish.catalog import CATALOG_FILES, CATALOG_GRAPH, VOID_GRAPH
from essgraph.publish.dumps import WHOLE, read_index
from essgraph.errors import HttpError
from essgraph.rdf.namespaces import DCAT, HYDRA, RDF, XSD, lit, node
from essgraph.rdf import formats
from essgraph.rdf.serialize import serialize
from essgraph.web.http import negotiate
from essgraph.web.live import published_of

router = APIRouter()
OFFERS = formats.GRAPH_FORMATS
EXTENSIONS = {m.extension: m for m in OFFERS}
_LOCK = threading.Lock()


class CatalogView:
    """The catalog, VoID and dumps of one build, with their serializations cached."""

    def __init__(self, published):
        self.build_id = Path(published.build.path).name
        manifest = published.manifest
        self.base = manifest["base_iri"]
        built_at = manifest.get("built_at")
        self.last_modified = format_datetime(datetime.fromisoformat(built_at), usegmt=True) if built_at else None
        self.catalog = self._graph(Path(published.build.path) / CATALOG_FILES[CATALOG_GRAPH])
        self.void = self._graph(Path(published.build.path) / CATALOG_FILES[VOID_GRAPH])
        self.dumps = read_index(Path(published.build.path) / "dumps")
        self.dumps_dir = Path(published.build.path) / "dumps"
        self.root = next((t.subject for t in self.catalog
                          if t.predicate == RDF("type") and t.object == DCAT("Catalog")), None)
        listed = [t.object for t in self.catalog if t.subject == self.root and t.predicate == DCAT("dataset")]
        whole = [d for d in listed if d.value == self.base + "id/dataset/" + WHOLE]
        self.datasets = whole + sorted((d for d in listed if d not in whole), key=lambda d: d.value)
        self._owned = {d: self._closure(d) for d in self.datasets}
        self._cache: dict[tuple, bytes] = {}

    @staticmethod
    def _graph(path: Path) -> list[ox.Triple]:
        """The triples the build wrote (the store's copy has xsd:integer where DCAT-AP needs nonNegativeInteger)."""
        if not path.is_file():
            return []
        return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path),
                                                                              format=ox.RdfFormat.N_TRIPLES)]

    def _closure(self, dataset) -> set:
        """The nodes a dataset owns: itself, its blank nodes and its IRIs under it (distributions, provenance)."""
        by_subject: dict = {}
        for t in self.catalog:
            by_subject.setdefault(t.subject, []).append(t.object)
        owned, todo = {dataset}, [dataset]
        while todo:
            for o in by_subject.get(todo.pop(), ()):
                mine = isinstance(o, ox.BlankNode) or (isinstance(o, ox.NamedNode)
                                                      and o.value.startswith(dataset.value + "/"))
                if mine and o not in owned:
                    owned.add(o)
                    todo.append(o)
        return owned

    def pages(self, size: int) -> int:
        return max(1, -(-len(self.datasets) // size))

    def page(self, number: int, size: int, media: formats.Format, path: str) -> bytes:
        key = ("catalog", number, size, media.name, path)
        if key not in self._cache:
            on_page = set(self.datasets[(number - 1) * size:number * size])
            hidden = set().union(*(self._owned[d] for d in self.datasets if d not in on_page))
            triples = [t for t in self.catalog if t.subject not in hidden and t.object not in hidden]
            total = self.pages(size)
            if total > 1:
                triples += self._hydra(number, total, path)
            order = {self.root: "0", **{d: f"1{i:08d}" for i, d in enumerate(self.datasets)}}
            triples.sort(key=lambda t: (order.get(t.subject, "2"), isinstance(t.subject, ox.BlankNode),
                                        str(t.subject), str(t.predicate)))
            self._cache[key] = serialize(triples, media)
        return self._cache[key]

    def _hydra(self, number: int, total: int, path: str) -> list[ox.Triple]:
        url = lambda n: node(f"{self.base}{path}?page={n}")  # noqa: E731
        view = url(number)
        triples = [ox.Triple(self.root, RDF("type"), HYDRA("Collection")),
                   ox.Triple(self.root, HYDRA("totalItems"), lit(str(len(self.datasets)), XSD("integer"))),
                   ox.Triple(self.root, HYDRA("view"), view),
                   ox.Triple(view, RDF("type"), HYDRA("PartialCollectionView")),
                   ox.Triple(view, HYDRA("first"), url(1)),
                   ox.Triple(view, HYDRA("last"), url(total))]
        if number > 1:
            triples.append(ox.Triple(view, HYDRA("previous"), url(number - 1)))
        if number < total:
            triples.append(ox.Triple(view, HYDRA("next"), url(number + 1)))
        return triples

    def void_bytes(self, media: formats.Format) -> bytes:
        key = ("void", media.name)
        if key not in self._cache:
            self._cache[key] = serialize(self.void, media)
        return self._cache[key]


def view_of(request: Request) -> CatalogView:
    """The view of the request's build (made on first use, kept with the build)."""
    published = published_of(request)
    with _LOCK:
        view = published.cache.get("catalog_view")
        if view is None:
            view = published.cache["catalog_view"] = CatalogView(published)
    return view


def _negotiated(request: Request) -> formats.Format:
    media = negotiate(request.headers.get("accept"), OFFERS)
    if media is None:
        raise HttpError(406, "not_acceptable", f"no representation of {request.url.path} matches the Accept header",
                        hint="accept one of " + ", ".join(m.media_type for m in OFFERS),
                        headers={"Vary": "Accept"})
    return media


def _rdf_response(request: Request, view: CatalogView, body: bytes, media: formats.Format, etag: str,
                  headers: dict[str, str]) -> Response:
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300", **headers}
    if view.last_modified:
        headers["Last-Modified"] = view.last_modified
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")] \
            or request.headers.get("if-none-match", "").strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media.content_type, headers=headers)


def _catalog(request: Request, media: formats.Format, page: int, path: str, negotiated: bool) -> Response:
    view = view_of(request)
    if view.root is None:
        raise HttpError(404, "not_found", "this deployment publishes no catalog",
                        hint="add the catalog metadata (data/catalog/*.ttl) and rebuild")
    size = request.app.state.settings.catalog_page_size
    if page > view.pages(size):
        raise HttpError(404, "not_found", f"the catalog has {view.pages(size)} page(s), not {page}",
                        hint=f"use ?page=1 to {view.pages(size)}")
    body = view.page(page, size, media, path)
    links = [f'<{view.base}catalog.{m.extension}>; rel="alternate"; type="{m.media_type}"' for m in OFFERS]
    links.append(f'<{view.base}.well-known/void>; rel="describedby"; type="text/turtle"')
    headers = {"Link": ", ".join(links)}
    if negotiated:
        headers["Vary"] = "Accept"
    return _rdf_response(request, view, body, media, f'"{view.build_id}-{page}-{size}-{media.name}"', headers)


@router.api_route("/catalog", methods=["GET", "HEAD"], summary="The DCAT-AP 3 catalog (by Accept; Hydra paging)")
def catalog(request: Request, page: int = Query(1, ge=1, description="page number (Hydra paging)")) -> Response:
    return _catalog(request, _negotiated(request), page, "catalog", negotiated=True)


@router.api_route("/catalog.{ext}", methods=["GET", "HEAD"], summary="The DCAT-AP 3 catalog in one format")
def catalog_as(request: Request, ext: str, page: int = Query(1, ge=1)) -> Response:
    media = EXTENSIONS.get(ext)
    if media is None:
        raise HttpError(404, "not_found", f"the catalog has no .{ext} form",
                        hint="use one of " + ", ".join(f"/catalog.{e}" for e in EXTENSIONS))
    return _catalog(request, media, page, f"catalog.{ext}", negotiated=False)


@router.api_route("/.well-known/void", methods=["GET", "HEAD"], summary="The VoID description of the graph")
def void(request: Request) -> Response:
    media = _negotiated(request)
    view = view_of(request)
    if not view.void:
        raise HttpError(404, "not_found", "this build has no VoID description", hint="rebuild with essgraph build")
    headers = {"Vary": "Accept", "Link": f'<{view.base}catalog>; rel="related"'}
    return _rdf_response(request, view, view.void_bytes(media), media, f'"{view.build_id}-void-{media.name}"',
                         headers)


@router.api_route("/dumps/{name:path}", methods=["GET", "HEAD"], summary="A dump of the published graph")
def dump(request: Request, name: str) -> Response:
    view = view_of(request)
    entry = view.dumps.get(name)
    if entry is None:
        raise HttpError(404, "not_found", f"no dump named {name!r}",
                        hint="the catalog (/catalog) lists every dump with its URL")
    etag = f'"{entry.sha256}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if view.last_modified:
        headers["Last-Modified"] = view.last_modified
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return FileResponse(view.dumps_dir / entry.name, media_type=entry.served_format.content_type, headers=headers,
                        filename=Path(entry.name).name, content_disposition_type="inline")
