"""Running one query and writing its whole answer, inside a query process (a server worker or the CLI's child).

The answer is produced completely before anything is sent, so a client never gets a truncated answer. Rows are
counted while the engine writes them, and writing stops as soon as the cap is passed:

* SELECT: written as SPARQL TSV, where every solution is exactly one line (line breaks inside literals are
  escaped), then converted to the asked format by pyoxigraph's own parser and writer. Measured on 200,000
  rows, TSV + conversion costs the same as writing JSON directly.
* CONSTRUCT / DESCRIBE: written as N-Triples (one triple a line), then converted the same way.
* ASK: one boolean; in CSV and TSV, which the W3C formats define for SELECT only, as a one-column table with the
  variable ``_askResult``, as Apache Jena writes it (``_askResult\r\ntrue\r\n``, ``?_askResult\ntrue\n``):
  a client that reads every CSV/TSV answer as a table (rdflib's SPARQLStore) then gets the value instead of an empty
  table.

An answer over ``max_bytes`` is an error naming the setting (writing stops early when the TSV or N-Triples is
already far over it). pyoxigraph's parsers refuse a line over 16 MiB; a value that long is written again, directly
in the asked format, by a second evaluation.

The format is named by its media type and resolved by pyoxigraph (``from_media_type``): no format table here.
Every failure a client may see is raised as a :class:`~essgraph.errors.QueryError`. Before anything runs, the
query's parsed form is checked for SERVICE (:func:`essgraph.sparql.guard.refuse_service`), here, in the confined
query process, where the time limit bounds the cost of reading a pathological text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from essgraph.errors import QueryError, QueryLimitError, QueryRefused, QuerySyntaxError, QueryUnavailable
from essgraph.rdf.serialize import serialize
from essgraph.sparql.guard import refuse_service

_SYNTAX = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
_XML_LOCAL_NAME = re.compile(r"[^\W\d][\w.\-\u00B7]*$")  # RDF/XML writes a predicate as namespace + NCName


@dataclass(frozen=True)
class Job:
    """Everything a query process needs to run one query (sent to it pickled)."""

    query: str
    media_type: str  # of the answer: a SPARQL results format, or an RDF format
    max_rows: int
    default_graphs: tuple[str, ...] | None = None  # the protocol's dataset, when the request gives one
    named_graphs: tuple[str, ...] | None = None
    union_default_graph: bool = True  # False when the query has its own FROM / FROM NAMED
    substitutions: tuple[tuple[str, object], ...] = field(default_factory=tuple)
    base_iri: str | None = None  # relative IRIs of the query resolve against it (the endpoint)
    max_bytes: int | None = None  # the most bytes the answer may have (None: no cap)


@dataclass(frozen=True)
class Answer:
    body: bytes
    rows: int


def internal_error() -> QueryError:
    return QueryError("the query failed inside essgraph; the error was logged", code="internal_error", status=500)


class _TooMany(Exception):
    pass


class _TooBig(Exception):
    pass


class _LineCounter:
    """A binary writer that keeps what it is given and stops the writer once ``limit`` lines, or ``max_bytes``
    bytes, are passed."""

    def __init__(self, limit: int | None, max_bytes: int | None = None):
        self.limit = limit
        self.max_bytes = max_bytes
        self.lines = 0
        self.size = 0
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        data = bytes(data)
        self.lines += data.count(b"\n")
        self.size += len(data)
        if self.limit is not None and self.lines > self.limit:
            raise _TooMany()
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise _TooBig()
        self.chunks.append(data)
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.chunks)


def merged(store: ox.Store) -> bool:
    """True when the store's default graph holds the merge of its named graphs (the server's copy in memory:
    essgraph.web.published.merge_default_graph); a build itself never writes the default graph."""
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def union_args(store: ox.Store) -> dict:
    """The ``store.query`` arguments that make the default graph the union of the named graphs, each triple once:
    none on a merged store (its default graph is that merge; asking pyoxigraph for the union there would add every
    named graph to it again), else pyoxigraph's union default graph (which repeats a triple held by two graphs).
    Every query of the published store over its default graph goes through this."""
    return {} if merged(store) else {"use_default_graph_as_union": True}


def _query_args(job: Job, store: ox.Store) -> dict:
    args: dict = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        args["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        args["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif job.union_default_graph:
        args.update(union_args(store))
    if job.substitutions:
        args["substitutions"] = {ox.Variable(name): term for name, term in job.substitutions}
    return args


def too_many(max_rows: int) -> QueryLimitError:
    return QueryLimitError(
        f"the query returns more than {max_rows:,} results, the most one answer may hold",
        "add LIMIT (and OFFSET to page through), aggregate, or download a dump of the data",
        code="too_many_results",
    )


def not_started() -> QueryUnavailable:
    return QueryUnavailable("the query service is not running", "retry in a moment", code="not_started", retry_after=5)


def timed_out(timeout_s: float) -> QueryLimitError:
    return QueryLimitError(
        f"the query ran longer than the time limit of {timeout_s:g} s and was stopped",
        "make it more selective (fewer unbound patterns), add LIMIT, or download a dump",
        code="query_timeout",
        status=504,
    )


def too_large(max_bytes: int) -> QueryLimitError:
    return QueryLimitError(
        f"the answer is larger than {max_bytes / (1 << 20):g} MiB ({max_bytes:,} bytes), the most "
        "one answer may hold (setting ESSGRAPH_MAX_ANSWER_BYTES)",
        "add LIMIT, select fewer or shorter values, or download a dump of the data",
        code="answer_too_large",
    )


def stopped(memory_mib: int) -> QueryLimitError:
    return QueryLimitError(
        "the query was stopped before it finished: it needed more than the memory allowed to "
        f"one query ({memory_mib} MiB) or crashed its process",
        "make it more selective or add LIMIT",
        code="query_stopped",
        status=503,
    )


def execute(store: ox.Store, job: Job) -> Answer:
    """Check ``job`` for SERVICE on its parsed form, run it on ``store`` and write its whole answer; raises
    QueryError for anything a client may see."""
    refuse_service(job.query, base=job.base_iri is not None)
    return evaluate(store, job)


def evaluate(store: ox.Store, job: Job) -> Answer:
    """Run ``job`` without the SERVICE check (the kernel filter of the process is then the only guard)."""
    try:
        result = store.query(job.query, **_query_args(job, store))
        if isinstance(result, ox.QueryBoolean):
            return Answer(_boolean(result, _results_format(job)), 1)
        if isinstance(result, ox.QuerySolutions):
            answer = _solutions(store, result, job)
        else:
            answer = _triples(store, result, job)
        if job.max_bytes is not None and len(answer.body) > job.max_bytes:
            raise _TooBig()
        return answer
    except SyntaxError as exc:
        raise syntax_error(str(exc.msg if isinstance(exc.msg, str) else exc)) from None
    except _TooMany:
        raise too_many(job.max_rows) from None
    except _TooBig:
        assert job.max_bytes is not None  # _TooBig is raised only under a cap
        raise too_large(job.max_bytes) from None
    except MemoryError:  # a Python allocation over the process's memory limit
        raise QueryLimitError(
            "the query was stopped: it needed more memory than one query may use",
            "make it more selective or add LIMIT",
            code="query_stopped",
            status=503,
        ) from None
    except PermissionError:
        raise QueryRefused(
            "the query tried to open a network connection; essgraph never sends a request to another host",
            "remove SERVICE and remote IRIs to be fetched",
            code="network_refused",
        ) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"the query could not be evaluated: {exc}") from None


def syntax_error(detail: str) -> QuerySyntaxError:
    match = _SYNTAX.match(detail)
    if match:
        line, column, what = match.groups()
        if len(what) > 240:  # pyoxigraph lists every token it would accept
            what = what[:240].rsplit(",", 1)[0] + ", …"
        detail = f"line {line}, column {column}: {what}"
    return QuerySyntaxError(
        f"SPARQL syntax error at {detail}", "check the query near that position (SPARQL 1.1 Query syntax)"
    )


def _results_format(job: Job) -> ox.QueryResultsFormat:
    target = ox.QueryResultsFormat.from_media_type(job.media_type)
    if target is None:  # the caller chose a graph format for a SELECT or ASK query: a bug, not the client's fault
        raise internal_error()
    return target


def _boolean(result: ox.QueryBoolean, target: ox.QueryResultsFormat) -> bytes:
    """An ASK answer: pyoxigraph's JSON or XML, Jena's one-column table in CSV and TSV."""
    text = "true" if result else "false"
    if target == ox.QueryResultsFormat.CSV:
        return f"_askResult\r\n{text}\r\n".encode()
    if target == ox.QueryResultsFormat.TSV:
        return f"?_askResult\n{text}\n".encode()
    return result.serialize(format=target)


def _budget(job: Job, final: bool) -> int | None:
    """Bytes the intermediate TSV or N-Triples may take: the cap itself when it is the answer, else twice the cap
    (the answer in another format may be smaller; what it really takes is checked on the answer)."""
    if job.max_bytes is None:
        return None
    return job.max_bytes if final else 2 * job.max_bytes


def _direct(store: ox.Store, job: Job, target) -> bytes:
    """Evaluate again and write ``target`` directly: for a value over pyoxigraph's 16 MiB parser buffer, which the
    conversion from TSV or N-Triples cannot read back (rows were counted by the first run)."""
    writer = _LineCounter(None, job.max_bytes)
    store.query(job.query, **_query_args(job, store)).serialize(writer, format=target)
    return writer.getvalue()


def _solutions(store: ox.Store, result: ox.QuerySolutions, job: Job) -> Answer:
    target = _results_format(job)
    counter = _LineCounter(job.max_rows + 1, _budget(job, target == ox.QueryResultsFormat.TSV))  # header + rows
    result.serialize(counter, format=ox.QueryResultsFormat.TSV)
    tsv = counter.getvalue()
    rows = max(counter.lines - 1, 0)
    if target == ox.QueryResultsFormat.TSV:
        return Answer(tsv, rows)
    try:
        parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        return Answer(parsed.serialize(format=target), rows)
    except MemoryError:
        return Answer(_direct(store, job, target), rows)


def _triples(store: ox.Store, result: ox.QueryTriples, job: Job) -> Answer:
    target = ox.RdfFormat.from_media_type(job.media_type)
    if target is None:
        raise internal_error()
    counter = _LineCounter(job.max_rows, _budget(job, target == ox.RdfFormat.N_TRIPLES))
    result.serialize(counter, format=ox.RdfFormat.N_TRIPLES)
    ntriples = counter.getvalue()
    if target == ox.RdfFormat.N_TRIPLES:
        return Answer(ntriples, counter.lines)
    try:
        quads = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    except MemoryError:
        return Answer(_direct(store, job, target), counter.lines)
    if target == ox.RdfFormat.RDF_XML:
        for quad in quads:
            if not _XML_LOCAL_NAME.search(quad.predicate.value):
                raise QueryLimitError(
                    f"the result cannot be written as RDF/XML: the predicate "
                    f"<{quad.predicate.value}> does not end with an XML name",
                    "ask for Turtle, N-Triples or JSON-LD instead",
                    code="not_representable",
                    status=406,
                )
    return Answer(serialize(quads, target), counter.lines)
