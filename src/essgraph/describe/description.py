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

:class:`Node` is a read-only view of a description for the templates (labels in French first, sorted values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from essgraph.rdf.namespaces import PREFIXES

INCOMING_LIMIT = 1000   # incoming triples kept in one description (past it, ``truncated`` is set)
PARTS_LIMIT = 2000      # resources described in full in one description
LANGS = ("fr", "", "en")  # label preference: French, then no language, then English, then any


def iri(curie: str) -> str:
    """``ess:Action`` -> full IRI (full IRIs pass through)."""
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return curie


def curie(value: str) -> str:
    """The shortest ``prefix:local`` form of an IRI, or the IRI itself."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns) and len(ns) > len(best) and re.fullmatch(r"[\w.-]*", value[len(ns):]):
            best = ns
            name = f"{prefix}:{value[len(ns):]}"
    return name if best else value


def _nodes(*curies: str) -> tuple[ox.NamedNode, ...]:
    return tuple(ox.NamedNode(iri(c)) for c in curies)


LABEL = _nodes("skos:prefLabel", "rdfs:label", "dct:title", "schema:name", "foaf:name", "eli:title")
FALLBACK_LABEL = _nodes("ess:wording", "skos:notation", "ess:cardNumber")   # names of what has no label
RDF_TYPE = ox.NamedNode(iri("rdf:type"))
SUMMARY = frozenset(LABEL + FALLBACK_LABEL + (RDF_TYPE,) + _nodes(
    "ess:position", "ess:section", "dct:isPartOf", "ess:inPlan", "prov:agent",
    "prov:hadRole", "ess:sourceWording", "skos:inScheme", "skos:broader", "eli:is_realized_by", "org:unitOf",
    "rdfs:domain", "rdfs:range"))
TRAIL = _nodes("ess:section", "dct:isPartOf", "ess:inPlan", "org:unitOf", "skos:inScheme", "rdfs:isDefinedBy")
MEMBERS = frozenset(_nodes("oa:hasTarget", "skos:inScheme", "skos:topConceptOf"))


@dataclass
class Description:
    """The triples describing ``iri``, with indexes both ways, and what the pages need besides."""

    iri: str
    triples: list[ox.Triple]
    graphs: list[str]                                   # named graphs holding its own triples
    truncated: bool = False                             # incoming links were cut at INCOMING_LIMIT
    predicate_labels: dict[str, list[ox.Literal]] = field(default_factory=dict)
    out: dict = field(default_factory=dict)             # subject -> [(predicate IRI, object)]
    into: dict = field(default_factory=dict)            # object -> [(subject, predicate IRI)]

    def __post_init__(self) -> None:
        for t in self.triples:
            self.out.setdefault(t.subject, []).append((t.predicate.value, t.object))
            self.into.setdefault(t.object, []).append((t.subject, t.predicate.value))

    def node(self, term=None) -> "Node":
        return Node(self, term if term is not None else ox.NamedNode(self.iri))


class _Collector:
    def __init__(self, store: ox.Store):
        self.store = store
        self.triples: dict[ox.Triple, None] = {}   # an ordered set
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
                if isinstance(o, ox.BlankNode) or (root and isinstance(o, ox.NamedNode)
                                                   and o.value.startswith(root + "/")):
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


def describe(store: ox.Store, resource: str | list[str], incoming: bool = True,
             extra: tuple[ox.Triple, ...] = ()) -> Description | None:
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
    if incoming:   # links to the resource and to its parts (the actions of a plan's sub-axes)
        below = sorted((n for n in c.full if isinstance(n, ox.NamedNode) and n.value.startswith(roots[0] + "/")),
                       key=lambda n: n.value)
        count = 0
        for target in [main] + below:
            for q in store.quads_for_pattern(None, None, target, None):
                if count >= INCOMING_LIMIT:
                    truncated = True
                    break
                count += 1
                c.add(q)
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
        labels[p.value] = [q.object for pred in LABEL[:2] for q in store.quads_for_pattern(p, pred, None, None)
                           if isinstance(q.object, ox.Literal)]
    return labels


# -- the view used by the templates --------------------------------------------------------------------------------

def _lang_rank(lang: str) -> int:
    return LANGS.index(lang) if lang in LANGS else len(LANGS)


def natural_key(text: str) -> tuple:
    """'1.10' after '1.9'; numbers before words."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.split(r"(\d+)", text) if p)


def best_literal(literals) -> ox.Literal | None:
    literals = [v for v in literals if isinstance(v, ox.Literal)]
    return min(literals, key=lambda v: (_lang_rank(v.language or ""), v.value)) if literals else None


class Node:
    """One resource (IRI or blank node) or literal of a description, as the templates see it."""

    __slots__ = ("d", "term")

    def __init__(self, d: Description, term):
        self.d = d
        self.term = term

    def __eq__(self, other) -> bool:
        return isinstance(other, Node) and other.term == self.term

    def __hash__(self) -> int:
        return hash(self.term)

    # what it is
    @property
    def is_literal(self) -> bool:
        return isinstance(self.term, ox.Literal)

    @property
    def is_blank(self) -> bool:
        return isinstance(self.term, ox.BlankNode)

    @property
    def iri(self) -> str:
        return self.term.value if isinstance(self.term, ox.NamedNode) else ""

    @property
    def value(self) -> str:
        return self.term.value

    @property
    def lang(self) -> str:
        return (self.term.language or "") if self.is_literal else self.label_literal_lang

    @property
    def datatype(self) -> str:
        return self.term.datatype.value if self.is_literal else ""

    # walking
    def values(self, *predicates: str) -> list["Node"]:
        wanted = {iri(p) for p in predicates}
        found = [Node(self.d, o) for p, o in self.d.out.get(self.term, ()) if p in wanted]
        return sorted(dict.fromkeys(found), key=Node.sort_key)

    def resources(self, *predicates: str) -> list["Node"]:
        return [n for n in self.values(*predicates) if not n.is_literal]

    def first(self, *predicates: str) -> "Node | None":
        found = self.resources(*predicates)
        return found[0] if found else None

    def text(self, *predicates: str) -> "Node | None":
        """The best literal (French first) of the first predicate that has one."""
        for p in predicates:
            lit = best_literal(o for q, o in self.d.out.get(self.term, ()) if q == iri(p))
            if lit is not None:
                return Node(self.d, lit)
        return None

    def texts(self, *predicates: str) -> list["Node"]:
        return [n for n in self.values(*predicates) if n.is_literal]

    def incoming(self, *predicates: str) -> list["Node"]:
        wanted = {iri(p) for p in predicates}
        found = [Node(self.d, s) for s, p in self.d.into.get(self.term, ()) if not wanted or p in wanted]
        return sorted(dict.fromkeys(found), key=Node.sort_key)

    def properties(self, skip=()) -> list[tuple[str, list["Node"]]]:
        """(predicate IRI, values) of every own triple, except ``skip`` (CURIEs), in a stable order."""
        skipped = {iri(p) for p in skip}
        grouped: dict[str, list] = {}
        for p, o in self.d.out.get(self.term, ()):
            if p not in skipped:
                grouped.setdefault(p, []).append(Node(self.d, o))
        return [(p, sorted(dict.fromkeys(v), key=Node.sort_key)) for p, v in
                sorted(grouped.items(), key=lambda kv: (kv[0] != iri("rdf:type"), self.predicate_label(kv[0])))]

    def incoming_properties(self) -> list[tuple[str, list["Node"]]]:
        grouped: dict[str, list] = {}
        for s, p in self.d.into.get(self.term, ()):
            grouped.setdefault(p, []).append(Node(self.d, s))
        return [(p, sorted(dict.fromkeys(v), key=Node.sort_key)) for p, v in sorted(grouped.items())]

    @property
    def types(self) -> list["Node"]:
        return self.resources("rdf:type")

    def has_type(self, *curies: str) -> bool:
        wanted = {iri(c) for c in curies}
        return any(t.iri in wanted for t in self.types)

    # labels
    @property
    def label_literal(self) -> ox.Literal | None:
        if self.is_literal:
            return self.term
        outgoing = self.d.out.get(self.term, ())
        for predicate in LABEL:
            lit = best_literal(o for p, o in outgoing if p == predicate.value)
            if lit is not None:
                return lit
        for p, o in outgoing:   # an ELI legal resource is titled by its expression
            if p == iri("eli:is_realized_by") and o != self.term:
                lit = Node(self.d, o).label_literal
                if lit is not None:
                    return lit
        return None

    @property
    def label(self) -> str:
        lit = self.label_literal
        if lit is not None:
            return lit.value
        fallback = self.text(*(p.value for p in FALLBACK_LABEL))
        if fallback is not None:
            return fallback.value
        return curie(self.iri) if self.iri else ""

    @property
    def label_literal_lang(self) -> str:
        lit = self.label_literal
        return (lit.language or "") if lit is not None else ""

    @property
    def has_label(self) -> bool:
        return self.label_literal is not None

    def predicate_label(self, predicate: str) -> str:
        lit = best_literal(self.d.predicate_labels.get(predicate, ()))
        return lit.value if lit is not None else COMMON_LABELS.get(curie(predicate), curie(predicate))

    def sort_key(self) -> tuple:
        if self.is_literal:
            return (2, (), (), _lang_rank(self.term.language or ""), self.term.value)
        position = self.text("ess:position")
        number = self.text("ess:cardNumber", "skos:notation")
        pos = natural_key(position.value) if position is not None else ()
        return (0 if pos else 1, pos, natural_key(number.value) if number is not None else (),
                0, self.label.lower())


#: French names of common predicates that are not described in the store (the ontology labels its own terms)
COMMON_LABELS = {
    "rdf:type": "type", "rdfs:label": "libellé", "rdfs:comment": "commentaire", "rdfs:seeAlso": "voir aussi",
    "rdfs:isDefinedBy": "défini par", "rdfs:subClassOf": "sous-classe de", "rdfs:subPropertyOf": "sous-propriété de",
    "rdfs:domain": "domaine", "rdfs:range": "co-domaine", "owl:inverseOf": "inverse de",
    "owl:versionInfo": "version", "dct:title": "titre", "dct:description": "description", "dct:date": "date",
    "dct:source": "source", "dct:isPartOf": "fait partie de", "dct:spatial": "territoire",
    "dct:identifier": "identifiant", "dct:license": "licence", "dct:creator": "auteur", "dct:created": "créé le",
    "dct:references": "fait référence à", "dct:relation": "en relation avec", "dct:subject": "sujet",
    "skos:prefLabel": "libellé préféré", "skos:altLabel": "autre libellé", "skos:hiddenLabel": "libellé caché",
    "skos:notation": "notation", "skos:definition": "définition", "skos:note": "note", "skos:inScheme": "schéma",
    "skos:topConceptOf": "concept de tête de", "skos:hasTopConcept": "concept de tête",
    "skos:broader": "plus général", "skos:narrower": "plus spécifique", "skos:closeMatch": "correspondance proche",
    "skos:exactMatch": "correspondance exacte", "skos:scopeNote": "note d'application",
    "foaf:name": "nom", "foaf:homepage": "site web", "org:unitOf": "unité de", "org:hasUnit": "a pour unité",
    "org:subOrganizationOf": "sous-organisation de", "org:memberOf": "membre de",
    "prov:agent": "organisation", "prov:hadRole": "rôle", "prov:qualifiedAssociation": "implication",
    "prov:wasAttributedTo": "attribué à", "oa:hasTarget": "porte sur", "eli:title": "titre",
    "eli:is_realized_by": "version", "eli:realizes": "texte", "eli:id_local": "identifiant (NOR, CELEX)",
    "eli:date_document": "date du texte", "eli:language": "langue", "time:hasBeginning": "début",
    "time:hasEnd": "fin", "time:inXSDDate": "date", "schema:value": "valeur", "schema:minValue": "minimum",
    "schema:maxValue": "maximum", "schema:currency": "devise", "schema:unitCode": "unité (code)",
    "schema:unitText": "unité", "dct:type": "type", "dct:publisher": "éditeur", "dct:hasPart": "comprend",
    "dct:modified": "modifié le", "dct:issued": "publié le", "org:linkedTo": "lié à", "org:hasMember": "membre",
    "void:triples": "nombre de triplets", "dcat:dataset": "jeu de données", "dcat:distribution": "distribution",
    "dcat:keyword": "mot-clé", "dcat:theme": "thème", "dcat:landingPage": "page d'accueil",
    "http://purl.org/vocab/vann/preferredNamespacePrefix": "préfixe préféré",
    "http://purl.org/vocab/vann/preferredNamespaceUri": "espace de noms",
}


def summaries(store: ox.Store, iris: list[str]) -> Description:
    """Summaries (type, labels, numbers...) of some resources, and labels of what they point to: for lists."""
    c = _Collector(store)
    for value in iris:
        c.summarize(ox.NamedNode(value))
    _label_pass(c)
    triples = list(c.triples)
    return Description(iris[0] if iris else "", triples, [], False, _predicate_labels(store, triples))
