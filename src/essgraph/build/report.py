"""What a build reports: the state of each dataset, the counts of plans, actions and organisations, the whole
report, and the manifest written into the build.

The manifest (``<build>/manifest.json``) is what the server and the next build read: data version, base IRI, counts,
triples per graph, each dataset's hash, graphs and files, and every validation result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pyoxigraph as ox

from essgraph import __version__
from essgraph.project import Dataset
from essgraph.rdf.namespaces import sparql_prefixes
from essgraph.validate.results import Result

if TYPE_CHECKING:
    from essgraph.build.changes import Changes


@dataclass
class DatasetState:
    dataset: Dataset
    graph_iris: tuple[str, ...]
    hash: str
    validation_key: str
    results: list[Result] | None = None
    triples: dict[str, int] = field(default_factory=dict)


@dataclass
class BuildReport:
    data_version: str
    base_iri: str
    datasets: list[DatasetState]
    results: list[Result]
    counts: dict[str, int]
    graph_triples: dict[str, int]
    seconds: float
    build_path: Path | None = None
    reused: int = 0
    changes: Changes | None = None  # what changed since the previous build (set by a build that writes)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


COUNT_QUERY = (
    sparql_prefixes("ess", "org")
    + """
SELECT
  (COUNT(DISTINCT ?plan) AS ?plans) (COUNT(DISTINCT ?action) AS ?actions) (COUNT(DISTINCT ?org) AS ?organisations)
WHERE {
  { ?plan a ess:Plan } UNION { ?action a ess:Action } UNION { ?org a org:Organization }
  UNION { ?org a org:OrganizationalUnit }
}
"""
)


def count_entities(store: ox.Store) -> dict[str, int]:
    row = next(iter(store.query(COUNT_QUERY, use_default_graph_as_union=True)))
    counts = {name: int(row[name].value) for name in ("plans", "actions", "organisations")}
    counts["triples"] = len(store)
    return counts


def violation_summary(report: BuildReport, limit: int = 20) -> str:
    lines = [f"the data does not conform: {len(report.violations)} violation(s)"]
    lines += [f"  [{r.dataset}] {r.line()}" for r in report.violations[:limit]]
    if len(report.violations) > limit:
        lines.append(f"  ... and {len(report.violations) - limit} more (run 'essgraph validate --format json')")
    return "\n".join(lines)


def manifest(report: BuildReport, rel: Callable[[Path], str]) -> dict:
    """The manifest of a finished build; ``rel`` writes a source file's path relative to the project."""
    return {
        "data_version": report.data_version,
        "base_iri": report.base_iri,
        "essgraph_version": __version__,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "build_seconds": round(report.seconds, 3),
        "conforms": report.conforms,
        "counts": report.counts,
        "graphs": report.graph_triples,
        "datasets": [
            {
                "id": st.dataset.id,
                "kind": st.dataset.kind,
                "title": st.dataset.title,
                "hash": st.hash,
                "graphs": list(st.triples) or list(st.graph_iris),
                "triples": st.triples,
                "files": [rel(f) for f in st.dataset.files],
            }
            for st in report.datasets
        ],
        "validation": {
            "violations": len(report.violations),
            "warnings": len(report.warnings),
            "results": [r.as_dict() for r in report.results],
        },
    }
