"""The VoID description of the published graph (served at ``/.well-known/void``), made at build time.

Statistics are over the data graphs only (every dataset's graphs, never the catalog or VoID graphs): triples,
entities (IRIs under ``{base}id/``), distinct subjects and objects, classes and properties with their partitions,
the vocabularies used, the SPARQL endpoint, the dumps, and linksets to external datasets (Légifrance and EUR-Lex
ELI, the UN SDG KOS), one per target and linking property. The figures come from
:mod:`essgraph.publish.void_stats` (per-dataset sketches combined, so a rebuild recounts only what changed); this
module turns them into triples.
"""

from __future__ import annotations

import pyoxigraph as ox

from essgraph import urls
from essgraph.publish.dumps import DumpFile
from essgraph.publish.void_sketch import LINK_TARGETS
from essgraph.publish.void_stats import Statistics
from essgraph.rdf.namespaces import DCT, FOAF, PREFIXES, RDF, VOID, XSD, Triples, lit, node

VOCABULARIES = set(PREFIXES.values()) - {PREFIXES["xsd"]}


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _int(value: int) -> ox.Literal:
    return lit(str(value), XSD("integer"))


def void_triples(stats: Statistics, base: str, dumps: list[DumpFile], titles: list[ox.Literal]) -> Triples:
    out = Triples()
    where = urls.Urls(base)
    doc, ds = node(where.void), node(where.whole)
    out.add(doc, RDF("type"), VOID("DatasetDescription"))
    out.add(doc, DCT("title"), lit("Description VoID du graphe essgraph", lang="fr"))
    out.add(doc, DCT("title"), lit("VoID description of the essgraph graph", lang="en"))
    out.add(doc, FOAF("primaryTopic"), ds)
    out.add(ds, RDF("type"), VOID("Dataset"))
    for t in titles or [lit("essgraph", lang="fr")]:
        out.add(ds, DCT("title"), t)
    out.add(ds, VOID("uriSpace"), lit(where(urls.ID)))
    out.add(ds, VOID("sparqlEndpoint"), node(where.sparql))
    for f in dumps:
        out.add(ds, VOID("dataDump"), node(where.dump(f.name)))
        feature = f.dump_format.iri if f.dump_format.rdf is not None else None
        if feature is not None:  # the W3C format IRI of each RDF syntax dumped
            out.add(ds, VOID("feature"), node(feature))
    out.add(ds, VOID("triples"), _int(stats.triples))
    out.add(ds, VOID("entities"), _int(stats.entities))
    out.add(ds, VOID("distinctSubjects"), _int(stats.subjects))
    out.add(ds, VOID("distinctObjects"), _int(stats.objects))
    vocabularies = set()
    for count, partition, member, size, figures in (
        ("classes", "classPartition", "class", "entities", stats.classes),
        ("properties", "propertyPartition", "property", "triples", stats.properties),
    ):
        out.add(ds, VOID(count), _int(len(figures)))
        for iri, n in figures.items():
            part = ox.BlankNode()
            out.add(ds, VOID(partition), part)
            out.add(part, VOID(member), node(iri))
            out.add(part, VOID(size), _int(n))
            vocabularies.add(_namespace(iri))
    for vocabulary in sorted(vocabularies & VOCABULARIES):
        out.add(ds, VOID("vocabulary"), node(vocabulary))
    for root in stats.roots:
        out.add(ds, VOID("rootResource"), root)
    _linksets(stats, out, ds)
    return out


def _linksets(stats: Statistics, out: Triples, ds: ox.NamedNode) -> None:
    for key, title, space in LINK_TARGETS:
        found = [(predicate, n) for (target, predicate), n in stats.linksets.items() if target == key]
        if not found:
            continue
        target = node(urls.part(ds.value, "target", key))
        out.add(target, RDF("type"), VOID("Dataset"))
        out.add(target, DCT("title"), lit(title, lang="en"))
        out.add(target, VOID("uriSpace"), lit(space))
        for predicate, n in found:
            linkset = node(urls.part(ds.value, "linkset", key, predicate[len(_namespace(predicate)) :]))
            out.add(ds, VOID("subset"), linkset)
            out.add(linkset, RDF("type"), VOID("Linkset"))
            out.add(linkset, VOID("subjectsTarget"), ds)
            out.add(linkset, VOID("objectsTarget"), target)
            out.add(linkset, VOID("linkPredicate"), node(predicate))
            out.add(linkset, VOID("triples"), _int(n))
