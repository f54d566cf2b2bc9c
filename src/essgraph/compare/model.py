"""The comparison of plans, side by side: one column per plan, one section per subject, built from the rows of the
named queries ``compare-plans-*`` of ``queries/`` (each section names the query that produces it).

Pure data: :func:`build_comparison` takes the plans compared and a ``fetch(query, plan_iri)`` returning the query's
rows for that plan (``{variable: value or None}``, values as SPARQL gives them), so the same comparison is made
whatever runs the queries (the server's query workers, a test's store). Each cell keeps the search filters that
list the actions behind it (``{"plan": ..., "type": "action", "lever": ...}``) — or, where no search lists exactly
them (a sum of budgets), the actions themselves; the web layer turns them into links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable

Fetch = Callable[[str, str], list[dict[str, str | None]]]
KeyFor = Callable[[str, str], str | None]  # (facet, IRI) -> the facet value's URL key, None when unknown

#: the named queries of queries/ the comparison is made from (each section names its own)
QUERIES = (
    "compare-plans-overview",
    "compare-plans-levers",
    "compare-plans-fields",
    "compare-plans-legal-bases",
    "compare-plans-organisation-types",
    "compare-plans-partners",
    "compare-plans-budgets",
    "compare-plans-calendar",
    "compare-plans-sdg-targets",
    "compare-plans-data-quality",
)
PERIODS = {None: "montants ponctuels", "MON": "par mois", "ANN": "par an"}
REASONS = {"range": "fourchette", "per unit": "montant par unité"}


@dataclass(frozen=True)
class Plan:
    key: str
    iri: str
    title: str


@dataclass
class Cell:
    value: Decimal | None = None  # the number shown, when there is one
    text: str | None = None  # else (or beside it) a text
    filters: dict[str, str] | None = None  # the search that lists the actions behind the cell
    share: Decimal | None = None  # percent of the plan's actions, for the charts
    actions: list[str] = field(default_factory=list)  # the actions behind it, when no search lists exactly them


@dataclass
class Row:
    label: str
    cells: dict[str, Cell]  # by plan key; a missing plan is an empty cell
    iri: str | None = None
    unit: str = ""  # what the numbers count ("fiches", "EUR"...)


@dataclass
class Section:
    id: str
    title: str
    queries: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    note: str = ""
    chart: str | None = None  # "bars" (shares per plan) or "timeline" (years per plan)
    details: list[dict] = field(default_factory=list)  # items listed under the table (budgets not summed)


@dataclass
class Comparison:
    plans: list[Plan]
    sections: list[Section]


def number(value: str | None) -> Decimal | None:
    try:
        return None if value is None else Decimal(value)
    except InvalidOperation:
        return None


def _filters(plan: Plan, **more: str | None) -> dict[str, str] | None:
    if any(v is None for v in more.values()):
        return None
    return {"type": "action", "plan": plan.key, **more}  # type: ignore[dict-item]


class _Builder:
    def __init__(self, plans: list[Plan], fetch: Fetch, key_for: KeyFor):
        self.plans, self.fetch, self.key_for = plans, fetch, key_for

    def rows(self, query: str) -> dict[str, list[dict]]:
        return {p.key: self.fetch(query, p.iri) for p in self.plans}

    def by_concept(
        self,
        section: Section,
        query: str,
        concept: str,
        label: str,
        facet: str,
        count: str = "actions",
        share: str | None = None,
        keep_zeros: bool = False,
    ) -> None:
        """One row per value of ``concept`` (a lever, a legal text...), one cell per plan: its number of actions."""
        rows: dict[str, Row] = {}
        for plan in self.plans:
            for r in self.fetch(query, plan.iri):
                iri, n = r.get(concept), number(r.get(count))
                if iri is None or n is None or (n == 0 and not keep_zeros):
                    continue
                row = rows.setdefault(iri, Row(r.get(label) or iri, {}, iri, "fiches"))
                row.cells[plan.key] = Cell(
                    n,
                    filters=_filters(plan, **{facet: self.key_for(facet, iri)}),
                    share=number(r.get(share)) if share else None,
                )
        section.rows = list(rows.values())


def build_comparison(plans: list[Plan], fetch: Fetch, key_for: KeyFor) -> Comparison:
    b = _Builder(plans, fetch, key_for)
    sections = [_overview(b)]
    levers = Section(
        "leviers",
        "Leviers d'action",
        ("compare-plans-levers",),
        chart="bars",
        note="Part des fiches de chaque plan qui mobilisent le levier (classement éditorial d'essgraph).",
    )
    b.by_concept(levers, "compare-plans-levers", "lever", "leverLabel", "lever", share="percent", keep_zeros=True)
    fields = Section(
        "champs",
        "Champs d'action",
        ("compare-plans-fields",),
        chart="bars",
        note="Part des fiches de chaque plan dans le champ (classement éditorial d'essgraph).",
    )
    b.by_concept(fields, "compare-plans-fields", "field", "fieldLabel", "field", share="percent", keep_zeros=True)
    legal = Section(
        "bases-legales",
        "Bases légales citées",
        ("compare-plans-legal-bases",),
        note="Nombre de fiches de chaque plan qui citent le texte.",
    )
    b.by_concept(legal, "compare-plans-legal-bases", "text", "label", "legal")
    orgtypes = Section(
        "types-organisations",
        "Types d'organisations impliquées",
        ("compare-plans-organisation-types",),
        note="Nombre d'organisations distinctes de chaque type ; le lien mène aux fiches qui les impliquent.",
    )
    b.by_concept(orgtypes, "compare-plans-organisation-types", "type", "typeLabel", "orgtype", count="organisations")
    for row in orgtypes.rows:
        row.unit = "organisations"
    sdg = Section(
        "odd",
        "Cibles des objectifs de développement durable",
        ("compare-plans-sdg-targets",),
        note="Nombre de fiches qui servent la cible (lecture éditoriale d'essgraph).",
    )
    b.by_concept(sdg, "compare-plans-sdg-targets", "target", "targetLabel", "sdg")
    sdg.rows.sort(
        key=lambda r: tuple(int(p) if p.isdigit() else 0 for p in (r.iri or "").rsplit("/", 1)[-1].split("."))
    )
    for row in sdg.rows:
        row.label = (row.iri or "").rsplit("/", 1)[-1] + " — " + row.label
    quality = Section(
        "qualite",
        "Notes de qualité des données",
        ("compare-plans-data-quality",),
        note="Anomalies relevées dans les sources (notes) ; le lien mène aux fiches concernées.",
    )
    b.by_concept(quality, "compare-plans-data-quality", "anomaly", "anomalyLabel", "note", count="notes")
    for row in quality.rows:
        row.unit = "notes"
    sections += [levers, fields, legal, orgtypes, _partners(b), _budgets(b), _calendar(b), sdg, quality]
    return Comparison(plans, sections)


def _overview(b: _Builder) -> Section:
    section = Section("ensemble", "Vue d'ensemble", ("compare-plans-overview",))
    lines = [
        ("Collectivité", "collectivite", None, None),
        ("Adopté le", "adopted", None, None),
        ("Durée prévue", "duration", None, None),
        ("Axes", "axes", None, None),
        ("Fiches action", "actions", "", None),
        ("Organisations impliquées", "organisations", None, None),
        ("Indicateurs de résultat", "indicators", None, None),
        ("Indicateurs avec une cible", "indicatorsWithTarget", "has", "cible"),
        ("Fiches avec un budget chiffré", "actionsWithBudget", "has", "budget"),
        ("Fiches avec un calendrier daté", "actionsWithDates", "has", "dates"),
        ("Notes de qualité", "notes", None, None),
    ]
    found = {key: (rows[0] if rows else {}) for key, rows in b.rows("compare-plans-overview").items()}
    for label, variable, facet, value in lines:
        cells = {}
        for plan in b.plans:
            raw = found[plan.key].get(variable)
            if raw is None:
                continue
            n = number(raw) if variable not in ("collectivite", "adopted", "duration") else None
            filters = _filters(plan) if facet == "" else _filters(plan, **{facet: value}) if facet else None
            cells[plan.key] = Cell(n, None if n is not None else raw, filters)
        section.rows.append(Row(label, cells, unit="" if variable in ("collectivite", "adopted", "duration") else "n"))
    return section


def _partners(b: _Builder) -> Section:
    section = Section(
        "partenaires",
        "Organisations partagées entre les plans",
        ("compare-plans-partners", "compare-plans-shared-organisations"),
        note="Organisations impliquées dans au moins deux des plans comparés, et le nombre de fiches "
        "de chaque plan où elles interviennent.",
    )
    seen: dict[str, Row] = {}
    for plan, rows in b.rows("compare-plans-partners").items():
        for r in rows:
            org = r["organisation"]
            row = seen.setdefault(org, Row(r.get("label") or org, {}, org, "fiches"))
            row.cells[plan] = Cell(
                number(r["actions"]),
                filters=_filters(next(p for p in b.plans if p.key == plan), org=b.key_for("org", org)),
            )
    section.rows = sorted(
        (r for r in seen.values() if len(r.cells) >= 2),
        key=lambda r: (-len(r.cells), -sum(c.value or 0 for c in r.cells.values()), r.label),
    )
    if len(b.plans) < 2:
        section.note = "Choisissez au moins deux plans pour voir les organisations qu'ils partagent."
    return section


def _budgets(b: _Builder) -> Section:
    section = Section(
        "budgets",
        "Budgets annoncés",
        ("compare-plans-budgets",),
        note="Montants des moyens financiers des fiches, additionnés par année (celle où commence le "
        "calendrier de la fiche), par devise et par période. Une fourchette ou un montant par "
        "unité ne s'additionne pas : ils sont comptés à part et listés sous le tableau.",
    )
    rows: dict[tuple, Row] = {}
    apart: dict[str, list[dict]] = {}
    for plan in b.plans:
        for r in b.fetch("compare-plans-budgets", plan.iri):
            if r.get("summed") == "true":
                key = (r.get("year") or "9999", r.get("currency"), r.get("unitCode") or "")
                label = f"{r.get('year') or 'Sans année'} — {PERIODS.get(r.get('unitCode'), r.get('unitCode'))}"
                row = rows.setdefault(key, Row(label, {}, None, r.get("currency") or ""))
                row.cells[plan.key] = Cell(
                    number(r.get("total")), actions=sorted((r.get("actionList") or "").split(), key=_card_order)
                )
            else:
                apart.setdefault(plan.key, []).append(r)
                section.details.append(
                    {
                        "plan": plan.key,
                        "action": r.get("action"),
                        "number": r.get("cardNumber"),
                        "wording": r.get("wording"),
                        "reason": REASONS.get(r.get("reason") or "", ""),
                        "year": r.get("year"),
                    }
                )
    section.rows = [rows[k] for k in sorted(rows)]
    if apart:
        section.rows.append(
            Row(
                "Montants non additionnables",
                {
                    plan: Cell(
                        Decimal(len(items)),
                        actions=sorted({i["action"] for i in items if i.get("action")}, key=_card_order),
                    )
                    for plan, items in apart.items()
                },
                unit="montants",
            )
        )
    return section


def _card_order(iri: str) -> tuple:
    """Actions in card order (1.2 before 1.10), by the last segment of their IRI."""
    return tuple(int(p) if p.isdigit() else 0 for p in iri.rsplit("/", 1)[-1].split(".")), iri


def _calendar(b: _Builder) -> Section:
    section = Section(
        "calendrier",
        "Calendrier",
        ("compare-plans-calendar",),
        chart="timeline",
        note="Nombre de fiches dont le calendrier couvre chaque année ; les fiches sans date sont "
        "comptées par horizon (court terme, à définir...).",
    )
    years: dict[str, Row] = {}
    horizons: dict[str, Row] = {}
    for plan in b.plans:
        for r in b.fetch("compare-plans-calendar", plan.iri):
            year, horizon = r.get("year"), r.get("horizon")
            if year:
                row = years.setdefault(year, Row(year, {}, None, "fiches"))
                row.cells[plan.key] = Cell(number(r["actions"]), filters=_filters(plan, year=year))
            elif horizon:
                row = horizons.setdefault(horizon, Row(r.get("horizonLabel") or horizon, {}, horizon, "fiches"))
                row.cells[plan.key] = Cell(
                    number(r["actions"]), filters=_filters(plan, horizon=b.key_for("horizon", horizon))
                )
    section.rows = [years[y] for y in sorted(years)] + sorted(horizons.values(), key=lambda r: r.label)
    return section
