"""Targets (SHACL 1.0 §2.1.3) and SHACL instances: which focus nodes a shape validates, and whether a node is an
instance of a class in the data (``rdf:type/rdfs:subClassOf*``).

Used by the SHACL Core engine and by the SHACL-SPARQL constraints alike. Targets: ``sh:targetClass``,
``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class targets (a shape that is also an
``rdfs:Class`` or ``owl:Class``), and SHACL-AF SPARQL-based targets (``sh:target [ sh:select … ]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from essgraph.rdf.rdflib_bridge import to_ox_term

if TYPE_CHECKING:
    from essgraph.validate.core.data import DataGraph

RDF_TYPE = ox.NamedNode(str(RDF.type))
SUBCLASS_OF = ox.NamedNode(str(RDFS.subClassOf))
TARGET_PREDICATES = {
    SH.targetClass: "class",
    SH.targetNode: "node",
    SH.targetSubjectsOf: "subjectsOf",
    SH.targetObjectsOf: "objectsOf",
}
CLASSES = (RDFS.Class, OWL.Class)


def compile_targets(graph: rdflib.Graph, shape) -> tuple[tuple[str, object], ...]:
    """The targets of ``shape``: ``(kind, pyoxigraph term)``, or ``("select", query text)``."""
    found = []
    for predicate, kind in TARGET_PREDICATES.items():
        found += [(kind, to_ox_term(v)) for v in graph.objects(shape, predicate)]
    if any((shape, RDF.type, c) in graph for c in CLASSES):
        found.append(("class", to_ox_term(shape)))
    for target in graph.objects(shape, SH.target):
        select = graph.value(target, SH.select)
        if select is not None:
            found.append(("select", sparql_prefixes(graph, target) + str(select)))
    return tuple(found)


def sparql_prefixes(graph: rdflib.Graph, node) -> str:
    """The PREFIX lines of the ``sh:prefixes`` declarations of ``node`` (SHACL 1.0 §5.2.1)."""
    lines = []
    for ontology in graph.objects(node, SH.prefixes):
        for decl in graph.objects(ontology, SH.declare):
            prefix, ns = graph.value(decl, SH.prefix), graph.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(dict.fromkeys(lines)) + "\n"


class Classes:
    """SHACL instances in a data graph: ``rdfs:subClassOf`` read once, types looked up per node and remembered; the
    focus nodes of targets."""

    def __init__(self, data: "DataGraph"):
        self.data = data
        store = self.store = data.store
        self.sub: dict = {}
        self.types: dict = {}
        self.closure: dict = {}
        for q in store.quads_for_pattern(None, SUBCLASS_OF, None, None):
            self.sub.setdefault(q.object, set()).add(q.subject)

    def subclasses(self, cls) -> set:
        """``cls`` and every class below it."""
        seen = self.closure.get(cls)
        if seen is None:
            seen, todo = {cls}, [cls]
            while todo:
                for s in self.sub.get(todo.pop(), ()):
                    if s not in seen:
                        seen.add(s)
                        todo.append(s)
            self.closure[cls] = seen
        return seen

    def is_instance(self, node, cls) -> bool:
        if isinstance(node, ox.Literal):
            return False
        types = self.types.get(node)
        if types is None:
            types = self.types[node] = {q.object for q in self.store.quads_for_pattern(node, RDF_TYPE, None, None)}
        return not types.isdisjoint(self.subclasses(cls))

    def focus_nodes(self, targets) -> list:
        """The focus nodes of ``targets``, each once."""
        store = self.store
        found: dict = {}
        for kind, arg in targets:
            if kind == "class":
                for cls in self.subclasses(arg):
                    for q in store.quads_for_pattern(None, RDF_TYPE, cls, None):
                        found[q.subject] = None
            elif kind == "node":
                found[arg] = None
            elif kind == "subjectsOf":
                for q in store.quads_for_pattern(None, arg, None, None):
                    found[q.subject] = None
            elif kind == "objectsOf":
                for subject in dict.fromkeys(q.subject for q in store.quads_for_pattern(None, arg, None, None)):
                    found.update(dict.fromkeys(self.data.objects(subject, arg)))
            else:
                for row in store.query(arg, use_default_graph_as_union=True):
                    found[row["this"]] = None
        return list(found)
