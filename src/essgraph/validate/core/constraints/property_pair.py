"""Property pair constraint components (SHACL 1.0 §4.5): ``sh:equals``, ``sh:disjoint``, ``sh:lessThan``,
``sh:lessThanOrEquals``: the value nodes against the values of the focus node for another predicate."""

from __future__ import annotations

from essgraph.rdf.rdflib_bridge import to_ox_term
from essgraph.validate.core.constraints.value_range import literal_key
from essgraph.validate.core.registry import Constraint, parameter_name, register
from essgraph.validate.core.xsd import order


class _Pair(Constraint):
    def __init__(self, compiler, shape, value):
        self.predicate = to_ox_term(value)

    def others(self, run, focus) -> list:
        return run.values(focus, ("iri", self.predicate))

    def message(self, shape) -> str:
        return f"{parameter_name(type(self).__name__)} constraint on {shape.path_text or self.predicate.value}"


@register
class Equals(_Pair):
    def evaluate(self, run, shape, focus, values):
        others = self.others(run, focus)
        for value in [v for v in values if v not in others] + [o for o in others if o not in values]:
            yield self.finding(shape, focus, value, self.message(shape))


@register
class Disjoint(_Pair):
    def evaluate(self, run, shape, focus, values):
        others = self.others(run, focus)
        for value in values:
            if value in others:
                yield self.finding(shape, focus, value, self.message(shape))


class _Order(_Pair):
    accepts: tuple[int, ...]

    def evaluate(self, run, shape, focus, values):
        others = [(o, literal_key(o)) for o in self.others(run, focus)]
        for value in values:  # one result per pair that is not in order (SHACL 1.0 §4.5.3)
            key = literal_key(value)
            for _other, other_key in others:
                if order(key, other_key) not in self.accepts:
                    yield self.finding(shape, focus, value, self.message(shape))


@register
class LessThan(_Order):
    accepts = (-1,)


@register
class LessThanOrEquals(_Order):
    accepts = (-1, 0)
