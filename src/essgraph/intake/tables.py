"""Reading the tables of essgraph's template from CSV files, an XLSX workbook or an ODS workbook, with Frictionless.

One Frictionless resource per table (a sheet of the workbook, or ``{table}.csv`` of a data package folder), with the
template's Table Schema laid out in the order of the sheet's header (:func:`.package.sheet_schema`: the order of the
columns is free, unknown or blank headers are reported and ignored, a missing required column is an error at the
header row) and the row rules of :mod:`.package`; the package is validated as a whole so that foreign keys are
checked across tables. Every problem names the
file, sheet, row, column and value (:mod:`.messages`). Rows come back typed (dates, decimals) with their row number.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frictionless import Checklist, FrictionlessException, Package, Resource, Schema, formats

from essgraph.intake.messages import problem
from essgraph.intake.names import clean_text
from essgraph.intake.package import RowRules, rules_for, sheet_schema
from essgraph.intake.problems import ERROR, WARNING, Problem, Where, WorkbookUnreadable, column_letter
from essgraph.intake.reference import Reference
from essgraph.intake.safety import check_size, check_zip, formula_problems
from essgraph.intake.schema import TABLE, TABLES, Table

REQUIRED_TABLES = ("plan", "axes", "actions")
WORKBOOKS = {".xlsx": "xlsx", ".ods": "ods"}


@dataclass
class Row:
    number: int
    values: dict
    where: Where

    def text(self, column: str) -> str:
        return clean_text(self.values.get(column))

    def at(self, column: str) -> Where:
        return self.where.at(column, self.letters.get(column, ""))

    letters: dict = field(default_factory=dict)


@dataclass
class Source:
    """Where the tables are: a workbook (sheets) or a folder of CSV files."""

    path: Path
    label: str
    kind: str  # "xlsx" | "ods" | "csv"
    tables: dict[str, Path] = field(default_factory=dict)  # table -> file (the workbook itself for sheets)

    def resource(self, table: str) -> Resource:
        """A Frictionless resource for ``table`` (a relative path and a base path: Frictionless refuses to copy a
        resource with an absolute path, which its foreign-key look-ups do)."""
        file = self.tables[table]
        if self.kind == "csv":
            return Resource(path=file.name, basepath=str(file.parent), name=table, format="csv")
        control = formats.ExcelControl(sheet=table) if self.kind == "xlsx" else formats.OdsControl(sheet=table)
        return Resource(path=file.name, basepath=str(file.parent), name=table, format=self.kind, control=control)

    def sheet_label(self, table: str) -> str:
        return self.tables[table].name if self.kind == "csv" else table


def sheet_names(path: Path, kind: str) -> list[str]:
    """Sheet names of a workbook (openpyxl or ezodf, the readers Frictionless uses)."""
    try:
        if kind == "xlsx":
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True)
            try:
                return list(book.sheetnames)
            finally:
                book.close()
        import ezodf

        return [sheet.name for sheet in ezodf.opendoc(str(path)).sheets]
    except Exception:  # noqa: BLE001 - every reader failure means the same thing for the person
        raise WorkbookUnreadable(
            Where(path.name), f"classeur {kind.upper()} illisible", f"unreadable {kind.upper()} workbook"
        ) from None


def locate(path: Path) -> Source:
    """Find the template's tables in ``path`` (a workbook, a folder of CSV files or its datapackage.json)."""
    if path.name == "datapackage.json":
        path = path.parent
    label = path.name
    if path.is_dir():
        tables = {t.name: path / f"{t.name}.csv" for t in TABLES if (path / f"{t.name}.csv").is_file()}
        for csv in tables.values():
            check_size(csv, f"{label}/{csv.name}")
        source = Source(path, label, "csv", tables)
    else:
        kind = WORKBOOKS.get(path.suffix.lower())
        if kind is None:
            raise WorkbookUnreadable(
                Where(label),
                f"format inconnu « {path.suffix} » : XLSX, ODS ou un dossier de CSV",
                f"unknown format {path.suffix!r}: use XLSX, ODS or a folder of CSV files",
            )
        check_zip(path, label)
        names = sheet_names(path, kind)
        source = Source(path, label, kind, {t.name: path for t in TABLES if t.name in names})
    missing = [t for t in REQUIRED_TABLES if t not in source.tables]
    if missing:
        what = "feuille(s)" if source.kind != "csv" else "fichier(s) CSV"
        raise WorkbookUnreadable(
            Where(label),
            f"{what} manquante(s) : {', '.join(missing)} (modèle essgraph)",
            f"missing table(s): {', '.join(missing)} (essgraph template)",
            hint="start from the template: essgraph template --out plan.xlsx",
        )
    return source


def read_tables(
    source: Source, ref: Reference, schemas: dict[str, Table] = TABLE
) -> tuple[dict[str, list[Row]], list[Problem]]:
    """Validate and read every table of ``source`` (``schemas``: its tables by name): rows, and the problems found."""
    problems: list[Problem] = []
    if source.kind == "xlsx":
        problems += [p for p in formula_problems(source.path, source.label) if p.where.sheet in source.tables]
    resources, labels = [], {}
    for name in source.tables:
        table = schemas[name]
        resource = source.resource(name)
        found = _labels(resource, source, name)
        labels[name] = found
        problems += _header_problems(table, found, Where(source.label, source.sheet_label(name), 1))
        resource.schema = Schema.from_descriptor(sheet_schema(table, found, ref, set(source.tables)))
        resources.append(resource)
    if any(p.severity == ERROR and p.where.row == 1 for p in problems):
        return {}, problems  # the headers must be fixed before the cells can be read
    package = Package(resources=resources)
    checklist = Checklist(checks=[RowRules(rules=[r for t in source.tables for r in rules_for(schemas[t], ref)])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = package.validate(checklist=checklist)
    for task in report.tasks:
        table = schemas[task.name]
        types = {c.name: c.type for c in table.columns}
        blank = {e.row_number for e in task.errors if e.type == "blank-row"}  # empty rows are not data
        for error in task.errors:
            if getattr(error, "row_number", None) in blank:
                continue
            reported = problem(
                error, source.label, source.sheet_label(task.name), labels[task.name], types, table.primary_key
            )
            if reported is not None:
                problems.append(reported)
    rows = {name: _rows(package.get_resource(name), source, name, labels[name]) for name in source.tables}
    return rows, problems


def _labels(resource: Resource, source: Source, name: str) -> list[str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Resource(
                path=resource.path, basepath=resource.basepath, format=resource.format, dialect=resource.dialect
            ) as probe:
                return [clean_text(label) for label in probe.header.labels]
    except FrictionlessException as exc:
        raise WorkbookUnreadable(
            Where(source.label, source.sheet_label(name)),
            f"feuille illisible : {exc.error.message}",
            f"unreadable sheet: {exc.error.message}",
        ) from None


def _header_problems(table, labels: list[str], where: Where) -> list[Problem]:
    found = []
    names = {c.name for c in table.columns}
    seen: set[str] = set()
    for i, label in enumerate(labels, 1):
        at = where.at(label, column_letter(i))
        if label and label in seen:
            found.append(Problem(at, "cet en-tête de colonne apparaît deux fois", "this column header appears twice"))
        seen.add(label)
        if label and label not in names:
            found.append(
                Problem(
                    at,
                    "colonne inconnue du modèle : elle est ignorée",
                    "column unknown to the template: it is ignored",
                    severity=WARNING,
                )
            )
    for col in table.columns:
        if col.required and col.name not in labels:
            found.append(
                Problem(
                    where.at(col.name),
                    f"colonne obligatoire absente : ajoutez l'en-tête « {col.name} »",
                    f'required column missing: add the header "{col.name}"',
                )
            )
    return found


def _rows(resource: Any, source: Source, name: str, labels: list[str]) -> list[Row]:
    """The rows of a table resource (frictionless makes a TableResource, whose row_stream its stubs do not show)."""
    letters = {label: column_letter(i) for i, label in enumerate(labels, 1)}
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with resource:
            for row in resource.row_stream:
                values = row.to_dict()
                if all(v in (None, "") for v in values.values()):
                    continue
                where = Where(source.label, source.sheet_label(name), row.row_number)
                rows.append(Row(row.row_number, values, where, letters))
    return rows
