"""The catalog for people: the downloads page ``/catalog`` answers to browsers (``Accept: text/html``) — every
dataset with its description, publisher, dates and files (format, size, SHA-256, link) — read from the exact
triples the build validated (:class:`essgraph.web.views.catalog.CatalogView`); its schema.org ``DataCatalog`` is made
by :func:`essgraph.web.views.schema_org.data_catalog`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from essgraph.rdf.formats import media_type_of
from essgraph.rdf.namespaces import DOCUMENT_PREFIXES


def _p(curie: str) -> ox.NamedNode:
    prefix, local = curie.split(":", 1)
    return ox.NamedNode(DOCUMENT_PREFIXES[prefix] + local)


@dataclass
class File:
    title: str
    url: str
    media_type: str
    size: int | None
    sha256: str | None
    description: str


@dataclass
class DatasetView:
    iri: str
    title: str
    description: str
    publisher: str
    issued: str
    modified: str
    landing: str | None
    files: list[File] = field(default_factory=list)


class _Graph:
    def __init__(self, triples: list[ox.Triple]):
        self.by_sp: dict[tuple, list] = {}
        for t in triples:
            self.by_sp.setdefault((t.subject, t.predicate), []).append(t.object)

    def all(self, s, curie: str) -> list:
        return self.by_sp.get((s, _p(curie)), [])

    def one(self, s, curie: str):
        found = self.all(s, curie)
        return found[0] if found else None

    def value(self, s, curie: str) -> str:
        """The value (IRI or text) of ``s``'s first ``curie``, or ""."""
        found = self.one(s, curie)
        return found.value if found is not None else ""

    def text(self, s, curie: str) -> str:
        """The French (else untagged, else any) literal of ``s``'s ``curie``."""
        found = [o for o in self.all(s, curie) if isinstance(o, ox.Literal)]
        found.sort(key=lambda o: {"fr": 0, None: 1}.get(o.language, 2))
        return found[0].value if found else ""


def catalog_page(triples: list[ox.Triple], root, datasets: list) -> dict:
    """What the downloads page shows: the catalog's title, description, licence, and each dataset with its files."""
    g = _Graph(triples)
    shown = []
    for ds in datasets:
        publisher = g.one(ds, "dct:publisher")
        view = DatasetView(
            ds.value,
            g.text(ds, "dct:title"),
            g.text(ds, "dct:description"),
            g.text(publisher, "foaf:name") if publisher is not None else "",
            g.text(ds, "dct:issued"),
            g.text(ds, "dct:modified"),
            (g.one(ds, "dcat:landingPage") or ox.NamedNode(ds.value)).value,
        )
        for dist in sorted(g.all(ds, "dcat:distribution"), key=lambda d: d.value):
            url = g.one(dist, "dcat:downloadURL") or g.one(dist, "dcat:accessURL")
            if url is None:
                continue
            checksum = g.one(dist, "spdx:checksum")
            size = g.text(dist, "dcat:byteSize")
            view.files.append(
                File(
                    g.text(dist, "dct:title"),
                    url.value,
                    media_type_of(g.value(dist, "dcat:mediaType")),
                    int(size) if size.isdigit() else None,
                    g.text(checksum, "spdx:checksumValue") if checksum is not None else None,
                    g.text(dist, "dct:description"),
                )
            )
        shown.append(view)
    licence = g.one(root, "dct:license")
    return {
        "title": g.text(root, "dct:title"),
        "description": g.text(root, "dct:description"),
        "licence": licence.value if licence is not None else None,
        "datasets": shown,
    }
