"""SHACL-SPARQL constraints (``sh:sparql``) evaluated by pyoxigraph instead of rdflib.

pySHACL evaluates a SPARQL constraint once per focus node with rdflib, parsing the query each time: on a plan of
2,000 triples that took 5 s of the 5.5 s of a validation here. The same constraints run by pyoxigraph take
milliseconds: each query is evaluated once, with ``$this`` left free, and its rows are kept for the focus nodes of
the shape (SHACL 1.0 §5.3, pre-binding of ``$this``, gives the same rows when the query binds ``$this`` in a
triple pattern — which :func:`compile_constraints` checks, refusing a constraint that does not).

Supported: node shapes and property shapes with an IRI ``sh:path`` (``$PATH``), targets ``sh:targetClass``,
``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class targets, ``sh:prefixes``,
``sh:message`` with ``{?var}``/``{$var}`` templates, ``sh:severity`` and ``sh:deactivated``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import rdflib
from rdflib.namespace import SH

from essgraph.errors import EssgraphError, ShapesError
from essgraph.validate.core.data import DataGraph
from essgraph.validate.core.targets import Classes, compile_targets, sparql_prefixes
from essgraph.validate.results import severity_name


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str
    query: str
    targets: tuple  # as compiled by core.targets.compile_targets
    messages: tuple[tuple[str | None, str], ...]
    severity: str
    path: str = ""


_VAR_IN_TRIPLE = re.compile(r"\$this\s+[<\w?$:^]|[>\w]\s+\$this\b")


def compile_constraints(shapes: rdflib.Graph) -> tuple[rdflib.Graph, tuple[SparqlConstraint, ...]]:
    """Split ``shapes`` into the core shapes (for the SHACL Core engine or pySHACL) and the SPARQL constraints (for
    pyoxigraph)."""
    core = rdflib.Graph()
    for prefix, ns in shapes.namespaces():
        core.bind(prefix, ns, override=True)
    constraints = []
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    for shape, node in shapes.subject_objects(SH.sparql):
        if shapes.value(node, SH.deactivated) == rdflib.Literal(True):
            continue
        select = shapes.value(node, SH.select)
        if select is None:
            raise ShapesError(f"shape {shape}: a SPARQL constraint needs sh:select")
        text = str(select)
        if "$this" not in text or not _VAR_IN_TRIPLE.search(text):
            raise ShapesError(
                f"shape {shape}: the SPARQL constraint must bind $this in a triple pattern",
                hint="essgraph evaluates constraints once with $this free, then keeps the focus nodes",
            )
        owner = shape
        path = ""
        path_node = shapes.value(shape, SH.path)
        if path_node is not None:
            if not isinstance(path_node, rdflib.URIRef):
                raise ShapesError(f"shape {shape}: SPARQL constraints need an IRI sh:path")
            path = str(path_node)
            text = text.replace("$PATH", f"<{path}>")
            owner = next(iter(shapes.subjects(SH.property, shape)), shape)
        targets = compile_targets(shapes, owner)
        if not targets:
            raise ShapesError(f"shape {owner}: a shape with a SPARQL constraint needs a target")
        severity_node = shapes.value(node, SH.severity) or shapes.value(shape, SH.severity)
        messages = tuple((getattr(m, "language", None), str(m)) for m in shapes.objects(node, SH.message)) or tuple(
            (getattr(m, "language", None), str(m)) for m in shapes.objects(shape, SH.message)
        )
        constraints.append(
            SparqlConstraint(
                shape=str(shape) if isinstance(shape, rdflib.URIRef) else str(owner),
                query=sparql_prefixes(shapes, node) + text,
                targets=targets,
                messages=messages,
                severity=severity_name(severity_node),
                path=path,
            )
        )
    return core, tuple(constraints)


def _render(template: str, row, names: list[str]) -> str:
    def sub(match):
        name = match.group(1)
        if name not in names or row[name] is None:
            return match.group(0)
        return row[name].value

    return re.sub(r"\{[?$](\w+)\}", sub, template)


def evaluate(data: DataGraph, constraints: tuple[SparqlConstraint, ...]):
    """Yield (constraint, focus, path, value, messages) for every violating row (union of the data's graphs)."""
    store = data.store
    classes = Classes(data)
    for c in constraints:
        focus = set(classes.focus_nodes(c.targets))
        if not focus:
            continue
        try:
            rows = store.query(c.query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise EssgraphError(f"shape {c.shape}: its SPARQL constraint is not valid SPARQL: {exc}") from None
        names = [v.value for v in rows.variables]
        for row in rows:
            this = row["this"]
            if this not in focus:
                continue
            value = row["value"] if "value" in names else None
            path = row["path"].value if "path" in names and row["path"] is not None else c.path
            messages = {lang: _render(text, row, names) for lang, text in c.messages}
            yield c, this, path, value, messages
