"""Shape-based constraint components (SHACL 1.0 §4.7): ``sh:node``, ``sh:property``, ``sh:qualifiedValueShape``
with ``sh:qualifiedMinCount`` / ``sh:qualifiedMaxCount`` (each its own component) and
``sh:qualifiedValueShapesDisjoint``."""

from __future__ import annotations

import rdflib
from rdflib.namespace import SH

from essgraph.validate.core.registry import Constraint, OneShape, ValueConstraint, register


@register
class Node(OneShape, ValueConstraint):
    def fails(self, run, value):
        return not run.conforms(self.shape, value)

    def message(self, value):
        return f"Value does not conform to shape {self.shape.label}"


@register
class Property(OneShape, Constraint):
    """Each value node is validated against the property shape; its results are reported as they are."""

    def evaluate(self, run, shape, focus, values):
        for value in values:
            yield from run.check(self.shape, value)


class _Qualified(Constraint):
    """Counts the value nodes that conform to ``sh:qualifiedValueShape`` — and, when the shape asks for disjoint
    qualified shapes, to none of its siblings' (SHACL 1.0 §4.7.3)."""

    def __init__(self, compiler, shape, value):
        g = compiler.graph
        self.count = int(value)
        qualified = g.value(shape.node, SH.qualifiedValueShape)
        self.shape = compiler.shape(qualified) if qualified is not None else None
        self.siblings = []
        if g.value(shape.node, SH.qualifiedValueShapesDisjoint) == rdflib.Literal(True):
            siblings = {
                s
                for parent in g.subjects(SH.property, shape.node)
                for prop in g.objects(parent, SH.property)
                for s in g.objects(prop, SH.qualifiedValueShape)
            } - {qualified}
            self.siblings = [compiler.shape(s) for s in sorted(siblings, key=str)]

    def conforming(self, run, values) -> int:
        return sum(
            1 for v in values if run.conforms(self.shape, v) and not any(run.conforms(s, v) for s in self.siblings)
        )


@register
class QualifiedMinCount(_Qualified):
    companions = (SH.qualifiedValueShape, SH.qualifiedValueShapesDisjoint)

    def evaluate(self, run, shape, focus, values):
        if self.shape is not None and self.conforming(run, values) < self.count:
            yield self.finding(shape, focus, None, f"Less than {self.count} values conform to the qualified shape")


@register
class QualifiedMaxCount(_Qualified):
    companions = (SH.qualifiedValueShape, SH.qualifiedValueShapesDisjoint)

    def evaluate(self, run, shape, focus, values):
        if self.shape is not None and self.conforming(run, values) > self.count:
            yield self.finding(shape, focus, None, f"More than {self.count} values conform to the qualified shape")
