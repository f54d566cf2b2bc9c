"""Logical constraint components (SHACL 1.0 §4.6): ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``: each value node
is checked for conformance to other shapes (their own results are not reported, only this one)."""

from __future__ import annotations

from typing import ClassVar, Iterable

from essgraph.validate.core.registry import OneShape, ValueConstraint, parameter_name, register


@register
class Not(OneShape, ValueConstraint):
    def fails(self, run, value):
        return run.conforms(self.shape, value)

    def message(self, value):
        return f"Value conforms to shape {self.shape.label}, which it must not"


def _exactly_one(conforms: Iterable[bool]) -> bool:
    return sum(conforms) == 1


class _List(ValueConstraint):
    """``sh:and``, ``sh:or``, ``sh:xone``: a list of shapes, and how many of them a value node must conform to
    (``enough``, over the value's conformance to each member in turn, and its ``wording`` in the message)."""

    enough: ClassVar[staticmethod[[Iterable[bool]], bool]]
    wording: ClassVar[str]

    def __init__(self, compiler, shape, value):
        self.members = compiler.members(value)

    def fails(self, run, value):
        return not self.enough(run.conforms(m, value) for m in self.members)  # all / any stop at the first answer

    def message(self, value):
        return f"Value does not conform to {self.wording} shape of sh:{parameter_name(type(self).__name__)}"


@register
class And(_List):
    enough, wording = staticmethod(all), "every"


@register
class Or(_List):
    enough, wording = staticmethod(any), "any"


@register
class Xone(_List):
    enough, wording = staticmethod(_exactly_one), "exactly one"
