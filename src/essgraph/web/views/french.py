"""Values as a French reader expects them: dates ("30 juin 2021"), numbers ("1 500,5"), durations ("24 mois"),
plurals, amounts with their currency, unit and period ("650 € par mois, pendant 24 mois")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from essgraph.describe.node import Node
from essgraph.rdf.namespaces import PREFIXES

XSD = PREFIXES["xsd"]

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NUMERIC = {
    XSD + t
    for t in ("integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
}
DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
CURRENCIES = {"EUR": "€"}
UNIT_CODES = {"MON": "par mois", "ANN": "par an", "WEE": "par semaine", "DAY": "par jour", "HUR": "par heure"}
UNIT_SYMBOLS = {"P1": "%", "MTK": "m²", "KMT": "km", "MTR": "m"}


def fr_date(value: str) -> str:
    """'2021-06-30' -> '30 juin 2021' (other values unchanged)."""
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return value
    day = int(match.group(3))
    return f"{'1er' if day == 1 else day} {MONTHS[int(match.group(2)) - 1]} {int(match.group(1))}"


def fr_number(value: str) -> str:
    """'1500.50' -> '1 500,5' (narrow no-break space between thousands)."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError):
        return value
    whole, _, frac = format(number, "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = re.sub(r"(?<=\d)(?=(\d{3})+$)", "\u202f", whole.lstrip("-"))
    frac = frac.rstrip("0")
    return sign + whole + ("," + frac if frac else "")


def fr_duration(value: str) -> str:
    """'P24M' -> '24 mois', 'P1Y' -> '1 an'."""
    match = DURATION.match(value or "")
    if not match or not any(match.groups()):
        return value
    words = (("an", "ans"), ("mois", "mois"), ("semaine", "semaines"), ("jour", "jours"))
    return " et ".join(f"{int(n)} {w[0] if int(n) == 1 else w[1]}" for n, w in zip(match.groups(), words) if n)


def plural(word: str, count: int, many: str | None = None) -> str:
    """French plural: 0 and 1 are singular."""
    return word if count <= 1 else (many or word + "s")


def show(node) -> str:
    """A value as a person reads it: the label of a resource, a literal formatted by its datatype."""
    if node is None:
        return ""
    if not isinstance(node, Node):
        return str(node)
    if not node.is_literal:
        return node.label
    datatype = node.datatype
    if datatype in (XSD + "date", XSD + "dateTime"):
        return fr_date(node.value)
    if datatype in NUMERIC:
        return fr_number(node.value)
    if datatype == XSD + "duration":
        return fr_duration(node.value)
    if datatype == XSD + "boolean":
        return "oui" if node.value in ("true", "1") else "non"
    return node.value


def quantity_text(node: Node) -> str:
    """A schema:MonetaryAmount or QuantitativeValue in French: '650 € par mois, pendant 24 mois', '30 %'."""
    currency, code = node.text("schema:currency"), node.text("schema:unitCode")
    unit = node.text("schema:unitText")
    symbol = CURRENCIES.get(currency.value, currency.value) if currency is not None else ""
    if not symbol and unit is None and code is not None:  # the wording of the unit, when given, says it all
        symbol = UNIT_SYMBOLS.get(code.value, "")

    def amount(v: Node) -> str:
        return fr_number(v.value) + (f"\u00a0{symbol}" if symbol else "")

    value, low, high = node.text("schema:value"), node.text("schema:minValue"), node.text("schema:maxValue")
    if value is not None:
        text = amount(value)
    elif low is not None and high is not None:
        text = f"de {amount(low)} à {amount(high)}"
    elif low is not None:
        text = f"au moins {amount(low)}"
    elif high is not None:
        text = f"jusqu'à {amount(high)}"
    else:
        return ""
    if unit is not None:
        text += " " + unit.value
    elif code is not None and code.value in UNIT_CODES:
        text += " " + UNIT_CODES[code.value]
    per = node.text("ess:perUnit")
    if per is not None:
        text += f" par {per.value}"
    duration, shortest, longest = node.text("ess:duration"), node.text("ess:minDuration"), node.text("ess:maxDuration")
    if duration is not None:
        text += ", pendant " + fr_duration(duration.value)
    elif shortest is not None and longest is not None:
        text += f", pendant {fr_duration(shortest.value)} à {fr_duration(longest.value)}"
    return text
