"""SHACL validation with pySHACL, and the report a person can act on.

Each result names the focus node, the path, the value, the message and the shape. Violations stop a build;
warnings and infos are kept in the build report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from essgraph.errors import EssgraphError, RdfSyntaxError


class ShapesError(EssgraphError):
    """The shapes graph cannot be used (exit code 2, like any unreadable input)."""

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


def parse_report(report: rdflib.Graph, dataset: str | Callable = "") -> list[Result]:
    """Results of a pySHACL report graph; ``dataset`` names their dataset, or maps a focus node to it."""
    dataset_of = dataset if callable(dataset) else (lambda node: dataset)
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, node) in report:  # a nested result explains another one: counted once, as its parent
            continue
        focus = report.value(node, SH.focusNode)
        results.append(Result(
            severity=SEVERITIES.get(report.value(node, SH.resultSeverity), "Violation"),
            focus=_n3(focus),
            path=_path(report, report.value(node, SH.resultPath)),
            value=_n3(report.value(node, SH.value)),
            message=_message(report, node),
            shape=_n3(report.value(node, SH.sourceShape)),
            dataset=dataset_of(focus),
        ))
    return results


def _sorted(results: list[Result]) -> list[Result]:
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(results, key=lambda r: (order[r.severity], r.focus, r.path, r.value, r.message))


SHACL_ENGINES = ("auto", "essgraph", "pyshacl")


@dataclass(frozen=True)
class CompiledShapes:
    """The shapes, ready to run: SHACL Core by the essgraph engine (or pySHACL), SHACL-SPARQL by pyoxigraph."""

    core: rdflib.Graph
    sparql: tuple
    engine: object = None  # a shacl_engine.Engine, or None to run the core shapes with pySHACL

    @classmethod
    def load(cls, files: tuple[Path, ...], engine: str = "auto") -> "CompiledShapes":
        from essgraph.validate.shacl_core import Engine, supports
        from essgraph.validate.shacl_sparql import compile_constraints

        if engine not in SHACL_ENGINES:
            raise ShapesError(f"unknown SHACL engine {engine!r}", hint="use one of " + ", ".join(SHACL_ENGINES))
        core, sparql = compile_constraints(load_shapes(files))
        missing = supports(core)
        if engine == "essgraph" and missing:
            raise ShapesError("the essgraph SHACL engine does not evaluate " + ", ".join(missing),
                              hint="use --shacl-engine pyshacl (or auto)")
        use_engine = engine == "essgraph" or (engine == "auto" and not missing)
        return cls(core, sparql, Engine(core) if use_engine and len(core) else None)


def validate_batch(batch: list[tuple[str, list[ox.Quad]]], shapes: CompiledShapes) -> dict[str, list[Result]]:
    """Validate several datasets in one pySHACL run and one pyoxigraph pass; results are split back per dataset.

    One run for many datasets avoids pySHACL's fixed cost per call (about 0.25 s here). Core SHACL constraints only
    look at a focus node's own triples, and datasets do not describe each other's resources, so a dataset's results
    do not depend on the others in its batch (which is what lets them be cached per dataset).
    """
    from essgraph.rdf.rdflib_bridge import to_rdflib_term
    from essgraph.validate.shacl_sparql import evaluate

    owner: dict = {}
    for ds_id, quads in batch:
        for q in quads:
            owner.setdefault(q.subject, ds_id)
    results: dict[str, list[Result]] = {ds_id: [] for ds_id, _ in batch}
    store = ox.Store()
    store.extend(q for _, quads in batch for q in quads)
    if shapes.engine is not None:
        for f in shapes.engine.validate(store):
            ds_id = owner.get(f.focus, batch[0][0])
            results[ds_id].append(Result(f.severity, _ox_text(f.focus), f.path, _ox_text(f.value, literal=True),
                                         f.message, f.shape, ds_id))
    elif len(shapes.core):
        from pyshacl import validate  # imported lazily: slow to import and not needed to serve

        bnodes: dict = {}
        data = rdflib.Graph()
        rdf_owner = {}
        for ds_id, quads in batch:
            for q in quads:
                s = to_rdflib_term(q.subject, bnodes)
                data.add((s, to_rdflib_term(q.predicate, bnodes), to_rdflib_term(q.object, bnodes)))
                rdf_owner.setdefault(s, ds_id)
        _conforms, report, _text = validate(
            data, shacl_graph=shapes.core, inference="none", advanced=True, allow_warnings=True,
            allow_infos=True, abort_on_first=False, meta_shacl=False,
        )
        if not isinstance(report, rdflib.Graph):  # pySHACL's ValidationFailure: the shapes themselves are broken
            raise ShapesError(f"the shapes cannot be applied: {report}", hint="fix the shapes files")
        first = batch[0][0]
        for r in parse_report(report, lambda node: rdf_owner.get(node, first)):
            results[r.dataset].append(r)
    if shapes.sparql:
        for c, focus, path, value, messages in evaluate(store, shapes.sparql):
            ds_id = owner.get(focus, batch[0][0])
            message = messages.get("en") or messages.get(None) or next(iter(messages.values()), c.shape)
            results[ds_id].append(Result(c.severity, _ox_text(focus), path, _ox_text(value, literal=True),
                                         message, c.shape, ds_id))
    return {ds_id: _sorted(r) for ds_id, r in results.items()}


def _ox_text(term, literal: bool = False) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "[]"
    return str(term) if literal else term.value
