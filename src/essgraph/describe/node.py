"""The view of a description the page templates use: :class:`Node`, one resource or literal, with its values
sorted (position, number, label), its labels in French first, and French names for common predicates."""

from __future__ import annotations

import re

import pyoxigraph as ox

from essgraph.describe.description import FALLBACK_LABEL, LABEL, LANGS, Description
from essgraph.rdf.namespaces import curie, iri


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
        return [
            (p, sorted(dict.fromkeys(v), key=Node.sort_key))
            for p, v in sorted(grouped.items(), key=lambda kv: (kv[0] != iri("rdf:type"), self.predicate_label(kv[0])))
        ]

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
        for p, o in outgoing:  # an ELI legal resource is titled by its expression
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
        return (0 if pos else 1, pos, natural_key(number.value) if number is not None else (), 0, self.label.lower())


#: French names of common predicates that are not described in the store (the ontology labels its own terms)
COMMON_LABELS = {
    "rdf:type": "type",
    "rdfs:label": "libellé",
    "rdfs:comment": "commentaire",
    "rdfs:seeAlso": "voir aussi",
    "rdfs:isDefinedBy": "défini par",
    "rdfs:subClassOf": "sous-classe de",
    "rdfs:subPropertyOf": "sous-propriété de",
    "rdfs:domain": "domaine",
    "rdfs:range": "co-domaine",
    "owl:inverseOf": "inverse de",
    "owl:versionInfo": "version",
    "dct:title": "titre",
    "dct:description": "description",
    "dct:date": "date",
    "dct:source": "source",
    "dct:isPartOf": "fait partie de",
    "dct:spatial": "territoire",
    "dct:identifier": "identifiant",
    "dct:license": "licence",
    "dct:creator": "auteur",
    "dct:created": "créé le",
    "dct:references": "fait référence à",
    "dct:relation": "en relation avec",
    "dct:subject": "sujet",
    "skos:prefLabel": "libellé préféré",
    "skos:altLabel": "autre libellé",
    "skos:hiddenLabel": "libellé caché",
    "skos:notation": "notation",
    "skos:definition": "définition",
    "skos:note": "note",
    "skos:inScheme": "schéma",
    "skos:topConceptOf": "concept de tête de",
    "skos:hasTopConcept": "concept de tête",
    "skos:broader": "plus général",
    "skos:narrower": "plus spécifique",
    "skos:closeMatch": "correspondance proche",
    "skos:exactMatch": "correspondance exacte",
    "skos:scopeNote": "note d'application",
    "foaf:name": "nom",
    "foaf:homepage": "site web",
    "org:unitOf": "unité de",
    "org:hasUnit": "a pour unité",
    "org:subOrganizationOf": "sous-organisation de",
    "org:memberOf": "membre de",
    "prov:agent": "organisation",
    "prov:hadRole": "rôle",
    "prov:qualifiedAssociation": "implication",
    "prov:wasAttributedTo": "attribué à",
    "oa:hasTarget": "porte sur",
    "eli:title": "titre",
    "eli:is_realized_by": "version",
    "eli:realizes": "texte",
    "eli:id_local": "identifiant (NOR, CELEX)",
    "eli:date_document": "date du texte",
    "eli:language": "langue",
    "time:hasBeginning": "début",
    "time:hasEnd": "fin",
    "time:inXSDDate": "date",
    "schema:value": "valeur",
    "schema:minValue": "minimum",
    "schema:maxValue": "maximum",
    "schema:currency": "devise",
    "schema:unitCode": "unité (code)",
    "schema:unitText": "unité",
    "dct:type": "type",
    "dct:publisher": "éditeur",
    "dct:hasPart": "comprend",
    "dct:modified": "modifié le",
    "dct:issued": "publié le",
    "org:linkedTo": "lié à",
    "org:hasMember": "membre",
    "void:triples": "nombre de triplets",
    "dcat:dataset": "jeu de données",
    "dcat:distribution": "distribution",
    "dcat:keyword": "mot-clé",
    "dcat:theme": "thème",
    "dcat:landingPage": "page d'accueil",
    "http://purl.org/vocab/vann/preferredNamespacePrefix": "préfixe préféré",
    "http://purl.org/vocab/vann/preferredNamespaceUri": "espace de noms",
}


PARENT = (
    "ess:section",
    "dct:isPartOf",
    "org:unitOf",
    "skos:broader",
    "skos:inScheme",
    "ess:inPlan",
    "rdfs:isDefinedBy",
)


def parent(node: Node) -> Node | None:
    """What a resource sits in: its section, plan, parent unit, scheme... or the resource above it in its IRI path."""
    for predicate in PARENT:
        found = node.first(predicate)
        if found is not None and found.iri and found != node:
            return found
    value = node.iri
    while value.count("/") > 3:
        value = value.rsplit("/", 1)[0]
        if ox.NamedNode(value) in node.d.out:
            return Node(node.d, ox.NamedNode(value))
    return None
