"""pyoxigraph terms and quads as rdflib ones, for pySHACL (the only part of essgraph that needs rdflib graphs).

Imported by validation and the DCAT-AP check only: the server never loads rdflib.
"""

from __future__ import annotations

from typing import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, URIRef


def to_rdflib_term(term, bnodes: dict[str, BNode]):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        node = bnodes.get(term.value)
        if node is None:
            node = bnodes[term.value] = BNode(term.value)
        return node
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
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
