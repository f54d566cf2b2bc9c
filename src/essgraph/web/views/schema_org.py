"""The schema.org JSON-LD embedded in each page, for search engines, and the safe way to embed JSON in a page."""

from __future__ import annotations

import json

from markupsafe import Markup

from essgraph.describe.node import Node, parent
from essgraph.web.views.site import Site

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


def json_script(value) -> Markup:
    """JSON for a <script> element: '<', '>' and '&' escaped, so no '</script>' can end it early."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
