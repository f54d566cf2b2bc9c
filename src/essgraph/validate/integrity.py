"""Cross-dataset integrity checks: SPARQL queries (``shapes/integrity/*.rq``, listed in the project file) run on
the whole new store, after loading, for what SHACL on one dataset at a time cannot see (a reference to another
dataset's resource that does not exist, a concept outside its scheme…)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from essgraph.errors import QueryError
from essgraph.validate.results import SEVERITY_ORDER, Result


def run_integrity_checks(store: ox.Store, queries: tuple[Path, ...], rel=str) -> list[Result]:
    """Each query SELECTs ?focus ?message and optionally ?path ?value ?severity; one result per row."""
    results = []
    for path in queries:
        text = path.read_text(encoding="utf-8")
        try:
            rows = store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"{rel(path)}: integrity query is not valid SPARQL: {exc}") from None
        names = {v.value for v in rows.variables}
        for row in rows:

            def get(name, row=row, names=names):
                term = row[name] if name in names else None
                return "" if term is None else term.value

            severity = (get("severity") or "Violation").rsplit("#", 1)[-1]
            results.append(
                Result(
                    severity if severity in SEVERITY_ORDER else "Violation",
                    get("focus"),
                    get("path"),
                    get("value"),
                    get("message") or path.stem,
                    rel(path),
                    "integrity",
                )
            )
    return results
