"""Running SPARQL from the command line: a query file, a named query of ``queries/``, or a string."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox

from essgraph.errors import QueryError

OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
_RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON}


def resolve_query(text_or_path: str, queries_dir: Path) -> tuple[str, str]:
    """(query text, where it came from): a file path, a name in ``queries/`` (with or without .rq), or SPARQL."""
    candidates = [Path(text_or_path), queries_dir / text_or_path, queries_dir / f"{text_or_path}.rq"]
    if "\n" not in text_or_path and len(text_or_path) < 300:
        for path in candidates:
            if path.is_file():
                try:
                    return path.read_text(encoding="utf-8"), str(path)
                except UnicodeDecodeError:
                    raise QueryError(f"{path}: not UTF-8 text") from None
    stripped = text_or_path.strip()
    if not stripped or (" " not in stripped and "{" not in stripped):
        raise QueryError(f"{text_or_path!r} is neither a query file, a query of {queries_dir}, nor SPARQL",
                         hint="pass a .rq file, a query name (see 'ls queries/') or a SPARQL string")
    return text_or_path, "command line"


def run_query(store: ox.Store, text: str, source: str, output: str) -> str:
    if output not in OUTPUT_FORMATS:
        raise QueryError(f"unknown output format {output!r}", hint="use one of " + ", ".join(OUTPUT_FORMATS))
    try:
        result = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"{source}: SPARQL syntax error: {exc}") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"{source}: the query failed: {exc}") from None
    if isinstance(result, ox.QueryBoolean):
        return json.dumps({"boolean": bool(result)}) if output == "json" else str(bool(result)).lower() + "\n"
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8")
    if output == "table":
        return _table(result)
    buffer = io.BytesIO()
    result.serialize(buffer, format=_RESULT_FORMATS[output])
    return buffer.getvalue().decode("utf-8")


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
