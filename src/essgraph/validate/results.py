"""Validation results as the build reports them, whichever engine found them (essgraph's SHACL Core engine, pySHACL,
the SHACL-SPARQL constraints or the integrity queries).

Each result names the focus node, the path, the value, the message and the shape. Terms and paths are printed one
way for every engine (:func:`term_text`, :func:`path_text`), which is what lets the tests compare the engines' results
as plain tuples.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

_PATH_SUFFIX = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str
    dataset: str = ""
    location: str = ""  # the workbook cell the focus node comes from (essgraph.intake), when it does
    message_fr: str = ""  # the French message, given with the location

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        value = f" value {self.value}" if self.value else ""
        path = f" path {self.path}" if self.path else ""
        where = f"{self.location}: " if self.location else ""
        french = f" / {self.message_fr}" if self.message_fr else ""
        return f"{where}{self.severity}: {self.focus}{path}{value}: {self.message}{french}"


def finding_result(f, dataset: str) -> Result:
    """The result of a finding of essgraph's SHACL Core engine (:class:`essgraph.validate.core.registry.Finding`)."""
    return Result(
        f.severity, term_text(f.focus), f.path_text, term_text(f.value, literal=True), f.message, f.shape.label, dataset
    )


def severity_name(node) -> str:
    """``sh:Violation`` -> "Violation"; a missing or unknown severity counts as a violation."""
    return SEVERITIES.get(node, "Violation")


def messages_by_language(literals) -> dict:
    """``sh:message`` / ``sh:resultMessage`` literals by language tag (None: no tag)."""
    return {getattr(m, "language", None): str(m) for m in literals}


def pick_message(by_language: dict) -> str:
    """The one message a result keeps of its translations: English, untagged, French, else the first by tag."""
    for language in ("en", None, "fr"):
        if language in by_language:
            return by_language[language]
    return by_language[min(by_language)] if by_language else ""


def sort_results(results: list[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (SEVERITY_ORDER[r.severity], r.focus, r.path, r.value, r.message))


def term_text(term, literal: bool = False) -> str:
    """A pyoxigraph term as results print it: an IRI bare, a blank node ``[]``, a literal in N-Triples form when
    ``literal`` (values), else its lexical form."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "[]"
    return str(term) if literal else term.value


def rdflib_term_text(term) -> str:
    """An rdflib term as results print it (the same text as :func:`term_text` with ``literal=True``)."""
    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        return str(term)
    if isinstance(term, rdflib.BNode):
        return "[]"
    return term.n3()


def path_text(graph: rdflib.Graph, node) -> str:
    """A SHACL property path (SHACL 1.0 §2.3.1) in SPARQL property-path notation, sequences joined by " / "."""
    if node is None:
        return ""
    if isinstance(node, rdflib.URIRef):
        return str(node)
    if (node, RDF.first, None) in graph:
        return " / ".join(_nested(graph, p) for p in Collection(graph, node))
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _nested(graph, inverse)
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + " | ".join(path_text(graph, p) for p in Collection(graph, alternatives)) + ")"
    for predicate, suffix in _PATH_SUFFIX.items():
        inner = graph.value(node, predicate)
        if inner is not None:
            return _nested(graph, inner) + suffix
    return "[unknown path]"


def _nested(graph: rdflib.Graph, node) -> str:
    text = path_text(graph, node)
    return f"({text})" if " / " in text else text
