"""The constraint registry: one class per SHACL Core constraint component, keyed by the parameter that declares it.

A shape's constraints are found by looking its predicates up here (``REGISTRY[sh:minCount]`` is
:class:`MinCount`...), never by a chain of ``if``s: adding a component is adding a class with ``@register``. The
families live in the modules of this package named after SHACL 1.0 §4 (value_type, cardinality, value_range,
string_based, property_pair, logical, shape_based, other), like pySHACL's ``constraints/core/``.

A component class is named after the component (its parameter and its ``sh:sourceConstraintComponent`` IRI follow
from the name, see :func:`register`), declares its companions (optional parameters read with it: ``sh:flags`` for
``sh:pattern``…) and a default message; it is built once per value of its parameter when the shapes are compiled,
and :meth:`Constraint.evaluate` yields the findings for one focus node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterator

import rdflib
from rdflib.namespace import SH

if TYPE_CHECKING:
    from essgraph.validate.core.engine import Run
    from essgraph.validate.core.shape import Compiler, Shape


@dataclass(frozen=True, eq=False)
class Finding:
    """One validation result of the SHACL Core engine, with pyoxigraph terms."""

    shape: "Shape"  # sh:sourceShape (and the severity, the path and sh:message come from it)
    component: str  # sh:sourceConstraintComponent
    focus: object  # sh:focusNode
    value: object = None  # sh:value, None when the component reports none
    message: str = ""
    path: str | None = None  # sh:resultPath when it is not the shape's own (sh:closed reports the predicate)

    @property
    def severity(self) -> str:
        return self.shape.severity

    @property
    def severity_iri(self):
        return self.shape.severity_iri

    @property
    def path_text(self) -> str:
        return self.shape.path_text if self.path is None else self.path


class Constraint:
    """A constraint component with the values of its parameters in one shape."""

    parameter: ClassVar[rdflib.URIRef]
    companions: ClassVar[tuple[rdflib.URIRef, ...]] = ()
    component: ClassVar[str]

    def __init__(self, compiler: "Compiler", shape: "Shape", value) -> None:
        """Read the parameter ``value`` (and the companions from ``compiler.graph``) for ``shape``."""

    def evaluate(self, run: "Run", shape: "Shape", focus, values: list) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, shape: "Shape", focus, value=None, default: str = "", path: str | None = None) -> Finding:
        """A finding of this component; its message is the shape's ``sh:message`` when it has one."""
        return Finding(shape, self.component, focus, value, shape.message or default, path)


class ValueConstraint(Constraint):
    """A component that tests each value node on its own and reports each failing one as ``sh:value``."""

    def fails(self, run: "Run", value) -> bool:
        raise NotImplementedError

    def message(self, value) -> str:
        raise NotImplementedError

    def evaluate(self, run, shape, focus, values):
        for value in values:
            if self.fails(run, value):
                yield self.finding(shape, focus, value, self.message(value))


class OneShape:
    """Mixin of the components whose parameter is one shape (``sh:node``, ``sh:not``, ``sh:property``)."""

    def __init__(self, compiler: "Compiler", shape: "Shape", value) -> None:
        self.shape = compiler.shape(value)


REGISTRY: dict[rdflib.URIRef, type[Constraint]] = {}


def register(cls: type[Constraint]) -> type[Constraint]:
    """Class decorator: make ``cls`` the constraint declared by its parameter.

    SHACL Core names each component after its parameter (SHACL 1.0 §4), and so do the classes here: the class's
    name is the one place it is written. ``MinCount`` is declared by ``sh:minCount`` and reported as
    ``sh:MinCountConstraintComponent``."""
    name = cls.__name__
    cls.parameter = SH[parameter_name(name)]
    cls.component = str(SH[name + "ConstraintComponent"])
    if cls.parameter in REGISTRY:
        raise ValueError(f"two constraint components declared by {cls.parameter}")
    REGISTRY[cls.parameter] = cls
    return cls


def parameter_name(component: str) -> str:
    """The local name of the parameter that declares a component (``"MinCount"`` -> ``"minCount"``)."""
    return component[0].lower() + component[1:]


def parameters() -> frozenset[rdflib.URIRef]:
    """Every SHACL parameter a registered component reads (declaring ones and companions)."""
    return frozenset(p for cls in REGISTRY.values() for p in (cls.parameter, *cls.companions))
