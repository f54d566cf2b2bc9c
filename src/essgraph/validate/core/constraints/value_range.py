"""Value range constraint components (SHACL 1.0 §4.3): ``sh:minExclusive``, ``sh:minInclusive``,
``sh:maxExclusive``, ``sh:maxInclusive``, compared as SPARQL compares literals (see :func:`..xsd.order`): a value
that does not compare with the bound (an IRI, a string against a number, an ill-formed literal) fails."""

from __future__ import annotations

import pyoxigraph as ox

from essgraph.rdf.rdflib_bridge import to_ox_term
from essgraph.validate.core.registry import ValueConstraint, register
from essgraph.validate.core.xsd import order, sort_key


def literal_key(term) -> tuple | None:
    """The order key of a pyoxigraph term (None for IRIs, blank nodes and literals without an order)."""
    if not isinstance(term, ox.Literal):
        return None
    return sort_key(term.value, term.datatype.value, term.language)


class _Range(ValueConstraint):
    accepts: tuple[int, ...]
    symbol: str

    def __init__(self, compiler, shape, value):
        self.bound = to_ox_term(value)
        self.key = literal_key(self.bound)

    def fails(self, run, value):
        return order(literal_key(value), self.key) not in self.accepts

    def message(self, value):
        return f"Value is not {self.symbol} {self.bound}"


@register
class MinExclusive(_Range):
    accepts, symbol = (1,), ">"


@register
class MinInclusive(_Range):
    accepts, symbol = (0, 1), ">="


@register
class MaxExclusive(_Range):
    accepts, symbol = (-1,), "<"


@register
class MaxInclusive(_Range):
    accepts, symbol = (-1, 0), "<="
