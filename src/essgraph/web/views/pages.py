"""What the pages show: the Jinja2 environment (autoescaped, with the French formatting filters of
:mod:`essgraph.web.views.french`), the template of each rdf:type, breadcrumbs, the ontology page's groups; the
addresses come from :mod:`essgraph.web.views.site`, the schema.org JSON-LD from :mod:`essgraph.web.views.schema_org`,
a concept's counts per plan from the search index (:mod:`essgraph.web.views.search`)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from fastapi import FastAPI, Request
from jinja2 import Environment, FileSystemLoader

from essgraph import __version__
from essgraph.describe.description import Description
from essgraph.describe.node import Node, parent
from essgraph.rdf.namespaces import ESS, curie, iri
from essgraph.web.published import Published
from essgraph.web.views.french import fr_date, fr_duration, fr_number, plural, quantity_text, show
from essgraph.web.views.schema_org import json_script, schema_org
from essgraph.web.views.search import concept_counts, search_index
from essgraph.web.views.site import Site

HERE = Path(__file__).parent.parent
TEMPLATES = HERE / "templates"
STATIC_DIR = HERE / "static" / "site"  # served at urls.STATIC
CONTEXT_FILE = STATIC_DIR / "context.jsonld"


def _env(app: FastAPI) -> Environment:
    env = getattr(app.state, "page_templates", None)
    if env is None:
        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True
        )
        env.filters.update(
            show=show,
            fr_date=fr_date,
            number=fr_number,
            duration=fr_duration,
            json_script=json_script,
            quantity=quantity_text,
            iri=iri,
            curie=curie,
            plural=plural,
            shortest=lambda values: min(values, key=len) if values else "",
        )
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
    ("ess:Action", "action.html"),
    ("ess:Plan", "plan.html"),
    ("ess:Axis", "section.html"),
    ("ess:SubAxis", "section.html"),
    ("ess:Section", "section.html"),
    ("org:Organization", "organisation.html"),
    ("org:OrganizationalUnit", "organisation.html"),
    ("org:FormalOrganization", "organisation.html"),
    ("foaf:Organization", "organisation.html"),
    ("skos:ConceptScheme", "scheme.html"),
    ("skos:Concept", "concept.html"),
    ("owl:Class", "term.html"),
    ("owl:ObjectProperty", "term.html"),
    ("owl:DatatypeProperty", "term.html"),
    ("owl:AnnotationProperty", "term.html"),
    ("rdf:Property", "term.html"),
    ("rdfs:Class", "term.html"),
)


def template_for(node: Node) -> str:
    return next((name for kind, name in TEMPLATE_BY_TYPE if node.has_type(kind)), "resource.html")


def page(request: Request, published: Published, where: Site, d: Description, template: str | None = None) -> str:
    node = d.node()
    template = template or template_for(node)
    crumbs = breadcrumbs(node, where)
    extra: dict = {"groups": vocabulary_groups(d)} if template == "ontology.html" else {}
    if template == "concept.html":  # a lever, a field...: how many actions of each plan have it
        extra["per_plan"] = concept_counts(search_index(published), where, node)
    return render(
        request,
        template,
        site=where,
        node=node,
        d=d,
        crumbs=crumbs,
        page_url=where.href(node),
        schema=schema_org(node, where, crumbs),
        **extra,
    )


def breadcrumbs(node: Node, where: Site) -> list[tuple[str, str]]:
    chain: list[Node] = []
    current: Node | None = node
    while len(chain) < 10 and current is not None:
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
    kinds = (
        ("Classes", "classes", ("owl:Class", "rdfs:Class")),
        ("Relations (propriétés d'objet)", "relations", ("owl:ObjectProperty",)),
        ("Attributs (propriétés de valeur)", "attributs", ("owl:DatatypeProperty",)),
    )
    terms = [Node(d, s) for s in d.out if isinstance(s, ox.NamedNode) and s.value.startswith(ESS)]
    groups, placed = [], set()
    for title, anchor, types in kinds:
        members = sorted((t for t in terms if t.has_type(*types) and t not in placed), key=lambda t: t.iri.lower())
        placed.update(members)
        groups.append((title, anchor, members))
    groups.append(("Autres termes", "autres", sorted((t for t in terms if t not in placed), key=lambda t: t.iri)))
    return [g for g in groups if g[2]]
