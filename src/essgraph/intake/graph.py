"""A small triple builder for the intake: relative IRIs, typed literals, and Turtle files with no base IRI.

The converted plan is written like the hand-written data (docs/modelling.md): relative IRIs (``<id/plan/...>``) and
no ``@base``, so a deployer changes the base IRI and rebuilds. Triples are made against the placeholder base of
:data:`.reference.LOCAL` and written relative by removing it (it cannot occur anywhere else: it is an ``.invalid``
host). Output is deterministic — same workbook, same bytes — so the build's validation cache keeps working.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyoxigraph as ox

from essgraph.intake.reference import LOCAL
from essgraph.rdf.namespaces import ESS_SCHEMES, PREFIXES

XSD = PREFIXES["xsd"]
TURTLE_PREFIXES = {
    k: PREFIXES[k]
    for k in ("ess", "rdf", "rdfs", "xsd", "skos", "dct", "foaf", "org", "prov", "time", "schema", "oa", "sdg")
}


def iri(value: str) -> ox.NamedNode:
    """A relative IRI of the data (``id/...``) or an absolute one."""
    return ox.NamedNode(value if ":" in value.split("/", 1)[0] else LOCAL + value)


def term(prefixed: str) -> ox.NamedNode:
    prefix, local = prefixed.split(":", 1)
    return ox.NamedNode(PREFIXES[prefix] + local)


def concept(scheme: str, code: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ESS_SCHEMES}{scheme}/{code}")


def fr(text: str) -> ox.Literal:
    return ox.Literal(text, language="fr")


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def typed(value) -> ox.Literal:
    """A number (xsd:integer when whole, else xsd:decimal), a date or a string literal."""
    if isinstance(value, bool):
        raise TypeError("booleans are not data here")
    if isinstance(value, (int, Decimal, float)):
        number = Decimal(str(value))
        if number == number.to_integral_value():
            return ox.Literal(str(int(number)), datatype=ox.NamedNode(XSD + "integer"))
        return ox.Literal(format(number.normalize(), "f"), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(str(value))


def literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


class Graph:
    """Triples in the order they were added (duplicates dropped), serialised as Turtle with relative IRIs."""

    def __init__(self) -> None:
        self.triples: dict[ox.Triple, None] = {}

    def add(self, s, p, o) -> None:
        if isinstance(s, str):
            s = iri(s)
        if isinstance(p, str):
            p = term(p)
        if isinstance(o, str):
            o = iri(o)
        self.triples[ox.Triple(s, p, o)] = None

    def __len__(self) -> int:
        return len(self.triples)

    def turtle(self, header: str) -> bytes:
        """Turtle with one block per subject (subjects in the order they first appear), relative IRIs, no @base."""
        by_subject: dict = {}
        for t in self.triples:
            by_subject.setdefault(t.subject, []).append(t)
        ordered = [t for group in by_subject.values() for t in group]
        body = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES)
        text = body.decode("utf-8").replace("<" + LOCAL, "<")
        lines = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
        return (lines + "\n" + text).encode("utf-8")
