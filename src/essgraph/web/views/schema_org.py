"""The schema.org JSON-LD embedded in each page, for search engines and dataset search (Google Dataset Search reads
``Dataset``), and the safe way to embed JSON in a page: a resource's page as a ``WebPage`` about its resource, a
DCAT dataset as a ``Dataset`` (licence, distributions, dates, creator, keywords, coverage), the catalog's downloads
page as a ``DataCatalog``, the home page as the ``WebSite`` with its ``SearchAction``. Made from the same triples as
the pages."""

from __future__ import annotations

import json
from collections.abc import Callable

from markupsafe import Markup

from essgraph.describe.node import Node, parent
from essgraph.rdf.formats import media_type_of
from essgraph.web.views.site import Site

SITE_NAME = "essgraph — plans municipaux d'économie sociale et solidaire"

SCHEMA_TYPES = (
    ("ess:Plan", "CreativeWork"),
    ("ess:Action", "CreativeWork"),
    ("ess:Section", "CreativeWork"),
    ("ess:Axis", "CreativeWork"),
    ("ess:SubAxis", "CreativeWork"),
    ("ess:Document", "CreativeWork"),
    ("org:Organization", "Organization"),
    ("org:OrganizationalUnit", "Organization"),
    ("foaf:Person", "Person"),
    ("ess:Place", "Place"),
    ("schema:Place", "Place"),
    ("dct:Location", "Place"),
    ("ess:Event", "Event"),
    ("eli:LegalResource", "Legislation"),
    ("skos:ConceptScheme", "DefinedTermSet"),
    ("owl:Ontology", "DefinedTermSet"),
    ("skos:Concept", "DefinedTerm"),
    ("owl:Class", "DefinedTerm"),
    ("owl:ObjectProperty", "DefinedTerm"),
    ("owl:DatatypeProperty", "DefinedTerm"),
    ("dcat:Dataset", "Dataset"),
    ("dcat:Catalog", "DataCatalog"),
    ("dcat:Distribution", "DataDownload"),
)


def schema_org(node: Node, where: Site, crumbs: list[tuple[str, str]]) -> dict:
    kind = next((t for c, t in SCHEMA_TYPES if node.has_type(c)), "Thing")
    url = where.href(node)
    entity: dict = {"@type": kind, "@id": node.iri, "name": node.label, "url": url}
    if node.types:
        entity["additionalType"] = [t.iri for t in node.types]
    text = node.text("dct:description", "skos:definition", "rdfs:comment", "ess:context")
    if text is not None:
        entity["description"] = text.value
    alternates = [t.value for t in node.texts("skos:altLabel")]
    if alternates:
        entity["alternateName"] = alternates
    container = parent(node)
    if container is not None and kind == "CreativeWork":
        entity["isPartOf"] = {"@type": "CreativeWork", "name": container.label, "url": where.href(container)}
    if kind == "DefinedTerm":
        code = node.text("skos:notation")
        if code is not None:
            entity["termCode"] = code.value
        if container is not None:
            entity["inDefinedTermSet"] = where.href(container)
    if kind == "Dataset":
        entity.update(dataset(node, where.href))
    crumb_list = [
        {"@type": "ListItem", "position": i, "name": name, "item": href}
        for i, (name, href) in enumerate(crumbs + [(node.label, url)], 1)
    ]
    return {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "url": url,
        "name": node.label,
        "inLanguage": "fr",
        "mainEntity": entity,
        "breadcrumb": {"@type": "BreadcrumbList", "itemListElement": crumb_list},
    }


def website(where: Site) -> dict:
    """The site, with the search people can start from a search engine's results."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "url": where.base,
        "name": SITE_NAME,
        "inLanguage": "fr",
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": where.search + "?q={search_term_string}"},
            "query-input": "required name=search_term_string",
        },
    }


def _agent(node: Node, href: Callable[[Node], str]) -> dict:
    return {"@type": "Organization", "name": node.label, "url": href(node)}


def dataset(node: Node, href: Callable[[Node], str]) -> dict:
    """The schema.org properties of a ``dcat:Dataset`` node (its distributions are described with it)."""
    entity: dict = {"isAccessibleForFree": True, "inLanguage": "fr"}
    title = node.text("dct:title")
    if title is not None:
        entity["name"] = title.value
    issued, modified = node.text("dct:issued"), node.text("dct:modified")
    if issued is not None:
        entity["datePublished"] = issued.value
    if modified is not None:
        entity["dateModified"] = modified.value
    creators = node.resources("dct:creator") or node.resources("dct:publisher")
    if creators:
        entity["creator"] = [_agent(c, href) for c in creators]
    publishers = node.resources("dct:publisher")
    if publishers:
        entity["publisher"] = _agent(publishers[0], href)
    keywords = [k.value for k in node.texts("dcat:keyword") if k.lang in ("fr", "")]
    if keywords:
        entity["keywords"] = keywords
    spatial = node.resources("dct:spatial")
    if spatial:
        entity["spatialCoverage"] = [{"@type": "Place", "name": s.label, "url": href(s)} for s in spatial]
    licences = {licence.iri for licence in node.resources("dct:license")}
    downloads = []
    for dist in node.resources("dcat:distribution"):
        licences |= {licence.iri for licence in dist.resources("dct:license")}
        url = dist.first("dcat:downloadURL")
        if url is None:  # a service (the SPARQL endpoint's distribution), not a file to download
            continue
        item = {"@type": "DataDownload", "contentUrl": url.iri, "name": dist.label}
        media = dist.first("dcat:mediaType")
        if media is not None:
            item["encodingFormat"] = media_type_of(media.iri or media.value)
        size = dist.text("dcat:byteSize")
        if size is not None:
            item["contentSize"] = f"{size.value} B"
        downloads.append(item)
    if licences:
        entity["license"] = sorted(licences)[0] if len(licences) == 1 else sorted(licences)
    if downloads:
        entity["distribution"] = downloads
    return entity


def data_catalog(catalog: dict, url: str) -> dict:
    """The catalog's downloads page (:func:`essgraph.web.views.catalog_page.catalog_page`) as a ``DataCatalog``."""
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": catalog["title"],
        "url": url,
        "description": catalog["description"],
        "inLanguage": "fr",
        **({"license": catalog["licence"]} if catalog["licence"] else {}),
        "dataset": [
            {
                "@type": "Dataset",
                "@id": d.iri,
                "name": d.title,
                "url": d.landing,
                "distribution": [
                    {"@type": "DataDownload", "contentUrl": f.url, "encodingFormat": f.media_type} for f in d.files
                ],
            }
            for d in catalog["datasets"]
        ],
    }


def json_script(value) -> Markup:
    """JSON for a <script> element: '<', '>' and '&' escaped, so no '</script>' can end it early."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
