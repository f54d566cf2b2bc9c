"""What the catalog says of a plan dataset, taken from the plan's data: landing page, titles, description, places,
period, publisher (the plan's collectivité, as a ``foaf:Agent``), sources, keywords (the plan's levers and fields)
and provenance. Functions of the :class:`~essgraph.publish.catalog.CatalogBuilder` (``self``) making the plan's
entry, which reads the plan's own graphs and the context graphs only (``self.values``, ``self.graphs``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pyoxigraph as ox

from essgraph import urls
from essgraph.rdf.namespaces import DCAT, DCT, ESS_TERM, FOAF, LOCN, PROV, RDF, RDFS, SKOS, XSD, lit, node

if TYPE_CHECKING:
    from essgraph.publish.catalog import CatalogBuilder

LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
#: the geometry of a place the catalog copies from the data (WKT literals: udata reads the polygons of dcat:bbox,
#: ckanext-dcat each of the three, ckanext-spatial indexes locn:geometry)
GEOMETRY = (DCAT("bbox"), DCAT("centroid"), LOCN("geometry"))
COLLECTIVITE = "https://w3id.org/essgraph/def/organisation-type/collectivite"


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


def plan_facts(self: CatalogBuilder, ds, plan_iris: list, fallback_title: str) -> None:
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
        publishers += [org for org in self.values(plan, ESS_TERM("collectivite")) if agent(self, org)][:1]
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
        for kw in plan_keywords(self, plan):
            add(ds, DCAT("keyword"), kw)
        provenance(self, ds, title_fr, adopted[0].value[:10] if adopted else "")
    if not plan_iris:
        add(ds, DCT("title"), lit(fallback_title, lang="fr"))
        add(ds, DCT("description"), lit(fallback_title, lang="fr"))
    # a plan is published by its collectivité (one publisher: DCAT-AP allows no more), else by the operator
    for o in publishers[:1] or self.head.objects(self.catalog, DCT("publisher")):
        add(ds, DCT("publisher"), o)


def agent(self: CatalogBuilder, org) -> bool:
    """Describe an organisation as a foaf:Agent (name, ADMS type) when the metadata or the data gives it a name."""
    names = self.head.objects(org, FOAF("name")) or self.label(org, "fr")
    if not names:
        return False
    self.add(org, RDF("type"), FOAF("Agent"))
    for n in names:
        self.add(org, FOAF("name"), n)
    if COLLECTIVITE in {o.value for o in self.values(org, ESS_TERM("organisationType"))}:
        self.add(org, DCT("type"), node(LOCAL_AUTHORITY))
    return True


def plan_keywords(self: CatalogBuilder, plan) -> list[ox.Literal]:
    """The French labels of the levers and fields of the plan's actions (in the graphs the entry reads)."""
    # str(NamedNode) is its N-Triples form: a validated IRI that cannot break out of the query
    query = "SELECT DISTINCT ?l WHERE { ?a %s %s ; ?p ?c . VALUES ?p { %s %s } ?c %s ?l FILTER(lang(?l) = 'fr') }" % (
        ESS_TERM("inPlan"),
        plan,
        ESS_TERM("lever"),
        ESS_TERM("field"),
        SKOS("prefLabel"),
    )
    if self.graphs is None:
        rows = self.store.query(query, use_default_graph_as_union=True)
    else:
        rows = self.store.query(query, default_graph=list(self.graphs))
    return sorted((r["l"] for r in rows), key=lambda label: label.value)


def provenance(self: CatalogBuilder, ds, title: str, adopted: str) -> None:
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
