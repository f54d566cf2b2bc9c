"""The SHACL Core engine: shapes compiled once, then many data graphs validated by looking values up in a
pyoxigraph store (indexed, in Rust).

pySHACL is the reference implementation, but its per-node object model costs about 0.3 s per plan of 2,000
triples here (5 minutes for 1,000 plans on two cores); this engine evaluates the same shapes about 10x faster
(benchmarks/bench_shacl.py). The tests keep both honest: the W3C SHACL Core test suite (tests/fixtures/w3c-shacl/),
and the same results as pySHACL on the published data and on every broken fixture. ``--shacl-engine pyshacl``
switches.

Supported: all of SHACL Core — every target, every property path, every constraint component of the registry
(:mod:`.registry`), severities, messages, deactivation — plus SHACL-AF SPARQL-based targets. :func:`unsupported`
names what a shapes graph uses beyond that (custom constraint components, SHACL-AF rules, other target types…);
the build then falls back to pySHACL (``auto``) or refuses (``essgraph``).
"""

from __future__ import annotations

from typing import Callable

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from essgraph.validate.core.data import DataGraph
from essgraph.validate.core.paths import PATH_PREDICATES, values
from essgraph.validate.core.registry import REGISTRY, Finding, parameters
from essgraph.validate.core.shape import Compiler, Shape
from essgraph.validate.core.targets import CLASSES, TARGET_PREDICATES, Classes

SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
# SHACL terms that describe shapes without constraining anything (or that another module evaluates: sh:sparql)
DESCRIPTIVE = frozenset(
    {
        SH.path,
        SH.message,
        SH.severity,
        SH.deactivated,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.defaultValue,
        SH.target,
        SH.sparql,
        SH.prefixes,
        *TARGET_PREDICATES,
    }
)


def shape_nodes(graph: rdflib.Graph) -> set:
    """The shapes of ``graph`` that can have focus nodes (SHACL 1.0 §2.1): typed node or property shapes, anything
    with a target, and classes that carry constraints (implicit class targets)."""
    roots = {s for t in SHAPE_TYPES for s in graph.subjects(RDF.type, t)}
    for predicate in (*TARGET_PREDICATES, SH.target):
        roots.update(graph.subjects(predicate))
    for cls in CLASSES:
        roots.update(s for s in graph.subjects(RDF.type, cls) if any(p in REGISTRY for p in graph.predicates(s)))
    return roots


def unsupported(graph: rdflib.Graph) -> list[str]:
    """The SHACL features ``graph`` uses that this engine does not evaluate (empty: it evaluates all of them)."""
    known = parameters() | DESCRIPTIVE
    seen = set()
    missing = set()
    todo = list(shape_nodes(graph))
    while todo:  # every shape reachable from the roots, and the paths they use
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in graph.predicate_objects(node):
            if str(p).startswith(str(SH)) and p not in known:
                missing.add(str(p))
            if p in (SH.node, SH.property, SH["not"], SH.qualifiedValueShape):
                todo.append(o)
            elif p in (SH["and"], SH["or"], SH.xone):
                todo.extend(Collection(graph, o))
            elif p == SH.path:
                missing.update(_path_features(graph, o))
            elif p == SH.target and graph.value(o, SH.select) is None:
                missing.add(str(SH.target) + " (not SPARQL-based)")
    for kind in (SH.ConstraintComponent, SH.SPARQLTargetType, SH.TargetType):
        if (None, RDF.type, kind) in graph:
            missing.add(str(kind))
    if (None, SH.entailment, None) in graph:
        missing.add(str(SH.entailment))
    return sorted(missing)


def _path_features(graph: rdflib.Graph, node) -> set:
    found, todo, seen = set(), [node], set()
    while todo:
        n = todo.pop()
        if isinstance(n, rdflib.URIRef) or n in seen:
            continue
        seen.add(n)
        for p, o in graph.predicate_objects(n):
            if p not in PATH_PREDICATES:
                found.add(str(p))
            todo.append(o)
    return found


class Engine:
    """Compile a shapes graph once; validate many data graphs."""

    def __init__(self, shapes: rdflib.Graph):
        compiler = Compiler(shapes)
        top = [compiler.shape(n) for n in sorted(shape_nodes(shapes), key=str)]
        compiler.mark_recursive()
        self.shapes = [s for s in top if s.targets and not s.deactivated]

    def validate(self, data: DataGraph, only: Callable[[object], bool] | None = None) -> list[Finding]:
        """The findings of every shape on its focus nodes in ``data`` (only those ``only`` accepts when given)."""
        run = Run(data)
        findings: list[Finding] = []
        for shape in self.shapes:
            for focus in run.classes.focus_nodes(shape.targets):
                if only is None or only(focus):
                    findings += run.check(shape, focus)
        return findings


class Run:
    """One validation of one data graph: value lookups, SHACL instances, conformance of nested shapes."""

    def __init__(self, data: DataGraph):
        self.data = data
        self.classes = Classes(data)
        self.active: set = set()  # (shape, focus) being checked: recursive shapes over cyclic data end here

    def values(self, node, path: tuple) -> list:
        return values(self.data, node, path)

    def check(self, shape: Shape, focus, first_only: bool = False) -> list[Finding]:
        """The findings of ``shape`` for ``focus`` (only the first one when ``first_only``)."""
        if shape.deactivated:
            return []
        if shape.recursive:
            key = (id(shape), focus)
            if key in self.active:
                return []  # a shape met again inside its own check holds (SHACL 1.0 §3.4.3 leaves it open)
            self.active.add(key)
            try:
                return self._check(shape, focus, first_only)
            finally:
                self.active.discard(key)
        return self._check(shape, focus, first_only)

    def _check(self, shape: Shape, focus, first_only: bool) -> list[Finding]:
        nodes = values(self.data, focus, shape.path) if shape.path is not None else [focus]
        findings: list[Finding] = []
        for constraint in shape.constraints:
            for finding in constraint.evaluate(self, shape, focus, nodes):
                findings.append(finding)
                if first_only:
                    return findings
        return findings

    def conforms(self, shape: Shape, node) -> bool:
        return not self.check(shape, node, first_only=True)
