"""The dumps as a harvester finds them: the catalog's distributions that are files, with their declared size and
checksum (read from the served ``/catalog.ttl`` by rdflib, an independent reader)."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
OX_FORMATS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
              "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG,
              "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}


def distributions(server) -> list[dict]:
    """The distributions that are files (a download URL): the dumps."""
    catalog = rdflib.Graph().parse(data=server.get("/catalog.ttl").content, format="turtle")
    found = []
    for dist in catalog.subjects(rdflib.RDF.type, DCAT.Distribution):
        if catalog.value(dist, DCAT.downloadURL) is None:
            continue
        checksum = catalog.value(dist, SPDX.checksum)
        found.append({
            "iri": str(dist),
            "url": str(catalog.value(dist, DCAT.downloadURL)),
            "access": str(catalog.value(dist, DCAT.accessURL)),
            "media": str(catalog.value(dist, DCAT.mediaType)).split("media-types/")[1],
            "gzip": catalog.value(dist, DCAT.compressFormat) is not None,
            "size": catalog.value(dist, DCAT.byteSize),
            "sha256": str(catalog.value(checksum, SPDX.checksumValue)),
            "algorithm": str(catalog.value(checksum, SPDX.algorithm)),
        })
    return found
