"""The one way essgraph writes RDF: pyoxigraph's serializers, with one prefix policy.

Everything written goes through here: the dumps and ``essgraph export`` (:func:`write_dump`), the pages, the
catalog, VoID, the service description and query answers (:func:`serialize`), and the pages' JSON-LD
(:func:`compact_jsonld`).

Prefix policy: Turtle, TriG and RDF/XML declare every prefix of the one namespace table
(:data:`essgraph.rdf.namespaces.DOCUMENT_PREFIXES`), so every document has the same header and abbreviates every
IRI of those namespaces. Declaring only the prefixes a document uses would mean reading every term first: on a
dump of a million quads that costs about as much as writing it. N-Triples and N-Quads have no prefixes; JSON-LD
from pyoxigraph is expanded, and the pages' JSON-LD is compacted with the published ``@context``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from pyld import jsonld

from essgraph.files import BinaryWriter, atomic_write
from essgraph.rdf.formats import Format
from essgraph.rdf.namespaces import DOCUMENT_PREFIXES

UNION_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
_WITH_PREFIXES = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


def _syntax(fmt: Format | ox.RdfFormat) -> ox.RdfFormat:
    syntax = fmt if isinstance(fmt, ox.RdfFormat) else fmt.rdf
    if syntax is None:
        raise ValueError(f"{fmt.label} is not an RDF syntax")
    return syntax


def prefixes_for(fmt: Format | ox.RdfFormat) -> dict[str, str] | None:
    """The prefixes a document in ``fmt`` declares (the policy above)."""
    return DOCUMENT_PREFIXES if _syntax(fmt) in _WITH_PREFIXES else None


def serialize(triples: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: Format | ox.RdfFormat) -> bytes:
    """Triples (or quads, for the formats that keep graphs) in ``fmt`` (a registry format or pyoxigraph's)."""
    return ox.serialize(triples, format=_syntax(fmt), prefixes=prefixes_for(fmt))


def write_dump(store: ox.Store, fmt: Format, out: BinaryWriter, graph: str | None = None) -> None:
    """The store (or one named graph of it) in ``fmt``, written by pyoxigraph.

    Formats that keep named graphs keep them; the others get the union of the graphs (a triple in two graphs may be
    written twice, which RDF parsers read as one).
    """
    syntax, prefixes = _syntax(fmt), prefixes_for(fmt)
    if graph is not None and not fmt.keeps_graphs:
        store.dump(out, format=syntax, from_graph=ox.NamedNode(graph), prefixes=prefixes)
    elif fmt.keeps_graphs and graph is None:
        store.dump(out, format=syntax, prefixes=prefixes)
    elif fmt.keeps_graphs:
        sub = ox.Store()
        sub.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        sub.dump(out, format=syntax, prefixes=prefixes)
    else:
        ox.serialize(store.query(UNION_TRIPLES), out, format=syntax, prefixes=prefixes)


def compact_jsonld(triples: Iterable[ox.Triple], context: dict, context_url: str) -> bytes:
    """JSON-LD compacted with ``context`` and referring to it by ``context_url``, by pyld (the reference JSON-LD
    processor; it never loads anything: the context is given)."""
    nquads = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    expanded = jsonld.from_rdf(nquads, {"format": "application/n-quads", "useNativeTypes": True})
    doc = jsonld.compact(expanded, context, {"documentLoader": _no_loading, "graph": True})
    doc["@context"] = context_url
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _no_loading(url: str, options=None):
    raise jsonld.JsonLdError(
        f"refusing to load {url}: the server loads nothing from the network",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def export_to_file(
    store: ox.Store, fmt: Format, path: Path, compress: bool = False, graph: str | None = None, sync: bool = True
) -> Path:
    """Write a dump to ``path`` atomically; with ``compress`` the file is gzipped (``.gz`` appended if missing);
    ``sync`` as for :func:`essgraph.files.atomic_write`."""
    if compress and path.suffix != ".gz":
        path = path.with_name(path.name + ".gz")
    with atomic_write(path, compress=compress, sync=sync) as out:
        write_dump(store, fmt, out, graph)
    return path
