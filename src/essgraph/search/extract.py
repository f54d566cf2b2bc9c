"""What the search index holds, read from the graph with SPARQL: one document per action, organisation and plan,
its text (title, names of what it links to, body) and its facet values; and one overview row per plan.

Everything is read from the build's in-memory store (union of the named graphs) in a handful of queries, each
returning one row per (document, value): cheaper than one query per document. Texts are French (``@fr``) or
untagged; English labels are left out so that French folding applies to everything indexed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from essgraph.rdf.namespaces import sparql_prefixes

PREFIXES = (
    sparql_prefixes("ess", "dct", "rdfs", "skos", "org", "oa", "schema", "time", "xsd")
    + "PREFIX igeo: <http://rdf.insee.fr/def/geo#>\n"
)
FRENCH = 'FILTER (isLiteral(?text) && (LANG(?text) = "" || LANGMATCHES(LANG(?text), "fr")))'
ORGANISATION = "{ ?doc a org:Organization } UNION { ?doc a org:OrganizationalUnit }"
#: a document's texts: "label" is its display title (indexed with "title"), "names" what it links to
COLUMNS = ("label", "title", "names", "body")
MAX_YEARS = 30  # an interval longer than this is read as a data error, not 30 facet values

TEXTS = {
    "action": f"""SELECT ?doc ?column ?text WHERE {{
  ?doc a ess:Action .
  {{ VALUES (?p ?column) {{ (rdfs:label "label") (dct:title "title") (ess:summaryTitle "title") (ess:cardNumber "title")
      (ess:context "body") (dct:description "body") (ess:meansWording "body") (ess:methodWording "body")
      (ess:indicatorWording "body") (ess:calendarWording "body") (ess:legalBasisWording "body") }}
    ?doc ?p ?text }}
  UNION {{ VALUES ?p {{ ess:objective ess:step ess:resultIndicator ess:means }} BIND ("body" AS ?column)
           ?doc ?p ?part . ?part rdfs:label ?text }}
  UNION {{ VALUES ?p {{ ess:involvedOrganisation ess:place ess:legalBasis ess:fundingProgramme ess:lever ess:field
                       ess:section }} BIND ("names" AS ?column)
           ?doc ?p ?linked . ?linked skos:prefLabel|skos:altLabel|rdfs:label ?text }}
  {FRENCH}
}}""",
    "organisation": f"""SELECT ?doc ?column ?text WHERE {{
  {ORGANISATION}
  {{ ?doc skos:prefLabel ?text BIND ("label" AS ?column) }}
  UNION {{ ?doc skos:altLabel|skos:hiddenLabel ?text BIND ("names" AS ?column) }}
  UNION {{ ?doc org:unitOf/skos:prefLabel ?text BIND ("names" AS ?column) }}
  UNION {{ ?doc rdfs:comment ?text BIND ("body" AS ?column) }}
  {FRENCH}
}}""",
    "plan": f"""SELECT ?doc ?column ?text WHERE {{
  ?doc a ess:Plan .
  {{ ?doc dct:title ?text BIND ("label" AS ?column) }}
  UNION {{ ?doc rdfs:label|ess:subtitle ?text BIND ("title" AS ?column) }}
  UNION {{ ?doc ess:rationale|dct:description|rdfs:comment ?text BIND ("body" AS ?column) }}
  UNION {{ ?doc ess:collectivite|dct:spatial ?linked . ?linked skos:prefLabel|skos:altLabel ?text
           BIND ("names" AS ?column) }}
  {FRENCH}
}}""",
}

#: the facet values each document has of its own; a plan also has those of its actions (ACTION_TO_PLAN), an
#: organisation the plans and collectivités of the actions it is involved in: both are added from the actions'
#: values in Python (joining actions to plans in SPARQL took 7 s of the 15 s at 1,000 synthetic plans)
FACET_VALUES = {
    "action": """SELECT ?doc ?facet ?value WHERE {
  ?doc a ess:Action .
  { VALUES (?p ?facet) { (ess:inPlan "plan") (ess:lever "lever") (ess:field "field") (ess:legalBasis "legal")
      (ess:status "status") (ess:horizon "horizon") (ess:sdgTarget "sdg") (ess:involvedOrganisation "org") }
    ?doc ?p ?value }
  UNION { ?doc ess:inPlan/ess:collectivite ?value BIND ("collectivite" AS ?facet) }
  UNION { ?doc ess:involvedOrganisation/ess:organisationType ?value BIND ("orgtype" AS ?facet) }
  UNION { ?note a ess:DataQualityNote ; oa:hasTarget ?doc ; ess:anomaly ?value BIND ("note" AS ?facet) }
  FILTER (isIRI(?value))
}""",
    "organisation": f"""SELECT ?doc ?facet ?value WHERE {{
  {ORGANISATION}
  {{ ?doc ess:organisationType ?value BIND ("orgtype" AS ?facet) }}
  UNION {{ ?value ess:collectivite ?doc BIND ("plan" AS ?facet) }}
  UNION {{ ?plan ess:collectivite ?doc BIND (?doc AS ?value) BIND ("collectivite" AS ?facet) }}
  FILTER (isIRI(?value))
}}""",
    "plan": """SELECT ?doc ?facet ?value WHERE {
  ?doc a ess:Plan .
  { BIND (?doc AS ?value) BIND ("plan" AS ?facet) }
  UNION { ?doc ess:collectivite ?value BIND ("collectivite" AS ?facet) }
  FILTER (isIRI(?value))
}""",
}

ACTION_TO_PLAN = frozenset({"lever", "field", "legal", "sdg", "status"})
ACTION_TO_ORGANISATION = frozenset({"plan", "collectivite"})
ACTIONS = """SELECT ?doc ?plan ?number WHERE {
  ?doc a ess:Action ; ess:inPlan ?plan . OPTIONAL { ?doc ess:cardNumber ?number } }"""
#: the actions with a flag, one query per flag: pyoxigraph joins a UNION of BIND groups with the actions in time
#: quadratic in their number (8 s at 100 synthetic plans against 0.03 s for each query alone)
FLAGS = {
    "budget": """SELECT DISTINCT ?doc WHERE {
  ?doc a ess:Action ; ess:means/ess:amount ?amount . ?amount a schema:MonetaryAmount }""",
    "cible": """SELECT DISTINCT ?doc WHERE { ?doc a ess:Action ; ess:resultIndicator/ess:target ?target }""",
}
CALENDAR = """SELECT ?doc ?begin ?end WHERE {
  ?doc a ess:Action .
  { ?doc ess:scheduledInterval ?interval .
    ?interval time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?begin .
    OPTIONAL { ?interval time:hasEnd/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?end } }
  UNION { ?doc ess:scheduledDate ?begin }
}"""
OVERVIEW = """SELECT ?plan ?title ?collectivite ?collectiviteLabel ?typeLabel ?department ?region ?adopted WHERE {
  ?plan a ess:Plan .
  OPTIONAL { ?plan dct:title ?title FILTER (LANGMATCHES(LANG(?title), "fr")) }
  OPTIONAL { ?plan ess:collectivite ?collectivite .
             OPTIONAL { ?collectivite skos:prefLabel ?collectiviteLabel
                        FILTER (LANGMATCHES(LANG(?collectiviteLabel), "fr")) } }
  OPTIONAL { ?plan dct:spatial ?territory .
    OPTIONAL { ?territory a ?type . ?type rdfs:isDefinedBy <http://rdf.insee.fr/def/geo> ; rdfs:label ?typeLabel
               FILTER (LANGMATCHES(LANG(?typeLabel), "fr")) }
    OPTIONAL { ?territory schema:containedInPlace* ?d . ?d a igeo:Departement ; skos:prefLabel ?department
               FILTER (LANGMATCHES(LANG(?department), "fr")) }
    OPTIONAL { ?territory schema:containedInPlace* ?r . ?r a igeo:Region ; skos:prefLabel ?region
               FILTER (LANGMATCHES(LANG(?region), "fr")) } }
  OPTIONAL { ?plan ess:adoptedBy/dct:date ?adopted }
}"""
LABELS = """SELECT ?value ?fr ?title ?label ?any ?identifier WHERE {
  VALUES ?value { %s }
  OPTIONAL { ?value skos:prefLabel ?fr FILTER (LANGMATCHES(LANG(?fr), "fr")) }
  OPTIONAL { ?value dct:title ?title FILTER (LANGMATCHES(LANG(?title), "fr")) }
  OPTIONAL { ?value rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "fr")) }
  OPTIONAL { ?value skos:prefLabel ?any }
  OPTIONAL { ?value dct:identifier ?identifier }
}"""


@dataclass
class Doc:
    iri: str
    kind: str  # action, organisation or plan
    plan: str | None = None  # an action's plan
    number: str = ""  # an action's card number
    texts: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    values: set[tuple[str, str]] = field(default_factory=set)  # (facet, IRI or literal key)
    years: set[int] = field(default_factory=set)

    @property
    def title(self) -> str:
        """The display title: an action's rdfs:label, a plan's dct:title, an organisation's skos:prefLabel."""
        return next(iter(self.texts["label"] + self.texts["title"]), self.iri)


def _value(term) -> str | None:
    return None if term is None else term.value


def _rows(store: ox.Store, query: str):
    return store.query(PREFIXES + query, use_default_graph_as_union=True)


def read_documents(store: ox.Store) -> dict[str, Doc]:
    """Every action, organisation and plan with a title, by IRI."""
    docs: dict[str, Doc] = {}
    for kind in ("plan", "action", "organisation"):
        for iri_term, column_term, text_term in _rows(store, TEXTS[kind]):
            iri, column, text = iri_term.value, column_term.value, text_term.value
            doc = docs.get(iri)
            if doc is None:
                doc = docs[iri] = Doc(iri, kind)
            if doc.kind == kind and text not in doc.texts[column]:
                doc.texts[column].append(text)
    for row in _rows(store, ACTIONS):
        action = docs.get(row["doc"].value)
        if action is not None:
            action.plan, action.number = row["plan"].value, _value(row["number"]) or ""
    for kind in ("plan", "action", "organisation"):
        for doc_term, facet, value in _rows(store, FACET_VALUES[kind]):
            faceted = docs.get(doc_term.value)
            if faceted is not None and faceted.kind == kind:
                faceted.values.add((facet.value, value.value))
    _from_actions(docs)
    for flag, query in FLAGS.items():
        for row in _rows(store, query):
            if row["doc"].value in docs:
                docs[row["doc"].value].values.add(("has", flag))
    _calendar(store, docs)
    for doc in docs.values():
        doc.values.add(("type", doc.kind))
    return docs


def _from_actions(docs: dict[str, Doc]) -> None:
    """A plan's levers, fields, legal bases, SDG targets and statuses are its actions'; an organisation is in the
    plans (and collectivités) of the actions it is involved in."""
    for action in [d for d in docs.values() if d.kind == "action"]:
        plans = [docs[v] for f, v in action.values if f == "plan" and v in docs and docs[v].kind == "plan"]
        shared = {(f, v) for f, v in action.values if f in ACTION_TO_PLAN}
        for plan in plans:
            plan.values.update(shared)
        placed = {(f, v) for f, v in action.values if f in ACTION_TO_ORGANISATION}
        for f, v in action.values:
            if f == "org" and v in docs and docs[v].kind == "organisation":
                docs[v].values.update(placed)


def _calendar(store: ox.Store, docs: dict[str, Doc]) -> None:
    """The years an action's calendar covers (every year from its beginning to its end), and its plan's."""
    for row in _rows(store, CALENDAR):
        doc = docs.get(row["doc"].value)
        if doc is None:
            continue
        begin = _year(_value(row["begin"]))
        end = _year(_value(row["end"])) if row["end"] is not None else begin
        if begin is None:
            continue
        end = end if end is not None and begin <= end <= begin + MAX_YEARS else begin
        doc.years.update(range(begin, end + 1))
        doc.values.add(("has", "dates"))
    for doc in list(docs.values()):
        if doc.kind == "action" and doc.plan in docs:
            docs[doc.plan].years.update(doc.years)
    for doc in docs.values():
        doc.values.update(("year", str(y)) for y in doc.years)


def _year(text: str | None) -> int | None:
    return int(text[:4]) if text and text[:4].isdigit() else None


def labels_of(store: ox.Store, iris: list[str]) -> dict[str, tuple[str, str | None]]:
    """(French label, dct:identifier) of each IRI; the label falls back to any skos:prefLabel, then the IRI."""
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(iris), 2000):
        chunk = iris[start : start + 2000]
        values = " ".join(str(ox.NamedNode(i)) for i in chunk)  # IRIs from the store: their N-Triples form
        for row in _rows(store, LABELS % values):
            iri = row["value"].value
            label = next((t.value for t in (row["fr"], row["title"], row["label"], row["any"]) if t is not None), iri)
            if iri not in found or (found[iri][0] == iri and label != iri):
                found[iri] = (label, _value(row["identifier"]))
    return found


def read_overview(store: ox.Store) -> dict[str, dict]:
    """Per plan IRI: title, collectivité, type of territory, department, region, adoption date."""
    plans: dict[str, dict] = {}
    for row in _rows(store, OVERVIEW):
        plan = row["plan"].value
        if plan in plans:
            continue
        plans[plan] = {
            name: _value(row[name])
            for name in ("title", "collectivite", "collectiviteLabel", "typeLabel", "department", "region", "adopted")
        }
    return plans
