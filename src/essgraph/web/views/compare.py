"""What the comparison page shows in each cell: the value in French (numbers, amounts, dates, durations), the link
to the actions it counts, and the share of the plan's actions where there is one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from essgraph.compare.model import Cell, Comparison, Row
from essgraph.web.views.french import CURRENCIES, fr_date, fr_duration, fr_number

DATES = ("Adopté le",)
DURATIONS = ("Durée prévue",)


@dataclass(frozen=True)
class Shown:
    text: str
    href: str | None = None
    note: str | None = None
    numeric: bool = False
    actions: tuple[tuple[str, str], ...] = ()  # (card number, page) of the actions behind the value


def shown(row: Row, cell: Cell | None, search: Callable[[dict], str], page: Callable[[str], str] = str) -> Shown:
    if cell is None:
        return Shown("—")
    if cell.value is None:
        text = cell.text or ""
        text = fr_date(text) if row.label in DATES else fr_duration(text) if row.label in DURATIONS else text
        return Shown(text)
    text = fr_number(str(cell.value))
    money = CURRENCIES.get(row.unit) or (row.unit if row.unit.isupper() and len(row.unit) == 3 else None)
    if money:
        text += "\u00a0" + money
    link = search(cell.filters) if cell.filters and cell.value > 0 else None
    note = f"{fr_number(str(cell.share))}\u00a0%" if cell.share is not None else None
    actions = tuple((a.rsplit("/", 1)[-1], page(a)) for a in cell.actions)
    return Shown(text, link, note, True, actions)


def table(
    comparison: Comparison, search: Callable[[dict], str], page: Callable[[str], str] = str
) -> dict[str, list[tuple[Row, list[Shown]]]]:
    """Per section id: its rows, each with what every plan's cell shows."""
    return {
        s.id: [(row, [shown(row, row.cells.get(p.key), search, page) for p in comparison.plans]) for row in s.rows]
        for s in comparison.sections
    }
