"""Namespaces and IRIs used by the code, defined once here; namespaces as term factories and a triple set for the
generated graphs (catalog, VoID).

:data:`PREFIXES` is the one table of namespaces; :data:`EXTRA_PREFIXES` adds the few that only the catalog and
the service description use (SPDX, vCard, Hydra, ADMS, W3C formats); :data:`DOCUMENT_PREFIXES` is both, the prefixes
every Turtle, TriG and RDF/XML document declares.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

import pyoxigraph as ox

ESS = "https://w3id.org/essgraph/def#"
ESS_SCHEMES = "https://w3id.org/essgraph/def/"

PREFIXES = {
    "ess": ESS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "time": "http://www.w3.org/2006/time#",
    "schema": "http://schema.org/",
    "qb": "http://purl.org/linked-data/cube#",
    "dqv": "http://www.w3.org/ns/dqv#",
    "oa": "http://www.w3.org/ns/oa#",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "sdg": "http://metadata.un.org/sdg/",
}


def iri(curie: str) -> str:
    """``ess:Action`` -> full IRI (full IRIs pass through)."""
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return curie


def curie(value: str) -> str:
    """The shortest ``prefix:local`` form of an IRI, or the IRI itself."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns) and len(ns) > len(best) and re.fullmatch(r"[\w.-]*", value[len(ns) :]):
            best = ns
            name = f"{prefix}:{value[len(ns) :]}"
    return name if best else value


def sparql_prefixes(*names: str) -> str:
    """PREFIX lines for a SPARQL query (all known prefixes when no name is given)."""
    chosen = names or tuple(PREFIXES)
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)


EXTRA_PREFIXES = {
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "dcatap": "http://data.europa.eu/r5r/",
    "locn": "http://www.w3.org/ns/locn#",
    "gsp": "http://www.opengis.net/ont/geosparql#",
    "formats": "http://www.w3.org/ns/formats/",
}
#: the prefixes every Turtle, TriG and RDF/XML document declares (see essgraph.rdf.serialize)
DOCUMENT_PREFIXES = {**PREFIXES, **EXTRA_PREFIXES}


def namespace(iri: str) -> Callable[[str], ox.NamedNode]:
    return lambda local: ox.NamedNode(iri + local)


RDF, RDFS, XSD = (namespace(PREFIXES[p]) for p in ("rdf", "rdfs", "xsd"))
DCAT, DCT, FOAF, PROV, SKOS, VOID, ESS_TERM = (
    namespace(PREFIXES[p]) for p in ("dcat", "dct", "foaf", "prov", "skos", "void", "ess")
)
SPDX, HYDRA, VCARD, LOCN = (namespace(EXTRA_PREFIXES[p]) for p in ("spdx", "hydra", "vcard", "locn"))


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(value: str, datatype: ox.NamedNode | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=datatype) if datatype else ox.Literal(value)


class Triples:
    """An ordered set of triples with (subject, predicate) and (predicate, object) look-ups."""

    def __init__(self) -> None:
        self._triples: dict[ox.Triple, None] = {}
        self._by_sp: dict[tuple, list] = {}
        self._by_po: dict[tuple, list] = {}

    def add(self, s, p, o) -> None:
        t = ox.Triple(s, p, o)
        if t in self._triples:
            return
        self._triples[t] = None
        self._by_sp.setdefault((s, p), []).append(o)
        self._by_po.setdefault((p, o), []).append(s)

    def objects(self, s, p) -> list:
        return list(self._by_sp.get((s, p), ()))

    def subjects(self, p, o) -> list:
        return list(self._by_po.get((p, o), ()))

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)
