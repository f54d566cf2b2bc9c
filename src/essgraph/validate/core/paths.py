"""SHACL property paths (SHACL 1.0 §2.3.1): compiled once from the shapes graph, evaluated on a pyoxigraph store.

A compiled path is a tuple: ``("iri", p)`` and ``("inv", p)`` for a predicate and its inverse, ``("seq", [...])``,
``("alt", [...])``, ``("star", q)``, ``("plus", q)``, ``("opt", q)``. Inverses are pushed down to predicates when
compiling (``^(a/b)`` is ``^b/^a``, ``^(a*)`` is ``(^a)*``), so evaluation only ever looks quads up by subject or by
object in the store's indexes (through :class:`.data.DataGraph`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from essgraph.errors import ShapesError

if TYPE_CHECKING:
    from essgraph.validate.core.data import DataGraph

_REPEAT = {SH.zeroOrMorePath: "star", SH.oneOrMorePath: "plus", SH.zeroOrOnePath: "opt"}
PATH_PREDICATES = frozenset({SH.inversePath, SH.alternativePath, *_REPEAT, RDF.first, RDF.rest})


def compile_path(graph: rdflib.Graph, node, inverse: bool = False) -> tuple:
    """The compiled form of the path ``node`` of ``graph`` (or of its inverse)."""
    if isinstance(node, rdflib.URIRef):
        return ("inv" if inverse else "iri", ox.NamedNode(str(node)))
    if (node, RDF.first, None) in graph:
        steps = [compile_path(graph, p, inverse) for p in Collection(graph, node)]
        return ("seq", steps[::-1] if inverse else steps)
    inner = graph.value(node, SH.inversePath)
    if inner is not None:
        return compile_path(graph, inner, not inverse)
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return ("alt", [compile_path(graph, p, inverse) for p in Collection(graph, alternatives)])
    for predicate, kind in _REPEAT.items():
        inner = graph.value(node, predicate)
        if inner is not None:
            return (kind, compile_path(graph, inner, inverse))
    raise ShapesError(
        f"{node} is not a SHACL property path",
        hint="use an IRI, a list (sequence), sh:inversePath, sh:alternativePath or sh:zeroOrMorePath, "
        "sh:oneOrMorePath, sh:zeroOrOnePath",
    )


def values(data: "DataGraph", node, path: tuple) -> list:
    """The value nodes of ``node`` for ``path``, each once, in the order found."""
    kind, arg = path
    if kind == "iri":
        return data.objects(node, arg)
    if kind == "inv":
        return data.subjects(arg, node)
    if kind == "alt":
        return list(dict.fromkeys(v for p in arg for v in values(data, node, p)))
    if kind == "seq":
        nodes = [node]
        for step in arg:
            nodes = list(dict.fromkeys(v for n in nodes for v in values(data, n, step)))
        return nodes
    if kind == "opt":
        return list(dict.fromkeys([node, *values(data, node, arg)]))
    reached = {node: None} if kind == "star" else {}
    todo = [node]
    while todo:
        for v in values(data, todo.pop(), arg):
            if v not in reached:
                reached[v] = None
                todo.append(v)
    return list(reached)
