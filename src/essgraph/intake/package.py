"""The template as a Frictionless Tabular Data Package: Table Schemas, ``datapackage.json`` and the row rules.

Enums are the codes of the project's SKOS schemes (:class:`.reference.Reference`), read when the package is made,
so a scheme that gains a code gives a template that accepts it. What Table Schema cannot say — each code of a
comma-separated list, a date that comes after another, a cell needed because another is filled — is checked by
:class:`RowRules`, a Frictionless check: its results are cell errors like the others, with row and column.
"""

from __future__ import annotations

from typing import Callable, Iterator

import attrs
from frictionless import Check, errors

from essgraph.intake.names import split_list
from essgraph.intake.reference import Reference
from essgraph.intake.schema import TABLES, Column, Table

DATE_FORMAT = "%d/%m/%Y"
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
}


def field_descriptor(col: Column, ref: Reference) -> dict:
    found: dict = {"name": col.name, "title": col.title, "description": col.text(), "type": col.type}
    if col.type == "date":
        found["format"] = DATE_FORMAT
    if col.type == "number":
        found.update(bareNumber=False, groupChar=" ")
    constraints = dict(col.constraints)
    if col.required:
        constraints["required"] = True
    if col.scheme:
        constraints["enum"] = ref.codes(col.scheme)
    if constraints:
        found["constraints"] = constraints
    if col.example is not None:
        found["example"] = col.example
    return found


def table_schema(table: Table, ref: Reference) -> dict:
    schema: dict = {"fields": [field_descriptor(c, ref) for c in table.columns], "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [col], "reference": {"resource": other, "fields": [key]}}
            for col, other, key in table.foreign_keys
        ]
    return schema


def sheet_schema(table: Table, labels: list[str], ref: Reference, tables: set[str]) -> dict:
    """The Table Schema of one sheet as it is: its columns in the order of its header, blank or unknown headers as
    ignored fields (so that Frictionless matches cells to columns by position, whatever the order); the keys of the
    template, where their columns are there."""
    known = {c.name: c for c in table.columns}
    fields, names = [], set()
    for i, label in enumerate(labels, 1):
        if label in known and label not in names:
            fields.append(field_descriptor(known[label], ref))
            names.add(label)
        else:
            fields.append({"name": f"_ignored_{i}", "type": "any"})
    schema: dict = {"fields": fields, "missingValues": [""]}
    if table.primary_key and set(table.primary_key) <= names:
        schema["primaryKey"] = list(table.primary_key)
    keys = [
        {"fields": [col], "reference": {"resource": other, "fields": [key]}}
        for col, other, key in table.foreign_keys
        if col in names and (other == "" or other in tables)
    ]
    if keys:
        schema["foreignKeys"] = keys
    return schema


def datapackage(ref: Reference) -> dict:
    """The descriptor of the template: one CSV file per table (``{table}.csv``), UTF-8, comma-separated."""
    return {
        "name": "essgraph-plan",
        "title": "Plan d'action ESS d'une collectivité (modèle essgraph)",
        "description": "Un plan municipal d'économie sociale et solidaire, tel qu'essgraph le publie en données "
        "liées : le plan, ses axes, ses actions, leurs partenaires, budgets, indicateurs et bases "
        "légales. Une table par fichier CSV (ou par feuille d'un classeur XLSX ou ODS).",
        "licenses": [LICENCE],
        "keywords": ["économie sociale et solidaire", "plan d'action", "collectivité"],
        "resources": [
            {
                "name": t.name,
                "path": f"{t.name}.csv",
                "title": t.title,
                "description": t.description,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(t, ref),
            }
            for t in TABLES
        ],
    }


# -- rules Table Schema cannot express ------------------------------------------------------------------------------

#: a rule looks at a row and yields (column, key, detail); keys are explained by :mod:`.messages`
Rule = Callable[[dict], Iterator[tuple[str, str, str]]]


@attrs.define(kw_only=True, repr=False)
class RowRules(Check):
    """Row rules of one table, reported as constraint errors on the cell at fault (note: ``essgraph|key|detail``)."""

    type = "essgraph-rules"
    Errors = [errors.ConstraintError]
    rules: list = attrs.field(factory=list)

    def validate_row(self, row):
        values = row.to_dict()
        for rule in self.rules:
            for column, key, detail in rule(values):
                if column in row.field_names:
                    yield errors.ConstraintError.from_row(row, note=f"essgraph|{key}|{detail}", field_name=column)


def codes_rule(column: str, scheme: str, known: Callable[[], set[str]]) -> Rule:
    def rule(values: dict):
        for item in split_list(values.get(column)):
            if item not in known():
                yield column, "unknown-code", f"{item}|{scheme}"

    return rule


def after_rule(start: str, end: str) -> Rule:
    def rule(values: dict):
        first, last = values.get(start), values.get(end)
        if first is not None and last is not None and last < first:
            yield end, "before-start", start

    return rule


def needs_rule(filled: str, needed: str) -> Rule:
    def rule(values: dict):
        if values.get(filled) not in (None, "") and values.get(needed) in (None, ""):
            yield needed, "needed-with", filled

    return rule


def axis_number_rule(values: dict):
    if values.get("parent") in (None, "") and values.get("code") and values.get("numero") in (None, ""):
        yield "numero", "axis-number", ""


def legal_rule(ref: Reference, column: str) -> Rule:
    """Each legal text of ``column`` (comma-separated) names one text of the reference data."""

    def rule(values: dict):
        for text in split_list(values.get(column)):
            found = ref.legal_text(text)
            if len(found) != 1:
                yield column, "unknown-legal-text" if not found else "ambiguous-legal-text", text

    return rule


def _known_codes(ref: Reference, scheme: str) -> Callable[[], set[str]]:
    """The codes of ``scheme``, read when a rule first needs them."""
    return lambda: set(ref.codes(scheme))


def rules_for(table: Table, ref: Reference) -> list[Rule]:
    """The row rules of ``table``."""
    rules: list[Rule] = []
    for col in table.columns:
        if col.codes:
            rules.append(codes_rule(col.name, col.codes, _known_codes(ref, col.codes)))
    if table.name == "actions":
        rules.append(after_rule("dateDebutPrevisionnelle", "dateFinPrevisionnelle"))
        rules.append(codes_rule("ciblesOdd", "sdg", lambda: ref.sdg_targets))
    if table.name == "plan":
        rules.append(needs_rule("dateDeliberation", "instanceDeliberation"))
        rules.append(needs_rule("instanceDeliberation", "dateDeliberation"))
    if table.name == "axes":
        rules.append(axis_number_rule)
    if table.name == "indicateurs":
        rules.append(needs_rule("unite", "valeurCible"))
        rules.append(needs_rule("valeurCible", "cible"))
        rules.append(needs_rule("dateCible", "cible"))
    if table.name == "bases_legales":
        rules.append(legal_rule(ref, "texte"))
    if table.name == "classification":
        rules.append(legal_rule(ref, "basesLegales"))
        rules.append(codes_rule("ciblesOdd", "sdg", lambda: ref.sdg_targets))
    return rules
