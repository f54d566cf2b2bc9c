"""Frictionless errors as problems a person can act on: the cell, and what is wrong with it in French and English.

Frictionless finds the errors (types, enums, required cells, keys, and the row rules of :mod:`.package`); this module
only says them: where (file, sheet, row, column header and letter, value) and what to do, in both languages.
"""

from __future__ import annotations

import re

from essgraph.intake.problems import ERROR, Problem, Where, column_letter

TYPES = {
    "date": (
        "une date JJ/MM/AAAA qui existe (par exemple 15/02/2024)",
        "a date DD/MM/YYYY that exists (e.g. 15/02/2024)",
    ),
    "number": ("un nombre, en chiffres (12000 ou 12 000)", "a number, in digits (12000 or 12 000)"),
    "integer": ("un nombre entier", "a whole number"),
    "year": ("une année à 4 chiffres", "a 4-digit year"),
    "string": ("du texte", "text"),
}


def _constraint(note: str) -> tuple[str, str]:
    match = re.match(r'constraint "(\w+)" is "(.*)"$', note or "", re.S)
    return (match.group(1), match.group(2)) if match else ("", "")


def _enum_list(text: str) -> str:
    return ", ".join(re.findall(r"'([^']*)'", text))


def explain(error, column_type: str = "") -> tuple[str, str] | None:
    """(French, English) for a Frictionless error; None for errors that are not problems (blank rows)."""
    kind = error.type
    if kind == "type-error":
        fr, en = TYPES.get(column_type, TYPES["string"])
        return f"la valeur n'est pas {fr}", f"the value is not {en}"
    if kind == "constraint-error":
        note = error.note or ""
        if note.startswith("essgraph|"):
            return _rule(*note.split("|", 2)[1:])
        name, value = _constraint(note)
        if name == "required":
            return "cette cellule est obligatoire", "this cell is required"
        if name == "enum":
            codes = _enum_list(value)
            return (
                f"valeur inconnue : utilisez un de ces codes : {codes}",
                f"unknown value: use one of these codes: {codes}",
            )
        if name == "pattern":
            return (
                "la valeur n'a pas la forme attendue (voir la feuille Lisez-moi)",
                f"the value does not have the expected form (pattern {value}; see the Lisez-moi sheet)",
            )
        if name in ("minimum", "exclusiveMinimum"):
            return f"la valeur doit être au moins {value}", f"the value must be at least {value}"
        return f"la valeur ne respecte pas la contrainte {name} ({value})", f"the value breaks the {name} constraint"
    if kind == "primary-key":
        return (
            "cette valeur est déjà utilisée plus haut dans la feuille : elle doit être unique",
            "this value is already used higher up in the sheet: it must be unique",
        )
    if kind == "foreign-key":
        table = error.reference_name or "la même table"
        key = ", ".join(error.reference_field_names)
        return (
            f"aucune ligne de la table « {table} » n'a cette valeur dans sa colonne « {key} »",
            f'no row of the table "{table or "same table"}" has this value in its column "{key}"',
        )
    if kind == "extra-cell":
        return (
            "cette cellule n'a pas d'en-tête de colonne : elle est en trop",
            "this cell has no column header: it is one too many",
        )
    if kind == "missing-cell":
        return None
    if kind in (
        "blank-row",
        "missing-label",
        "extra-label",
        "incorrect-label",
        "blank-label",
        "duplicate-label",
        "blank-header",
    ):
        return None  # blank rows are skipped; headers are checked by the reader itself
    return (f"erreur de lecture : {error.message}", f"read error: {error.message}")


def _rule(key: str, detail: str) -> tuple[str, str]:
    if key == "unknown-code":
        item, scheme = detail.split("|", 1)
        where = "des cibles ODD des données de référence" if scheme == "sdg" else f"de la liste « {scheme} »"
        where_en = "of the SDG targets of the reference data" if scheme == "sdg" else f'of the "{scheme}" list'
        return (
            f"« {item} » n'est pas un code {where} (feuille Lisez-moi) ; séparez les codes par des virgules",
            f'"{item}" is not a code {where_en} (Lisez-moi sheet); separate codes with commas',
        )
    if key == "before-start":
        return (
            f"cette date est avant la date de début (colonne « {detail} »)",
            f'this date is before the start date (column "{detail}")',
        )
    if key == "needed-with":
        return (
            f"cette cellule est obligatoire quand la colonne « {detail} » est remplie",
            f'this cell is required when the column "{detail}" is filled',
        )
    if key == "axis-number":
        return (
            "un axe (sans section parente) a un numéro : remplissez cette cellule",
            "an axis (no parent section) has a number: fill this cell",
        )
    if key == "unknown-legal-text":
        return (
            f"« {detail} » : texte juridique inconnu des données de référence : donnez son nom court "
            "(« Loi ESS »...) ou son adresse ELI / Légifrance, ou ajoutez-le à data/reference/legal-texts.ttl",
            f'"{detail}": legal text not in the reference data: give its short name ("Loi ESS"...) or its '
            "ELI / Légifrance address, or add it to data/reference/legal-texts.ttl",
        )
    if key == "ambiguous-legal-text":
        return (
            f"plusieurs textes juridiques s'appellent « {detail} » : donnez son adresse ELI",
            f'several legal texts are called "{detail}": give its ELI address',
        )
    return (f"règle {key} non respectée ({detail})", f"rule {key} broken ({detail})")


def problem(
    error, file: str, sheet: str, labels: list[str], types: dict[str, str], primary_key: tuple[str, ...] = ()
) -> Problem | None:
    """The problem a Frictionless error of a sheet (or CSV file) is; ``labels`` are its header cells."""
    column, letter, value = "", "", ""
    if getattr(error, "field_name", None):
        column = error.field_name
        number = getattr(error, "field_number", 0) or (labels.index(column) + 1 if column in labels else 0)
        letter = column_letter(number) if number else ""
        value = getattr(error, "cell", "") or ""
        value = "" if value == "None" else value
    elif getattr(error, "field_names", None):  # keys: the first column of the key
        column = error.field_names[0]
        letter = column_letter(labels.index(column) + 1) if column in labels else ""
        cells = getattr(error, "field_cells", None)
        value = cells[0] if cells else ""
    elif error.type == "primary-key" and primary_key and primary_key[0] in labels:
        column = primary_key[0]
        index = labels.index(column)
        letter = column_letter(index + 1)
        cells = getattr(error, "cells", None) or []
        value = cells[index] if index < len(cells) else ""
    text = explain(error, types.get(column, ""))
    if text is None:
        return None
    where = Where(file, sheet, getattr(error, "row_number", None), column, letter)
    return Problem(where, text[0], text[1], value=str(value), severity=ERROR)
