"""The comparison as CSV (one row per line of each section, one column per plan) and as JSON.

CSV is UTF-8 with a byte-order mark, so that spreadsheet software opens accents right; the separator is "," or,
for French spreadsheet software, ";" — with ";" numbers use a decimal comma (``1234,5``), as they expect.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Callable

from essgraph.compare.model import Cell, Comparison

SEPARATORS = {",": ".", ";": ","}  # separator -> decimal mark
Link = Callable[[dict[str, str]], str]


def plain(value: Decimal) -> str:
    """A number without exponent or useless zeros: Decimal('12000') -> '12000', Decimal('26.70') -> '26.7'."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell(cell: Cell | None, decimal_mark: str) -> str:
    if cell is None:
        return ""
    if cell.value is not None:
        return plain(cell.value).replace(".", decimal_mark)
    return cell.text or ""


def to_csv(comparison: Comparison, separator: str = ",") -> bytes:
    mark = SEPARATORS[separator]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(["rubrique", "ligne", "iri", "unité"] + [p.title for p in comparison.plans])
    writer.writerow(["", "plan", "", ""] + [p.iri for p in comparison.plans])
    for section in comparison.sections:
        for row in section.rows:
            writer.writerow(
                [section.title, row.label, row.iri or "", row.unit]
                + [_cell(row.cells.get(p.key), mark) for p in comparison.plans]
            )
        for item in section.details:
            label = f"Non additionnable : fiche {item['number'] or '?'} ({item['reason']})"
            writer.writerow(
                [section.title, label, item["action"] or "", "texte"]
                + [item["wording"] or "" if p.key == item["plan"] else "" for p in comparison.plans]
            )
    return "\ufeff".encode("utf-8") + out.getvalue().encode("utf-8")


def to_json(comparison: Comparison, link: Link, query_url: Callable[[str], str]) -> dict:
    def cell(c: Cell) -> dict:
        found: dict = {}
        if c.value is not None:
            found["value"] = int(c.value) if c.value == c.value.to_integral_value() else float(c.value)
        if c.text is not None:
            found["text"] = c.text
        if c.share is not None:
            found["percent"] = float(c.share)
        if c.filters:
            found["actions"] = link(c.filters)
        if c.actions:
            found["actionList"] = c.actions
        return found

    return {
        "plans": [{"key": p.key, "iri": p.iri, "title": p.title} for p in comparison.plans],
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "note": s.note,
                "queries": [query_url(q) for q in s.queries],
                "rows": [
                    {"label": r.label, "iri": r.iri, "unit": r.unit, "cells": {k: cell(c) for k, c in r.cells.items()}}
                    for r in s.rows
                ],
                **({"notSummed": s.details} if s.details else {}),
            }
            for s in comparison.sections
        ],
    }
