"""Linked Data pages: every IRI under the base and every term of the essgraph vocabulary dereferences, as HTML for
people and as Turtle, JSON-LD, N-Triples, RDF/XML, N-Quads or TriG for machines, from the same IRI.

Routes (GET and HEAD)::

    /                       home: a search box, the most recent plans, where to go next (RDF clients: 303 to
                            /catalog)
    /id/{path}              the resource {base}id/{path} (plans, sections, actions, organisations, places...)
    /graph/{path}           the named graph {base}graph/{path}, as described in the store (provenance)
    /def                    the ontology https://w3id.org/essgraph/def with all its terms; #Name anchors each
                            term, so https://w3id.org/essgraph/def#Name maps to {base}def#Name
    /def/term/{Name}        one term https://w3id.org/essgraph/def#Name, with its uses
    /def/{scheme}           the concept scheme https://w3id.org/essgraph/def/{scheme}
    /def/{scheme}/{code}    the concept https://w3id.org/essgraph/def/{scheme}/{code}
    /context.jsonld         the JSON-LD @context every JSON-LD answer refers to

Format, caching and errors follow :mod:`essgraph.web.http`: ``?format=`` (name, extension or media type), else an
extension on the path (``.html .ttl .jsonld .nt .rdf .nq .trig``; an IRI that really ends so wins), else
``Accept``; nothing that fits is 406. Errors come in the negotiated format, HTML first (an HTML
page, an RDF comment, or the JSON error body).
"""

from __future__ import annotations

import hashlib
import re

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response

from essgraph import urls
from essgraph.describe.description import describe
from essgraph.errors import HttpError
from essgraph.rdf import formats
from essgraph.rdf.formats import Format
from essgraph.rdf.namespaces import ESS, ESS_SCHEMES, iri
from essgraph.rdf.serialize import compact_jsonld, serialize
from essgraph.urls import with_extension
from essgraph.web import deps
from essgraph.web.cache import per_build
from essgraph.web.http import (
    PageRoute,
    choose_for,
    content_tag,
    extension_format,
    link,
    link_header,
    unchanged,
    validators,
)
from essgraph.web.published import Published
from essgraph.web.views import pages as views
from essgraph.web.views.schema_org import website
from essgraph.web.views.search import SearchIndexOf
from essgraph.web.views.site import Site, SiteOf

OFFERS = (formats.HTML, *formats.RESOURCE_FORMATS)
SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,199}$")
CACHE_CONTROL = "public, max-age=300"
HOME_PLANS = 12  # the most recent plans on the home page; every plan is at /plans

router = APIRouter(route_class=PageRoute)  # errors of pages are HTML for people first


# -- routes ------------------------------------------------------------------------------------------------------


@router.api_route("/", methods=["GET", "HEAD"], summary="Home page: the plans, their numbers, where to go next")
@per_build
def home(request: Request, published: deps.PublishedBuild, site: SiteOf, index: SearchIndexOf) -> Response:
    media = choose_for(request, OFFERS, "the home page")
    if media is not formats.HTML:
        return Response(status_code=303, headers={"Location": site.catalog, "Vary": "Accept"})
    headers = {**validators(published, media.name, cache_control=CACHE_CONTROL), "Vary": "Accept"}
    if (same := unchanged(request, headers)) is not None:
        return same
    plans, total = index.plans(sort="adopted", descending=True, size=HOME_PLANS)
    body = views.render(
        request,
        "home.html",
        site=site,
        plans=plans,
        total=total,
        crumbs=[],
        manifest=published.manifest,
        schema=website(site),
    )
    return _html(body, headers)


@router.api_route(
    urls.route(urls.ID) + "/{path:path}", methods=["GET", "HEAD"], summary="A resource of the published plans"
)
@per_build
def resource(request: Request, path: str, published: deps.PublishedBuild, site: SiteOf) -> Response:
    return answer(request, published, site, candidates(site(urls.ID), path))


@router.api_route(
    urls.route(urls.GRAPH) + "/{path:path}",
    methods=["GET", "HEAD"],
    summary="A named graph: its size, title, provenance",
)
@per_build
def graph(request: Request, path: str, published: deps.PublishedBuild, site: SiteOf) -> Response:
    return answer(request, published, site, candidates(site(urls.GRAPH), path), facts=graph_facts)


def graph_facts(published: Published, value: str) -> tuple[ox.Triple, ...]:
    """What the build manifest says of a named graph: its number of triples and the title of its dataset."""
    manifest = published.manifest
    node = ox.NamedNode(value)
    count = manifest.get("graphs", {}).get(value)
    if count is None:
        if not published.store.contains_named_graph(node):
            return ()
        count = sum(1 for _ in published.store.quads_for_pattern(None, None, None, node))
    facts = [
        ox.Triple(
            node, ox.NamedNode(iri("void:triples")), ox.Literal(str(count), datatype=ox.NamedNode(iri("xsd:integer")))
        )
    ]
    for dataset in manifest.get("datasets", []):
        if value in dataset.get("graphs", []) and dataset.get("title"):
            facts.append(ox.Triple(node, ox.NamedNode(iri("dct:title")), ox.Literal(dataset["title"])))
    return tuple(facts)


@router.api_route(urls.route(urls.DEF), methods=["GET", "HEAD"], summary="The essgraph ontology and all its terms")
@per_build
def vocabulary(request: Request, published: deps.PublishedBuild, site: SiteOf) -> Response:
    return _vocabulary(request, published, site, None)


@router.api_route(
    urls.route(urls.DEF) + ".{ext}", methods=["GET", "HEAD"], summary="The essgraph ontology in one format"
)
@per_build
def vocabulary_as(request: Request, ext: str, published: deps.PublishedBuild, site: SiteOf) -> Response:
    return _vocabulary(request, published, site, extension_format(ext, OFFERS, site.ontology))


@router.api_route(
    urls.route(urls.DEF_TERM) + "/{name}", methods=["GET", "HEAD"], summary="A term of the essgraph ontology"
)
@per_build
def term(request: Request, name: str, published: deps.PublishedBuild, site: SiteOf) -> Response:
    return answer(request, published, site, candidates(ESS, name))


@router.api_route(
    urls.route(urls.DEF) + "/{path:path}", methods=["GET", "HEAD"], summary="A concept scheme or a concept"
)
@per_build
def definition(request: Request, path: str, published: deps.PublishedBuild, site: SiteOf) -> Response:
    return answer(request, published, site, candidates(ESS_SCHEMES, path) if path.count("/") <= 1 else [])


@router.api_route(
    urls.route(urls.CONTEXT), methods=["GET", "HEAD"], summary="The JSON-LD @context of the JSON-LD answers"
)
@per_build
def context(request: Request) -> Response:
    data = views.CONTEXT_FILE.read_bytes()
    headers = {"ETag": content_tag(hashlib.sha256(data).hexdigest()), "Cache-Control": "public, max-age=86400"}
    if (same := unchanged(request, headers)) is not None:
        return same
    return Response(data, headers={**headers, "Content-Type": formats.JSONLD.content_type})


# -- answering -----------------------------------------------------------------------------------------------------


def candidates(prefix: str, path: str) -> list[tuple[str, Format | None]]:
    """IRIs a request path may name: the path itself, then the path less a format extension ('1.4.ttl').
    Nothing when the path is not made of plain IRI segments (it is then never looked up)."""
    segments = path.split("/")
    if not path or len(path) > 600 or len(segments) > 16 or not all(SEGMENT.match(s) for s in segments):
        return []
    found: list[tuple[str, Format | None]] = [(prefix + path, None)]
    stem, dot, ext = path.rpartition(".")
    media = formats.by_extension(ext, OFFERS) if dot else None
    if media is not None and SEGMENT.match(stem.rsplit("/", 1)[-1]):
        found.append((prefix + stem, media))
    return found


def exists(store: ox.Store, value: str) -> bool:
    node = ox.NamedNode(value)
    return any(True for _ in store.quads_for_pattern(node, None, None, None)) or any(
        True for _ in store.quads_for_pattern(None, None, node, None)
    )


def answer(
    request: Request,
    published: Published,
    site: Site,
    found: list,
    roots: list[str] | None = None,
    template: str | None = None,
    incoming: bool = True,
    facts=None,
) -> Response:
    """The representation of the first candidate IRI the store knows (or ``facts`` tells of), in the chosen
    format."""
    store = published.store
    for candidate in found:
        extra = facts(published, candidate[0]) if facts else ()
        if extra or exists(store, candidate[0]):
            target, ext_media = candidate
            break
    else:
        raise HttpError(
            404,
            "not_found",
            f"nothing is published at {request.url.path}",  # the path only: the Host header is never echoed
            hint="check the address, or start from the home page or the SPARQL endpoint",
        )
    media = choose_for(request, OFFERS, "this resource", ext_media)
    page = site.href(target)
    headers = {
        **validators(published, media.name, cache_control=CACHE_CONTROL),
        "Vary": "Accept",
        **link_header(
            *(link(with_extension(page, o.extension), "alternate", o) for o in OFFERS if o is not media),
            link(site.catalog, "describedby"),
            link(site.void, "describedby"),
        ),
        "Content-Location": with_extension(page, media.extension),
    }
    if (same := unchanged(request, headers)) is not None:
        return same
    description = describe(store, roots or target, incoming=incoming, extra=extra)
    if description is None:
        raise HttpError(404, "not_found", f"nothing is published at {request.url.path}")
    if media is formats.HTML:
        return _html(views.page(request, published, site, description, template), headers)
    if media is formats.JSONLD:
        body = compact_jsonld(description.triples, views.jsonld_context(request.app), site.context)
    else:
        body = serialize(description.triples, media)
    return Response(body, headers={**headers, "Content-Type": media.content_type})


def _vocabulary(request: Request, published: Published, site: Site, media: Format | None) -> Response:
    store = published.store
    ontology = urls.ONTOLOGY
    terms = {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(iri("rdfs:isDefinedBy")), ox.NamedNode(ontology), None)
    }
    for kind in (
        "owl:Class",
        "owl:ObjectProperty",
        "owl:DatatypeProperty",
        "owl:AnnotationProperty",
        "rdf:Property",
        "rdfs:Class",
    ):
        terms |= {
            q.subject.value
            for q in store.quads_for_pattern(None, ox.NamedNode(iri("rdf:type")), ox.NamedNode(iri(kind)), None)
        }
    roots = [ontology] + sorted(t for t in terms if t.startswith(ESS))
    return answer(request, published, site, [(ontology, media)], roots=roots, template="ontology.html", incoming=False)


def _html(body: str, headers: dict) -> Response:
    return Response(
        body.encode("utf-8"), headers={**headers, "Content-Type": formats.HTML.content_type, "Content-Language": "fr"}
    )
