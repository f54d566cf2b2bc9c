"""pySHACL, the reference SHACL implementation, behind the same interface as essgraph's engine: it validates the
SHACL Core shapes when the essgraph engine cannot (``--shacl-engine pyshacl``, or ``auto`` with shapes it does not
support), and it checks the DCAT-AP catalog against the official shapes. Its report graph is read back into
:class:`Result` objects printed exactly as the essgraph engine prints its own (the tests compare them).

pySHACL is imported lazily: slow to import, and never needed to serve.
"""

from __future__ import annotations

from typing import Callable

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from essgraph.errors import ShapesError
from essgraph.validate.results import (
    Result,
    messages_by_language,
    path_text,
    pick_message,
    rdflib_term_text,
    severity_name,
)


def parse_report(report: rdflib.Graph, dataset: str | Callable = "") -> list[Result]:
    """Results of a pySHACL report graph; ``dataset`` names their dataset, or maps a focus node to it."""
    dataset_of = dataset if callable(dataset) else (lambda node: dataset)
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, node) in report:  # a nested result explains another one: counted once, as its parent
            continue
        focus = report.value(node, SH.focusNode)
        results.append(
            Result(
                severity=severity_name(report.value(node, SH.resultSeverity)),
                focus=rdflib_term_text(focus),
                path=path_text(report, report.value(node, SH.resultPath)),
                value=rdflib_term_text(report.value(node, SH.value)),
                message=pick_message(messages_by_language(report.objects(node, SH.resultMessage)))
                or "constraint not satisfied",
                shape=rdflib_term_text(report.value(node, SH.sourceShape)),
                dataset=dataset_of(focus),
            )
        )
    return results


def validate_with_pyshacl(batch: list[tuple[str, list[ox.Quad]]], shapes: rdflib.Graph) -> list[Result]:
    """The results of pySHACL on the union of the batch's datasets, each given the dataset of its focus node."""
    from pyshacl import validate
    from pyshacl.errors import ReportableRuntimeError

    from essgraph.rdf.rdflib_bridge import to_rdflib_term

    bnodes: dict = {}
    data = rdflib.Graph()
    owner: dict = {}
    for ds_id, quads in batch:
        for q in quads:
            s = to_rdflib_term(q.subject, bnodes)
            data.add((s, to_rdflib_term(q.predicate, bnodes), to_rdflib_term(q.object, bnodes)))
            owner.setdefault(s, ds_id)
    try:
        _conforms, report, _text = validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            abort_on_first=False,
            meta_shacl=False,
        )
    except ReportableRuntimeError as exc:  # malformed shapes (ShapeLoadError, ConstraintLoadError...)
        raise ShapesError(f"the shapes cannot be applied: {exc.message}", hint="fix the shapes files") from None
    if not isinstance(report, rdflib.Graph):  # pySHACL's ValidationFailure: the shapes themselves are broken
        raise ShapesError(f"the shapes cannot be applied: {report}", hint="fix the shapes files")
    first = batch[0][0]
    return parse_report(report, lambda node: owner.get(node, first))
