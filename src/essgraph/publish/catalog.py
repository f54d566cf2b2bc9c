"""The DCAT-AP 3 catalog graph of a build: the metadata of ``data/catalog/*.ttl`` merged with what the build knows.

:class:`CatalogBuilder` makes a ``dcat:Dataset`` for the whole graph and one per plan dataset (titles, places,
periods, publisher, keywords from the plan's levers and fields, provenance), a ``dcat:Distribution`` per dump file
(media type and EU file type from the format registry, byte size, SHA-256), and the SPARQL endpoint as a
``dcat:DataService``. A (subject, property) the metadata states wins over a generated one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urljoin

import pyoxigraph as ox

from essgraph import urls
from essgraph.errors import ConfigError
from essgraph.publish.distributions import data_service, distribution, sparql_distribution
from essgraph.publish.dumps import DumpFile
from essgraph.rdf.namespaces import (
    DCAT,
    DCT,
    ESS_TERM,
    FOAF,
    LOCN,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VCARD,
    XSD,
    Triples,
    lit,
    node,
)

LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
#: the geometry of a place the catalog copies from the data (WKT literals: udata reads the polygons of dcat:bbox,
#: ckanext-dcat each of the three, ckanext-spatial indexes locn:geometry)
GEOMETRY = (DCAT("bbox"), DCAT("centroid"), LOCN("geometry"))
COLLECTIVITE = "https://w3id.org/essgraph/def/organisation-type/collectivite"
#: properties a plan dataset takes from the whole-graph dataset when the metadata gives it none
INHERITED = ("keyword", "theme", "conformsTo", "accrualPeriodicity", "accessRights")
#: generated values of these properties are added even when the metadata states some
ADDITIVE = {RDF("type"), DCAT("keyword"), DCAT("dataset"), DCAT("distribution"), DCAT("service"), RDFS("seeAlso")}
CATALOG_DIR = "data/catalog"  # the catalog metadata, relative to the project folder (read by publish.artifacts)
CATALOG_HINT = f"see {CATALOG_DIR}/catalog.ttl"


def _add_duration(start: date, duration: str) -> date | None:
    """start + an ISO 8601 duration of years/months/days (PnYnMnD), minus one day: the last day of the period."""
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?", duration)
    if not match or not any(match.groups()):
        return None
    years, months, days = (int(g or 0) for g in match.groups())
    month = start.month - 1 + months
    year, month = start.year + years + month // 12, month % 12 + 1
    day = min(
        start.day,
        [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
            month - 1
        ],
    )
    return date(year, month, day) + timedelta(days=days - 1)


class CatalogBuilder:
    """Generated catalog triples merged with the metadata: a stated (subject, property) wins over a generated one."""

    def __init__(self, store: ox.Store, base: str, meta: Triples, state: dict, dumps: list[DumpFile], publisher=None):
        self.store, self.base, self.meta, self.state, self.dumps = store, base, meta, state, dumps
        self.urls = urls.Urls(base)
        self.out = Triples()
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
        """Objects of (s, p) in the store's data graphs (the catalog graphs were removed before this step)."""
        return list(dict.fromkeys(q.object for q in self.store.quads_for_pattern(s, p, None, None)))

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
            for o in self.out.objects(source, p):
                self.add(target, p, o)

    # -- the graph -----------------------------------------------------------------------------------------------

    def build(self, plans) -> Triples:
        datasets = [self.whole]
        self.dataset(self.whole, urls.WHOLE, plan_iris=[])
        for st in plans:
            ds = node(self.urls.dataset(st.dataset.id))
            graphs = [ox.NamedNode(g) for g in (list(st.triples) or st.graph_iris)]
            plan_iris = list(
                dict.fromkeys(
                    q.subject
                    for g in graphs
                    for q in self.store.quads_for_pattern(None, RDF("type"), ESS_TERM("Plan"), g)
                )
            )
            self.dataset(ds, st.dataset.id, plan_iris, fallback_title=st.dataset.title or st.dataset.id)
            datasets.append(ds)
        self.whole_coverage(datasets[1:])
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
        for o in self.out.objects(self.catalog, DCT("license")):
            self.add(o, RDF("type"), DCT("LicenseDocument"))
        return self.out

    def dataset(self, ds, ds_id: str, plan_iris: list, fallback_title: str = "") -> None:
        add, cat = self.add, self.catalog
        add(ds, RDF("type"), DCAT("Dataset"))
        add(ds, DCT("identifier"), lit(ds.value))
        for p in ("language",):
            for o in self.out.objects(cat, DCT(p)):
                add(ds, DCT(p), o)
        for o in self.out.objects(cat, DCAT("contactPoint")):
            add(ds, DCAT("contactPoint"), o)
        dates = self.state[ds_id]
        add(ds, DCT("issued"), lit(dates["issued"], XSD("dateTime")))
        add(ds, DCT("modified"), lit(dates["modified"], XSD("dateTime")))
        if ds != self.whole:
            self.inherit(ds, self.whole, INHERITED)
            self.plan_facts(ds, ds_id, plan_iris, fallback_title)
        else:
            for o in self.out.objects(cat, DCT("publisher")):
                add(ds, DCT("publisher"), o)
        for f in (f for f in self.dumps if f.dataset == ds_id):
            add(ds, DCAT("distribution"), distribution(self, ds, f, dates["modified"]))
        add(ds, DCAT("distribution"), sparql_distribution(self, ds, dates["modified"]))

    def plan_facts(self, ds, ds_id: str, plan_iris: list, fallback_title: str) -> None:
        add = self.add
        publishers: list = []
        for plan in plan_iris:
            add(ds, DCAT("landingPage"), plan)
            add(plan, RDF("type"), FOAF("Document"))
            titles = self.label(plan, "fr", "en")
            for t in titles:
                add(ds, DCT("title"), t)
            subtitle = [o for o in self.values(plan, ESS_TERM("subtitle")) if isinstance(o, ox.Literal)]
            title_fr = next((t.value for t in titles if t.language == "fr"), fallback_title)
            add(
                ds,
                DCT("description"),
                lit(
                    f"{title_fr}"
                    + (f" : {subtitle[0].value}" if subtitle else "")
                    + ". Plan municipal d'économie sociale et solidaire publié en "
                    "données liées par essgraph.",
                    lang="fr",
                ),
            )
            for place in self.values(plan, DCT("spatial")):
                add(ds, DCT("spatial"), place)
                add(place, RDF("type"), DCT("Location"))
                for t in self.label(place, "fr"):
                    add(place, SKOS("prefLabel"), t)
                for p in GEOMETRY:
                    for o in self.values(place, p)[:1]:
                        add(place, p, o)
            publishers += [org for org in self.values(plan, ESS_TERM("collectivite")) if self.agent(org)][:1]
            adopted = [d for a in self.values(plan, ESS_TERM("adoptedBy")) for d in self.values(a, DCT("date"))]
            durations = self.values(plan, ESS_TERM("plannedDuration"))
            if adopted and durations:
                start = date.fromisoformat(adopted[0].value[:10])
                end = _add_duration(start, durations[0].value)
                if end is not None:
                    period = ox.BlankNode()
                    add(ds, DCT("temporal"), period)
                    self.out.add(period, RDF("type"), DCT("PeriodOfTime"))
                    self.out.add(period, DCAT("startDate"), lit(start.isoformat(), XSD("date")))
                    self.out.add(period, DCAT("endDate"), lit(end.isoformat(), XSD("date")))
            for src in self.values(plan, DCT("source")):
                add(ds, PROV("wasDerivedFrom"), src)
            for kw in self.plan_keywords(plan):
                add(ds, DCAT("keyword"), kw)
            self.provenance(ds, title_fr, adopted[0].value[:10] if adopted else "")
        if not plan_iris:
            add(ds, DCT("title"), lit(fallback_title, lang="fr"))
            add(ds, DCT("description"), lit(fallback_title, lang="fr"))
        # a plan is published by its collectivité (one publisher: DCAT-AP allows no more), else by the operator
        for o in publishers[:1] or self.out.objects(self.catalog, DCT("publisher")):
            add(ds, DCT("publisher"), o)

    def agent(self, org) -> bool:
        """Describe an organisation as a foaf:Agent (name, ADMS type) when the data gives it a name."""
        names = self.out.objects(org, FOAF("name")) or self.label(org, "fr")
        if not names:
            return False
        self.add(org, RDF("type"), FOAF("Agent"))
        for n in names:
            self.add(org, FOAF("name"), n)
        if COLLECTIVITE in {o.value for o in self.values(org, ESS_TERM("organisationType"))}:
            self.add(org, DCT("type"), node(LOCAL_AUTHORITY))
        return True

    def plan_keywords(self, plan) -> list[ox.Literal]:
        # str(NamedNode) is its N-Triples form: a validated IRI that cannot break out of the query
        query = (
            "SELECT DISTINCT ?l WHERE { ?a %s %s ; ?p ?c . VALUES ?p { %s %s } ?c %s ?l "
            "FILTER(lang(?l) = 'fr') }"
            % (ESS_TERM("inPlan"), plan, ESS_TERM("lever"), ESS_TERM("field"), SKOS("prefLabel"))
        )
        rows = self.store.query(query, use_default_graph_as_union=True)
        return sorted((r["l"] for r in rows), key=lambda label: label.value)

    def provenance(self, ds, title: str, adopted: str) -> None:
        if self.meta.objects(ds, DCT("provenance")):
            return
        prov = node(urls.part(ds.value, "provenance"))
        self.add(ds, DCT("provenance"), prov)
        when_fr = f", adopté le {adopted}" if adopted else ""
        when_en = f", adopted on {adopted}" if adopted else ""
        self.out.add(prov, RDF("type"), DCT("ProvenanceStatement"))
        self.out.add(
            prov,
            RDFS("label"),
            lit(
                f"Transcription en données liées, par le projet essgraph, du plan « {title} »{when_fr}, à partir de sa "
                "source publiée ; chaque fait renvoie à sa source. Classification (leviers, champs d'action, cibles des "
                "ODD) éditoriale d'essgraph.",
                lang="fr",
            ),
        )
        self.out.add(
            prov,
            RDFS("label"),
            lit(
                f'Linked-data transcription by the essgraph project of the plan "{title}"{when_en}, from its '
                "published source; every fact points back to its source. Editorial classification (levers, thematic "
                "fields, SDG targets) by essgraph.",
                lang="en",
            ),
        )

    def whole_coverage(self, plan_datasets: list) -> None:
        """The whole graph covers every plan's places and the span of their periods."""
        starts, ends = [], []
        for ds in plan_datasets:
            for place in self.out.objects(ds, DCT("spatial")):
                self.add(self.whole, DCT("spatial"), place)
            for period in self.out.objects(ds, DCT("temporal")):
                starts += self.out.objects(period, DCAT("startDate"))
                ends += self.out.objects(period, DCAT("endDate"))
        if not self.out.objects(self.whole, DCT("spatial")):
            for o in self.out.objects(self.catalog, DCT("spatial")):
                self.add(self.whole, DCT("spatial"), o)
        if starts and ends and not self.meta.objects(self.whole, DCT("temporal")):
            period = ox.BlankNode()
            self.out.add(self.whole, DCT("temporal"), period)
            self.out.add(period, RDF("type"), DCT("PeriodOfTime"))
            self.out.add(period, DCAT("startDate"), min(starts, key=lambda start: start.value))
            self.out.add(period, DCAT("endDate"), max(ends, key=lambda end: end.value))
