"""Hostile files are refused before any reader opens them.

* **Size**: a file over :data:`MAX_FILE_BYTES` is refused.
* **Zip bombs** (XLSX and ODS are zip files): the declared uncompressed size of every member is read from the zip
  directory and checked before anything is decompressed — total over :data:`MAX_UNCOMPRESSED_BYTES`, a member whose
  compression ratio is over :data:`MAX_RATIO`, or more than :data:`MAX_MEMBERS` members is refused. While a member
  is scanned, the bytes actually read are counted too (a lying directory cannot get past the cap).
* **XML entities** (billion laughs, external entities): every XML member is parsed with ``defusedxml`` before the
  readers (openpyxl, ezodf) see it; a DTD or an entity declaration is refused.
* **Formulas** are never evaluated: XLSX and ODS cells are read as the value the spreadsheet saved with the formula
  (:func:`xlsx_formulas` lists those cells, so that a formula saved without a value is reported at its cell).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from essgraph.intake.problems import Where, WorkbookUnreadable, column_letter

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 2000
XML_SUFFIXES = (".xml", ".rels", ".vml")


def check_size(path: Path, label: str) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookUnreadable(
            Where(label),
            f"fichier trop gros ({size} octets ; au plus {MAX_FILE_BYTES})",
            f"file too big ({size} bytes; at most {MAX_FILE_BYTES})",
            hint="a plan is a few hundred kilobytes: check that this is the right file",
        )


class _Counted:
    """A file object that refuses to give more than ``limit`` bytes in all (the zip directory may lie)."""

    def __init__(self, raw, budget: list[int], where: Where):
        self.raw, self.budget, self.where = raw, budget, where

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size and size > 0 else 1 << 20)
        self.budget[0] -= len(data)
        if self.budget[0] < 0:
            raise _bomb(self.where, "decompressed data exceeds the cap")
        return data


def _bomb(where: Where, detail: str) -> WorkbookUnreadable:
    return WorkbookUnreadable(
        where,
        f"classeur refusé : archive suspecte ({detail})",
        f"workbook refused: suspicious archive ({detail})",
        hint="save the workbook again from your spreadsheet software",
    )


def check_zip(path: Path, label: str) -> None:
    """Refuse zip bombs and XML entity tricks in an XLSX or ODS file (raises :class:`WorkbookUnreadable`)."""
    where = Where(label)
    check_size(path, label)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise WorkbookUnreadable(
            where,
            "ce n'est pas un classeur XLSX ou ODS lisible (archive zip invalide)",
            "not a readable XLSX or ODS workbook (invalid zip archive)",
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _bomb(where, f"{len(members)} members")
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _bomb(where, f"{total} bytes once decompressed")
        for m in members:
            if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
                raise _bomb(where, f"member {m.filename} compressed {m.file_size // max(m.compress_size, 1)} times")
        budget = [MAX_UNCOMPRESSED_BYTES]
        for m in members:
            if m.filename.lower().endswith(XML_SUFFIXES):
                with archive.open(m) as raw:
                    _scan_xml(_Counted(raw, budget, where), m.filename, where)


def _scan_xml(stream, name: str, where: Where) -> None:
    try:
        for _event, element in iterparse(
            stream, events=("end",), forbid_dtd=True, forbid_entities=True, forbid_external=True
        ):
            element.clear()
    except DefusedXmlException:
        raise WorkbookUnreadable(
            where,
            f"classeur refusé : {name} déclare une DTD ou des entités XML",
            f"workbook refused: {name} declares a DTD or XML entities",
            hint="save the workbook again from your spreadsheet software",
        ) from None
    except WorkbookUnreadable:
        raise
    except Exception:  # noqa: BLE001 - any parse failure means the member is not well-formed XML
        raise WorkbookUnreadable(
            where,
            f"classeur illisible : {name} n'est pas du XML bien formé",
            f"unreadable workbook: {name} is not well-formed XML",
        ) from None


def xlsx_formulas(path: Path) -> dict[tuple[str, int, int], object]:
    """Cells holding a formula: (sheet, row, column) -> the value saved with it (None when none was saved)."""
    import openpyxl

    formulas: dict[tuple[str, int, int], object] = {}
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        for sheet in book.worksheets:
            for r, row in enumerate(sheet.iter_rows(), 1):
                for c, cell in enumerate(row, 1):
                    if getattr(cell, "data_type", None) == "f":
                        formulas[(sheet.title, r, c)] = None
    finally:
        book.close()
    if formulas:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                for r, row in enumerate(sheet.iter_rows(), 1):
                    for c, cell in enumerate(row, 1):
                        if (sheet.title, r, c) in formulas:
                            formulas[(sheet.title, r, c)] = getattr(cell, "value", None)
        finally:
            book.close()
    return formulas


def formula_problems(path: Path, label: str):
    """Warnings for formulas read as their saved value, errors for formulas saved without one."""
    from essgraph.intake.problems import ERROR, WARNING, Problem

    for (sheet, row, col), value in sorted(xlsx_formulas(path).items()):
        where = Where(label, sheet, row, "", column_letter(col))
        if value is None:
            yield Problem(
                where,
                "cette cellule contient une formule enregistrée sans sa valeur ; essgraph ne calcule "
                "jamais de formule : remplacez-la par sa valeur (collage spécial, valeurs)",
                "this cell holds a formula saved without its value; essgraph never computes formulas: "
                "replace it with its value (paste special, values)",
                severity=ERROR,
            )
        else:
            yield Problem(
                where,
                "formule : la valeur enregistrée avec elle est lue, la formule n'est pas calculée",
                "formula: the value saved with it is read, the formula is not computed",
                value=str(value),
                severity=WARNING,
            )
