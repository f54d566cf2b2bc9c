"""What an intake looks names up in: the concept schemes and the reference data of the project.

Read from the project's vocabulary and reference datasets (``essgraph.toml``), never from a fixed list: the
template's enums are the codes of the SKOS schemes (``https://w3id.org/essgraph/def/{scheme}/{code}``), and
organisations, places and legal texts are matched to the reference data. Relative IRIs of the data files are read
against a placeholder base and given back relative (``id/organisation/...``), as the generated files write them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from essgraph.intake.names import normalised
from essgraph.rdf.namespaces import ESS_SCHEMES, sparql_prefixes
from essgraph.rdf.parse import read_quads

#: placeholder base IRI of the intake: relative IRIs are resolved against it, then written relative again
LOCAL = "https://essgraph.invalid/local/"

#: schemes whose codes are template enums (scheme -> what it says, for the schema descriptions)
SCHEMES = (
    "lever",
    "field",
    "role",
    "horizon",
    "status",
    "priority",
    "organisation-type",
    "transversality",
    "budget-stage",
    "expenditure-type",
    "anomaly",
)


def relative(iri: str) -> str:
    return iri[len(LOCAL) :] if iri.startswith(LOCAL) else iri


@dataclass
class Concept:
    code: str
    fr: str
    en: str = ""


@dataclass
class Reference:
    """Concept codes per scheme, and name indexes of the reference organisations, places and legal texts."""

    concepts: dict[str, list[Concept]] = field(default_factory=dict)
    org_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    org_sirens: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    org_labels: dict[str, str] = field(default_factory=dict)
    org_units: dict[str, str] = field(default_factory=dict)  # unit IRI -> the organisation it is a unit of
    place_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    place_codes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    place_labels: dict[str, str] = field(default_factory=dict)
    legal_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    legal_labels: dict[str, str] = field(default_factory=dict)  # IRI -> short French name
    legal_pages: dict[str, str] = field(default_factory=dict)  # Légifrance page -> IRI
    sdg_targets: set[str] = field(default_factory=set)

    def codes(self, scheme: str) -> list[str]:
        return [c.code for c in self.concepts.get(scheme, [])]

    def label(self, scheme: str, code: str) -> str:
        return next((c.fr for c in self.concepts.get(scheme, []) if c.code == code), code)

    def organisation(self, name: str = "", siren: str = "") -> set[str]:
        """Reference organisations with this SIREN, else with this normalised name (several: ambiguous)."""
        if siren and self.org_sirens.get(siren):
            return set(self.org_sirens[siren])
        return set(self.org_names.get(normalised(name), ())) if name else set()

    def place(self, name: str = "", code: str = "") -> set[str]:
        if code and self.place_codes.get(code):
            return set(self.place_codes[code])
        return set(self.place_names.get(normalised(name), ())) if name else set()

    def legal_text(self, text: str) -> set[str]:
        """A legal text by its IRI, Légifrance page, short name, official title, NOR or JORFTEXT id."""
        text = text.strip()
        if text in self.legal_labels:
            return {text}
        if text in self.legal_pages:
            return {self.legal_pages[text]}
        return set(self.legal_names.get(normalised(text), ()))


QUERIES = {
    "concepts": sparql_prefixes("skos")
    + """
        SELECT ?c ?code ?fr ?en WHERE {
          ?c a skos:Concept ; skos:inScheme ?scheme .
          OPTIONAL { ?c skos:notation ?code }
          OPTIONAL { ?c skos:prefLabel ?fr FILTER (LANG(?fr) = "fr") }
          OPTIONAL { ?c skos:prefLabel ?en FILTER (LANG(?en) = "en") }
          FILTER (STRSTARTS(STR(?c), STR(?scheme)))
        }""",
    "organisations": sparql_prefixes("skos", "org", "ess")
    + """
        SELECT ?o ?label ?kind ?unitOf WHERE {
          VALUES ?class { org:Organization org:OrganizationalUnit } ?o a ?class .
          { ?o skos:prefLabel|skos:altLabel|skos:hiddenLabel ?label BIND ("name" AS ?kind) }
          UNION { ?o ess:siren ?label BIND ("siren" AS ?kind) }
          OPTIONAL { ?o org:unitOf ?unitOf }
        }""",
    "places": sparql_prefixes("skos", "dct", "schema", "ess")
    + """
        SELECT ?p ?label ?kind WHERE {
          VALUES ?class { ess:Place schema:Place dct:Location } ?p a ?class .
          { ?p skos:prefLabel|skos:altLabel ?label BIND ("name" AS ?kind) }
          UNION { ?p dct:identifier ?label BIND ("code" AS ?kind) }
        }""",
    "legal": sparql_prefixes("rdfs", "skos", "eli", "dct")
    + """
        SELECT ?t ?label ?kind WHERE {
          ?t a eli:LegalResource .
          { ?t rdfs:label ?label BIND ("label" AS ?kind) }
          UNION { ?t skos:altLabel|eli:id_local|dct:identifier|eli:is_realized_by/eli:title ?label BIND ("name" AS ?kind) }
          UNION { ?t rdfs:seeAlso ?page BIND (STR(?page) AS ?label) BIND ("page" AS ?kind) }
        }""",
    "sdg": sparql_prefixes("skos")
    + """
        SELECT ?t WHERE { ?t a <http://metadata.un.org/sdg/ontology#Target> }""",
}


def load_reference(project) -> Reference:
    """The concept schemes and reference data of ``project`` (its datasets of kind vocabulary and reference)."""
    store = ox.Store()
    for ds in project.datasets:
        if ds.kind in ("vocabulary", "reference"):
            for path in ds.files:
                store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in read_quads(path, LOCAL, None))
    return reference_from_store(store)


def reference_from_store(store: ox.Store) -> Reference:
    ref = Reference()
    run = lambda name: store.query(QUERIES[name], use_default_graph_as_union=True)  # noqa: E731
    by_scheme: dict[str, dict[str, Concept]] = defaultdict(dict)
    for row in run("concepts"):
        iri = row["c"].value
        if not iri.startswith(ESS_SCHEMES):
            continue
        scheme, _, code = iri[len(ESS_SCHEMES) :].rpartition("/")
        concept = by_scheme[scheme].setdefault(code, Concept(code, code))
        if row["fr"] is not None:
            concept.fr = row["fr"].value
        if row["en"] is not None:
            concept.en = row["en"].value
    ref.concepts = {s: sorted(c.values(), key=lambda c: c.code) for s, c in by_scheme.items()}
    for row in run("organisations"):
        iri, label = relative(row["o"].value), row["label"].value
        if row["kind"].value == "siren":
            ref.org_sirens[label.strip()].add(iri)
        else:
            ref.org_names[normalised(label)].add(iri)
            if row["label"].language == "fr":
                ref.org_labels.setdefault(iri, label)
        if row["unitOf"] is not None:
            ref.org_units[iri] = relative(row["unitOf"].value)
    for row in run("places"):
        iri, label = relative(row["p"].value), row["label"].value
        (ref.place_codes[label.strip()] if row["kind"].value == "code" else ref.place_names[normalised(label)]).add(iri)
        if row["kind"].value == "name":
            ref.place_labels.setdefault(iri, label)
    for row in run("legal"):
        iri, label, kind = row["t"].value, row["label"].value, row["kind"].value
        ref.legal_labels.setdefault(iri, iri)
        if kind == "page":
            ref.legal_pages[label] = iri
            continue
        ref.legal_names[normalised(label)].add(iri)
        if kind == "label" and row["label"].language == "fr":
            ref.legal_labels[iri] = label
    ref.sdg_targets = {row["t"].value.rsplit("/", 1)[-1] for row in run("sdg")}
    return ref
