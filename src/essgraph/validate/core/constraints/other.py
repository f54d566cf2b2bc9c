"""Other constraint components (SHACL 1.0 §4.8): ``sh:closed`` (with ``sh:ignoredProperties``), ``sh:hasValue``,
``sh:in``."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from essgraph.rdf.rdflib_bridge import to_ox_term
from essgraph.validate.core.registry import Constraint, ValueConstraint, register


@register
class Closed(Constraint):
    """Every predicate of a value node must be the ``sh:path`` (an IRI) of one of the shape's property shapes, or
    listed in ``sh:ignoredProperties``; each other triple is a result with its predicate as path."""

    companions = (SH.ignoredProperties,)

    def __init__(self, compiler, shape, value):
        g = compiler.graph
        self.on = value == rdflib.Literal(True)
        allowed = {g.value(p, SH.path) for p in g.objects(shape.node, SH.property)}
        for ignored in g.objects(shape.node, SH.ignoredProperties):
            allowed.update(Collection(g, ignored))
        self.allowed = {ox.NamedNode(str(p)) for p in allowed if isinstance(p, rdflib.URIRef)}

    def evaluate(self, run, shape, focus, values):
        if not self.on:
            return
        for value in values:
            if isinstance(value, ox.Literal):
                continue
            for predicate, obj in run.data.triples(value):
                if predicate not in self.allowed:
                    yield self.finding(
                        shape,
                        focus,
                        obj,
                        f"Predicate {predicate.value} is not allowed (closed shape)",
                        path=predicate.value,
                    )


@register
class HasValue(Constraint):
    def __init__(self, compiler, shape, value):
        self.value = to_ox_term(value)

    def evaluate(self, run, shape, focus, values):
        if self.value not in values:
            yield self.finding(shape, focus, None, "Missing expected value")


@register
class In(ValueConstraint):
    def __init__(self, compiler, shape, value):
        self.members = {to_ox_term(x) for x in Collection(compiler.graph, value)}

    def fails(self, run, value):
        return value not in self.members

    def message(self, value):
        return "Value is not in the allowed list"
