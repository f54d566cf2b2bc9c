"""SPARQL from the command line: which query (a file, a named query of ``queries/``, a string), its parameters,
its output format, and the table printed for people.

Execution is the server's: the same checks (:mod:`essgraph.sparql.guard`), the same
:func:`~essgraph.sparql.execute.execute` with its row cap and formats, run in a confined process stopped at the
time limit (:mod:`essgraph.sparql.isolated`). The format names are the server's ``?format=`` names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from essgraph.errors import QueryError, QueryParameterError, QuerySyntaxError
from essgraph.rdf import formats
from essgraph.sparql.execute import Job
from essgraph.sparql.guard import check_query
from essgraph.sparql.isolated import run_isolated
from essgraph.sparql.lexer import QueryInfo
from essgraph.sparql.named import NamedQuery, parse_named_query
from essgraph.urls import Urls

TABLE = "table"
#: every --format name, for the command's help; which ones apply depends on the query form
FORMAT_NAMES = (TABLE, *(m.name for m in formats.RESULT_FORMATS), *(m.name for m in formats.GRAPH_FORMATS))


@dataclass(frozen=True)
class LocalQuery:
    text: str
    source: str  # where it came from, for messages
    named: NamedQuery | None = None  # when it has a '#+' header: title, parameters


def run_local(query: LocalQuery, params: list[str], fmt: str | None, store_dir, settings) -> bytes:
    """The whole output of a command-line query: checked and bound here, run in a confined process on the current
    build (leased: never pruned while it is read), then printed as asked."""
    substitutions = bind(query, parse_params(params))
    info = check_query(query.text)
    media = output_media(fmt, info)
    with store_dir.leased_current() as build:
        job = Job(
            query.text,
            (media or TABLE_SOURCE).media_type,
            settings.max_result_rows,
            union_default_graph=not info.has_dataset_clause,
            substitutions=substitutions,
            base_iri=Urls(build.manifest.get("base_iri", settings.base_iri)).sparql,
        )
        try:
            answer = run_isolated(build.open, job, settings.query_timeout_s, settings.query_memory_mib)
        except QuerySyntaxError as exc:
            exc.message = f"{query.source}: {exc.message}"
            raise
    return render_table(answer.body).encode("utf-8") if media is None else answer.body


def resolve_query(text_or_path: str, queries_dir: Path) -> LocalQuery:
    """A file path, a name in ``queries/`` (with or without .rq), or SPARQL text."""
    candidates = [Path(text_or_path), queries_dir / text_or_path, queries_dir / f"{text_or_path}.rq"]
    if "\n" not in text_or_path and len(text_or_path) < 300:
        for path in candidates:
            if path.is_file():
                return _from_file(path)
    stripped = text_or_path.strip()
    if not stripped or (" " not in stripped and "{" not in stripped):
        raise QueryError(
            f"{text_or_path!r} is neither a query file, a query of {queries_dir}, nor SPARQL",
            hint="pass a .rq file, a query name (see 'ls queries/') or a SPARQL string",
            code="unknown_query",
        )
    return LocalQuery(text_or_path, "command line")


def _from_file(path: Path) -> LocalQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise QueryError(f"{path}: not UTF-8 text", code="bad_encoding") from None
    named = parse_named_query(path) if any(line.startswith("#+") for line in text.splitlines()) else None
    return LocalQuery(text, str(path), named)


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``--param name=value`` options as a dict; malformed or repeated ones are errors."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryParameterError(
                f"--param {pair!r} is not NAME=VALUE",
                "for example --param organisation=https://example.org/id/organisation/x",
            )
        if name.strip() in values:
            raise QueryParameterError(f"the parameter {name.strip()!r} is given more than once")
        values[name.strip()] = value
    return values


def bind(query: LocalQuery, values: dict[str, str]) -> tuple[tuple[str, object], ...]:
    """The query's parameters bound as RDF terms (sorted), or an error listing its parameters."""
    if query.named is None:
        if values:
            raise QueryParameterError(
                f"the query ({query.source}) declares no parameters: --param applies to named queries",
                "a named query declares its parameters in '#+ param:' header lines (see queries/)",
            )
        return ()
    bindings = query.named.bindings(values)
    return tuple(sorted((var.value, term) for var, term in bindings.items()))


def output_media(name: str | None, info: QueryInfo) -> formats.Format | None:
    """The media type asked for with --format (None: the table); the default suits the query form."""
    offers = formats.answer_formats(info.returns_graph)
    if name is None:
        return offers[0] if info.returns_graph else None
    if name == TABLE and not info.returns_graph:
        return None
    media = formats.by_name(name, offers)
    if media is None:
        names = ([] if info.returns_graph else [TABLE]) + [o.name for o in offers]
        raise QueryError(
            f"format {name} is not available for a {info.form or 'SPARQL'} query",
            "use --format " + ", ".join(names),
            code="not_acceptable",
        )
    return media


#: the answer the table is printed from
TABLE_SOURCE = formats.SPARQL_JSON


def render_table(body: bytes) -> str:
    result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(result, ox.QueryBoolean):
        return str(bool(result)).lower() + "\n"
    return _table(result)


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value if not term.language else f"{term.value} @{term.language}"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _table(solutions: ox.QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(sol[n]) for n in names] for sol in solutions]
    widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]

    def fmt(cells):
        return " | ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(cells, widths)).rstrip()

    lines = [fmt(names), "-+-".join("-" * w for w in widths)] + [fmt(r) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
