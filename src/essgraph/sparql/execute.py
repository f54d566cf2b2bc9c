"""Running one query and writing its whole answer, inside a worker process.

The answer is produced completely before the server sends a status line, so a client never gets a truncated 200.
Rows are counted while the engine writes them, and writing stops as soon as the cap is passed:

* SELECT: written as SPARQL TSV, where every solution is exactly one line (line breaks inside literals are
  escaped), then converted to the negotiated format by pyoxigraph's own parser and writer. Measured on 200,000
  rows, TSV + conversion costs the same as writing JSON directly.
* CONSTRUCT / DESCRIBE: written as N-Triples (one triple a line), then converted the same way.
* ASK: one boolean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from essgraph.rdf.namespaces import PREFIXES
from essgraph.rdf import formats as conneg

#: conneg media type name -> pyoxigraph format (the media types themselves are defined in web/conneg.py)
RESULT_FORMATS = {
    conneg.SPARQL_JSON.name: ox.QueryResultsFormat.JSON,
    conneg.SPARQL_XML.name: ox.QueryResultsFormat.XML,
    conneg.CSV.name: ox.QueryResultsFormat.CSV,
    conneg.TSV.name: ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    conneg.TURTLE.name: ox.RdfFormat.TURTLE,
    conneg.JSONLD.name: ox.RdfFormat.JSON_LD,
    conneg.NTRIPLES.name: ox.RdfFormat.N_TRIPLES,
    conneg.RDFXML.name: ox.RdfFormat.RDF_XML,
}
_WITH_PREFIXES = (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML)
_SYNTAX = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
_XML_LOCAL_NAME = re.compile(r"[^\W\d][\w.\-\u00B7]*$")  # RDF/XML writes a predicate as namespace + NCName


def offers_for(form: str | None) -> tuple[conneg.MediaType, ...]:
    """The media types a query form can be answered in (the server's preference first)."""
    return conneg.RDF_GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else conneg.RESULT_TYPES


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one query (sent to it pickled)."""

    query: str
    media: str                                   # a key of RESULT_FORMATS or GRAPH_FORMATS
    max_rows: int
    default_graphs: tuple[str, ...] | None = None  # the protocol's dataset, when the request gives one
    named_graphs: tuple[str, ...] | None = None
    union_default_graph: bool = True             # False when the query has its own FROM / FROM NAMED
    substitutions: tuple[tuple[str, object], ...] = field(default_factory=tuple)
    base_iri: str | None = None                  # relative IRIs of the query resolve against it (the endpoint)


@dataclass(frozen=True)
class Answer:
    body: bytes
    rows: int


@dataclass(frozen=True)
class Failure:
    status: int
    code: str
    message: str
    hint: str | None = None


class _TooMany(Exception):
    pass


class _LineCounter:
    """A binary writer that keeps what it is given and stops the writer once ``limit`` lines are passed."""

    def __init__(self, limit: int):
        self.limit = limit
        self.lines = 0
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.lines += bytes(data).count(b"\n")
        if self.lines > self.limit:
            raise _TooMany()
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.chunks)


def _query_args(job: Job) -> dict:
    args: dict = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        args["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        args["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif job.union_default_graph:
        args["use_default_graph_as_union"] = True
    if job.substitutions:
        args["substitutions"] = {ox.Variable(name): term for name, term in job.substitutions}
    return args


def too_many(max_rows: int) -> Failure:
    return Failure(400, "too_many_results", f"the query returns more than {max_rows:,} results, the most this "
                   "endpoint answers in one response",
                   "add LIMIT (and OFFSET to page through), aggregate, or download a dump of the data")


def execute(store: ox.Store, job: Job) -> Answer | Failure:
    """Run ``job`` on ``store``; every outcome is an Answer or a Failure (nothing a client sees is raised)."""
    try:
        result = store.query(job.query, **_query_args(job))
        if isinstance(result, ox.QueryBoolean):
            if job.media not in RESULT_FORMATS:
                return _mismatch()
            return Answer(result.serialize(format=RESULT_FORMATS[job.media]), 1)
        if isinstance(result, ox.QuerySolutions):
            return _solutions(result, job)
        return _triples(result, job)
    except SyntaxError as exc:
        return syntax_failure(str(exc.msg if isinstance(exc.msg, str) else exc))
    except _TooMany:
        return too_many(job.max_rows)
    except PermissionError:
        return Failure(403, "network_refused", "the query tried to open a network connection; this endpoint "
                       "never sends a request to another host", "remove SERVICE and remote IRIs to be fetched")
    except (OSError, ValueError, RuntimeError) as exc:
        return Failure(400, "query_failed", f"the query could not be evaluated: {exc}")


def syntax_failure(detail: str) -> Failure:
    match = _SYNTAX.match(detail)
    if match:
        line, column, what = match.groups()
        if len(what) > 240:  # pyoxigraph lists every token it would accept
            what = what[:240].rsplit(",", 1)[0] + ", …"
        detail = f"line {line}, column {column}: {what}"
    return Failure(400, "malformed_query", f"SPARQL syntax error at {detail}",
                   "check the query near that position (SPARQL 1.1 Query syntax)")


def _mismatch() -> Failure:
    return Failure(500, "internal_error", "the server failed to answer; the error was logged")


def _solutions(result: ox.QuerySolutions, job: Job) -> Answer | Failure:
    if job.media not in RESULT_FORMATS:
        return _mismatch()
    counter = _LineCounter(job.max_rows + 1)  # the header line, then one line per row
    result.serialize(counter, format=ox.QueryResultsFormat.TSV)
    tsv = counter.getvalue()
    rows = max(counter.lines - 1, 0)
    target = RESULT_FORMATS[job.media]
    if target == ox.QueryResultsFormat.TSV:
        return Answer(tsv, rows)
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return Answer(parsed.serialize(format=target), rows)


def _triples(result: ox.QueryTriples, job: Job) -> Answer | Failure:
    if job.media not in GRAPH_FORMATS:
        return _mismatch()
    counter = _LineCounter(job.max_rows)
    result.serialize(counter, format=ox.RdfFormat.N_TRIPLES)
    ntriples = counter.getvalue()
    target = GRAPH_FORMATS[job.media]
    if target == ox.RdfFormat.N_TRIPLES:
        return Answer(ntriples, counter.lines)
    quads = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    if target == ox.RdfFormat.RDF_XML:
        for quad in quads:
            if not _XML_LOCAL_NAME.search(quad.predicate.value):
                return Failure(406, "not_representable", f"the result cannot be written as RDF/XML: the predicate "
                               f"<{quad.predicate.value}> does not end with an XML name",
                               "ask for Turtle, N-Triples or JSON-LD instead")
    prefixes = None
    if target in _WITH_PREFIXES:  # only the prefixes the result uses
        prefixes = {name: ns for name, ns in PREFIXES.items() if b"<" + ns.encode() in ntriples}
    return Answer(ox.serialize(quads, format=target, prefixes=prefixes), counter.lines)
