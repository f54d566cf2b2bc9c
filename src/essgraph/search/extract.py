"""What the search index holds, read from the graph with SPARQL: one document per action, organisation and plan,
its text (title, names of what it links to, body) and its facet values; and one overview row per plan.

Everything is read from the store (union of the named graphs) in a handful of queries, each returning one row per
(document, value): cheaper than one query per document. A full build reads every document; an incremental one
(:mod:`essgraph.search.incremental`) the same queries bound to some documents (``only``: ``VALUES ?doc``). Texts
are French (``@fr``) or untagged; English labels are left out so that French folding applies to everything indexed.

Whatever store answers and in whatever order its rows come, the result is the same: a document's texts are kept in
the order of the properties in the queries (``?rank``), then alphabetically; where a document has several values of
what should be one (a plan's title in the overview, an action's plan and card number, a label) the smallest wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from essgraph.rdf.namespaces import iri, sparql_prefixes

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
    "action": f"""SELECT ?doc ?column ?text ?rank WHERE {{
  ?doc a ess:Action .
  {{ VALUES (?p ?column ?rank) {{ (rdfs:label "label" 0) (dct:title "title" 1) (ess:summaryTitle "title" 2)
      (ess:cardNumber "title" 3) (ess:context "body" 4) (dct:description "body" 5) (ess:meansWording "body" 6)
      (ess:methodWording "body" 7) (ess:indicatorWording "body" 8) (ess:calendarWording "body" 9)
      (ess:legalBasisWording "body" 10) }}
    ?doc ?p ?text }}
  UNION {{ VALUES (?p ?rank) {{ (ess:objective 11) (ess:step 12) (ess:resultIndicator 13) (ess:means 14) }}
           BIND ("body" AS ?column) ?doc ?p ?part . ?part rdfs:label ?text }}
  UNION {{ VALUES ?p {{ ess:involvedOrganisation ess:place ess:legalBasis ess:fundingProgramme ess:lever ess:field
                       ess:section }} BIND ("names" AS ?column) BIND (15 AS ?rank)
           ?doc ?p ?linked . ?linked skos:prefLabel|skos:altLabel|rdfs:label ?text }}
  {FRENCH}
}}""",
    "organisation": f"""SELECT ?doc ?column ?text ?rank WHERE {{
  {ORGANISATION}
  {{ ?doc skos:prefLabel ?text BIND ("label" AS ?column) BIND (0 AS ?rank) }}
  UNION {{ ?doc skos:altLabel|skos:hiddenLabel ?text BIND ("names" AS ?column) BIND (1 AS ?rank) }}
  UNION {{ ?doc org:unitOf/skos:prefLabel ?text BIND ("names" AS ?column) BIND (2 AS ?rank) }}
  UNION {{ ?doc rdfs:comment ?text BIND ("body" AS ?column) BIND (3 AS ?rank) }}
  {FRENCH}
}}""",
    "plan": f"""SELECT ?doc ?column ?text ?rank WHERE {{
  ?doc a ess:Plan .
  {{ ?doc dct:title ?text BIND ("label" AS ?column) BIND (0 AS ?rank) }}
  UNION {{ ?doc rdfs:label|ess:subtitle ?text BIND ("title" AS ?column) BIND (1 AS ?rank) }}
  UNION {{ ?doc ess:rationale|dct:description|rdfs:comment ?text BIND ("body" AS ?column) BIND (2 AS ?rank) }}
  UNION {{ ?doc ess:collectivite|dct:spatial ?linked . ?linked skos:prefLabel|skos:altLabel ?text
           BIND ("names" AS ?column) BIND (3 AS ?rank) }}
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

#: the predicates the queries above and below follow from a document to what it shows (labels of what an action
#: links to, a plan's territory, an organisation's parent...), and those pointing at a document from what adds to it
#: (an action to its plan and organisations, a plan to its collectivité, a note to what it is about): an incremental
#: update (essgraph.search.incremental) follows them from the resources that changed to the documents that did
FOLLOWED = frozenset(
    iri(c)
    for c in (
        "rdf:type", "ess:objective", "ess:step", "ess:resultIndicator", "ess:means", "ess:involvedOrganisation",
        "ess:place", "ess:legalBasis", "ess:fundingProgramme", "ess:lever", "ess:field", "ess:section", "org:unitOf",
        "ess:collectivite", "dct:spatial", "ess:inPlan", "ess:amount", "ess:target", "ess:scheduledInterval",
        "time:hasBeginning", "time:hasEnd", "schema:containedInPlace", "ess:adoptedBy",
    )
)  # fmt: skip
POINTING = frozenset(iri(c) for c in ("oa:hasTarget", "ess:collectivite", "ess:involvedOrganisation", "ess:inPlan"))
#: what an action gives to the documents it points at (ess:involvedOrganisation, ess:inPlan)
ADDING = frozenset(iri(c) for c in ("ess:involvedOrganisation", "ess:inPlan"))
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


def _rows(store: ox.Store, query: str, only: Iterable[str] | None = None, var: str = "doc"):
    """The rows of ``query``, bound to the IRIs ``only`` (``VALUES ?var``) when given."""
    if only is not None:
        values = " ".join(str(ox.NamedNode(i)) for i in only)  # IRIs from the store: their N-Triples form
        query = query.replace("WHERE {", f"WHERE {{ VALUES ?{var} {{ {values} }}", 1)
    return store.query(PREFIXES + query, use_default_graph_as_union=True)


def read_documents(store: ox.Store, only: Iterable[str] | None = None) -> dict[str, Doc]:
    """Every action, organisation and plan with a title, by IRI; or only those of ``only`` (IRIs), whose values
    coming from actions (:func:`_from_actions`) are then those of the actions among ``only``."""
    if only is not None:
        only = sorted(set(only))
    docs: dict[str, Doc] = {}
    texts: dict[str, dict[str, set[tuple[int, str]]]] = {}
    for kind in ("plan", "action", "organisation"):
        for row in _rows(store, TEXTS[kind], only):
            iri = row["doc"].value
            doc = docs.get(iri)
            if doc is None:
                doc = docs[iri] = Doc(iri, kind)
                texts[iri] = {c: set() for c in COLUMNS}
            if doc.kind == kind:
                texts[iri][row["column"].value].add((int(row["rank"].value), row["text"].value))
    for iri, columns in texts.items():
        for column, ranked in columns.items():
            docs[iri].texts[column] = list(dict.fromkeys(text for _, text in sorted(ranked)))
    placed: dict[str, tuple[str, str]] = {}
    for row in _rows(store, ACTIONS, only):
        iri, found = row["doc"].value, (row["plan"].value, _value(row["number"]) or "")
        if iri in docs and (iri not in placed or found < placed[iri]):
            placed[iri] = found
    for iri, (plan, number) in placed.items():
        docs[iri].plan, docs[iri].number = plan, number
    for kind in ("plan", "action", "organisation"):
        for doc_term, facet, value in _rows(store, FACET_VALUES[kind], only):
            faceted = docs.get(doc_term.value)
            if faceted is not None and faceted.kind == kind:
                faceted.values.add((facet.value, value.value))
    _from_actions(docs)
    for flag, query in FLAGS.items():
        for row in _rows(store, query, only):
            if row["doc"].value in docs:
                docs[row["doc"].value].values.add(("has", flag))
    _calendar(store, docs, only)
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


def _calendar(store: ox.Store, docs: dict[str, Doc], only: list[str] | None = None) -> None:
    """The years an action's calendar covers (every year from its beginning to its end), and its plan's."""
    for row in _rows(store, CALENDAR, only):
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
        if doc.kind == "action" and doc.plan in docs and docs[doc.plan].kind == "plan":
            docs[doc.plan].years.update(doc.years)
    for doc in docs.values():
        doc.values.update(("year", str(y)) for y in doc.years)


def _year(text: str | None) -> int | None:
    return int(text[:4]) if text and text[:4].isdigit() else None


def labels_of(store: ox.Store, iris: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """(French label, dct:identifier) of each IRI: its French skos:prefLabel, else its French dct:title, else its
    French rdfs:label, else any skos:prefLabel (the smallest of several), else the IRI; its smallest identifier."""
    iris = sorted(set(iris))
    best: dict[str, tuple[int, str]] = {}
    identifiers: dict[str, str] = {}
    for start in range(0, len(iris), 2000):
        for row in _rows(store, LABELS, iris[start : start + 2000], var="value"):
            iri = row["value"].value
            for rank, name in enumerate(("fr", "title", "label", "any")):
                if row[name] is not None and (rank, row[name].value) < best.get(iri, (4, "")):
                    best[iri] = (rank, row[name].value)
            identifier = _value(row["identifier"])
            if identifier is not None and (iri not in identifiers or identifier < identifiers[iri]):
                identifiers[iri] = identifier
    return {iri: (best[iri][1] if iri in best else iri, identifiers.get(iri)) for iri in iris}


def read_overview(store: ox.Store, only: Iterable[str] | None = None) -> dict[str, dict]:
    """Per plan IRI (or those of ``only``): title, collectivité, type of territory, department, region, adoption
    date; of several, the smallest (a value before none)."""
    names = ("title", "collectivite", "collectiviteLabel", "typeLabel", "department", "region", "adopted")
    plans: dict[str, dict] = {}
    order: dict[str, tuple] = {}
    for row in _rows(store, OVERVIEW, None if only is None else sorted(set(only)), var="plan"):
        plan = row["plan"].value
        found = {name: _value(row[name]) for name in names}
        key = tuple((found[name] is None, found[name] or "") for name in names)
        if plan not in order or key < order[plan]:
            plans[plan], order[plan] = found, key
    return plans
