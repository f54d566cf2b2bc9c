"""The catalog, VoID and dumps of one build as the server shows them: read once from the build folder, the catalog
cut into Hydra pages, every serialization cached (the build never changes while it is served).

The catalog and VoID triples are read from ``catalog/catalog.nt`` and ``catalog/void.nt`` (the exact triples the
build validated; the store's ``graph/catalog`` and ``graph/void`` are the SPARQL copy, where the store turned
``xsd:nonNegativeInteger`` into ``xsd:integer``).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
from fastapi import Depends

from essgraph import urls
from essgraph.publish.dumps import read_index
from essgraph.publish.layout import CATALOG_FILES, DUMPS
from essgraph.rdf.formats import Format
from essgraph.rdf.namespaces import DCAT, HYDRA, RDF, XSD, lit, node
from essgraph.rdf.serialize import serialize
from essgraph.web import deps
from essgraph.web.published import Published

_LOCK = threading.Lock()


class CatalogView:
    """The catalog, VoID and dumps of one build, with their serializations cached."""

    def __init__(self, published: Published):
        self.build_id = Path(published.build.path).name
        self.urls = urls.Urls(published.manifest["base_iri"])
        self.catalog = self._graph(Path(published.build.path) / CATALOG_FILES[urls.CATALOG_GRAPH])
        self.void = self._graph(Path(published.build.path) / CATALOG_FILES[urls.VOID_GRAPH])
        self.dumps_dir = Path(published.build.path) / DUMPS
        self.dumps = read_index(self.dumps_dir)
        self.root = next(
            (t.subject for t in self.catalog if t.predicate == RDF("type") and t.object == DCAT("Catalog")), None
        )
        listed = [t.object for t in self.catalog if t.subject == self.root and t.predicate == DCAT("dataset")]
        whole = [d for d in listed if d.value == self.urls.whole]
        self.datasets = whole + sorted((d for d in listed if d not in whole), key=lambda d: d.value)
        self._owned = {d: self._closure(d) for d in self.datasets}
        self._cache: dict[tuple, bytes] = {}

    @staticmethod
    def _graph(path: Path) -> list[ox.Triple]:
        """The triples the build wrote (the store's copy has xsd:integer where DCAT-AP needs nonNegativeInteger)."""
        if not path.is_file():
            return []
        return [
            ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        ]

    def _closure(self, dataset) -> set:
        """The nodes a dataset owns: itself, its blank nodes and its IRIs under it (distributions, provenance)."""
        by_subject: dict = {}
        for t in self.catalog:
            by_subject.setdefault(t.subject, []).append(t.object)
        owned, todo = {dataset}, [dataset]
        while todo:
            for o in by_subject.get(todo.pop(), ()):
                mine = isinstance(o, ox.BlankNode) or (
                    isinstance(o, ox.NamedNode) and o.value.startswith(dataset.value + "/")
                )
                if mine and o not in owned:
                    owned.add(o)
                    todo.append(o)
        return owned

    def pages(self, size: int) -> int:
        return max(1, -(-len(self.datasets) // size))

    def page(self, number: int, size: int, media: Format, path: str) -> bytes:
        key = ("catalog", number, size, media.name, path)
        if key not in self._cache:
            on_page = set(self.datasets[(number - 1) * size : number * size])
            hidden = set().union(*(self._owned[d] for d in self.datasets if d not in on_page))
            triples = [t for t in self.catalog if t.subject not in hidden and t.object not in hidden]
            total = self.pages(size)
            if total > 1:
                triples += self._hydra(number, total, path)
            order = {self.root: "0", **{d: f"1{i:08d}" for i, d in enumerate(self.datasets)}}
            triples.sort(
                key=lambda t: (
                    order.get(t.subject, "2"),
                    isinstance(t.subject, ox.BlankNode),
                    str(t.subject),
                    str(t.predicate),
                )
            )
            self._cache[key] = serialize(triples, media)
        return self._cache[key]

    def _hydra(self, number: int, total: int, path: str) -> list[ox.Triple]:
        url = lambda n: node(self.urls.catalog_page(path, n))  # noqa: E731
        view = url(number)
        triples = [
            ox.Triple(self.root, RDF("type"), HYDRA("Collection")),
            ox.Triple(self.root, HYDRA("totalItems"), lit(str(len(self.datasets)), XSD("integer"))),
            ox.Triple(self.root, HYDRA("view"), view),
            ox.Triple(view, RDF("type"), HYDRA("PartialCollectionView")),
            ox.Triple(view, HYDRA("first"), url(1)),
            ox.Triple(view, HYDRA("last"), url(total)),
        ]
        if number > 1:
            triples.append(ox.Triple(view, HYDRA("previous"), url(number - 1)))
        if number < total:
            triples.append(ox.Triple(view, HYDRA("next"), url(number + 1)))
        return triples

    def void_bytes(self, media: Format) -> bytes:
        key = ("void", media.name)
        if key not in self._cache:
            self._cache[key] = serialize(self.void, media)
        return self._cache[key]


def catalog_view(published: Published = Depends(deps.published)) -> CatalogView:
    """The view of the request's build, made on its first use and kept with the build (a FastAPI dependency)."""
    with _LOCK:
        view = published.cache.get("catalog_view")
        if view is None:
            view = published.cache["catalog_view"] = CatalogView(published)
    return view


CatalogOf = Annotated[CatalogView, Depends(catalog_view)]
