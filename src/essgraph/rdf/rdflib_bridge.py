"""pyoxigraph terms and quads as rdflib ones, for pySHACL (the only part of essgraph that needs rdflib graphs), and
rdflib terms of a shapes graph as pyoxigraph ones, for the SHACL Core engine.

Imported by validation and the DCAT-AP check only: the server never loads rdflib.
"""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_rdflib_term(term, bnodes: dict[str, BNode]):
    """A pyoxigraph term as an rdflib one; literals keep their lexical form (rdflib would print "650"^^xsd:double as
    "650.0e+00" and read "1"^^xsd:boolean as "true", a different RDF term)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        node = bnodes.get(term.value)
        if node is None:
            node = bnodes[term.value] = BNode(term.value)
        return node
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return Literal(term.value, normalize=False)
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
    raise TypeError(f"unsupported RDF term {term!r}")


def to_ox_term(term):
    """An rdflib term as a pyoxigraph one (blank nodes keep their identifier)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_rdflib_graph(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """All the triples of ``quads`` (whatever their graph) as one rdflib graph, for pySHACL."""
    graph = rdflib.Graph()
    bnodes: dict[str, BNode] = {}
    add = graph.add
    conv = to_rdflib_term
    for q in quads:
        add((conv(q.subject, bnodes), conv(q.predicate, bnodes), conv(q.object, bnodes)))
    return graph
