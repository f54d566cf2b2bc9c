"""Problems in a workbook are reported at the cell the person must fix: file, sheet, row, column header and letter,
value, in French and in English; the command exits 1 and writes nothing.

Each case breaks one cell of a valid workbook (tests/intake/workbooks.py) and checks the exact cell named, through
the real command (``essgraph import`` in a subprocess) for a few cases and through the reader for the others.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from support.processes import run_cli
from support.projects import ROOT
from essgraph.intake.problems import ERROR, IntakeDataError
from essgraph.intake.read import convert_file
from support.workbooks import TABLES, column_letter_of, set_cell, write_workbook


def problems_of(path, reference):
    with pytest.raises(IntakeDataError) as caught:
        convert_file(path, reference)
    return [p for p in caught.value.problems if p.severity == ERROR]


def cell(sheet: str, column: str, row: int) -> str:
    return f"{column_letter_of(sheet, column)}{row}"


CASES = {
    # name: (sheet, column, row, value written, words expected in the English message, other problems it causes)
    "a date that does not exist": ("actions", "dateDebutPrevisionnelle", 2, "31/02/2024", "not a date", 0),
    "an unknown status": ("actions", "phaseStatut", 3, "terminé", "unknown value", 0),
    "a budget in words": ("budgets", "montant", 2, "douze mille euros", "not a number", 0),
    "an action referring to a missing axis": ("actions", "axe", 4, "9", "no row of the table \"axes\"", 0),
    # the partner of the number that disappeared is reported too (partenaires row 4 names action 1.2)
    "a duplicated action number": ("actions", "numero", 3, "1.1", "must be unique", 1),
    "an unknown lever among the codes": ("actions", "leviers", 2, "cooperation-et-reseaux, mecenat", "\"mecenat\"", 0),
    "an end date before the start": ("actions", "dateFinPrevisionnelle", 2, date(2024, 1, 1), "before the start", 0),
    "a legal text that is not in the reference data": ("bases_legales", "texte", 2, "loi imaginaire",
                                                      "not in the reference", 0),
    "a partner of an action that does not exist": ("partenaires", "action", 3, "7.7",
                                                   "no row of the table \"actions\"", 0),
    "a required cell left empty": ("actions", "nom", 3, None, "required", 0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_broken_cell_is_reported_at_its_sheet_row_and_column(tmp_path, reference, case):
    sheet, column, row, value, words, others = CASES[case]
    path = write_workbook(tmp_path / "plan.xlsx", edit=set_cell(sheet, cell(sheet, column, row), value))
    found = problems_of(path, reference)
    at_cell = [p for p in found if (p.where.sheet, p.where.row, p.where.column) == (sheet, row, column)]
    assert at_cell, "\n".join("\n".join(p.lines()) for p in found)
    problem = at_cell[0]
    assert problem.where.file == "plan.xlsx" and problem.where.letter == column_letter_of(sheet, column)
    assert words in problem.en and problem.fr and problem.fr != problem.en
    if value is not None and not isinstance(value, date):
        assert problem.value == str(value)
    assert len(found) == 1 + others, "\n".join("\n".join(p.lines()) for p in found)


def test_the_import_command_exits_1_names_the_cell_in_both_languages_and_writes_nothing(tmp_path):
    path = write_workbook(tmp_path / "plan.xlsx", edit=set_cell("actions", cell("actions", "dateDebutPrevisionnelle", 2),
                                                                "31/02/2024"))
    out = tmp_path / "out"
    result = run_cli("import", str(path), "--out", str(out), "--config", str(ROOT / "essgraph.toml"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    letter = column_letter_of("actions", "dateDebutPrevisionnelle")
    assert f'plan.xlsx, feuille « actions », ligne 2, colonne « dateDebutPrevisionnelle » ({letter}) : « 31/02/2024 »' \
        in result.stderr
    assert "la valeur n'est pas une date" in result.stderr and "the value is not a date" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_problems_come_as_json_on_request(tmp_path):
    path = write_workbook(tmp_path / "plan.xlsx", edit=set_cell("budgets", cell("budgets", "montant", 2), "beaucoup"))
    result = run_cli("import", str(path), "--out", str(tmp_path / "out"), "--report", "json",
                     "--config", str(ROOT / "essgraph.toml"), cwd=tmp_path)
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert [(p["sheet"], p["row"], p["column"], p["value"], p["severity"]) for p in problems] == [
        ("budgets", 2, "montant", "beaucoup", "error")]
    assert problems[0]["fr"] and problems[0]["en"]


def test_a_missing_required_column_is_reported_at_the_header_row(tmp_path, reference):
    tables = {**TABLES, "axes": [{k: v for k, v in row.items() if k != "nom"} for row in TABLES["axes"]]}

    def drop_column(book):
        sheet = book["axes"]
        letter = column_letter_of("axes", "nom")
        sheet.delete_cols(sheet[f"{letter}1"].column)
    path = write_workbook(tmp_path / "plan.xlsx", tables, edit=drop_column)
    found = problems_of(path, reference)
    assert [(p.where.sheet, p.where.row, p.where.column) for p in found] == [("axes", 1, "nom")]
    assert "required column missing" in found[0].en


def test_columns_may_come_in_any_order_and_unknown_ones_are_only_a_warning(tmp_path, reference):
    def shuffle(book):
        sheet = book["actions"]
        sheet.move_range("A1:A10", cols=40)  # numero moves to the far right
        sheet["AZ1"] = "remarque interne"
        sheet["AZ2"] = "à relire"
    path = write_workbook(tmp_path / "plan.xlsx", edit=shuffle)
    converted = convert_file(path, reference)
    assert converted.actions == 3
    warnings = [p for p in converted.problems if p.where.column == "remarque interne"]
    assert warnings and warnings[0].severity == "warning"


def test_an_unreadable_file_exits_2(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"this is not a workbook at all")
    result = run_cli("import", str(path), "--out", str(tmp_path / "out"), "--config", str(ROOT / "essgraph.toml"),
                     cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "not a readable XLSX or ODS workbook" in result.stderr and "Traceback" not in result.stderr
