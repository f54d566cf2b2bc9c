"""The parts of the catalog that describe how the data is served: a ``dcat:Distribution`` per dump file, one per
dataset for the SPARQL endpoint (its ``dcat:accessService``: udata makes it a resource of type "api", ckanext-dcat
lists it in ``access_services``), and the SPARQL endpoint as a ``dcat:DataService``. Functions of the :class:`~essgraph.publish.catalog.CatalogBuilder`
(``self``) that makes the rest of the catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from essgraph import urls
from essgraph.publish.dumps import DumpFile
from essgraph.rdf import formats
from essgraph.rdf.namespaces import DCAT, DCT, RDF, RDFS, SPDX, XSD, lit, node

if TYPE_CHECKING:
    from essgraph.publish.catalog import CatalogBuilder

#: SPDX SHA-256 as SPDX 2.3 and DCAT 3 write it, the only form udata (data.gouv.fr) reads; the DCAT-AP 3.0.1
#: vocabulary shape asks for ``^https://spdx.org/rdf/terms``: a waived result (essgraph.publish.waivers)
CHECKSUM_ALGORITHM = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"


def distribution(self: CatalogBuilder, ds: ox.NamedNode, f: DumpFile, modified: str) -> ox.NamedNode:
    """The distribution of dataset ``ds`` that is dump file ``f``: where to download it, its formats (IANA media
    type, EU file type), size and SHA-256."""
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
        out.add(
            dist,
            DCT("description"),
            lit(
                "Une ligne par fiche action : numéro, titres, axe, description, objectifs, organisations, moyens, "
                "calendrier, indicateurs, bases légales, financements, lieux, leviers, champs, cibles ODD, budget "
                "(montant en nombre, devise, période). Valeurs multiples séparées par « | ». UTF-8 avec BOM, virgule.",
                lang="fr",
            ),
        )
        out.add(
            dist,
            DCT("description"),
            lit(
                "One row per action card: number, titles, axis, description, objectives, organisations, means, "
                "calendar, indicators, legal bases, funding, places, levers, fields, SDG targets, budget (amount as "
                'a number, currency, period). Multiple values separated by " | ". UTF-8 with BOM, comma-separated.',
                lang="en",
            ),
        )
    else:
        out.add(dist, DCT("title"), lit(f"{fmt.label}{gz_fr}", lang="fr"))
        out.add(dist, DCT("title"), lit(f"{fmt.label}{gz_en}", lang="en"))
        out.add(
            dist,
            DCT("description"),
            lit(
                f"Export complet au format {fmt.label}{gz_fr}"
                + (", chaque graphe nommé conservé." if fmt.keeps_graphs else ", graphes nommés fusionnés."),
                lang="fr",
            ),
        )
        out.add(
            dist,
            DCT("description"),
            lit(
                f"Complete export in {fmt.label}{gz_en}"
                + (", every named graph kept." if fmt.keeps_graphs else ", named graphs merged."),
                lang="en",
            ),
        )
    out.add(dist, DCAT("accessURL"), url)
    out.add(dist, DCAT("downloadURL"), url)
    for prop, media in [("mediaType", fmt)] + ([("compressFormat", formats.GZIP)] if f.compressed else []):
        out.add(dist, DCAT(prop), node(media.iana_iri))  # the IANA media type, a dct:MediaType
        out.add(node(media.iana_iri), RDF("type"), DCT("MediaType"))
    if fmt.eu_file_type_iri is not None:
        out.add(dist, DCT("format"), node(fmt.eu_file_type_iri))
    out.add(dist, DCAT("byteSize"), lit(str(f.size), XSD("nonNegativeInteger")))
    checksum = ox.BlankNode()
    out.add(dist, SPDX("checksum"), checksum)
    out.add(checksum, RDF("type"), SPDX("Checksum"))
    out.add(checksum, SPDX("algorithm"), node(CHECKSUM_ALGORITHM))
    # a plain literal (the lower-case hex digest): udata reads an xsd:hexBinary value as bytes and then refuses the
    # resource; DCAT-AP 3.0.1 asks for xsd:hexBinary: a waived result (essgraph.publish.waivers)
    out.add(checksum, SPDX("checksumValue"), lit(f.sha256))
    for o in self.head.objects(self.catalog, DCT("license")):
        out.add(dist, DCT("license"), o)
    out.add(dist, DCT("modified"), lit(modified, XSD("dateTime")))
    return dist


def sparql_distribution(self: CatalogBuilder, ds: ox.NamedNode, modified: str) -> ox.NamedNode:
    """The distribution of dataset ``ds`` that is the SPARQL endpoint: its access URL and access service."""
    dist = node(urls.distribution(ds.value, urls.SPARQL, False))
    out = self.out
    out.add(dist, RDF("type"), DCAT("Distribution"))
    out.add(dist, DCT("identifier"), lit(dist.value))
    out.add(dist, DCT("title"), lit("Point d'accès SPARQL", lang="fr"))
    out.add(dist, DCT("title"), lit("SPARQL endpoint", lang="en"))
    out.add(
        dist,
        DCT("description"),
        lit("Les données du jeu interrogées en SPARQL 1.1 (protocole SPARQL), en lecture seule.", lang="fr"),
    )
    out.add(
        dist,
        DCT("description"),
        lit("The dataset's data queried with SPARQL 1.1 (SPARQL Protocol), read-only.", lang="en"),
    )
    out.add(dist, DCAT("accessURL"), node(self.urls.sparql))
    out.add(dist, DCAT("accessService"), node(self.urls.service))
    for o in self.head.objects(self.catalog, DCT("license")):
        out.add(dist, DCT("license"), o)
    out.add(dist, DCT("modified"), lit(modified, XSD("dateTime")))
    return dist


def data_service(self: CatalogBuilder, datasets: list) -> None:
    """The SPARQL endpoint as the catalog's ``dcat:DataService``, serving every dataset."""
    add, svc = self.add, node(self.urls.service)
    endpoint = node(self.urls.sparql)
    add(svc, RDF("type"), DCAT("DataService"))
    add(svc, DCT("identifier"), lit(svc.value))
    add(svc, DCT("title"), lit("Point d'accès SPARQL", lang="fr"))
    add(svc, DCT("title"), lit("SPARQL endpoint", lang="en"))
    add(
        svc,
        DCT("description"),
        lit(
            "Requêtes SPARQL 1.1 (protocole SPARQL) sur tout le graphe publié, en lecture seule ; la description du "
            "service est renvoyée à l'adresse du point d'accès.",
            lang="fr",
        ),
    )
    add(
        svc,
        DCT("description"),
        lit(
            "SPARQL 1.1 queries (SPARQL Protocol) over the whole published graph, read-only; the service "
            "description is returned at the endpoint URL.",
            lang="en",
        ),
    )
    add(endpoint, RDF("type"), RDFS("Resource"))
    add(svc, DCAT("endpointURL"), endpoint)
    add(svc, DCAT("endpointDescription"), endpoint)
    for ds in datasets:
        add(svc, DCAT("servesDataset"), ds)
    add(svc, DCT("conformsTo"), node(SPARQL_PROTOCOL))
    add(node(SPARQL_PROTOCOL), RDF("type"), DCT("Standard"))
    add(node(SPARQL_PROTOCOL), DCT("title"), lit("SPARQL 1.1 Protocol", lang="en"))
    for p in (DCT("publisher"), DCAT("contactPoint"), DCT("license")):
        for o in self.head.objects(self.catalog, p):
            add(svc, p, o)
    for p in (DCAT("keyword"), DCAT("theme"), DCT("accessRights")):
        for o in self.head.objects(self.whole, p):
            add(svc, p, o)
    add(svc, DCAT("keyword"), lit("SPARQL", lang="fr"))
    add(self.catalog, DCAT("service"), svc)
