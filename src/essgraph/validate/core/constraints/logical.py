"""Logical constraint components (SHACL 1.0 §4.6): ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``: each value node
is checked for conformance to other shapes (their own results are not reported, only this one)."""

from __future__ import annotations

from rdflib.namespace import SH

from essgraph.validate.core.registry import OneShape, ValueConstraint, component_iri, register


@register
class Not(OneShape, ValueConstraint):
    parameter = getattr(SH, "not")
    component = component_iri("Not")

    def fails(self, run, value):
        return run.conforms(self.shape, value)

    def message(self, value):
        return f"Value conforms to shape {self.shape.label}, which it must not"


class _List(ValueConstraint):
    def __init__(self, compiler, shape, value):
        self.members = compiler.members(value)


@register
class And(_List):
    parameter = getattr(SH, "and")
    component = component_iri("And")

    def fails(self, run, value):
        return not all(run.conforms(m, value) for m in self.members)

    def message(self, value):
        return "Value does not conform to every shape of sh:and"


@register
class Or(_List):
    parameter = getattr(SH, "or")
    component = component_iri("Or")

    def fails(self, run, value):
        return not any(run.conforms(m, value) for m in self.members)

    def message(self, value):
        return "Value does not conform to any shape of sh:or"


@register
class Xone(_List):
    parameter = SH.xone
    component = component_iri("Xone")

    def fails(self, run, value):
        return sum(1 for m in self.members if run.conforms(m, value)) != 1

    def message(self, value):
        return "Value does not conform to exactly one shape of sh:xone"
