"""Dumps of the store in every RDF format, written atomically (a temporary file renamed into place)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import ConfigError
from .vocab import PREFIXES

#: export format name -> (pyoxigraph format, keeps named graphs, file extension)
EXPORT_FORMATS: dict[str, tuple[ox.RdfFormat, bool, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, False, "ttl"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, False, "nt"),
    "nquads": (ox.RdfFormat.N_QUADS, True, "nq"),
    "trig": (ox.RdfFormat.TRIG, True, "trig"),
    "jsonld": (ox.RdfFormat.JSON_LD, True, "jsonld"),
    "rdfxml": (ox.RdfFormat.RDF_XML, False, "rdf"),
}


def export_format(name: str) -> tuple[ox.RdfFormat, bool, str]:
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        raise ConfigError(f"unknown export format {name!r}",
                          hint="use one of " + ", ".join(EXPORT_FORMATS)) from None


def merged_triples(store: ox.Store, graph: str | None = None) -> ox.Store:
    """The union of the named graphs (or one graph) as the default graph of a new in-memory store."""
    merged = ox.Store()
    pattern_graph = ox.NamedNode(graph) if graph else None
    merged.extend(ox.Quad(q.subject, q.predicate, q.object)
                  for q in store.quads_for_pattern(None, None, None, pattern_graph))
    return merged


def write_dump(store: ox.Store, name: str, out: IO[bytes], graph: str | None = None) -> None:
    fmt, keeps_graphs, _ext = export_format(name)
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    if keeps_graphs and graph is None:
        store.dump(out, format=fmt, prefixes=prefixes)
    elif keeps_graphs:
        sub = ox.Store()
        sub.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        sub.dump(out, format=fmt, prefixes=prefixes)
    else:
        merged = merged_triples(store, graph)
        merged.dump(out, format=fmt, from_graph=ox.DefaultGraph(), prefixes=prefixes)


def export_to_file(store: ox.Store, name: str, path: Path, compress: bool = False, graph: str | None = None) -> Path:
    """Write a dump to ``path`` atomically; with ``compress`` the file is gzipped (``.gz`` appended if missing)."""
    if compress and path.suffix != ".gz":
        path = path.with_name(path.name + ".gz")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as raw:
            if compress:
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
                    write_dump(store, name, zipped, graph)
            else:
                write_dump(store, name, raw, graph)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
