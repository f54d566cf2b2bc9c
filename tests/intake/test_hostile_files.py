"""Hostile files are refused cleanly, before any reader decompresses or parses them: size cap, zip bombs, XML
entities (billion laughs, external entities) in XLSX and ODS; formulas are never evaluated."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from essgraph.intake import safety
from essgraph.intake.problems import IntakeDataError, WorkbookUnreadable
from essgraph.intake.read import convert_file
from support.workbooks import column_letter_of, set_cell, write_workbook

BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                            for i in range(1, 10))
                  + ']>')
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def rewrite_member(path: Path, member: str, change) -> None:
    """Rewrite one member of a zip file (a workbook) with ``change(text) -> text``."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, data)


def sheet_member(path: Path, sheet: str) -> str:
    """The zip member of the worksheet called ``sheet`` (openpyxl numbers them in creation order)."""
    import openpyxl

    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def refused(path: Path, reference) -> WorkbookUnreadable:
    with pytest.raises(WorkbookUnreadable) as caught:
        convert_file(path, reference)
    return caught.value


def test_a_file_over_the_size_cap_is_refused(tmp_path, reference, monkeypatch):
    path = write_workbook(tmp_path / "plan.xlsx")
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", path.stat().st_size - 1)
    error = refused(path, reference)
    assert "file too big" in error.message and "fichier trop gros" in error.message


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_decompressed(tmp_path, reference):
    path = write_workbook(tmp_path / "plan.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (40 * 1024 * 1024))  # 40 MiB that compress ~1000 times
    assert path.stat().st_size < 1024 * 1024
    error = refused(path, reference)
    assert "suspicious archive" in error.message and "compressed" in error.message


def test_a_workbook_too_big_once_decompressed_is_refused(tmp_path, reference, monkeypatch):
    path = write_workbook(tmp_path / "plan.xlsx")
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert "once decompressed" in refused(path, reference).message


@pytest.mark.parametrize("declaration", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_an_xlsx_sheet_declaring_xml_entities_is_refused(tmp_path, reference, declaration):
    path = write_workbook(tmp_path / "plan.xlsx")
    member = sheet_member(path, "actions")
    rewrite_member(path, member, lambda text: declaration + re.sub(r"^<\?xml[^>]*\?>", "", text))
    error = refused(path, reference)
    assert "declares a DTD or XML entities" in error.message and member in error.message


def test_an_ods_declaring_xml_entities_is_refused(tmp_path, reference):
    from essgraph.intake.blank import example_rows, readme
    from essgraph.intake.workbook import write_template

    path = tmp_path / "plan.ods"
    write_template(path, example_rows(), readme(reference), reference)
    convert_file(path, reference)  # the untouched workbook imports
    rewrite_member(path, "content.xml", lambda text: XXE + re.sub(r"^<\?xml[^>]*\?>", "", text))
    assert "declares a DTD or XML entities" in refused(path, reference).message


def test_a_formula_is_read_as_its_saved_value_and_never_computed(tmp_path, reference):
    letter = column_letter_of("budgets", "montant")
    path = write_workbook(tmp_path / "plan.xlsx", edit=set_cell("budgets", f"{letter}2", "=1+1"))
    member = sheet_member(path, "budgets")
    # the value saved with the formula says 4321: computing 1+1 would give 2
    rewrite_member(path, member, lambda text: re.sub(rf'(<c r="{letter}2"[^>]*>)<f>1\+1</f><v\s*/?>(</v>)?',
                                                     r"\1<f>1+1</f><v>4321</v>", text))
    assert "<f>1+1</f><v>4321</v>" in zipfile.ZipFile(path).read(member).decode()
    converted = convert_file(path, reference)
    amounts = [t.object.value for t in converted.plan.triples if t.predicate.value == "http://schema.org/value"]
    assert "4321" in amounts and "2" not in amounts
    warning = [p for p in converted.problems if p.where.sheet == "budgets" and p.where.row == 2]
    assert warning and warning[0].severity == "warning" and "not computed" in warning[0].en


def test_a_formula_saved_without_its_value_is_an_error_at_its_cell(tmp_path, reference):
    letter = column_letter_of("budgets", "montant")
    path = write_workbook(tmp_path / "plan.xlsx", edit=set_cell("budgets", f"{letter}2", "=6000*2"))
    with pytest.raises(IntakeDataError) as caught:
        convert_file(path, reference)
    found = [(p.where.sheet, p.where.row, p.where.letter) for p in caught.value.problems if p.severity == "error"]
    assert ("budgets", 2, letter) in found
    assert any("never computes formulas" in p.en for p in caught.value.problems)


def test_text_that_looks_like_a_formula_stays_text_in_the_template_written_back(tmp_path, reference):
    from essgraph.intake.workbook import write_template
    import openpyxl

    path = tmp_path / "t.xlsx"
    write_template(path, {"plan": [{"nom": '=HYPERLINK("http://example.org")'}]}, [], reference)
    cell = openpyxl.load_workbook(path)["plan"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
