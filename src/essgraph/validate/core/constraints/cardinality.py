"""Cardinality constraint components (SHACL 1.0 §4.2): ``sh:minCount``, ``sh:maxCount``."""

from __future__ import annotations

from essgraph.validate.core.registry import Constraint, register


class _Count(Constraint):
    def __init__(self, compiler, shape, value):
        self.count = int(value)


@register
class MinCount(_Count):
    def evaluate(self, run, shape, focus, values):
        if len(values) < self.count:
            yield self.finding(shape, focus, None, f"Less than {self.count} values on {shape.path_text}")


@register
class MaxCount(_Count):
    def evaluate(self, run, shape, focus, values):
        if len(values) > self.count:
            yield self.finding(shape, focus, None, f"More than {self.count} values on {shape.path_text}")
