"""SHACL validation with pySHACL, and the report a person can act on.

Each result names the focus node, the path, the value, the message and the shape. Violations stop a build;
warnings and infos are kept in the build report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, SH

from .errors import RdfSyntaxError

SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str
    dataset: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        value = f" value {self.value}" if self.value else ""
        path = f" path {self.path}" if self.path else ""
        return f"{self.severity}: {self.focus}{path}{value}: {self.message}"


def load_shapes(files: tuple[Path, ...]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many types; all mean "this shapes file is unreadable"
            raise RdfSyntaxError(str(path), getattr(exc, "lineno", None), None, str(exc)) from None
    return graph


def _n3(term) -> str:
    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        return str(term)
    if isinstance(term, rdflib.BNode):
        return "[]"
    return term.n3()


def _path(graph: rdflib.Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, rdflib.URIRef):
        return str(node)
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return f"^{inverse}"
    if (node, RDF.first, None) in graph:
        return " / ".join(str(p) for p in rdflib.collection.Collection(graph, node))
    return "[complex path]"


def _message(graph: rdflib.Graph, result) -> str:
    messages = list(graph.objects(result, SH.resultMessage))
    by_lang = {getattr(m, "language", None): str(m) for m in messages}
    for lang in ("en", None, "fr"):
        if lang in by_lang:
            return by_lang[lang]
    return str(messages[0]) if messages else "constraint not satisfied"


def parse_report(report: rdflib.Graph, dataset: str = "") -> list[Result]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        results.append(Result(
            severity=SEVERITIES.get(report.value(node, SH.resultSeverity), "Violation"),
            focus=_n3(report.value(node, SH.focusNode)),
            path=_path(report, report.value(node, SH.resultPath)),
            value=_n3(report.value(node, SH.value)),
            message=_message(report, node),
            shape=_n3(report.value(node, SH.sourceShape)),
            dataset=dataset,
        ))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(results, key=lambda r: (order[r.severity], r.focus, r.path, r.value, r.message))


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph, dataset: str = "") -> list[Result]:
    """Validate ``data`` against ``shapes`` (no inference; SHACL-SPARQL constraints enabled)."""
    if len(shapes) == 0:
        return []
    from pyshacl import validate  # imported lazily: it is slow to import and not needed to serve

    _conforms, report, _text = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
        allow_infos=True, abort_on_first=False, meta_shacl=False,
    )
    return parse_report(report, dataset)
