"""Workbooks as sources of the build: converted into Turtle before anything is validated, loaded or swapped in.

:func:`prepare` converts every workbook a project's plan datasets list (``files = ["plans/x.xlsx"]`` or
``essgraph build plan.xlsx``) into a private temporary folder and gives back the project with the generated files
in the datasets' graphs: the plan and its minted organisations in ``graph/plan/{id}``, its classification in
``graph/plan/{id}/classification``. A workbook with problems stops the build there (:class:`.IntakeDataError`,
exit 1): nothing half-converted is ever published. The generated files are named after their workbook in the
build's hashes and manifest (``plans/x.xlsx#plan.ttl``), so the validation cache and the catalog dates follow the
workbook's content. SHACL results on converted plans are given their workbook cell (:mod:`.locate`).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from essgraph.intake.locate import FrenchMessages, Locator
from essgraph.intake.problems import ERROR, IntakeDataError, Where

OUTPUTS = ("plan", "organisations", "classification")

if TYPE_CHECKING:
    from essgraph.project import Project


@dataclass
class Prepared:
    """What one build made from the project's workbooks; :meth:`close` removes the generated files."""

    folder: Path | None = None
    origins: dict[Path, str] = field(default_factory=dict)  # generated file -> "workbook#file" label
    locations: dict[str, Where] = field(default_factory=dict)
    warnings: list = field(default_factory=list)  # (dataset id, problem)
    shapes: tuple[Path, ...] = ()

    def locator(self, base_iri: str) -> Locator:
        return Locator(base_iri, self.locations, FrenchMessages(self.shapes) if self.locations else None)

    def annotate(self, results: list, base_iri: str, warnings: bool = True) -> list:
        """The build's results with their workbook cells, plus (``warnings``) the conversion's warnings as results."""
        if not self.locations:
            return results
        from essgraph.validate.results import Result

        locator = self.locator(base_iri)
        found = [locator.annotate(r) for r in results]
        for ds_id, p in self.warnings if warnings else ():
            found.append(
                Result(
                    "Warning",
                    p.where.file,
                    "",
                    p.value,
                    p.en,
                    "essgraph intake",
                    ds_id,
                    location=p.where.text("en"),
                    message_fr=p.fr,
                )
            )
        return found

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def prepare(project: Project, rel=str) -> tuple[Project, Prepared]:
    """``project`` with its workbooks converted (``rel`` names a workbook for the manifest and hashes)."""
    prepared = Prepared(shapes=project.shapes)
    datasets = [d for d in project.datasets if d.workbooks]
    if not datasets:
        return project, prepared
    from essgraph.intake.read import convert_file
    from essgraph.intake.reference import load_reference
    from essgraph.project import GraphSource

    ref = load_reference(project)
    prepared.folder = Path(tempfile.mkdtemp(prefix="essgraph-intake-"))
    try:
        problems = []
        converted_datasets = {}
        for ds in datasets:
            graphs = list(ds.graphs)
            for n, workbook in enumerate(ds.workbooks, 1):
                try:
                    converted = convert_file(workbook, ref, default_id=ds.id)
                except IntakeDataError as exc:
                    problems += exc.problems
                    continue
                prepared.locations.update(converted.locations)
                prepared.warnings += [(ds.id, p) for p in converted.problems if p.severity != ERROR]
                folder = prepared.folder / ds.id / str(n)
                folder.mkdir(parents=True)
                files = {}
                for name in OUTPUTS:
                    graph = getattr(converted, name)
                    if len(graph):
                        path = folder / f"{name}.ttl"
                        path.write_bytes(graph.turtle(f"Converted by essgraph from {workbook.name}; do not edit."))
                        prepared.origins[path] = f"{rel(workbook)}#{name}.ttl"
                        files[name] = path
                main = tuple(files[k] for k in ("plan", "organisations") if k in files)
                graphs.append(GraphSource(f"graph/plan/{ds.id}", main))
                if "classification" in files:
                    graphs.append(GraphSource(f"graph/plan/{ds.id}/classification", (files["classification"],)))
            converted_datasets[ds.id] = replace(ds, graphs=tuple(graphs), workbooks=())
        if problems:
            raise IntakeDataError(problems, what="the project's workbooks")
    except BaseException:
        prepared.close()
        raise
    return replace(project, datasets=tuple(converted_datasets.get(d.id, d) for d in project.datasets)), prepared
