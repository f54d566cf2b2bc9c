"""Linked Data pages: every IRI under the base and every term of the essgraph vocabulary dereferences, as HTML for
people and as Turtle, JSON-LD, N-Triples or RDF/XML for machines, from the same IRI.

Routes (GET and HEAD)::

    /                       home: the plans, their numbers, where to go next (RDF clients: 303 to /catalog)
    /id/{path}              the resource {base}id/{path} (plans, sections, actions, organisations, places...)
    /graph/{path}           the named graph {base}graph/{path}, as described in the store (provenance)
    /def                    the ontology https://w3id.org/essgraph/def with all its terms; #Name anchors each
                            term, so https://w3id.org/essgraph/def#Name maps to {base}def#Name
    /def/term/{Name}        one term https://w3id.org/essgraph/def#Name, with its uses
    /def/{scheme}           the concept scheme https://w3id.org/essgraph/def/{scheme}
    /def/{scheme}/{code}    the concept https://w3id.org/essgraph/def/{scheme}/{code}
    /context.jsonld         the JSON-LD @context every JSON-LD answer refers to

Format: ``?format=`` (name, extension or media type), else an extension on the path (``.html .ttl .jsonld .nt
.rdf``; an IRI that really ends so wins), else ``Accept`` with q-values; 406 when nothing fits. Errors of these
routes come in the negotiated format (an HTML page, an RDF comment, or the JSON error body).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from essgraph import __version__
from essgraph.describe.description import describe, iri, summaries
from essgraph.errors import HttpError
from essgraph.rdf.namespaces import ESS, ESS_SCHEMES, sparql_prefixes
from essgraph.rdf import formats
from essgraph.rdf.serialize import compact_jsonld, serialize
from essgraph.web.http import negotiate
from essgraph.web.views import pages as views
from essgraph.web.errors import error_body
from essgraph.web.live import published_of

STATIC = Path(__file__).parent.parent / "static" / "site"
OFFERS = (formats.HTML,) + formats.GRAPH_FORMATS
EXTENSIONS = {m.extension: m for m in OFFERS}
SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,199}$")
CACHE_CONTROL = "public, max-age=300"
FORMAT_HINT = "use one of html, turtle (ttl), jsonld, ntriples (nt), rdfxml (rdf), e.g. ?format=turtle"


class PageRoute(APIRoute):
    """Errors raised by these handlers are answered in the negotiated format, not only as JSON."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except HttpError as exc:
                return error_response(request, exc)

        return handle


router = APIRouter(route_class=PageRoute)


# -- routes ------------------------------------------------------------------------------------------------------

@router.api_route("/", methods=["GET", "HEAD"], summary="Home page: the plans, their numbers, where to go next")
def home(request: Request) -> Response:
    media = choose(request, None)
    site = views.site(request)
    if media is not formats.HTML:
        return Response(status_code=303, headers={"Location": site.catalog, "Vary": "Accept"})
    headers = cache_headers(request, media)
    headers["Vary"] = "Accept"
    if not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    store = published_of(request).store
    plans = _plans(store)
    named = [value for row in plans for value in (row["plan"], row["city"]) if value]
    found = summaries(store, named)
    labels = {value: found.node(ox.NamedNode(value)).label for value in named}
    plans.sort(key=lambda row: labels[row["plan"]].lower())
    body = views.render(request, "home.html", site=site, plans=plans, labels=labels, crumbs=[],
                        manifest=published_of(request).manifest)
    return _html(body, headers)


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"], summary="A resource of the published plans")
def resource(request: Request, path: str) -> Response:
    return answer(request, candidates(views.site(request).base + "id/", path))


@router.api_route("/graph/{path:path}", methods=["GET", "HEAD"], summary="A named graph: its size, title, provenance")
def graph(request: Request, path: str) -> Response:
    return answer(request, candidates(views.site(request).base + "graph/", path), facts=graph_facts)


def graph_facts(request: Request, value: str) -> tuple[ox.Triple, ...]:
    """What the build manifest says of a named graph: its number of triples and the title of its dataset."""
    manifest = published_of(request).manifest
    node = ox.NamedNode(value)
    count = manifest.get("graphs", {}).get(value)
    if count is None:
        store = published_of(request).store
        if not store.contains_named_graph(node):
            return ()
        count = sum(1 for _ in store.quads_for_pattern(None, None, None, node))
    facts = [ox.Triple(node, ox.NamedNode(iri("void:triples")), ox.Literal(str(count), datatype=ox.NamedNode(
        iri("xsd:integer"))))]
    for dataset in manifest.get("datasets", []):
        if value in dataset.get("graphs", []) and dataset.get("title"):
            facts.append(ox.Triple(node, ox.NamedNode(iri("dct:title")), ox.Literal(dataset["title"])))
    return tuple(facts)


@router.api_route("/def", methods=["GET", "HEAD"], summary="The essgraph ontology and all its terms")
def vocabulary(request: Request) -> Response:
    return _vocabulary(request, None)


@router.api_route("/def.{ext}", methods=["GET", "HEAD"], summary="The essgraph ontology in one format")
def vocabulary_as(request: Request, ext: str) -> Response:
    media = EXTENSIONS.get(ext)
    if media is None:
        raise HttpError(404, "not_found", f"nothing is published at {request.url.path}", hint=FORMAT_HINT)
    return _vocabulary(request, media)


@router.api_route("/def/{path:path}", methods=["GET", "HEAD"], summary="A term, a concept scheme or a concept")
def definition(request: Request, path: str) -> Response:
    head, _, rest = path.partition("/")
    if head == "term" and rest and "/" not in rest:
        return answer(request, candidates(ESS, rest))
    return answer(request, candidates(ESS_SCHEMES, path) if path.count("/") <= 1 else [])


@router.api_route("/context.jsonld", methods=["GET", "HEAD"], summary="The JSON-LD @context of the JSON-LD answers")
def context(request: Request) -> Response:
    data = (STATIC / "context.jsonld").read_bytes()
    headers = {"ETag": '"' + hashlib.sha256(data).hexdigest()[:20] + '"', "Cache-Control": "public, max-age=86400",
               "Access-Control-Allow-Origin": "*"}
    if not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    return Response(data, headers={**headers, "Content-Type": formats.JSONLD.content_type})


# -- answering -----------------------------------------------------------------------------------------------------

def candidates(prefix: str, path: str) -> list[tuple[str, formats.Format | None]]:
    """IRIs a request path may name: the path itself, then the path less a format extension ('1.4.ttl').
    Nothing when the path is not made of plain IRI segments (it is then never looked up)."""
    segments = path.split("/")
    if not path or len(path) > 600 or len(segments) > 16 or not all(SEGMENT.match(s) for s in segments):
        return []
    found: list[tuple[str, formats.Format | None]] = [(prefix + path, None)]
    stem, dot, ext = path.rpartition(".")
    if dot and ext in EXTENSIONS and SEGMENT.match(stem.rsplit("/", 1)[-1]):
        found.append((prefix + stem, EXTENSIONS[ext]))
    return found


def exists(store: ox.Store, value: str) -> bool:
    node = ox.NamedNode(value)
    return any(True for _ in store.quads_for_pattern(node, None, None, None)) or \
        any(True for _ in store.quads_for_pattern(None, None, node, None))


def answer(request: Request, found: list, roots: list[str] | None = None, template: str | None = None,
           incoming: bool = True, facts=None) -> Response:
    """The representation of the first candidate IRI the store knows (or ``facts`` tells of), in the chosen
    format."""
    store = published_of(request).store
    for target, ext_media in found:
        extra = facts(request, target) if facts else ()
        if extra or exists(store, target):
            break
    else:
        raise HttpError(404, "not_found", f"nothing is published at {request.url}",
                        hint="check the address, or start from the home page or the SPARQL endpoint")
    media = choose(request, ext_media)
    site = views.site(request)
    page = site.href(target)
    headers = {**cache_headers(request, media), **link_headers(site, page, media)}
    if not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    description = describe(store, roots or target, incoming=incoming, extra=extra)
    if description is None:
        raise HttpError(404, "not_found", f"nothing is published at {request.url}")
    if media is formats.HTML:
        return _html(views.page(request, site, description, template), headers)
    if media is formats.JSONLD:
        body = compact_jsonld(description.triples, views.jsonld_context(request.app), site.base + "context.jsonld")
    else:
        body = serialize(description.triples, media)
    headers["Access-Control-Allow-Origin"] = "*"
    return Response(body, headers={**headers, "Content-Type": media.content_type})


def _vocabulary(request: Request, media: formats.Format | None) -> Response:
    store = published_of(request).store
    ontology = ESS.rstrip("#")
    terms = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(iri("rdfs:isDefinedBy")),
                                                             ox.NamedNode(ontology), None)}
    for kind in ("owl:Class", "owl:ObjectProperty", "owl:DatatypeProperty", "owl:AnnotationProperty",
                 "rdf:Property", "rdfs:Class"):
        terms |= {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(iri("rdf:type")),
                                                                   ox.NamedNode(iri(kind)), None)}
    roots = [ontology] + sorted(t for t in terms if t.startswith(ESS))
    return answer(request, [(ontology, media)], roots=roots, template="ontology.html", incoming=False)


def choose(request: Request, ext_media: formats.Format | None) -> formats.Format:
    """The format asked: ?format=, else the path's extension, else Accept (406 when nothing fits)."""
    asked = request.query_params.get("format")
    if asked is not None:
        media = formats.by_name(asked, OFFERS)
        if media is None:
            raise HttpError(400, "unknown_format", f"unknown format {asked!r}", hint=FORMAT_HINT)
        return media
    if ext_media is not None:
        return ext_media
    accept = request.headers.get("accept")
    media = negotiate(accept, OFFERS)
    if media is None:
        raise HttpError(406, "not_acceptable", f"no format of this resource matches Accept: {accept}",
                        hint="accept one of " + ", ".join(m.media_type for m in OFFERS) + "; or " + FORMAT_HINT,
                        headers={"Vary": "Accept"})
    return media


def _error_media(request: Request) -> formats.Format | None:
    asked = request.query_params.get("format")
    if asked and formats.by_name(asked, OFFERS):
        return formats.by_name(asked, OFFERS)
    last = request.url.path.rsplit("/", 1)[-1]
    if "." in last and last.rsplit(".", 1)[1] in EXTENSIONS:
        return EXTENSIONS[last.rsplit(".", 1)[1]]
    return negotiate(request.headers.get("accept"), OFFERS)


def error_response(request: Request, exc: HttpError) -> Response:
    """The error in the format the client asked for: an HTML page, an RDF document holding only a comment (an
    empty graph), or the JSON error body of every other route."""
    media = _error_media(request) if exc.status != 406 else None
    headers = {"Vary": "Accept", **exc.headers}
    text = re.sub(r"[\x00-\x1f\x7f]", " ", f"{exc.status} {exc.code}: {exc.message}" +
                  (f" (hint: {exc.hint})" if exc.hint else ""))
    if media is formats.HTML:
        body = views.render(request, "error.html", site=views.site(request), error=exc, crumbs=[])
        return _html(body, headers, exc.status)
    if media in (formats.TURTLE, formats.NTRIPLES):
        content = f"# {text}\n"
    elif media is formats.RDFXML:
        content = ('<?xml version="1.0" encoding="utf-8"?>\n<!-- ' + text.replace("--", "- -") +
                   ' -->\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n')
    else:
        media = media or formats.JSON
        content = json.dumps(error_body(exc.status, exc.code, exc.message, exc.hint))
    return Response(content.encode("utf-8"), status_code=exc.status,
                    headers={**headers, "Content-Type": media.content_type})


def _html(body: str, headers: dict, status: int = 200) -> Response:
    return Response(body.encode("utf-8"), status_code=status,
                    headers={**headers, "Content-Type": formats.HTML.content_type, "Content-Language": "fr"})


# -- HTTP caching and links ----------------------------------------------------------------------------------------

def _built_at(request: Request) -> datetime:
    value = published_of(request).manifest.get("built_at", "")
    try:
        built = datetime.fromisoformat(value)
    except ValueError:
        built = datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (built if built.tzinfo else built.replace(tzinfo=timezone.utc)).replace(microsecond=0)


def cache_headers(request: Request, media: formats.Format) -> dict[str, str]:
    """ETag from the data version, the code version and the format; Last-Modified from the build time."""
    version = published_of(request).manifest["data_version"]
    return {"ETag": f'W/"{version}-{__version__}-{media.name}"', "Cache-Control": CACHE_CONTROL,
            "Last-Modified": format_datetime(_built_at(request), usegmt=True), "Vary": "Accept"}


def not_modified(request: Request, headers: dict[str, str]) -> bool:
    """RFC 9110 §13.1: If-None-Match (weak comparison) wins; else If-Modified-Since against Last-Modified."""
    condition = request.headers.get("if-none-match")
    if condition is not None:
        ours = headers["ETag"].removeprefix("W/")
        tags = [t.strip().removeprefix("W/") for t in condition.split(",")]
        return "*" in tags or ours in tags
    since_text = request.headers.get("if-modified-since")
    if since_text and "Last-Modified" in headers:
        try:
            since = parsedate_to_datetime(since_text)
        except (TypeError, ValueError, IndexError):
            return False
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
        return parsedate_to_datetime(headers["Last-Modified"]) <= since
    return False


def link_headers(site: views.Site, page: str, current: formats.Format) -> dict[str, str]:
    links = [f'<{page}.{m.extension}>; rel="alternate"; type="{m.media_type}"' for m in OFFERS if m is not current]
    links += [f'<{site.catalog}>; rel="describedby"', f'<{site.void}>; rel="describedby"']
    return {"Link": ", ".join(links), "Content-Location": f"{page}.{current.extension}"}


# -- the home page's list ----------------------------------------------------------------------------------------

PLANS_QUERY = sparql_prefixes("ess", "dct") + """
SELECT ?plan ?city ?date ?actions ?organisations ?axes WHERE {
  { SELECT ?plan (COUNT(DISTINCT ?a) AS ?actions) (COUNT(DISTINCT ?o) AS ?organisations)
    WHERE { ?plan a ess:Plan OPTIONAL { ?a ess:inPlan ?plan OPTIONAL { ?a ess:involvedOrganisation ?o } } }
    GROUP BY ?plan }
  { SELECT ?plan (COUNT(DISTINCT ?x) AS ?axes) WHERE { ?plan a ess:Plan OPTIONAL { ?plan ess:hasSection ?x } }
    GROUP BY ?plan }
  OPTIONAL { ?plan ess:collectivite ?city }
  OPTIONAL { ?plan ess:adoptedBy/dct:date ?date }
} LIMIT 1000
"""


def _plans(store: ox.Store) -> list[dict]:
    plans: dict[str, dict] = {}
    for row in store.query(PLANS_QUERY, use_default_graph_as_union=True):
        plan = row["plan"].value
        if plan in plans:
            continue
        plans[plan] = {"plan": plan, "city": row["city"].value if row["city"] else None,
                       "date": row["date"].value if row["date"] else None,
                       **{k: int(row[k].value) for k in ("actions", "organisations", "axes")}}
    return list(plans.values())
