"""The CSV of the actions, one row per action card of every plan (``dumps/essgraph-actions.csv`` and one per plan):
for a spreadsheet. UTF-8 with a byte-order mark (a spreadsheet then reads the accents right), comma-separated,
RFC 4180 quoting, a header row; multiple values in one cell are joined with " | ".

The budget columns are numbers (a dot for decimals, no unit, no thousands separator) with their unit beside them:
``budget_value`` (or ``budget_min`` and ``budget_max`` for a range), ``budget_currency`` (ISO 4217),
``budget_period`` (``month`` or ``year`` for a rate, empty for a sum) and ``budget_per`` (``poste``: an amount per
unit). They describe one amount of the action's financial means (``ess:FinancialResource``): the one the plan gives
as its planned budget (``ess:budgetStage`` prévisionnel), else its only amount; an action whose amounts are several
and none planned has empty budget columns — its ``means`` wording and the RDF keep them all (adding a total and its
funders' shares, or amounts per post, would count the same money twice).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from essgraph.files import write_atomically
from essgraph.rdf.namespaces import sparql_prefixes

SEPARATOR = " | "
_LABEL = "(skos:prefLabel|rdfs:label) ?v FILTER(lang(?v) IN ('fr', ''))"

#: column -> graph pattern binding ?v (and optionally ?k, a sort key) for the action ?a
CSV_COLUMNS: dict[str, str] = {
    "plan": "?a ess:inPlan ?v",
    "card_number": "?a ess:cardNumber ?v",
    "printed_number": "?a ess:printedNumber ?v",
    "title": "?a dct:title ?v",
    "summary_title": "?a ess:summaryTitle ?v",
    "label_en": "?a rdfs:label ?v FILTER(lang(?v) = 'en')",
    "axis": "?a ess:section ?s . ?s dct:isPartOf* ?x . ?x a ess:Axis ; rdfs:label ?v FILTER(lang(?v) IN ('fr', ''))",
    "section": "?a ess:section ?s . ?s rdfs:label ?v FILTER(lang(?v) IN ('fr', ''))",
    "context": "?a ess:context ?v",
    "description": "?a dct:description ?v",
    "objectives": "?a ess:objective ?o . ?o rdfs:label ?v OPTIONAL { ?o ess:position ?k }",
    "organisations": f"?a ess:involvedOrganisation ?o . ?o {_LABEL}",
    "means": "?a ess:meansWording ?v",
    "calendar": "?a ess:calendarWording ?v",
    "start_date": "?a ess:scheduledInterval/time:hasBeginning/time:inXSDDate ?v",
    "end_date": "?a ess:scheduledInterval/time:hasEnd/time:inXSDDate ?v",
    "scheduled_date": "?a ess:scheduledDate ?v",
    "horizon": f"?a ess:horizon ?o . ?o {_LABEL}",
    "method": "?a ess:methodWording ?v",
    "indicators": "?a ess:resultIndicator ?o . ?o rdfs:label ?v OPTIONAL { ?o ess:position ?k }",
    "legal_bases": "?a ess:legalBasis ?v",
    "funding_programmes": f"?a ess:fundingProgramme ?o . ?o {_LABEL}",
    "places": f"?a ess:place ?o . ?o {_LABEL}",
    "levers": f"?a ess:lever ?o . ?o {_LABEL}",
    "fields": f"?a ess:field ?o . ?o {_LABEL}",
    "sdg_targets": "?a ess:sdgTarget ?v",
    "source_locator": "?a ess:sourceLocator ?v",
}
BUDGET_COLUMNS = ("budget_value", "budget_min", "budget_max", "budget_currency", "budget_period", "budget_per")
CSV_HEADER = ["action", *CSV_COLUMNS, *BUDGET_COLUMNS]
_PREFIXES = sparql_prefixes("ess", "dct", "rdfs", "skos", "time", "schema")
PERIODS = {"MON": "month", "ANN": "year"}  # schema:unitCode (UN/CEFACT) of a rate
BOM = "\ufeff"
_AMOUNTS = """SELECT DISTINCT ?a ?amount ?value ?min ?max ?currency ?unit ?per ?stage WHERE {
  ?a a ess:Action ; ess:means ?m . {SCOPE} ?m a ess:FinancialResource ; ess:amount ?amount .
  OPTIONAL { ?amount schema:value ?value } OPTIONAL { ?amount schema:minValue ?min }
  OPTIONAL { ?amount schema:maxValue ?max } OPTIONAL { ?amount schema:currency ?currency }
  OPTIONAL { ?amount schema:unitCode ?unit } OPTIONAL { ?amount ess:perUnit ?per }
  OPTIONAL { ?amount ess:budgetStage ?stage }
}"""


def _card_key(number: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in number.split("."))


def action_rows(store: ox.Store, plans: Iterable[str] | None = None) -> list[dict]:
    """One dict per action (every plan, or the plans ``plans`` names by IRI), columns of :data:`CSV_HEADER`,
    multi-values joined with ' | ', sorted by :func:`row_key`.

    With ``plans`` every query binds the action's plan (``VALUES``): on the on-disk store of a rebuild the rows of
    one plan are found without reading the others'."""
    scope = _scope(plans)
    values: dict[str, dict[str, list]] = {}
    actions = f"{_PREFIXES}SELECT DISTINCT ?a WHERE {{ ?a a ess:Action . {scope} }}"
    for row in store.query(actions, use_default_graph_as_union=True):
        values[row["a"].value] = {}
    for column, pattern in CSV_COLUMNS.items():
        query = f"{_PREFIXES}SELECT DISTINCT ?a ?v ?k WHERE {{ ?a a ess:Action . {scope} {pattern} }}"
        for row in store.query(query, use_default_graph_as_union=True):
            key = row["k"]
            sort = float(key.value) if key is not None and key.value.replace(".", "", 1).isdigit() else 0.0
            values.setdefault(row["a"].value, {}).setdefault(column, []).append((sort, row["v"].value))
    budgets = _budgets(store, scope)
    rows = []
    for action, cells in values.items():
        row = {"action": action}
        for column in CSV_COLUMNS:
            row[column] = SEPARATOR.join(dict.fromkeys(v for _k, v in sorted(cells.get(column, []))))
        row.update(budgets.get(action, dict.fromkeys(BUDGET_COLUMNS, "")))
        rows.append(row)
    return sorted(rows, key=row_key)


def row_key(row: dict) -> tuple:
    """The order of the rows: plan, card number (1.2 before 1.10), action IRI."""
    return (row["plan"], _card_key(row["card_number"]), row["action"])


def _scope(plans: Iterable[str] | None) -> str:
    """A graph pattern keeping the actions ``?a`` of ``plans`` (IRIs, validated by pyoxigraph: their N-Triples
    form cannot break out of the query); empty for every plan."""
    if plans is None:
        return ""
    return "VALUES ?plan { " + " ".join(str(ox.NamedNode(p)) for p in plans) + " } ?a ess:inPlan ?plan ."


def _number(term) -> str:
    """A number as a spreadsheet reads it: 50000, 1300.5 (never 5E+4); empty for none."""
    if term is None:
        return ""
    try:
        value = Decimal(term.value)
    except InvalidOperation:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _budgets(store: ox.Store, scope: str) -> dict[str, dict[str, str]]:
    """The budget columns of each action that has one amount to show (see the module's docstring)."""
    amounts: dict[str, dict] = {}
    for row in store.query(_PREFIXES + _AMOUNTS.replace("{SCOPE}", scope), use_default_graph_as_union=True):
        amounts.setdefault(row["a"].value, {})[row["amount"]] = row
    found = {}
    for action, rows in amounts.items():
        planned = [r for r in rows.values() if r["stage"] is not None and r["stage"].value.endswith("/previsionnel")]
        chosen = planned if len(planned) == 1 else list(rows.values())
        if len(chosen) != 1:
            continue
        r = chosen[0]
        unit = r["unit"].value if r["unit"] is not None else ""
        found[action] = {
            "budget_value": _number(r["value"]),
            "budget_min": _number(r["min"]),
            "budget_max": _number(r["max"]),
            "budget_currency": r["currency"].value if r["currency"] is not None else "",
            "budget_period": PERIODS.get(unit, unit),
            "budget_per": r["per"].value if r["per"] is not None else "",
        }
    return found


def csv_bytes(rows: list[dict]) -> bytes:
    """RFC 4180 CSV: UTF-8 with a byte-order mark, comma, header row (:data:`CSV_HEAD`), CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_HEADER, lineterminator="\r\n")
    writer.writerows(rows)
    return CSV_HEAD + buffer.getvalue().encode("utf-8")


def _head() -> bytes:
    buffer = io.StringIO(newline="")
    csv.DictWriter(buffer, fieldnames=CSV_HEADER, lineterminator="\r\n").writeheader()
    return (BOM + buffer.getvalue()).encode("utf-8")


#: what every CSV of the actions starts with: the byte-order mark and the header row
CSV_HEAD = _head()


def write_csv(rows: list[dict], path: Path, sync: bool = True) -> None:
    """The rows as :func:`csv_bytes`, written atomically (``sync`` as for :func:`essgraph.files.atomic_write`)."""
    write_atomically(path, csv_bytes(rows), sync=sync)
