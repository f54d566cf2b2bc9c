"""The DCAT-AP 3 catalog graph of a build: the metadata of ``data/catalog/*.ttl`` merged with what the build knows.

:class:`CatalogBuilder` makes a ``dcat:Dataset`` for the whole graph and one per plan dataset (titles, places,
periods, publisher, keywords from the plan's levers and fields, provenance: :mod:`.catalog_plans`), a
``dcat:Distribution`` per dump file (media type and EU file type from the format registry, byte size, SHA-256), and
the SPARQL endpoint as a ``dcat:DataService``. A (subject, property) the metadata states wins over a generated one.

The catalog is made of pieces: the *head* (the metadata and the deployment's operator), one *entry* per plan
dataset (its ``dcat:Dataset``, distributions, agents, places, period, provenance: :meth:`CatalogBuilder.entry`, made
from the plan's own graphs and the context datasets' — vocabulary, reference data — and the head only, so that an
unchanged plan's entry can be taken from the previous build: :mod:`.catalog_entries`), and the *core* (the catalog,
the whole-graph dataset and its distributions, the data service: :meth:`CatalogBuilder.build`, redone every build).
"""

from __future__ import annotations

from urllib.parse import urljoin

import pyoxigraph as ox

from essgraph import urls
from essgraph.errors import ConfigError
from essgraph.publish.catalog_plans import plan_facts
from essgraph.publish.distributions import data_service, distribution, sparql_distribution
from essgraph.publish.dumps import DumpFile
from essgraph.rdf.namespaces import (
    DCAT,
    DCT,
    ESS_TERM,
    FOAF,
    RDF,
    RDFS,
    SKOS,
    VCARD,
    XSD,
    Triples,
    lit,
    node,
)

#: properties a plan dataset takes from the whole-graph dataset when the metadata gives it none
INHERITED = ("keyword", "theme", "conformsTo", "accrualPeriodicity", "accessRights")
#: generated values of these properties are added even when the metadata states some
ADDITIVE = {RDF("type"), DCAT("keyword"), DCAT("dataset"), DCAT("distribution"), DCAT("service"), RDFS("seeAlso")}
CATALOG_DIR = "data/catalog"  # the catalog metadata, relative to the project folder (read by publish.artifacts)
CATALOG_HINT = f"see {CATALOG_DIR}/catalog.ttl"


def graphs_of(st) -> list[ox.NamedNode]:
    """The named graphs of a dataset of the build (a build.report.DatasetState)."""
    return [ox.NamedNode(g) for g in (list(st.triples) or st.graph_iris)]


class CatalogBuilder:
    """Generated catalog triples merged with the metadata: a stated (subject, property) wins over a generated one.

    ``context``: the graphs of the datasets other than plans (vocabulary, reference data), which a plan's entry is
    made from together with the plan's own graphs."""

    def __init__(
        self,
        store: ox.Store,
        base: str,
        meta: Triples,
        state: dict,
        dumps: list[DumpFile],
        publisher=None,
        context: list[ox.NamedNode] | None = None,
    ):
        self.store, self.base, self.meta, self.state, self.dumps = store, base, meta, state, dumps
        self.context = list(context or [])
        self.graphs: list[ox.NamedNode] | None = None  # the graphs values() reads (None: every graph)
        self.urls = urls.Urls(base)
        self.head = self.out = Triples()
        for t in meta:
            self.out.add(t.subject, t.predicate, t.object)
        catalogs = meta.subjects(RDF("type"), DCAT("Catalog"))
        if len(catalogs) != 1:
            raise ConfigError(
                f"the catalog metadata must describe exactly one dcat:Catalog, found {len(catalogs)}", hint=CATALOG_HINT
            )
        self.catalog = catalogs[0]
        self.whole = node(self.urls.whole)
        self.operator(publisher)

    def operator(self, publisher) -> None:
        """The deployment's operator (``[project.publisher]`` of the project file) publishes the catalog."""
        stated = self.meta.objects(self.catalog, DCT("publisher"))
        if publisher is None:
            if not stated:
                raise ConfigError(
                    "the catalog has no publisher",
                    hint="set [project.publisher] (name, iri, type, homepage) in the project file",
                )
            return
        if stated:
            raise ConfigError(
                f"the catalog's publisher is set twice: in the project file and in {CATALOG_DIR}/",
                hint="keep [project.publisher] and remove dct:publisher from the catalog metadata",
            )
        agent = node(urljoin(self.base, publisher.iri))
        self.out.add(self.catalog, DCT("publisher"), agent)
        self.add(agent, RDF("type"), FOAF("Agent"))
        self.add(agent, FOAF("name"), lit(publisher.name, lang="fr"))
        if publisher.type:
            self.add(agent, DCT("type"), node(publisher.type))
        if publisher.homepage:
            self.add(agent, FOAF("homepage"), node(publisher.homepage))
            self.add(node(publisher.homepage), RDF("type"), FOAF("Document"))
        if publisher.email:  # the operator's address: on the catalog's contact points
            for contact in self.meta.objects(self.catalog, DCAT("contactPoint")):
                self.add(contact, VCARD("hasEmail"), node("mailto:" + publisher.email))

    # -- helpers -------------------------------------------------------------------------------------------------

    def add(self, s, p, o) -> None:
        if p in ADDITIVE or not self.meta.objects(s, p):
            self.out.add(s, p, o)

    def values(self, s, p) -> list:
        """Objects of (s, p) in the store's data graphs (those of :attr:`graphs` when set; the catalog graphs were
        removed before this step)."""
        if self.graphs is None:
            return list(dict.fromkeys(q.object for q in self.store.quads_for_pattern(s, p, None, None)))
        return list(dict.fromkeys(q.object for g in self.graphs for q in self.store.quads_for_pattern(s, p, None, g)))

    def label(self, s, *langs: str) -> list[ox.Literal]:
        found = [
            o
            for p in (SKOS("prefLabel"), RDFS("label"), DCT("title"))
            for o in self.values(s, p)
            if isinstance(o, ox.Literal)
        ]
        wanted = [o for o in found if (o.language or "") in langs]
        return wanted or found[:1]

    def inherit(self, target, source, props: tuple[str, ...]) -> None:
        for name in props:
            p = (DCAT if name in ("keyword", "theme") else DCT)(name)
            for o in self.head.objects(source, p):
                self.add(target, p, o)

    # -- the graph -----------------------------------------------------------------------------------------------

    def entry(self, st) -> Triples:
        """The catalog entry of plan dataset ``st`` (a build.report.DatasetState): its ``dcat:Dataset`` and what
        describes it, made from the plan's graphs, the context graphs and the head only."""
        ds = node(self.urls.dataset(st.dataset.id))
        graphs = graphs_of(st)
        self.out, self.graphs = Triples(), graphs + self.context
        try:
            plan_iris = list(
                dict.fromkeys(
                    q.subject
                    for g in graphs
                    for q in self.store.quads_for_pattern(None, RDF("type"), ESS_TERM("Plan"), g)
                )
            )
            self.dataset(ds, st.dataset.id, plan_iris, fallback_title=st.dataset.title or st.dataset.id)
            return self.out
        finally:
            self.out, self.graphs = self.head, None

    def build(self, plans, entries: dict[str, Triples] | None = None) -> Triples:
        """The core of the catalog: the head, the whole-graph dataset (covering the plans' places and periods,
        read from their entries: made here unless given in ``entries`` by dataset id, where the triples of each
        plan's dataset node and periods suffice), the data service and the catalog's own links."""
        entries = dict(entries or {})
        for st in plans:
            if st.dataset.id not in entries:
                entries[st.dataset.id] = self.entry(st)
        self.out = core = Triples()
        for t in self.head:
            core.add(t.subject, t.predicate, t.object)
        datasets = [self.whole] + [node(self.urls.dataset(st.dataset.id)) for st in plans]
        self.dataset(self.whole, urls.WHOLE, plan_iris=[])
        self.whole_coverage([(ds, entries[st.dataset.id]) for ds, st in zip(datasets[1:], plans)])
        data_service(self, datasets)
        for ds in datasets:
            self.add(self.catalog, DCAT("dataset"), ds)
        issued = sorted(v["issued"] for v in self.state.values())
        modified = sorted(v["modified"] for v in self.state.values())
        self.add(self.catalog, DCT("issued"), lit(issued[0], XSD("dateTime")))
        self.add(self.catalog, DCT("modified"), lit(modified[-1], XSD("dateTime")))
        void = node(self.urls.void)
        self.add(self.catalog, RDFS("seeAlso"), void)
        self.add(void, RDF("type"), FOAF("Document"))
        self.add(void, DCT("title"), lit("Description VoID du graphe", lang="fr"))
        self.add(void, DCT("title"), lit("VoID description of the graph", lang="en"))
        self.add(self.whole, FOAF("page"), void)
        for o in self.head.objects(self.catalog, DCT("license")):
            self.add(o, RDF("type"), DCT("LicenseDocument"))
        self.out = self.head
        return core

    def dataset(self, ds, ds_id: str, plan_iris: list, fallback_title: str = "") -> None:
        add, cat = self.add, self.catalog
        add(ds, RDF("type"), DCAT("Dataset"))
        add(ds, DCT("identifier"), lit(ds.value))
        for o in self.head.objects(cat, DCT("language")):
            add(ds, DCT("language"), o)
        for o in self.head.objects(cat, DCAT("contactPoint")):
            add(ds, DCAT("contactPoint"), o)
        dates = self.state[ds_id]
        add(ds, DCT("issued"), lit(dates["issued"], XSD("dateTime")))
        add(ds, DCT("modified"), lit(dates["modified"], XSD("dateTime")))
        if ds != self.whole:
            self.inherit(ds, self.whole, INHERITED)
            plan_facts(self, ds, plan_iris, fallback_title)
        else:
            for o in self.head.objects(cat, DCT("publisher")):
                add(ds, DCT("publisher"), o)
        for f in (f for f in self.dumps if f.dataset == ds_id):
            add(ds, DCAT("distribution"), distribution(self, ds, f, dates["modified"]))
        add(ds, DCAT("distribution"), sparql_distribution(self, ds, dates["modified"]))

    def whole_coverage(self, plan_entries: list[tuple[ox.NamedNode, Triples]]) -> None:
        """The whole graph covers every plan's places and the span of their periods."""
        starts, ends = [], []
        for ds, entry in plan_entries:
            for place in entry.objects(ds, DCT("spatial")):
                self.add(self.whole, DCT("spatial"), place)
            for period in entry.objects(ds, DCT("temporal")):
                starts += entry.objects(period, DCAT("startDate"))
                ends += entry.objects(period, DCAT("endDate"))
        if not self.out.objects(self.whole, DCT("spatial")):
            for o in self.head.objects(self.catalog, DCT("spatial")):
                self.add(self.whole, DCT("spatial"), o)
        if starts and ends and not self.meta.objects(self.whole, DCT("temporal")):
            period = ox.BlankNode()
            self.out.add(self.whole, DCT("temporal"), period)
            self.out.add(period, RDF("type"), DCT("PeriodOfTime"))
            self.out.add(period, DCAT("startDate"), min(starts, key=lambda start: start.value))
            self.out.add(period, DCAT("endDate"), max(ends, key=lambda end: end.value))
