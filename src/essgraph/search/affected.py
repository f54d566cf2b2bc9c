"""Which documents of the search index a change of some graphs may touch, found in the store (for
:mod:`essgraph.search.incremental`).

A document shows what the extraction's queries (:mod:`essgraph.search.extract`) reach from it: its own triples, the
labels of what it links to (an action's organisations, places, levers; a plan's collectivité and territory, up its
``schema:containedInPlace`` chain; an organisation's parent), the parts of an action (objectives, steps, means and
their amounts, indicators and their targets, its calendar), and what points at it (a note at what it is about, a
plan at its collectivité, an action at its plan and organisations, which take values from it). So when the triples
of some graphs changed, the documents that may show it are the resources those triples are about (their subjects,
before and after), what reaches them through the predicates the queries follow (:data:`FOLLOWED`, backwards, at
any distance), what they point at (:data:`POINTING`), and the plans and organisations of the actions among all
these (:data:`ADDING`). Over-approximated, never missed: a document found that did not change is read again as it
was.
"""

from __future__ import annotations

import pyoxigraph as ox

from essgraph.search.extract import ADDING, FOLLOWED, POINTING


def graph_nodes(store: ox.Store, graphs: list[str]) -> tuple[set, set[str]]:
    """The subjects of the graphs' triples, and the IRIs their pointing predicates point at."""
    subjects: set = set()
    pointed: set[str] = set()
    for graph in graphs:
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            subjects.add(q.subject)
            if q.predicate.value in POINTING and isinstance(q.object, ox.NamedNode):
                pointed.add(q.object.value)
    return subjects, pointed


def depending(store: ox.Store, subjects: set, pointed: set[str]) -> set[str]:
    """The IRIs whose documents may show a change of the triples about ``subjects`` (resources and blank nodes of
    the changed graphs) or of those pointing at ``pointed``: see the module's notes."""
    seen, frontier = set(subjects), list(subjects)
    while frontier:  # what shows something that changed, at any distance
        node = frontier.pop()
        for q in store.quads_for_pattern(None, None, node):
            if q.predicate.value in FOLLOWED and q.subject not in seen:
                seen.add(q.subject)
                frontier.append(q.subject)
    pointed = set(pointed)
    for node in subjects:  # what the resources that changed point at (in any graph)
        for q in store.quads_for_pattern(node, None, None):
            if q.predicate.value in POINTING and isinstance(q.object, ox.NamedNode):
                pointed.add(q.object.value)
    found = {n.value for n in seen if isinstance(n, ox.NamedNode)} | pointed
    adding = set()  # the plans and organisations of the actions found
    for iri in found:
        for q in store.quads_for_pattern(ox.NamedNode(iri), None, None):
            if q.predicate.value in ADDING and isinstance(q.object, ox.NamedNode):
                adding.add(q.object.value)
    return found | adding
