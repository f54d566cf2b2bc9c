"""One entry point for both input formats: which format a file is in, and the plan it holds as RDF.

``essgraph`` is the template of :mod:`.schema` (a workbook with sheets ``plan``, ``axes``, ``actions``..., or a
data package folder); ``tet`` is the plan-import sheet of Territoires en Transitions (:mod:`.tet`). ``auto`` looks
for a sheet whose A2 cell is "Axe (x)" (TeT), else takes the template.
"""

from __future__ import annotations

from pathlib import Path

from essgraph.intake.convert import Converted, convert
from essgraph.intake.problems import ERROR, IntakeDataError, Where, WorkbookUnreadable
from essgraph.intake.reference import Reference

FORMATS = ("auto", "essgraph", "tet")
WORKBOOK_SUFFIXES = (".xlsx", ".ods")


def is_workbook(path: Path) -> bool:
    """Whether the build converts ``path`` (a workbook or a data package descriptor) rather than parse it as RDF."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES or path.name == "datapackage.json"


def detect(path: Path) -> str:
    if path.is_dir() or path.name == "datapackage.json":
        return "essgraph"
    from essgraph.intake.tet import find_tet_sheet

    return "tet" if find_tet_sheet(path) else "essgraph"


def convert_file(path: Path, ref: Reference, fmt: str = "auto", plan_id: str = "", default_id: str = "") -> Converted:
    """Read, check and convert ``path``; raises :class:`IntakeDataError` (problems to fix, exit 1) or
    :class:`WorkbookUnreadable` (exit 2). Warnings come back in ``Converted.problems``. The plan's id is
    ``plan_id``, else the workbook's own, else ``default_id``."""
    if not path.exists():
        raise WorkbookUnreadable(Where(str(path)), "fichier introuvable", "no such file")
    if fmt not in FORMATS:
        raise WorkbookUnreadable(
            Where(path.name),
            f"format inconnu « {fmt} »",
            f"unknown format {fmt!r}",
            hint="use --format essgraph or --format tet",
        )
    fmt = detect(path) if fmt == "auto" else fmt
    note = None
    if fmt == "tet":
        from essgraph.intake.tet import TET_NOTE, read_tet

        plan, problems = read_tet(path, ref, plan_id)
        note = TET_NOTE
    else:
        from essgraph.intake.template import read_essgraph

        plan, problems = read_essgraph(path, ref, plan_id)
    if plan is not None and not plan.id:
        plan.id = default_id
    if plan is not None and not plan.id:
        problems.append(_no_id(plan.where))
    if plan is None or any(p.severity == ERROR for p in problems):
        raise IntakeDataError(problems, what=path.name)
    converted = convert(plan, ref, note)
    converted.problems = problems + converted.problems
    if any(p.severity == ERROR for p in converted.problems):
        raise IntakeDataError(converted.problems, what=path.name)
    return converted


def _no_id(where: Where):
    from essgraph.intake.problems import Problem

    return Problem(
        where.at("id"),
        "le plan n'a pas d'identifiant : remplissez la colonne id ou passez --plan-id",
        "the plan has no identifier: fill the id column or pass --plan-id",
    )
