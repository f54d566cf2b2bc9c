"""The one registry of formats: every RDF syntax, SPARQL results format and other document essgraph reads or writes.

pyoxigraph owns the facts of the formats it parses and writes: its ``RdfFormat`` and ``QueryResultsFormat`` carry the
media type, the file extension, the name, the W3C format IRI (http://www.w3.org/ns/formats/) and whether named
graphs are kept. A :class:`Format` reads them from there and adds only what pyoxigraph does not know:

* the short name clients send in ``?format=``, on the command line and in file names (``turtle``, ``json``);
* the other names and media types clients send for the same thing (``text/plain`` for N-Triples, ``json-ld``...);
  a name two formats share (``json``, ``xml``) means the one the answer can be: see :func:`by_name`;
* the code of the EU file-type authority table (DCAT-AP ``dct:format`` of a distribution);
* more file extensions read as the format (``.owl`` is RDF/XML), for source files only;
* the formats pyoxigraph does not have (HTML, JSON, gzip), with the same attributes.

Where a format is offered, a tuple says it, in the server's order of preference (:data:`GRAPH_FORMATS`...).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from essgraph.errors import ConfigError

IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
EU_FILE_TYPES = "http://publications.europa.eu/resource/authority/file-type/"
#: pyoxigraph names JSON-LD https://www.w3.org/ns/formats/data/JSON-LD; the W3C's list of format IRIs
#: (https://www.w3.org/ns/formats/), which SPARQL service descriptions and VoID use, names it as below.
W3C_JSON_LD = "http://www.w3.org/ns/formats/JSON-LD"


@dataclass(frozen=True)
class OtherFormat:
    """A format pyoxigraph does not know, with the attributes its formats have."""

    name: str
    media_type: str
    file_extension: str
    iri: str | None = None
    supports_datasets: bool = False


@dataclass(frozen=True)
class Format:
    name: str  # short name: ?format=, the command line, file names
    spec: ox.RdfFormat | ox.QueryResultsFormat | OtherFormat
    aliases: tuple[str, ...] = ()  # other names and media types clients send for it
    eu_file_type: str | None = None  # code in the EU file-type authority table
    reads: tuple[str, ...] = ()  # more file extensions read as this format (source files)

    @property
    def media_type(self) -> str:
        """The IANA media type, without parameters (pyoxigraph adds a charset to some)."""
        return self.spec.media_type.split(";")[0].strip()

    @property
    def extension(self) -> str:
        return self.spec.file_extension

    @property
    def label(self) -> str:
        """The format's name for people: "Turtle", "RDF/XML", "SPARQL Results in JSON"."""
        return self.spec.name

    @property
    def iri(self) -> str | None:
        """The W3C format IRI (void:feature, sd:resultFormat), None for formats outside that list."""
        return W3C_JSON_LD if self.spec == ox.RdfFormat.JSON_LD else self.spec.iri

    @property
    def rdf(self) -> ox.RdfFormat | None:
        return self.spec if isinstance(self.spec, ox.RdfFormat) else None

    @property
    def results(self) -> ox.QueryResultsFormat | None:
        return self.spec if isinstance(self.spec, ox.QueryResultsFormat) else None

    @property
    def keeps_graphs(self) -> bool:
        """True when the syntax writes named graphs (N-Quads, TriG, JSON-LD); the others merge them."""
        return self.spec.supports_datasets

    @property
    def content_type(self) -> str:
        """The Content-Type answered: textual formats say they are UTF-8."""
        media = self.media_type
        textual = media.startswith("text/") or media.endswith(("json", "xml"))
        return f"{media}; charset=utf-8" if textual else media

    @property
    def iana_iri(self) -> str:
        """The media type as an IRI of the IANA registry (DCAT-AP ``dcat:mediaType``)."""
        return IANA_MEDIA_TYPES + self.media_type

    @property
    def eu_file_type_iri(self) -> str | None:
        """The IRI in the EU file-type authority table (DCAT-AP ``dct:format``)."""
        return EU_FILE_TYPES + self.eu_file_type if self.eu_file_type else None

    def names(self) -> tuple[str, ...]:
        """Every name a client may use for it: short name, extension, media type, aliases."""
        return (self.name, self.extension, self.media_type, *self.aliases)


# RDF syntaxes
# a client asking for N3 (SPARQLWrapper's "n3") gets Turtle, which N3 includes
TURTLE = Format("turtle", ox.RdfFormat.TURTLE, ("application/x-turtle", "n3"), "RDF_TURTLE")
NTRIPLES = Format("ntriples", ox.RdfFormat.N_TRIPLES, ("text/plain",), "RDF_N_TRIPLES")
NQUADS = Format("nquads", ox.RdfFormat.N_QUADS, (), "RDF_N_QUADS")
TRIG = Format("trig", ox.RdfFormat.TRIG, (), "RDF_TRIG")
# where the answer is a graph, "json" means JSON-LD (SPARQLWrapper turns JSON-LD into an rdflib Graph)
JSONLD = Format("jsonld", ox.RdfFormat.JSON_LD, ("json-ld", "json"), "JSON_LD", reads=("json",))
# where the answer is a graph, "xml" means RDF/XML (SPARQLWrapper's "xml" for CONSTRUCT and DESCRIBE)
RDFXML = Format("rdfxml", ox.RdfFormat.RDF_XML, ("rdf+xml", "xml"), "RDF_XML", reads=("owl", "xml", "skos"))
# SPARQL results (CSV is also the format of the actions' table)
SPARQL_JSON = Format("json", ox.QueryResultsFormat.JSON, ("application/json",))
SPARQL_XML = Format("xml", ox.QueryResultsFormat.XML, ("application/xml",))
CSV = Format("csv", ox.QueryResultsFormat.CSV, (), "CSV")
TSV = Format("tsv", ox.QueryResultsFormat.TSV)
# documents pyoxigraph does not write
HTML = Format("html", OtherFormat("HTML", "text/html", "html"), ("application/xhtml+xml",))
JSON = Format("json", OtherFormat("JSON", "application/json", "json"))
GZIP = Format("gzip", OtherFormat("gzip", "application/gzip", "gz"))

#: every format of the registry
ALL_FORMATS = (TURTLE, NTRIPLES, NQUADS, TRIG, JSONLD, RDFXML, SPARQL_JSON, SPARQL_XML, CSV, TSV, HTML, JSON, GZIP)
#: every RDF syntax, in the order of the dumps and the command line
RDF_FORMATS = (TURTLE, NTRIPLES, NQUADS, TRIG, JSONLD, RDFXML)
#: a graph answered over HTTP (pages, catalog, VoID, CONSTRUCT and DESCRIBE), Turtle preferred
GRAPH_FORMATS = (TURTLE, JSONLD, NTRIPLES, RDFXML)
#: the description of a resource (pages): the graph formats, then N-Quads and TriG, which link-traversal clients
#: (Comunica) ask for first (their documents carry no JSON-LD @context to fetch)
RESOURCE_FORMATS = (*GRAPH_FORMATS, NQUADS, TRIG)
#: SELECT and ASK results, SPARQL JSON preferred
RESULT_FORMATS = (SPARQL_JSON, SPARQL_XML, CSV, TSV)


def answer_formats(returns_graph: bool) -> tuple[Format, ...]:
    """The formats a query's answer comes in: a graph (CONSTRUCT, DESCRIBE) or results (SELECT, ASK)."""
    return GRAPH_FORMATS if returns_graph else RESULT_FORMATS


def media_type_of(iri: str) -> str:
    """The media type an IANA media-type IRI names (a distribution's ``dcat:mediaType``); other values as they are."""
    return iri.removeprefix(IANA_MEDIA_TYPES)


def by_name(name: str, formats: tuple[Format, ...]) -> Format | None:
    """The format of ``formats`` that ``name`` (short name, extension, media type or alias) means; None when none.
    The first of ``formats`` wins, so a shared name means what the answer can be: ``json`` is SPARQL JSON among
    results formats and JSON-LD among RDF syntaxes."""
    name = name.strip().lower()
    return next((f for f in formats if name in f.names()), None)


def by_extension(extension: str, formats: tuple[Format, ...]) -> Format | None:
    """The format of ``formats`` written with file extension ``extension`` (no dot)."""
    return next((f for f in formats if f.extension == extension), None)


def rdf_format(name: str) -> Format:
    """An RDF syntax by short name (``essgraph export --format``); a clear error when there is none."""
    found = next((f for f in RDF_FORMATS if f.name == name), None)
    if found is None:
        raise ConfigError(f"unknown RDF format {name!r}", hint="use one of " + ", ".join(f.name for f in RDF_FORMATS))
    return found


def source_extensions() -> dict[str, Format]:
    """File extension (with its dot) -> RDF syntax, for the source files of a project."""
    return {f".{ext}": f for f in RDF_FORMATS for ext in (f.extension, *f.reads)}


def for_file(path: Path) -> Format:
    """The RDF syntax of a source file, by its extension; a clear error when it has none."""
    table = source_extensions()
    found = table.get(path.suffix.lower())
    if found is None:
        raise ConfigError(
            f"{path}: unknown RDF file extension {path.suffix!r}", hint="use one of " + ", ".join(sorted(table))
        )
    return found
