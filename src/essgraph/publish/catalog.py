"""The build's open-data step: dumps, the DCAT-AP 3 catalog and the VoID description.

Called by the build once the data conforms, before the store is flushed (:func:`publish_artifacts`):

1. the catalog and VoID graphs of the previous build (the store may be a checkpoint of it) are removed;
2. the dumps are written into the build folder (:mod:`essgraph.publish.dumps`) with their byte sizes and SHA-256;
3. the catalog graph is made from ``data/catalog/*.ttl`` (the metadata, as data) and the build: a ``dcat:Dataset``
   per plan and one for the whole graph, a ``dcat:Distribution`` per dump, the SPARQL ``dcat:DataService``;
4. it is validated against the official DCAT-AP 3.0.1 shapes (``shapes/dcat-ap/``): a violation stops the build,
   warnings go in the build report (dataset ``catalog``);
5. the catalog and the VoID description (:mod:`essgraph.publish.void`) are written to ``catalog/catalog.nt`` and
   ``catalog/void.nt`` in the build folder (what ``/catalog`` and ``/.well-known/void`` serve: the exact validated
   triples) and added to the store as the named graphs ``{base}graph/catalog`` and ``{base}graph/void`` (for SPARQL
   and dereferencing; the store turns ``xsd:nonNegativeInteger`` into ``xsd:integer``, hence the files).

Circularity: the catalog states the size and checksum of every dump, so the dumps cannot contain the catalog. They
hold the data graphs only; the catalog is served at ``/catalog`` (and is in the SPARQL endpoint's graph/catalog).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox

from essgraph.publish.dcat_check import dcat_shapes_dir, validate_catalog
from essgraph import urls
from essgraph.publish.dumps import FOLDER as DUMPS_FOLDER
from essgraph.publish.dumps import DumpFile, write_dumps
from essgraph.rdf import formats
from essgraph.errors import ConfigError, ValidationFailed
from essgraph.rdf.parse import read_quads
from essgraph.rdf.serialize import serialize
from essgraph.rdf.namespaces import DCAT, DCT, ESS_TERM, FOAF, PROV, RDF, RDFS, SKOS, SPDX, XSD, Triples, lit, node
from essgraph.publish.void import void_triples

log = logging.getLogger("essgraph.catalog")

CATALOG_DIR = Path("data") / "catalog"     # the catalog metadata, relative to the project folder
STATE_FILE = "catalog/state.json"          # per dataset: content hash, issued, modified (carried to the next build)
#: the exact catalog and VoID triples of a build, served by /catalog and /.well-known/void
CATALOG_FILES = {urls.CATALOG_GRAPH: "catalog/catalog.nt", urls.VOID_GRAPH: "catalog/void.nt"}
#: SPDX SHA-256, in the IRI form the DCAT-AP 3.0.1 vocabulary shape accepts (``^https://spdx.org/rdf/terms``);
#: data/catalog/eu-vocabularies.ttl states it owl:sameAs the SPDX 2 IRI http://spdx.org/rdf/terms#checksumAlgorithm_sha256.
CHECKSUM_ALGORITHM = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"
LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
COLLECTIVITE = "https://w3id.org/essgraph/def/organisation-type/collectivite"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
#: properties a plan dataset takes from the whole-graph dataset when the metadata gives it none
INHERITED = ("keyword", "theme", "conformsTo", "accrualPeriodicity", "accessRights")
#: generated values of these properties are added even when the metadata states some
ADDITIVE = {RDF("type"), DCAT("keyword"), DCAT("dataset"), DCAT("distribution"), DCAT("service"), RDFS("seeAlso")}


def publish_artifacts(store: ox.Store, folder: Path, report, project, previous=None) -> None:
    """Write the dumps into ``folder``/dumps, make, validate and store the catalog and VoID graphs."""
    base = report.base_iri
    graphs = {name: ox.NamedNode(base + name) for name in (urls.CATALOG_GRAPH, urls.VOID_GRAPH)}
    for graph in graphs.values():
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
    plans = [st for st in report.datasets if st.dataset.kind == "plan"]
    dumps = write_dumps(store, folder / DUMPS_FOLDER, [(st.dataset.id, list(st.triples) or st.graph_iris) for st in plans],
                        _reusable_dumps(report, previous))
    now = datetime.now(timezone.utc).replace(microsecond=0)
    state = _dates(report, plans, previous, now)
    (folder / STATE_FILE).parent.mkdir(exist_ok=True)
    (folder / STATE_FILE).write_text(json.dumps(state, indent=1), encoding="utf-8")
    void = void_triples(store, base, [f for f in dumps if f.dataset == urls.WHOLE], _meta_titles(project, base))
    meta = load_metadata(project.root / CATALOG_DIR, base)
    if meta is None:
        log.warning("%s: no catalog metadata; /catalog will answer 404", project.root / CATALOG_DIR)
        catalog = Triples()
    else:
        catalog = CatalogBuilder(store, base, meta, state, dumps, project.publisher).build(plans)
        results = validate_catalog(catalog, dcat_shapes_dir(project.root))
        report.results.extend(results)
        violations = [r for r in results if r.severity == "Violation"]
        if violations:
            lines = "\n".join(f"  [catalog] {r.line()}" for r in violations[:20])
            raise ValidationFailed(f"the DCAT-AP catalog does not conform: {len(violations)} violation(s)\n{lines}")
    (folder / "catalog").mkdir(exist_ok=True)
    for name, triples in ((urls.CATALOG_GRAPH, catalog), (urls.VOID_GRAPH, void)):
        if len(triples):
            # the served copy: the store keeps xsd:integer for xsd:nonNegativeInteger (dcat:byteSize), a file does not
            (folder / CATALOG_FILES[name]).write_bytes(serialize(triples, formats.NTRIPLES))
            store.extend(ox.Quad(t.subject, t.predicate, t.object, graphs[name]) for t in triples)
            report.graph_triples[graphs[name].value] = len(triples)
    report.counts["triples"] = len(store)


def load_metadata(folder: Path, base: str) -> Triples | None:
    files = sorted(folder.glob("*.ttl")) if folder.is_dir() else []
    if not files:
        return None
    meta = Triples()
    for path in files:
        for q in read_quads(path, base, None):
            meta.add(q.subject, q.predicate, q.object)
    return meta


def _meta_titles(project, base: str) -> list[ox.Literal]:
    meta = load_metadata(project.root / CATALOG_DIR, base)
    return meta.objects(node(urls.Urls(base).whole), DCT("title")) if meta else []


def _reusable_dumps(report, previous) -> dict[str, Path]:
    """Plans whose dumps the previous build already wrote: their data and every non-plan dataset (whose labels
    the CSV uses) are unchanged."""
    if previous is None:
        return {}
    before = {d["id"]: d.get("hash") for d in previous.manifest.get("datasets", [])}
    now = {st.dataset.id: st.hash for st in report.datasets}
    context_same = all(before.get(st.dataset.id) == st.hash for st in report.datasets if st.dataset.kind != "plan")
    if not context_same or previous.manifest.get("base_iri") != report.base_iri:
        return {}
    folder = Path(previous.path) / DUMPS_FOLDER
    return {ds_id: folder for ds_id, h in now.items() if before.get(ds_id) == h}


def _dates(report, plans, previous, now: datetime) -> dict:
    """issued: first build that published the dataset; modified: last build in which its content changed."""
    before = {}
    if previous is not None:
        try:
            before = json.loads((Path(previous.path) / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
    stamp = now.isoformat().replace("+00:00", "Z")
    state = {}
    for ds_id, digest in [(urls.WHOLE, report.data_version)] + [(st.dataset.id, st.hash) for st in plans]:
        old = before.get(ds_id, {})
        same = old.get("hash") == digest
        state[ds_id] = {"hash": digest, "issued": old.get("issued", stamp),
                        "modified": old.get("modified", stamp) if same else stamp}
    return state


def _add_duration(start: date, duration: str) -> date | None:
    """start + an ISO 8601 duration of years/months/days (PnYnMnD), minus one day: the last day of the period."""
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?", duration)
    if not match or not any(match.groups()):
        return None
    years, months, days = (int(g or 0) for g in match.groups())
    month = start.month - 1 + months
    year, month = start.year + years + month // 12, month % 12 + 1
    day = min(start.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
                          31, 31, 30, 31, 30, 31][month - 1])
    return date(year, month, day) + timedelta(days=days - 1)


class CatalogBuilder:
    """Generated catalog triples merged with the metadata: a stated (subject, property) wins over a generated one."""

    def __init__(self, store: ox.Store, base: str, meta: Triples, state: dict, dumps: list[DumpFile],
                 publisher=None):
        self.store, self.base, self.meta, self.state, self.dumps = store, base, meta, state, dumps
        self.urls = urls.Urls(base)
        self.out = Triples()
        for t in meta:
            self.out.add(t.subject, t.predicate, t.object)
        catalogs = meta.subjects(RDF("type"), DCAT("Catalog"))
        if len(catalogs) != 1:
            raise ConfigError(f"the catalog metadata must describe exactly one dcat:Catalog, found {len(catalogs)}",
                              hint=f"see {CATALOG_DIR}/catalog.ttl")
        self.catalog = catalogs[0]
        self.whole = node(self.urls.whole)
        self.operator(publisher)

    def operator(self, publisher) -> None:
        """The deployment's operator (``[project.publisher]`` of the project file) publishes the catalog."""
        stated = self.meta.objects(self.catalog, DCT("publisher"))
        if publisher is None:
            if not stated:
                raise ConfigError("the catalog has no publisher",
                                  hint="set [project.publisher] (name, iri, type, homepage) in the project file")
            return
        if stated:
            raise ConfigError(f"the catalog's publisher is set twice: in the project file and in {CATALOG_DIR}/",
                              hint="keep [project.publisher] and remove dct:publisher from the catalog metadata")
        agent = node(urljoin(self.base, publisher.iri))
        self.out.add(self.catalog, DCT("publisher"), agent)
        self.add(agent, RDF("type"), FOAF("Agent"))
        self.add(agent, FOAF("name"), lit(publisher.name, lang="fr"))
        if publisher.type:
            self.add(agent, DCT("type"), node(publisher.type))
        if publisher.homepage:
            self.add(agent, FOAF("homepage"), node(publisher.homepage))
            self.add(node(publisher.homepage), RDF("type"), FOAF("Document"))

    # -- helpers -------------------------------------------------------------------------------------------------

    def add(self, s, p, o) -> None:
        if p in ADDITIVE or not self.meta.objects(s, p):
            self.out.add(s, p, o)

    def values(self, s, p) -> list:
        """Objects of (s, p) in the store's data graphs (the catalog graphs were removed before this step)."""
        return list(dict.fromkeys(q.object for q in self.store.quads_for_pattern(s, p, None, None)))

    def label(self, s, *langs: str) -> list[ox.Literal]:
        found = [o for p in (SKOS("prefLabel"), RDFS("label"), DCT("title")) for o in self.values(s, p)
                 if isinstance(o, ox.Literal)]
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
            plan_iris = list(dict.fromkeys(q.subject for g in graphs for q in self.store.quads_for_pattern(
                None, RDF("type"), ESS_TERM("Plan"), g)))
            self.dataset(ds, st.dataset.id, plan_iris, fallback_title=st.dataset.title or st.dataset.id)
            datasets.append(ds)
        self.whole_coverage(datasets[1:])
        self.service(datasets)
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
            add(ds, DCAT("distribution"), self.distribution(ds, f, dates["modified"]))

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
            add(ds, DCT("description"), lit(f"{title_fr}" + (f" : {subtitle[0].value}" if subtitle else "")
                                            + ". Plan municipal d'économie sociale et solidaire publié en "
                                            "données liées par essgraph.", lang="fr"))
            for place in self.values(plan, DCT("spatial")):
                add(ds, DCT("spatial"), place)
                add(place, RDF("type"), DCT("Location"))
                for t in self.label(place, "fr"):
                    add(place, SKOS("prefLabel"), t)
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
        query = ("SELECT DISTINCT ?l WHERE { ?a %s %s ; ?p ?c . VALUES ?p { %s %s } ?c %s ?l "
                 "FILTER(lang(?l) = 'fr') }" % (ESS_TERM("inPlan"), plan, ESS_TERM("lever"), ESS_TERM("field"), SKOS("prefLabel")))
        rows = self.store.query(query, use_default_graph_as_union=True)
        return sorted((r["l"] for r in rows), key=lambda l: l.value)

    def provenance(self, ds, title: str, adopted: str) -> None:
        if self.meta.objects(ds, DCT("provenance")):
            return
        prov = node(urls.part(ds.value, "provenance"))
        self.add(ds, DCT("provenance"), prov)
        when_fr = f", adopté le {adopted}" if adopted else ""
        when_en = f", adopted on {adopted}" if adopted else ""
        self.out.add(prov, RDF("type"), DCT("ProvenanceStatement"))
        self.out.add(prov, RDFS("label"), lit(
            f"Transcription en données liées, par le projet essgraph, du plan « {title} »{when_fr}, à partir de sa "
            "source publiée ; chaque fait renvoie à sa source. Classification (leviers, champs d'action, cibles des "
            "ODD) éditoriale d'essgraph.", lang="fr"))
        self.out.add(prov, RDFS("label"), lit(
            f"Linked-data transcription by the essgraph project of the plan \"{title}\"{when_en}, from its "
            "published source; every fact points back to its source. Editorial classification (levers, thematic "
            "fields, SDG targets) by essgraph.", lang="en"))

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
            self.out.add(period, DCAT("startDate"), min(starts, key=lambda l: l.value))
            self.out.add(period, DCAT("endDate"), max(ends, key=lambda l: l.value))

    def distribution(self, ds, f: DumpFile, modified: str):
        fmt = f.dump_format
        dist = node(urls.distribution(ds.value, fmt.extension, f.compressed))
        url = node(self.urls.dump(f.name))
        out = self.out
        out.add(dist, RDF("type"), DCAT("Distribution"))
        out.add(dist, DCT("identifier"), lit(dist.value))
        gz_fr, gz_en = (" compressé gzip", " compressed with gzip") if f.compressed else ("", "")
        if fmt is formats.CSV:
            out.add(dist, DCT("title"), lit("CSV des fiches action (une ligne par action)", lang="fr"))
            out.add(dist, DCT("title"), lit("CSV of the action cards (one row per action)", lang="en"))
            out.add(dist, DCT("description"), lit(
                "Une ligne par fiche action : numéro, titres, axe, description, objectifs, organisations, moyens, "
                "calendrier, indicateurs, bases légales, financements, lieux, leviers, champs, cibles ODD. Valeurs "
                "multiples séparées par « | ». UTF-8, virgule.", lang="fr"))
            out.add(dist, DCT("description"), lit(
                "One row per action card: number, titles, axis, description, objectives, organisations, means, "
                "calendar, indicators, legal bases, funding, places, levers, fields, SDG targets. Multiple values "
                "separated by \" | \". UTF-8, comma-separated.", lang="en"))
        else:
            out.add(dist, DCT("title"), lit(f"{fmt.label}{gz_fr}", lang="fr"))
            out.add(dist, DCT("title"), lit(f"{fmt.label}{gz_en}", lang="en"))
            out.add(dist, DCT("description"), lit(
                f"Export complet au format {fmt.label}{gz_fr}"
                + (", chaque graphe nommé conservé." if fmt.keeps_graphs else ", graphes nommés fusionnés."), lang="fr"))
            out.add(dist, DCT("description"), lit(
                f"Complete export in {fmt.label}{gz_en}"
                + (", every named graph kept." if fmt.keeps_graphs else ", named graphs merged."), lang="en"))
        out.add(dist, DCAT("accessURL"), url)
        out.add(dist, DCAT("downloadURL"), url)
        media = node(fmt.iana_iri)
        out.add(dist, DCAT("mediaType"), media)
        out.add(media, RDF("type"), DCT("MediaType"))
        out.add(dist, DCT("format"), node(fmt.eu_file_type_iri))
        if f.compressed:
            gzip = node(formats.GZIP.iana_iri)
            out.add(dist, DCAT("compressFormat"), gzip)
            out.add(gzip, RDF("type"), DCT("MediaType"))
        out.add(dist, DCAT("byteSize"), lit(str(f.size), XSD("nonNegativeInteger")))
        checksum = ox.BlankNode()
        out.add(dist, SPDX("checksum"), checksum)
        out.add(checksum, RDF("type"), SPDX("Checksum"))
        out.add(checksum, SPDX("algorithm"), node(CHECKSUM_ALGORITHM))
        out.add(checksum, SPDX("checksumValue"), lit(f.sha256, XSD("hexBinary")))
        for o in self.out.objects(self.catalog, DCT("license")):
            out.add(dist, DCT("license"), o)
        out.add(dist, DCT("modified"), lit(modified, XSD("dateTime")))
        return dist

    def service(self, datasets: list) -> None:
        add, svc = self.add, node(self.urls.service)
        endpoint = node(self.urls.sparql)
        add(svc, RDF("type"), DCAT("DataService"))
        add(svc, DCT("identifier"), lit(svc.value))
        add(svc, DCT("title"), lit("Point d'accès SPARQL", lang="fr"))
        add(svc, DCT("title"), lit("SPARQL endpoint", lang="en"))
        add(svc, DCT("description"), lit(
            "Requêtes SPARQL 1.1 (protocole SPARQL) sur tout le graphe publié, en lecture seule ; la description du "
            "service est renvoyée à l'adresse du point d'accès.", lang="fr"))
        add(svc, DCT("description"), lit(
            "SPARQL 1.1 queries (SPARQL Protocol) over the whole published graph, read-only; the service "
            "description is returned at the endpoint URL.", lang="en"))
        add(endpoint, RDF("type"), RDFS("Resource"))
        add(svc, DCAT("endpointURL"), endpoint)
        add(svc, DCAT("endpointDescription"), endpoint)
        for ds in datasets:
            add(svc, DCAT("servesDataset"), ds)
        add(svc, DCT("conformsTo"), node(SPARQL_PROTOCOL))
        add(node(SPARQL_PROTOCOL), RDF("type"), DCT("Standard"))
        add(node(SPARQL_PROTOCOL), DCT("title"), lit("SPARQL 1.1 Protocol", lang="en"))
        for p in (DCT("publisher"), DCAT("contactPoint"), DCT("license")):
            for o in self.out.objects(self.catalog, p):
                add(svc, p, o)
        for p in (DCAT("keyword"), DCAT("theme"), DCT("accessRights")):
            for o in self.out.objects(self.whole, p):
                add(svc, p, o)
        add(svc, DCAT("keyword"), lit("SPARQL", lang="fr"))
        add(self.catalog, DCAT("service"), svc)
