"""What the pages show: the site's addresses, the Jinja2 environment (autoescaped), the template of each rdf:type,
breadcrumbs, French formatting of values, and the schema.org JSON-LD embedded in each page."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
from fastapi import Depends, FastAPI, Request
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from essgraph import __version__
from essgraph.describe.description import Description, Node, curie, iri
from essgraph.rdf import formats
from essgraph.rdf.namespaces import ESS
from essgraph.settings import Settings
from essgraph.urls import Urls, with_extension
from essgraph.web import deps
from essgraph.web.published import Published

HERE = Path(__file__).parent.parent
TEMPLATES = HERE / "templates"
STATIC_DIR = HERE / "static" / "site"       # served at urls.STATIC
CONTEXT_FILE = STATIC_DIR / "context.jsonld"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Site(Urls):
    """The deployment's addresses (:class:`essgraph.urls.Urls`) and the build a page shows."""

    data_version: str = ""
    built_at: str = ""

    def formats(self, page: str) -> list[tuple[str, str, str]]:
        """(name, URL, media type) of each raw format of a page."""
        return [(f.label, with_extension(page, f.extension), f.media_type) for f in formats.GRAPH_FORMATS]


def site(published: Published = Depends(deps.published), settings: Settings = Depends(deps.settings)) -> Site:
    """The addresses of the deployment and the build a page shows (a FastAPI dependency)."""
    manifest = published.manifest
    return Site(settings.base_iri, manifest.get("data_version", ""), manifest.get("built_at", ""))


def _env(app: FastAPI) -> Environment:
    env = getattr(app.state, "page_templates", None)
    if env is None:
        env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                          lstrip_blocks=True)
        env.filters.update(show=show, fr_date=fr_date, number=fr_number, duration=fr_duration,
                           json_script=json_script, quantity=quantity_text, iri=iri, curie=curie,
                           plural=plural, shortest=lambda values: min(values, key=len) if values else "")
        env.globals.update(curie=curie, iri=iri, version=__version__, group=group)
        app.state.page_templates = env
    return env


def jsonld_context(app: FastAPI) -> dict:
    context = getattr(app.state, "page_jsonld_context", None)
    if context is None:
        context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
        app.state.page_jsonld_context = context
    return context


def render(request: Request, name: str, **context) -> str:
    return _env(request.app).get_template(name).render(**context)


# -- a resource's page ---------------------------------------------------------------------------------------------

TEMPLATE_BY_TYPE = (
    ("ess:Action", "action.html"), ("ess:Plan", "plan.html"), ("ess:Axis", "section.html"),
    ("ess:SubAxis", "section.html"), ("ess:Section", "section.html"),
    ("org:Organization", "organisation.html"), ("org:OrganizationalUnit", "organisation.html"),
    ("org:FormalOrganization", "organisation.html"), ("foaf:Organization", "organisation.html"),
    ("skos:ConceptScheme", "scheme.html"), ("skos:Concept", "concept.html"),
    ("owl:Class", "term.html"), ("owl:ObjectProperty", "term.html"), ("owl:DatatypeProperty", "term.html"),
    ("owl:AnnotationProperty", "term.html"), ("rdf:Property", "term.html"), ("rdfs:Class", "term.html"),
)


def template_for(node: Node) -> str:
    return next((name for kind, name in TEMPLATE_BY_TYPE if node.has_type(kind)), "resource.html")


def page(request: Request, where: Site, d: Description, template: str | None = None) -> str:
    node = d.node()
    template = template or template_for(node)
    crumbs = breadcrumbs(node, where)
    extra = {"groups": vocabulary_groups(d)} if template == "ontology.html" else {}
    return render(request, template, site=where, node=node, d=d, crumbs=crumbs, page_url=where.href(node),
                  schema=schema_org(node, where, crumbs), **extra)


PARENT = ("ess:section", "dct:isPartOf", "org:unitOf", "skos:broader", "skos:inScheme", "ess:inPlan",
          "rdfs:isDefinedBy")


def parent(node: Node) -> Node | None:
    """What a resource sits in: its section, plan, parent unit, scheme... or the resource above it in its IRI path."""
    for predicate in PARENT:
        found = node.first(predicate)
        if found is not None and found.iri and found != node:
            return found
    value = node.iri
    while value.count("/") > 3:
        value = value.rsplit("/", 1)[0]
        if ox.NamedNode(value) in node.d.out:
            return Node(node.d, ox.NamedNode(value))
    return None


def breadcrumbs(node: Node, where: Site) -> list[tuple[str, str]]:
    chain: list[Node] = []
    current = node
    while len(chain) < 10:
        current = parent(current)
        if current is None or current in chain or current == node:
            break
        chain.append(current)
    return [("Accueil", where.base)] + [(n.label, where.href(n)) for n in reversed(chain)]


def group(nodes: list[Node], predicate: str) -> list[tuple[Node | None, list[Node]]]:
    """Nodes grouped by the first value of ``predicate`` (the actions of an organisation by plan), in order."""
    groups: dict = {}
    for n in nodes:
        groups.setdefault(n.first(predicate), []).append(n)
    return list(groups.items())


def vocabulary_groups(d: Description) -> list[tuple[str, str, list[Node]]]:
    """(title, anchor, terms) of the ontology page: classes, relations, attributes, other terms."""
    kinds = (("Classes", "classes", ("owl:Class", "rdfs:Class")),
             ("Relations (propriétés d'objet)", "relations", ("owl:ObjectProperty",)),
             ("Attributs (propriétés de valeur)", "attributs", ("owl:DatatypeProperty",)))
    terms = [Node(d, s) for s in d.out if isinstance(s, ox.NamedNode) and s.value.startswith(ESS)]
    groups, placed = [], set()
    for title, anchor, types in kinds:
        members = sorted((t for t in terms if t.has_type(*types) and t not in placed), key=lambda t: t.iri.lower())
        placed.update(members)
        groups.append((title, anchor, members))
    groups.append(("Autres termes", "autres", sorted((t for t in terms if t not in placed), key=lambda t: t.iri)))
    return [g for g in groups if g[2]]


# -- values in French ----------------------------------------------------------------------------------------------

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                             "nonNegativeInteger", "positiveInteger")}
DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
CURRENCIES = {"EUR": "€"}
UNIT_CODES = {"MON": "par mois", "ANN": "par an", "WEE": "par semaine", "DAY": "par jour", "HUR": "par heure"}
UNIT_SYMBOLS = {"P1": "%", "MTK": "m²", "KMT": "km", "MTR": "m"}


def fr_date(value: str) -> str:
    """'2021-06-30' -> '30 juin 2021' (other values unchanged)."""
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return value
    day = int(match.group(3))
    return f"{'1er' if day == 1 else day} {MONTHS[int(match.group(2)) - 1]} {int(match.group(1))}"


def fr_number(value: str) -> str:
    """'1500.50' -> '1 500,5' (narrow no-break space between thousands)."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError):
        return value
    whole, _, frac = format(number, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = re.sub(r"(?<=\d)(?=(\d{3})+$)", "\u202f", whole.lstrip("-"))
    frac = frac.rstrip("0")
    return sign + whole + ("," + frac if frac else "")


def fr_duration(value: str) -> str:
    """'P24M' -> '24 mois', 'P1Y' -> '1 an'."""
    match = DURATION.match(value or "")
    if not match or not any(match.groups()):
        return value
    words = (("an", "ans"), ("mois", "mois"), ("semaine", "semaines"), ("jour", "jours"))
    return " et ".join(f"{int(n)} {w[0] if int(n) == 1 else w[1]}" for n, w in zip(match.groups(), words) if n)


def plural(word: str, count: int, many: str | None = None) -> str:
    """French plural: 0 and 1 are singular."""
    return word if count <= 1 else (many or word + "s")


def show(node) -> str:
    """A value as a person reads it: the label of a resource, a literal formatted by its datatype."""
    if node is None:
        return ""
    if not isinstance(node, Node):
        return str(node)
    if not node.is_literal:
        return node.label
    datatype = node.datatype
    if datatype in (XSD + "date", XSD + "dateTime"):
        return fr_date(node.value)
    if datatype in NUMERIC:
        return fr_number(node.value)
    if datatype == XSD + "duration":
        return fr_duration(node.value)
    if datatype == XSD + "boolean":
        return "oui" if node.value in ("true", "1") else "non"
    return node.value


def quantity_text(node: Node) -> str:
    """A schema:MonetaryAmount or QuantitativeValue in French: '650 € par mois, pendant 24 mois', '30 %'."""
    currency, code = node.text("schema:currency"), node.text("schema:unitCode")
    unit = node.text("schema:unitText")
    symbol = CURRENCIES.get(currency.value, currency.value) if currency is not None else ""
    if not symbol and unit is None and code is not None:   # the wording of the unit, when given, says it all
        symbol = UNIT_SYMBOLS.get(code.value, "")

    def amount(v: Node) -> str:
        return fr_number(v.value) + (f"\u00a0{symbol}" if symbol else "")

    value, low, high = node.text("schema:value"), node.text("schema:minValue"), node.text("schema:maxValue")
    if value is not None:
        text = amount(value)
    elif low is not None and high is not None:
        text = f"de {amount(low)} à {amount(high)}"
    elif low is not None or high is not None:
        text = f"au moins {amount(low)}" if low is not None else f"jusqu'à {amount(high)}"
    else:
        return ""
    if unit is not None:
        text += " " + unit.value
    elif code is not None and code.value in UNIT_CODES:
        text += " " + UNIT_CODES[code.value]
    per = node.text("ess:perUnit")
    if per is not None:
        text += f" par {per.value}"
    duration, shortest, longest = node.text("ess:duration"), node.text("ess:minDuration"), node.text("ess:maxDuration")
    if duration is not None:
        text += ", pendant " + fr_duration(duration.value)
    elif shortest is not None and longest is not None:
        text += f", pendant {fr_duration(shortest.value)} à {fr_duration(longest.value)}"
    return text


# -- schema.org for search engines ---------------------------------------------------------------------------------

SCHEMA_TYPES = (
    ("ess:Plan", "CreativeWork"), ("ess:Action", "CreativeWork"), ("ess:Section", "CreativeWork"),
    ("ess:Axis", "CreativeWork"), ("ess:SubAxis", "CreativeWork"), ("ess:Document", "CreativeWork"),
    ("org:Organization", "Organization"), ("org:OrganizationalUnit", "Organization"),
    ("foaf:Person", "Person"), ("ess:Place", "Place"), ("schema:Place", "Place"), ("dct:Location", "Place"),
    ("ess:Event", "Event"), ("eli:LegalResource", "Legislation"), ("skos:ConceptScheme", "DefinedTermSet"),
    ("owl:Ontology", "DefinedTermSet"), ("skos:Concept", "DefinedTerm"), ("owl:Class", "DefinedTerm"),
    ("owl:ObjectProperty", "DefinedTerm"), ("owl:DatatypeProperty", "DefinedTerm"),
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
    crumb_list = [{"@type": "ListItem", "position": i, "name": name, "item": href}
                  for i, (name, href) in enumerate(crumbs + [(node.label, url)], 1)]
    return {"@context": "https://schema.org", "@type": "WebPage", "url": url, "name": node.label,
            "inLanguage": "fr", "mainEntity": entity,
            "breadcrumb": {"@type": "BreadcrumbList", "itemListElement": crumb_list}}


def json_script(value) -> Markup:
    """JSON for a <script> element: '<', '>' and '&' escaped, so no '</script>' can end it early."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
