"""The plan as read from a workbook, before it is RDF: what both readers (essgraph's template, the TeT sheet) make
and what :mod:`.convert` turns into Turtle. Every part keeps the place it was read from (:class:`Where`), so that a
problem found later (a SHACL result on the converted plan) can be reported at that row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from essgraph.intake.problems import Where


@dataclass
class Org:
    """An organisation as a cell names it: matched to the reference data, or minted once."""

    name: str  # as written (the involvement's ess:sourceWording)
    siren: str = ""
    type: str = ""  # organisation-type code
    ident: str = ""  # explicit identifier: the slug of id/organisation/{ident}
    unit: bool = False  # a unit of the collectivité (a city service, a council body)


@dataclass
class Involvement:
    org: Org
    where: Where
    role: str = ""  # role code, only when the source gives it


@dataclass
class Budget:
    amount: Decimal | None  # None: a financial means named without an amount
    label: str  # the means' label (as written, or made from the row)
    where: Where
    wording: str = ""  # the amount's wording (defaults to the label)
    currency: str = "EUR"
    period: str = ""  # "par-mois" | "par-an"
    year: int | None = None
    stage: str = ""  # budget-stage code
    section: str = ""  # expenditure-type code
    funder: Org | None = None


@dataclass
class Indicator:
    name: str
    where: Where
    target: str = ""  # the target's wording
    value: Decimal | None = None
    unit: str = ""
    target_date: date | None = None


@dataclass
class Section:
    key: str  # how rows refer to it (the template's "code")
    name: str
    where: Where
    parent: str = ""  # key of the parent section ("" for an axis)
    number: str = ""  # the number as printed (skos:notation)
    position: int | None = None


@dataclass
class Action:
    number: str
    section: str  # key of its (deepest) section
    title: str
    where: Where
    printed: str = ""
    summary_title: str = ""
    label: str = ""
    label_en: str = ""
    context: str = ""
    description: str = ""
    objectives: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    method: str = ""
    means: str = ""
    calendar: str = ""
    start: date | None = None
    end: date | None = None
    horizon: str = ""
    status: str = ""
    priority: str = ""
    indicator_wording: str = ""
    levers: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    sdg_targets: list[str] = field(default_factory=list)
    transversal: list[str] = field(default_factory=list)
    legal_bases: list[tuple[str, Where]] = field(default_factory=list)  # legal text IRIs
    legal_wordings: list[str] = field(default_factory=list)
    locator: str = ""
    source_lines: str = ""
    involvements: list[Involvement] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    cells: dict[str, Where] = field(default_factory=dict)  # template column -> the cell it was read from

    def cell(self, column: str) -> Where:
        """Where the value of the template column ``column`` of this action was read (its row when unknown)."""
        return self.cells.get(column) or self.where.at(column)


@dataclass
class Plan:
    id: str
    title: str
    collectivite: Org
    territory: str
    where: Where
    subtitle: str = ""
    insee: str = ""
    adopted: date | None = None
    body: str = ""  # the council body that adopted it
    agenda_item: str = ""
    duration: str = ""  # ISO 8601 duration (P3Y)
    duration_wording: str = ""
    source_title: str = ""
    source_url: str = ""
    source_file: str = ""  # the workbook, the source when no document is named
    origin: str = ""  # "essgraph" | "tet": which input format
    sections: list[Section] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
