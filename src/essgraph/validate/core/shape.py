"""Shapes compiled once from the shapes graph: path, targets, severity, message and the constraints found in the
registry, one per value of each parameter (SHACL 1.0 §2.1, §2.3, §3.6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from essgraph.validate.core import constraints  # noqa: F401  (fills the registry)
from essgraph.validate.core.paths import compile_path
from essgraph.validate.core.registry import REGISTRY, Constraint
from essgraph.validate.core.targets import compile_targets
from essgraph.validate.results import messages_by_language, path_text, pick_message, severity_name

_ORDER = {parameter: i for i, parameter in enumerate(REGISTRY)}  # cheap families first: see constraints/__init__


@dataclass(eq=False)
class Shape:
    node: object  # the shape's node in the shapes graph (an rdflib term)
    label: str  # its IRI, or "[]" for a blank node
    path: tuple | None = None  # compiled sh:path; None for a node shape
    path_text: str = ""
    constraints: list[Constraint] = field(default_factory=list)
    targets: tuple = ()
    severity_iri: rdflib.URIRef = SH.Violation  # sh:severity: any IRI (SHACL 1.0 §2.1.5)
    message: str = ""  # the sh:message results carry, "" for the component's default
    deactivated: bool = False
    recursive: bool = False  # refers to itself through sh:node, sh:property, sh:and…: checked with a guard

    @property
    def severity(self) -> str:
        """Violation, Warning or Info; another severity IRI counts as a violation in essgraph's reports."""
        return severity_name(self.severity_iri)


class Compiler:
    """Compiles the shapes of one shapes graph; each node once (shapes may refer to each other, even in cycles)."""

    def __init__(self, graph: rdflib.Graph):
        self.graph = graph
        self.shapes: dict = {}
        self.refers: dict = {}  # shape node -> the shape nodes its constraints refer to
        self._compiling: list = []

    def shape(self, node) -> Shape:
        if self._compiling:
            self.refers[self._compiling[-1]].add(node)
        shape = self.shapes.get(node)
        if shape is not None:
            return shape
        self.refers[node] = set()
        self._compiling.append(node)
        try:
            return self._compile(node)
        finally:
            self._compiling.pop()

    def mark_recursive(self) -> None:
        """Flag the shapes that can reach themselves through the shapes their constraints refer to."""
        for node, shape in self.shapes.items():
            seen, todo = set(), list(self.refers[node])
            while todo and node not in seen:
                n = todo.pop()
                if n not in seen:
                    seen.add(n)
                    todo.extend(self.refers.get(n, ()))
            shape.recursive = node in seen

    def _compile(self, node) -> Shape:
        g = self.graph
        shape = self.shapes[node] = Shape(node, str(node) if isinstance(node, rdflib.URIRef) else "[]")
        path = g.value(node, SH.path)
        if path is not None:
            shape.path, shape.path_text = compile_path(g, path), path_text(g, path)
        shape.severity_iri = g.value(node, SH.severity) or SH.Violation
        shape.message = pick_message(messages_by_language(g.objects(node, SH.message)))
        shape.deactivated = g.value(node, SH.deactivated) == rdflib.Literal(True)
        shape.targets = compile_targets(g, node)
        found = sorted(
            ((p, o) for p, o in g.predicate_objects(node) if isinstance(p, rdflib.URIRef) and p in REGISTRY),
            key=lambda po: _ORDER[po[0]],
        )
        shape.constraints = [REGISTRY[p](self, shape, o) for p, o in found]
        return shape

    def members(self, node) -> list[Shape]:
        """The shapes of the SHACL list ``node`` (``sh:and``, ``sh:or``, ``sh:xone``)."""
        return [self.shape(n) for n in Collection(self.graph, node)]
