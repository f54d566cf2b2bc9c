"""The data graph of one validation: a pyoxigraph store holding the union of a batch's datasets, plus the literals
as they were written where the store would change them.

pyoxigraph's store keeps numbers, booleans, dates, times and durations by value (oxigraph issue #526):
``"+5"^^xsd:int`` comes back as ``"5"^^xsd:integer``, ``"300"^^xsd:byte`` as ``"300"^^xsd:integer``,
``"PT60M"^^xsd:duration`` as ``"PT1H"``. SHACL sees RDF terms, not values — ``sh:datatype xsd:int`` must accept the
first and reject the second, ``sh:in``, ``sh:pattern`` and the reported ``sh:value`` need the term as written — so
those literals are also kept here, by subject and predicate, and :meth:`DataGraph.objects` returns them in place of
the store's. Other terms (IRIs, blank nodes, strings) come back from the store unchanged. Lookups by object
(inverse paths) can use either form: the store canonicalises the pattern too.
"""

from __future__ import annotations

import pyoxigraph as ox

from essgraph.validate.core.xsd import CANONICALISED


class DataGraph:
    def __init__(self, batch: list[tuple[str, list[ox.Quad]]]):
        """``batch``: (dataset id, quads) pairs; :attr:`owner` maps each subject to the first dataset describing it."""
        self.store = ox.Store()
        self.owner: dict = {}
        self.written: dict[tuple, list[ox.Literal]] = {}
        literal, canonicalised = ox.Literal, CANONICALISED
        for ds_id, quads in batch:
            for q in quads:  # one pass: the slowest part of this class (about 2 us a quad)
                subject = q.subject
                if subject not in self.owner:
                    self.owner[subject] = ds_id
                obj = q.object
                if type(obj) is literal and obj.datatype.value in canonicalised:
                    self.written.setdefault((subject, q.predicate), []).append(obj)
            self.store.extend(quads)

    def objects(self, node, predicate: ox.NamedNode) -> list:
        """The objects of ``node`` for ``predicate``, each once, literals as written."""
        if type(node) is ox.Literal:
            return []
        found = [q.object for q in self.store.quads_for_pattern(node, predicate, None, None)]
        written = self.written.get((node, predicate))
        if written is not None:
            found = [o for o in found if type(o) is not ox.Literal or o.datatype.value not in CANONICALISED] + written
        return found if len(found) < 2 else list(dict.fromkeys(found))  # a triple may sit in several graphs

    def subjects(self, predicate: ox.NamedNode, node) -> list:
        """The subjects that have ``node`` as object of ``predicate``, each once."""
        return list(dict.fromkeys(q.subject for q in self.store.quads_for_pattern(None, predicate, node, None)))

    def triples(self, node) -> list[tuple]:
        """(predicate, object) for every triple of ``node``, objects as written."""
        predicates = dict.fromkeys(q.predicate for q in self.store.quads_for_pattern(node, None, None, None))
        return [(p, o) for p in predicates for o in self.objects(node, p)]
