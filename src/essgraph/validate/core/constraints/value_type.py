"""Value type constraint components (SHACL 1.0 §4.1): ``sh:class``, ``sh:datatype``, ``sh:nodeKind``.

``sh:datatype`` also checks the lexical form (``"14/03/2024"^^xsd:date`` fails): see :mod:`..xsd`. It follows the
specification where pySHACL does not: ``sh:datatype rdfs:Literal`` is met by no literal (pySHACL accepts any).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import SH

from essgraph.errors import ShapesError
from essgraph.rdf.rdflib_bridge import to_ox_term
from essgraph.validate.core.registry import ValueConstraint, register
from essgraph.validate.core.xsd import LANGSTRING, XSD, well_formed


@register
class Class(ValueConstraint):
    def __init__(self, compiler, shape, value):
        self.cls = to_ox_term(value)

    def fails(self, run, value):
        return not run.classes.is_instance(value, self.cls)

    def message(self, value):
        return f"Value does not have class {self.cls.value}"


@register
class Datatype(ValueConstraint):
    def __init__(self, compiler, shape, value):
        self.datatype = str(value)

    def fails(self, run, value):
        if not isinstance(value, ox.Literal) or value.datatype.value != self.datatype:
            return True
        if value.language:
            return not well_formed(value.language, XSD + "language") or not well_formed(value.value, LANGSTRING)
        return not well_formed(value.value, self.datatype)

    def message(self, value):
        return f"Value is not a literal of datatype {self.datatype}"


_KINDS = {
    SH.IRI: (ox.NamedNode,),
    SH.BlankNode: (ox.BlankNode,),
    SH.Literal: (ox.Literal,),
    SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode),
    SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
    SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
}


@register
class NodeKind(ValueConstraint):
    def __init__(self, compiler, shape, value):
        if value not in _KINDS:
            raise ShapesError(
                f"shape {shape.label}: {value} is not a node kind",
                hint="use sh:IRI, sh:BlankNode, sh:Literal, sh:BlankNodeOrIRI, sh:BlankNodeOrLiteral "
                "or sh:IRIOrLiteral",
            )
        self.kind, self.types = str(value).rsplit("#", 1)[-1], _KINDS[value]

    def fails(self, run, value):
        return not isinstance(value, self.types)

    def message(self, value):
        return f"Value is not of node kind {self.kind}"
