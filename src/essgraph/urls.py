"""Every public path and IRI rule of a deployment, in one place.

A deployment publishes under its base IRI (the ``base_iri`` setting, ending in ``/``). The paths below are relative
to it; the web routers take their routes from them, the build mints the IRIs of the catalog, VoID and the service
description with :class:`Urls`, the pages' templates get a :class:`Urls` (as ``site``), and the tests use both::

    id/{path}                 a resource of the data (plans, actions, organisations...)
    id/dataset/{id}           a DCAT dataset: one per plan dataset, and the whole graph (id/dataset/essgraph)
    id/service/sparql         the SPARQL endpoint as a DCAT data service
    graph/{path}              a named graph (graph/catalog and graph/void are made by the build)
    def, def/term/{Name}      the essgraph ontology, one of its terms (https://w3id.org/essgraph/def#Name)
    def/{scheme}[/{code}]     a concept scheme, a concept (https://w3id.org/essgraph/def/{scheme}...)
    catalog[.{ext}]           the DCAT-AP catalog (?page=N when paged)
    .well-known/void          the VoID description
    dumps/{name}              a dump file of the build
    sparql                    the SPARQL endpoint (its service description: sparql#service)
    queries[/{name}]          the canned queries
    search                    full-text search with facets (?q=...&lever=...&page=N)
    compare                   plans side by side (?plan=ID&plan=ID)
    plans                     the overview of every plan (?sort=...&order=...&page=N)
    context.jsonld            the JSON-LD @context of the pages' JSON-LD
    -/health, -/ready         health and data version; readiness (503 while SPARQL cannot answer)
    static/site/              the pages' stylesheet
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from essgraph.rdf.namespaces import ESS, ESS_SCHEMES

ID = "id/"
DATASET = "id/dataset/"
SERVICE = "id/service/sparql"
GRAPH = "graph/"
CATALOG_GRAPH = "graph/catalog"
VOID_GRAPH = "graph/void"
FILE_GRAPH = "graph/file/"  # a file given on the command line, as its own dataset
DEF = "def"
DEF_TERM = "def/term/"
CATALOG = "catalog"
VOID = ".well-known/void"
DUMPS = "dumps/"
SPARQL = "sparql"
SPARQL_STATIC = "sparql/static/"
QUERIES = "queries"
SEARCH = "search"
COMPARE = "compare"
PLANS = "plans"
CONTEXT = "context.jsonld"
HEALTH = "-/health"
READY = "-/ready"
STATIC = "static/site/"
#: the id of the dataset of the whole published graph (id/dataset/essgraph), also the stem of its dump files
WHOLE = "essgraph"
ONTOLOGY = ESS.rstrip("#")  # https://w3id.org/essgraph/def, served at {base}def


def route(path: str) -> str:
    """The route of a path (FastAPI paths start with ``/``)."""
    return "/" + path.rstrip("/")


class UnderBase:
    """A URL of the deployment at a fixed path: ``urls.search`` is ``urls.base + SEARCH`` (a descriptor, so that
    :class:`Urls` lists its public paths as a table)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __get__(self, urls: Urls, owner: type | None = None) -> str:
        return urls.base + self.path


@dataclass(frozen=True)
class Urls:
    """The absolute IRIs and URLs of one deployment."""

    base: str

    # the URLs at fixed paths
    catalog = UnderBase(CATALOG)
    void = UnderBase(VOID)
    sparql = UnderBase(SPARQL)
    #: The folder of the query page's script and stylesheet.
    sparql_static = UnderBase(SPARQL_STATIC)
    #: The SPARQL endpoint as a DCAT data service (the catalog's IRI for it).
    service = UnderBase(SERVICE)
    queries = UnderBase(QUERIES)
    search = UnderBase(SEARCH)
    compare = UnderBase(COMPARE)
    plans = UnderBase(PLANS)
    context = UnderBase(CONTEXT)
    static = UnderBase(STATIC)
    #: The page of the essgraph ontology (https://w3id.org/essgraph/def).
    ontology = UnderBase(DEF)

    def __call__(self, path: str) -> str:
        return self.base + path

    def dataset(self, dataset_id: str) -> str:
        return self.base + DATASET + dataset_id

    @property
    def whole(self) -> str:
        return self.dataset(WHOLE)

    def graph(self, path: str) -> str:
        return self.base + GRAPH + path

    def catalog_page(self, path: str, number: int) -> str:
        """Page ``number`` of the catalog served at ``path`` (catalog or catalog.{ext})."""
        return f"{self.base}{path}?page={number}"

    def dump(self, name: str) -> str:
        return self.base + DUMPS + name

    def service_description(self, part: str) -> str:
        """A node of the SPARQL service description: ``service``, ``dataset``, ``default-graph``."""
        return f"{self.sparql}#{part}"

    def query(self, name: str) -> str:
        """The page of the canned query ``name``."""
        return f"{self.base}{QUERIES}/{name}"

    def sparql_describe(self, iri: str) -> str:
        """A link that runs ``DESCRIBE <iri>`` on the endpoint."""
        return self.sparql + "?query=" + quote(f"DESCRIBE <{iri}>", safe="")

    def term(self, name: str) -> str:
        """The page of the term https://w3id.org/essgraph/def#{name}."""
        return self.base + DEF_TERM + name

    def scheme(self, path: str) -> str:
        """The page of the concept scheme or concept https://w3id.org/essgraph/def/{path}."""
        return self.base + DEF + "/" + path

    def href(self, value) -> str:
        """The page of an IRI: itself under the base; the vocabulary's IRIs on this server's /def; others as is."""
        value = getattr(value, "iri", value) or ""
        if value in (ONTOLOGY, ESS):  # the ontology, also by its namespace IRI (void:vocabulary names it so)
            return self.ontology
        if value.startswith(ESS):
            return self.term(value[len(ESS) :])
        if value.startswith(ESS_SCHEMES):
            return self.scheme(value[len(ESS_SCHEMES) :])
        return value

    def is_local(self, value) -> bool:
        return self.href(value).startswith(self.base)


def with_extension(page: str, extension: str) -> str:
    """A page's URL in one format: ``{page}.{extension}`` (``…/action/1.4.ttl``)."""
    return f"{page}.{extension}"


def distribution(dataset_iri: str, extension: str, compressed: bool) -> str:
    """The IRI of a dataset's distribution in one format (``…/distribution/ttl-gz``)."""
    return f"{dataset_iri}/distribution/{extension}{'-gz' if compressed else ''}"


def part(parent_iri: str, *names: str) -> str:
    """The IRI of a node owned by ``parent_iri`` (provenance, VoID targets and linksets): ``{parent}/{names...}``."""
    return "/".join((parent_iri, *names))
