"""The reference the VoID statistics are checked against: the VoID description as essgraph computed it before
statistics were sketched per dataset (essgraph.publish.void_stats), by SPARQL counts over the whole store's union
graph (kept here, unchanged but for the imports, from src/essgraph/publish/void.py of commit 6e6fe44).

``void_triples(store, base, dumps, titles)``: the store must hold the data graphs only (no catalog or VoID graph);
``canonical(triples)``: a VoID description in a form that compares equal when the statistics are the same.
"""

from __future__ import annotations

import pyoxigraph as ox

from essgraph import urls
from essgraph.publish.dumps import DumpFile
from essgraph.publish.void_sketch import LINK_TARGETS
from essgraph.rdf.namespaces import DCT, FOAF, PREFIXES, RDF, VOID, XSD, Triples, lit, node

VOCABULARIES = set(PREFIXES.values()) - {PREFIXES["xsd"]}
DISTINCT = "SELECT DISTINCT ?s ?x ?o WHERE { ?s ?x ?o }"
#: the class and property partitions: (count, partition, member and size properties of void:, query of ?x ?n)
PARTITIONS = (
    (
        "classes",
        "classPartition",
        "class",
        "entities",
        "SELECT ?x (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?x FILTER(isIRI(?x)) } GROUP BY ?x ORDER BY ?x",
    ),
    (
        "properties",
        "propertyPartition",
        "property",
        "triples",
        f"SELECT ?x (COUNT(*) AS ?n) WHERE {{ {DISTINCT} }} GROUP BY ?x ORDER BY ?x",
    ),
)


def canonical(triples) -> set:
    """The triples with each blank node (a class or property partition) replaced by the set of its (predicate,
    object) pairs, so that two descriptions with the same statistics compare equal."""
    triples = list(triples)
    pairs: dict = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            pairs.setdefault(t.subject, set()).add((t.predicate, t.object))
    same = {b: frozenset(p) for b, p in pairs.items()}
    return {(t.subject, t.predicate, same.get(t.object, t.object)) for t in triples if t.subject not in same}


def _bind(query: str, **terms) -> str:
    """Put terms in a query in their N-Triples form (escaped by pyoxigraph), for ?name placeholders."""
    for name, term in terms.items():
        query = query.replace("?" + name, str(term))
    return query


def _count(store: ox.Store, query: str, **terms) -> int:
    row = next(iter(store.query(_bind(query, **terms), use_default_graph_as_union=True)))
    return int(row["n"].value)


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _int(value: int) -> ox.Literal:
    return lit(str(value), XSD("integer"))


def void_triples(store: ox.Store, base: str, dumps: list[DumpFile], titles: list[ox.Literal]) -> Triples:
    out = Triples()
    where = urls.Urls(base)
    doc, ds = node(where.void), node(where.whole)
    space = where(urls.ID)
    out.add(doc, RDF("type"), VOID("DatasetDescription"))
    out.add(doc, DCT("title"), lit("Description VoID du graphe essgraph", lang="fr"))
    out.add(doc, DCT("title"), lit("VoID description of the essgraph graph", lang="en"))
    out.add(doc, FOAF("primaryTopic"), ds)
    out.add(ds, RDF("type"), VOID("Dataset"))
    for t in titles or [lit("essgraph", lang="fr")]:
        out.add(ds, DCT("title"), t)
    out.add(ds, VOID("uriSpace"), lit(space))
    out.add(ds, VOID("sparqlEndpoint"), node(where.sparql))
    for f in dumps:
        out.add(ds, VOID("dataDump"), node(where.dump(f.name)))
        feature = f.dump_format.iri if f.dump_format.rdf is not None else None
        if feature is not None:  # the W3C format IRI of each RDF syntax dumped
            out.add(ds, VOID("feature"), node(feature))
    out.add(ds, VOID("triples"), _int(_count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {DISTINCT} }}")))
    out.add(
        ds,
        VOID("entities"),
        _int(
            _count(
                store,
                "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?space)) }",
                space=lit(space),
            )
        ),
    )
    out.add(ds, VOID("distinctSubjects"), _int(_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")))
    out.add(ds, VOID("distinctObjects"), _int(_count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")))
    vocabularies = set()
    for count, partition, member, size, query in PARTITIONS:
        rows = list(store.query(query, use_default_graph_as_union=True))
        out.add(ds, VOID(count), _int(len(rows)))
        for row in rows:
            part = ox.BlankNode()
            out.add(ds, VOID(partition), part)
            out.add(part, VOID(member), row["x"])
            out.add(part, VOID(size), _int(int(row["n"].value)))
            vocabularies.add(_namespace(row["x"].value))
    for vocabulary in sorted(vocabularies & VOCABULARIES):
        out.add(ds, VOID("vocabulary"), node(vocabulary))
    for row in store.query(
        "PREFIX ess: <%s> SELECT DISTINCT ?p WHERE { ?p a ess:Plan } ORDER BY ?p" % PREFIXES["ess"],
        use_default_graph_as_union=True,
    ):
        out.add(ds, VOID("rootResource"), row["p"])
    _linksets(store, out, ds)
    return out


def _linksets(store: ox.Store, out: Triples, ds: ox.NamedNode) -> None:
    query = (
        "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o "
        "FILTER(isIRI(?o) && STRSTARTS(STR(?o), ?space) && !STRSTARTS(STR(?s), ?space) && ?p != <%s> "
        "&& !STRSTARTS(STR(?o), ?vocabulary)) } } GROUP BY ?p ORDER BY ?p" % RDF("type").value
    )
    for key, title, space in LINK_TARGETS:
        rows = list(
            store.query(
                _bind(query, space=lit(space), vocabulary=lit(PREFIXES["eli"])), use_default_graph_as_union=True
            )
        )
        if not rows:
            continue
        target = node(urls.part(ds.value, "target", key))
        out.add(target, RDF("type"), VOID("Dataset"))
        out.add(target, DCT("title"), lit(title, lang="en"))
        out.add(target, VOID("uriSpace"), lit(space))
        for row in rows:
            local = row["p"].value[max(row["p"].value.rfind("#"), row["p"].value.rfind("/")) + 1 :]
            linkset = node(urls.part(ds.value, "linkset", key, local))
            out.add(ds, VOID("subset"), linkset)
            out.add(linkset, RDF("type"), VOID("Linkset"))
            out.add(linkset, VOID("subjectsTarget"), ds)
            out.add(linkset, VOID("objectsTarget"), target)
            out.add(linkset, VOID("linkPredicate"), row["p"])
            out.add(linkset, VOID("triples"), _int(int(row["n"].value)))
