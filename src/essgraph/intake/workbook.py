"""Writing the template's tables: an XLSX workbook (openpyxl), an ODS workbook (ezodf) or a data package folder.

Each table is a sheet (or ``{table}.csv``) whose first row holds the column names; a "Lisez-moi" sheet (or
``LISEZ-MOI.txt``) comes first. Text cells are always written as text — a value starting with "=" never becomes a
formula. Dates are written as dates in workbooks and as DD/MM/YYYY in CSV. Every file is written atomically.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from essgraph.errors import ConfigError
from essgraph.intake.package import datapackage
from essgraph.intake.reference import Reference
from essgraph.intake.schema import TABLE

README_SHEET = "Lisez-moi"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file of the same folder and one rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # the permissions of any new file, not mkstemp's private 0600
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cell(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def xlsx_bytes(tables: dict[str, list[dict]], readme: list[list[str]]) -> bytes:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = README_SHEET
    for line in readme:
        sheet.append(line)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 110
    for name, rows in tables.items():
        table = TABLE[name]
        sheet = book.create_sheet(name)
        for col, column in enumerate(table.columns, 1):
            cell = sheet.cell(row=1, column=col, value=column.name)
            cell.font = Font(bold=True)
            cell.comment = Comment(f"{column.title}\n\n{column.text()}", "essgraph", width=320, height=180)
            sheet.column_dimensions[cell.column_letter].width = max(14, min(40, len(column.name) + 4))
        for r, row in enumerate(rows, 2):
            for col, column in enumerate(table.columns, 1):
                value = _cell(row.get(column.name))
                if value in (None, ""):
                    continue
                cell = sheet.cell(row=r, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even when it starts with "="
                    if "\n" in value:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                elif isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes(tables: dict[str, list[dict]], readme: list[list[str]]) -> bytes:
    import ezodf

    with tempfile.TemporaryDirectory(prefix="essgraph-ods-") as tmp:
        target = Path(tmp) / "template.ods"
        doc = ezodf.newdoc(doctype="ods", filename=str(target))
        sheets: list[tuple[str, Any, list]] = [(README_SHEET, None, readme)]
        sheets += [(n, TABLE[n], rows) for n, rows in tables.items()]
        for name, table, rows in sheets:
            width = len(table.columns) if table else 2
            sheet = ezodf.Sheet(name, size=(len(rows) + 1, width))
            doc.sheets += sheet
            if table is None:
                for r, line in enumerate(rows):
                    for c, value in enumerate(line):
                        sheet[r, c].set_value(value)
                continue
            for c, column in enumerate(table.columns):
                sheet[0, c].set_value(column.name)
            for r, row in enumerate(rows, 1):
                for c, column in enumerate(table.columns):
                    value = _cell(row.get(column.name))
                    if value in (None, ""):
                        continue
                    if isinstance(value, date):
                        sheet[r, c].set_value(value.isoformat(), value_type="date")
                    elif isinstance(value, (int, float)):
                        sheet[r, c].set_value(value)
                    else:
                        sheet[r, c].set_value(str(value), value_type="string")
        doc.save()
        return target.read_bytes()


def csv_bytes(name: str, rows: list[dict]) -> bytes:
    table = TABLE[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    for row in rows:
        line = []
        for column in table.columns:
            value = _cell(row.get(column.name))
            line.append(value.strftime("%d/%m/%Y") if isinstance(value, date) else ("" if value is None else value))
        writer.writerow(line)
    return out.getvalue().encode("utf-8")


def write_template(dest: Path, tables: dict[str, list[dict]], readme: list[list[str]], ref: Reference) -> list[Path]:
    """Write the tables to ``dest``: ``.xlsx``, ``.ods``, or a folder (data package); returns the files written."""
    suffix = dest.suffix.lower()
    if suffix == ".xlsx":
        write_atomic(dest, xlsx_bytes(tables, readme))
        return [dest]
    if suffix == ".ods":
        write_atomic(dest, ods_bytes(tables, readme))
        return [dest]
    if suffix:
        raise ConfigError(
            f"{dest}: unknown template format {suffix!r}",
            hint="write FILE.xlsx, FILE.ods, or a folder (a data package of CSV files)",
        )
    if dest.exists() and not dest.is_dir():
        raise ConfigError(f"{dest}: exists and is not a folder")
    files = {f"{name}.csv": csv_bytes(name, rows) for name, rows in tables.items()}
    files["datapackage.json"] = (json.dumps(datapackage(ref), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files["LISEZ-MOI.txt"] = ("\n".join("\t".join(line) for line in readme) + "\n").encode("utf-8")
    written = []
    for name, data in files.items():
        write_atomic(dest / name, data)
        written.append(dest / name)
    return written
