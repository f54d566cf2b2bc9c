"""The description of one resource: what its IRI answers, to machines (as RDF) and to people (through the pages).

``describe(store, iri)`` gathers, with direct index look-ups (no SPARQL text, so no request data in a query):

1. its own triples (subject = the IRI), following blank nodes (a calendar's instants);
2. its dependent parts: IRIs below its own path that it links to (``.../action/1.4/objective/1``), with their own
   triples, recursively — a card comes whole;
3. the annotations about it (``oa:hasTarget``) and, for a concept scheme, its concepts, in full;
4. the incoming links (``?x ?p <iri>``: an organisation lists its actions), to it and to its parts (the actions
   of a plan's sub-axes), up to ``INCOMING_LIMIT``;
5. a summary (type, labels, number, position, where it sits) of every other resource it links to or is linked
   from, and of the containers above it (section, axis, plan, scheme);
6. the labels of every IRI still without one (classes, concepts, the plan of a linked action...).

:class:`essgraph.describe.node.Node` is the read-only view of a description the templates use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from essgraph.rdf.namespaces import iri

if TYPE_CHECKING:
    from essgraph.describe.node import Node

INCOMING_LIMIT = 1000  # incoming triples kept in one description (past it, ``truncated`` is set)
PARTS_LIMIT = 2000  # resources described in full in one description
LANGS = ("fr", "", "en")  # label preference: French, then no language, then English, then any


def _nodes(*curies: str) -> tuple[ox.NamedNode, ...]:
    return tuple(ox.NamedNode(iri(c)) for c in curies)


LABEL = _nodes("skos:prefLabel", "rdfs:label", "dct:title", "schema:name", "foaf:name", "eli:title")
FALLBACK_LABEL = _nodes("ess:wording", "skos:notation", "ess:cardNumber")  # names of what has no label
RDF_TYPE = ox.NamedNode(iri("rdf:type"))
SUMMARY = frozenset(
    LABEL
    + FALLBACK_LABEL
    + (RDF_TYPE,)
    + _nodes(
        "ess:position",
        "ess:section",
        "dct:isPartOf",
        "ess:inPlan",
        "prov:agent",
        "prov:hadRole",
        "ess:sourceWording",
        "skos:inScheme",
        "skos:broader",
        "eli:is_realized_by",
        "org:unitOf",
        "rdfs:domain",
        "rdfs:range",
    )
)
TRAIL = _nodes("ess:section", "dct:isPartOf", "ess:inPlan", "org:unitOf", "skos:inScheme", "rdfs:isDefinedBy")
MEMBERS = frozenset(_nodes("oa:hasTarget", "skos:inScheme", "skos:topConceptOf"))


@dataclass
class Description:
    """The triples describing ``iri``, with indexes both ways, and what the pages need besides."""

    iri: str
    triples: list[ox.Triple]
    graphs: list[str]  # named graphs holding its own triples
    truncated: bool = False  # incoming links were cut at INCOMING_LIMIT
    predicate_labels: dict[str, list[ox.Literal]] = field(default_factory=dict)
    out: dict = field(default_factory=dict)  # subject -> [(predicate IRI, object)]
    into: dict = field(default_factory=dict)  # object -> [(subject, predicate IRI)]

    def __post_init__(self) -> None:
        for t in self.triples:
            self.out.setdefault(t.subject, []).append((t.predicate.value, t.object))
            self.into.setdefault(t.object, []).append((t.subject, t.predicate.value))

    def node(self, term=None) -> "Node":
        from essgraph.describe.node import Node  # the view of a description for the templates

        return Node(self, term if term is not None else ox.NamedNode(self.iri))


class _Collector:
    def __init__(self, store: ox.Store):
        self.store = store
        self.triples: dict[ox.Triple, None] = {}  # an ordered set
        self.full: set = set()
        self.summarized: set = set()
        self.graphs: dict[str, None] = {}

    def add(self, q: ox.Quad) -> None:
        self.triples[ox.Triple(q.subject, q.predicate, q.object)] = None

    def add_full(self, node, root: str | None = None) -> None:
        """Own triples of ``node``, its blank nodes and (below ``root``) its parts, recursively."""
        stack = [node]
        while stack and len(self.full) < PARTS_LIMIT:
            current = stack.pop()
            if current in self.full:
                continue
            self.full.add(current)
            for q in self.store.quads_for_pattern(current, None, None, None):
                self.add(q)
                if current == node and isinstance(q.graph_name, ox.NamedNode):
                    self.graphs[q.graph_name.value] = None
                o = q.object
                if isinstance(o, ox.BlankNode) or (
                    root and isinstance(o, ox.NamedNode) and o.value.startswith(root + "/")
                ):
                    stack.append(o)

    def summarize(self, node) -> None:
        if node in self.full or node in self.summarized or not isinstance(node, ox.NamedNode):
            return
        self.summarized.add(node)
        for q in self.store.quads_for_pattern(node, None, None, None):
            if q.predicate in SUMMARY:
                self.add(q)

    def label(self, node) -> None:
        found = False
        for predicate in LABEL:
            for q in self.store.quads_for_pattern(node, predicate, None, None):
                self.add(q)
                found = True
        for predicate in () if found else FALLBACK_LABEL:
            for q in self.store.quads_for_pattern(node, predicate, None, None):
                self.add(q)


def describe(
    store: ox.Store, resource: str | list[str], incoming: bool = True, extra: tuple[ox.Triple, ...] = ()
) -> Description | None:
    """The description of ``resource`` (or of several roots, e.g. an ontology and its terms), with ``extra``
    triples the caller knows (a named graph's size); None if the store knows nothing about it."""
    roots = [resource] if isinstance(resource, str) else list(resource)
    c = _Collector(store)
    for t in extra:
        c.triples[t] = None
    for root in roots:
        c.add_full(ox.NamedNode(root), root)
    main = ox.NamedNode(roots[0])
    truncated = False
    if incoming:  # links to the resource and to its parts (the actions of a plan's sub-axes)
        below = sorted(
            (n for n in c.full if isinstance(n, ox.NamedNode) and n.value.startswith(roots[0] + "/")),
            key=lambda n: n.value,
        )
        count = 0
        for target in [main] + below:
            for q in store.quads_for_pattern(None, None, target, None):
                if count >= INCOMING_LIMIT:
                    truncated = True
                    break
                before = len(c.triples)
                c.add(q)
                count += len(c.triples) - before  # a triple held by several graphs counts once
                if q.predicate in MEMBERS:
                    c.add_full(q.subject, q.subject.value if isinstance(q.subject, ox.NamedNode) else None)
    if not c.triples:
        return None
    _trail(c, main)
    for t in list(c.triples):
        for term in (t.subject, t.object):
            c.summarize(term)
    _label_pass(c)
    triples = _ordered(c.triples, roots)
    return Description(roots[0], triples, list(c.graphs), truncated, _predicate_labels(store, triples))


def _trail(c: _Collector, start: ox.NamedNode, depth: int = 8) -> None:
    """Summaries of the containers above ``start``: its IRI path's ancestors (the card of an objective), section,
    axis, plan; unit, organisation; scheme."""
    frontier = [start]
    value = start.value
    while value.count("/") > 3:
        value = value.rsplit("/", 1)[0]
        node = ox.NamedNode(value)
        if next(iter(c.store.quads_for_pattern(node, None, None, None)), None) is not None:
            c.summarize(node)
            frontier.append(node)
    for _ in range(depth):
        found = []
        for node in frontier:
            for predicate in TRAIL:
                for q in c.store.quads_for_pattern(node, predicate, None, None):
                    c.add(q)
                    if isinstance(q.object, ox.NamedNode) and q.object not in c.summarized:
                        c.summarize(q.object)
                        found.append(q.object)
        if not found:
            return
        frontier = found


def _label_pass(c: _Collector) -> None:
    labelled = {t.subject for t in c.triples if t.predicate in LABEL}
    for t in list(c.triples):
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term not in labelled:
                labelled.add(term)
                c.label(term)


def _ordered(triples: dict, roots: list[str]) -> list[ox.Triple]:
    """Triples grouped by subject: the roots first, then the others in order of first appearance."""
    rank: dict = {ox.NamedNode(r): i for i, r in enumerate(roots)}
    for t in triples:
        rank.setdefault(t.subject, len(rank))
    return sorted(triples, key=lambda t: (rank[t.subject], t.predicate != RDF_TYPE, t.predicate.value, str(t.object)))


def _predicate_labels(store: ox.Store, triples: list[ox.Triple]) -> dict[str, list[ox.Literal]]:
    labels = {}
    for p in {t.predicate for t in triples}:
        labels[p.value] = list(
            dict.fromkeys(  # once each, whatever the graphs holding it
                q.object
                for pred in LABEL[:2]
                for q in store.quads_for_pattern(p, pred, None, None)
                if isinstance(q.object, ox.Literal)
            )
        )
    return labels


def summaries(store: ox.Store, iris: list[str]) -> Description:
    """Summaries (type, labels, numbers...) of some resources, and labels of what they point to: for lists."""
    c = _Collector(store)
    for value in iris:
        c.summarize(ox.NamedNode(value))
    _label_pass(c)
    triples = list(c.triples)
    return Description(iris[0] if iris else "", triples, [], False, _predicate_labels(store, triples))
