"""The results of the official DCAT-AP 3.0.1 shapes that essgraph accepts on purpose, each for a harvester people
use, each documented here and in the README ("DCAT-AP waivers") and tested (tests/publish/test_catalog_shapes.py
asserts that a catalog gives exactly these results and no other violation, on every shapes file).

A waiver matches a result by its property path, its SHACL constraint component and its value, never by message
text; a result it does not match stays a violation and fails the build.

1. ``spdx:algorithm`` is ``http://spdx.org/rdf/terms#checksumAlgorithm_sha256``: the IRI SPDX 2.3 and DCAT 3 write,
   the only one udata 17 (data.gouv.fr) knows — with the ``https://`` form the vocabulary shape asks for
   (``:ChecksumAlgorithmRestriction``, ``sh:pattern "^https://spdx.org/rdf/terms"``), udata drops every checksum.
2. ``spdx:checksumValue`` is a plain literal (the lower-case hex SHA-256), not ``xsd:hexBinary``: SPDX 2.3 and
   DCAT 3 give the range ``xsd:hexBinary`` and DCAT-AP 3.0.1 requires it, but udata reads such a value through
   rdflib as *bytes* and then refuses the resource ("StringField only accepts string values"); udata's own RDF
   export and its test fixtures write a plain literal. One result per checksum in each shapes file that checks the
   datatype.
3. ``locn:geometry`` of the commune is a WKT literal (``gsp:wktLiteral``): ckanext-dcat reads (and writes) the
   geometry only as a literal — its ``spatial`` extra, which ckanext-spatial indexes — while DCAT-AP 3.0.1 wants a
   ``locn:Geometry`` node (``sh:nodeKind sh:BlankNodeOrIRI``, ``sh:class locn:Geometry``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import rdflib
from rdflib.namespace import RDF, SH

SPDX = "http://spdx.org/rdf/terms#"
GSP_WKT = rdflib.URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
SHA256_HTTP = rdflib.URIRef(SPDX + "checksumAlgorithm_sha256")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Waiver:
    name: str
    path: str  # the property, a full IRI
    components: tuple[rdflib.URIRef, ...]  # the SHACL constraint components whose results it accepts
    accepts: Callable[[rdflib.term.Node | None], bool]  # the values it accepts
    why: str


def _plain_digest(value) -> bool:
    return (
        isinstance(value, rdflib.Literal)
        and value.datatype in (None, rdflib.XSD.string)
        and bool(_HEX_DIGEST.fullmatch(str(value)))
    )


def _wkt(value) -> bool:
    return isinstance(value, rdflib.Literal) and value.datatype == GSP_WKT


WAIVERS = (
    Waiver(
        "checksum-algorithm-spdx2-iri",
        SPDX + "algorithm",
        (SH.NodeConstraintComponent,),
        lambda value: value == SHA256_HTTP,
        "udata reads only http://spdx.org/rdf/terms#checksumAlgorithm_sha256 (as SPDX 2.3 and DCAT 3 write it)",
    ),
    Waiver(
        "checksum-value-plain-literal",
        SPDX + "checksumValue",
        (SH.DatatypeConstraintComponent,),
        _plain_digest,
        "udata reads an xsd:hexBinary checksum as bytes and refuses the resource; it reads a plain literal",
    ),
    Waiver(
        "geometry-wkt-literal",
        "http://www.w3.org/ns/locn#geometry",
        (SH.NodeKindConstraintComponent, SH.ClassConstraintComponent),
        _wkt,
        "ckanext-dcat reads locn:geometry only as a literal (its spatial extra, indexed by ckanext-spatial)",
    ),
)


def waiver_for(path: str, component: str, value: rdflib.term.Node | None) -> Waiver | None:
    """The waiver that accepts a result of ``component`` (IRI) on property ``path`` (IRI) for ``value``, if any."""
    for waiver in WAIVERS:
        if path == waiver.path and component in {str(c) for c in waiver.components} and waiver.accepts(value):
            return waiver
    return None


def take_waived(report: rdflib.Graph) -> list[tuple[Waiver, rdflib.Graph]]:
    """Remove the waived results from a pySHACL report graph; each is returned with a graph holding it alone."""
    taken = []
    for result in list(report.subjects(RDF.type, SH.ValidationResult)):
        waiver = waiver_for(
            str(report.value(result, SH.resultPath)),
            str(report.value(result, SH.sourceConstraintComponent)),
            report.value(result, SH.value),
        )
        if waiver is None:
            continue
        alone = rdflib.Graph()
        for triple in list(report.triples((result, None, None))):
            alone.add(triple)
            report.remove(triple)
        for triple in list(report.triples((None, None, result))):
            report.remove(triple)
        taken.append((waiver, alone))
    return taken
