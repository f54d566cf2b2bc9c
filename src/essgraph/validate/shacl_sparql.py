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

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from essgraph.errors import EssgraphError


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str
    query: str
    targets: tuple[tuple[str, str], ...]   # (kind, IRI) for class/node/subjectsOf/objectsOf; (select, query)
    messages: tuple[tuple[str | None, str], ...]
    severity: str
    path: str = ""


_VAR_IN_TRIPLE = re.compile(r"\$this\s+[<\w?$:^]|[>\w]\s+\$this\b")


def compile_constraints(shapes: rdflib.Graph) -> tuple[rdflib.Graph, tuple[SparqlConstraint, ...]]:
    """Split ``shapes`` into the core shapes (for pySHACL) and the SPARQL constraints (for pyoxigraph)."""
    from essgraph.validate.shapes import SEVERITIES, ShapesError  # circular at import time only

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
            raise ShapesError(f"shape {shape}: the SPARQL constraint must bind $this in a triple pattern",
                              hint="essgraph evaluates constraints once with $this free, then keeps the focus nodes")
        owner = shape
        path = ""
        path_node = shapes.value(shape, SH.path)
        if path_node is not None:
            if not isinstance(path_node, rdflib.URIRef):
                raise ShapesError(f"shape {shape}: SPARQL constraints need an IRI sh:path")
            path = str(path_node)
            text = text.replace("$PATH", f"<{path}>")
            owner = next(iter(shapes.subjects(SH.property, shape)), shape)
        targets = _targets(shapes, owner)
        if not targets:
            raise ShapesError(f"shape {owner}: a shape with a SPARQL constraint needs a target")
        severity_node = shapes.value(node, SH.severity) or shapes.value(shape, SH.severity)
        messages = tuple((getattr(m, "language", None), str(m)) for m in shapes.objects(node, SH.message)) or \
            tuple((getattr(m, "language", None), str(m)) for m in shapes.objects(shape, SH.message))
        constraints.append(SparqlConstraint(
            shape=str(shape) if isinstance(shape, rdflib.URIRef) else str(owner),
            query=_prefixes(shapes, node) + text,
            targets=targets,
            messages=messages,
            severity=SEVERITIES.get(severity_node, "Violation"),
            path=path,
        ))
    return core, tuple(constraints)


def _targets(shapes: rdflib.Graph, shape) -> tuple[tuple[str, str], ...]:
    found = []
    for kind, pred in (("class", SH.targetClass), ("node", SH.targetNode), ("subjectsOf", SH.targetSubjectsOf),
                       ("objectsOf", SH.targetObjectsOf)):
        found += [(kind, str(v)) for v in shapes.objects(shape, pred)]
    for target in shapes.objects(shape, SH.target):  # SHACL-AF SPARQL-based targets
        select = shapes.value(target, SH.select)
        if select is not None:
            found.append(("select", _prefixes(shapes, target) + str(select)))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        found.append(("class", str(shape)))
    return tuple(found)


def _prefixes(shapes: rdflib.Graph, node) -> str:
    lines = []
    for ontology in shapes.objects(node, SH.prefixes):
        for decl in shapes.objects(ontology, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(dict.fromkeys(lines)) + "\n"


_TARGET_QUERIES = {
    "class": "SELECT DISTINCT ?this WHERE {{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {iri} }}",
    "subjectsOf": "SELECT DISTINCT ?this WHERE {{ ?this {iri} ?o }}",
    "objectsOf": "SELECT DISTINCT ?this WHERE {{ ?s {iri} ?this }}",
}


def _focus_nodes(store: ox.Store, targets) -> set:
    nodes = set()
    for kind, iri in targets:
        if kind == "select":
            nodes.update(row["this"] for row in store.query(iri, use_default_graph_as_union=True))
            continue
        node = ox.NamedNode(iri)  # a validated IRI: safe in the query text
        if kind == "node":
            nodes.add(node)
            continue
        for row in store.query(_TARGET_QUERIES[kind].format(iri=node), use_default_graph_as_union=True):
            nodes.add(row["this"])
    return nodes


def _render(template: str, row, names: list[str]) -> str:
    def sub(match):
        name = match.group(1)
        if name not in names or row[name] is None:
            return match.group(0)
        return row[name].value
    return re.sub(r"\{[?$](\w+)\}", sub, template)


def evaluate(store: ox.Store, constraints: tuple[SparqlConstraint, ...]):
    """Yield (constraint, focus, path, value, messages) for every violating row (union of the store's graphs)."""
    for c in constraints:
        focus = _focus_nodes(store, c.targets)
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
