"""Dumps of the store in every RDF format, written atomically (a temporary file renamed into place)."""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from essgraph.errors import ConfigError
from essgraph.rdf.namespaces import PREFIXES

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


UNION_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def write_dump(store: ox.Store, name: str, out: IO[bytes], graph: str | None = None) -> None:
    """Serialize the store (or one named graph) in format ``name``; all the work is done by pyoxigraph.

    Formats with named graphs keep them; the others get the union of the graphs (a triple in two graphs may be
    written twice, which RDF parsers read as one).
    """
    fmt, keeps_graphs, _ext = export_format(name)
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    if graph is not None and not keeps_graphs:
        store.dump(out, format=fmt, from_graph=ox.NamedNode(graph), prefixes=prefixes)
    elif keeps_graphs and graph is None:
        store.dump(out, format=fmt, prefixes=prefixes)
    elif keeps_graphs:
        sub = ox.Store()
        sub.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        sub.dump(out, format=fmt, prefixes=prefixes)
    else:
        store.query(UNION_TRIPLES).serialize(out, format=fmt)


def gzip_file(source: Path, target: Path) -> Path:
    """Compress ``source`` into ``target`` atomically (fixed mtime: the same bytes give the same file)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(source, "rb") as raw, open(tmp, "wb") as out:
            with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=6) as zipped:
                shutil.copyfileobj(raw, zipped, 1 << 20)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


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
