"""SHACL results mapped back to the workbook: from the focus node to the row (and cell) that produced it.

The conversion records, for every IRI it makes, the row it comes from (:attr:`.convert.Converted.locations`). A
result whose focus is such an IRI — or a node under it (``.../action/1.2/objective/1`` is found through
``.../action/1.2`` when it has no row of its own) — is given that place, the column its path stands for when the
row alone does not say, and the shape's French message next to the English one (the shapes carry both).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from essgraph.intake.problems import ERROR, WARNING, Problem, Where
from essgraph.rdf.namespaces import PREFIXES

#: the template column a result's path stands for, on an action or plan row
PATH_COLUMNS = {
    "ess:lever": "leviers",
    "ess:field": "champs",
    "ess:sdgTarget": "ciblesOdd",
    "dct:title": "nom",
    "ess:objective": "objectifs",
    "dct:description": "description",
    "ess:resultIndicator": "indicateurs",
    "prov:qualifiedAssociation": "partenaires",
    "ess:involvedOrganisation": "partenaires",
    "ess:cardNumber": "numero",
    "ess:section": "axe",
    "ess:legalBasis": "bases_legales",
    "ess:collectivite": "collectivite",
    "dct:spatial": "territoire",
    "ess:qualityNote": "",
}
SH_MESSAGE = "http://www.w3.org/ns/shacl#message"


def _expand(prefixed: str) -> str:
    prefix, local = prefixed.split(":", 1)
    return PREFIXES[prefix] + local


COLUMN_OF = {_expand(k): v for k, v in PATH_COLUMNS.items()}


class FrenchMessages:
    """The French message of a shape, found from its English one (templates such as ``{?value}`` included)."""

    def __init__(self, shapes: tuple[Path, ...]):
        self.templates: list[tuple[re.Pattern, str]] = []
        for path in shapes:
            messages: dict = {}
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                if t.predicate.value == SH_MESSAGE and isinstance(t.object, ox.Literal):
                    messages.setdefault(t.subject, {})[t.object.language] = t.object.value
            for found in messages.values():
                if "en" in found and "fr" in found:
                    pattern = re.escape(found["en"])
                    pattern = re.sub(r"\\\{\\\?(\w+)\\\}", r"(?P<\1>.*?)", pattern)
                    try:
                        self.templates.append((re.compile(f"^{pattern}$", re.S), found["fr"]))
                    except re.error:
                        continue

    def french(self, english: str) -> str:
        if " / " in english and english.count(" / ") == 1 and not english.startswith("http"):
            return english.split(" / ", 1)[0]  # integrity queries say "fr / en" in one message
        for pattern, fr in self.templates:
            match = pattern.match(english)
            if match:
                return _fill(fr, match.groupdict())
        return ""


class Locator:
    def __init__(self, base_iri: str, locations: dict[str, Where], french: FrenchMessages | None = None):
        self.base, self.locations, self.french_messages = base_iri, locations, french

    def where(self, focus: str, path: str = "") -> Where | None:
        if not focus.startswith(self.base):
            return None
        node = focus[len(self.base) :]
        while node:
            found = self.locations.get(node)
            if found is not None:
                if not found.column and path in COLUMN_OF:
                    return found.at(COLUMN_OF[path])
                return found
            node = node.rpartition("/")[0]
        return None

    def annotate(self, result):
        """``result`` with its place in the workbook and its French message, when its focus comes from a row."""
        where = self.where(result.focus, result.path)
        if where is None:
            return result
        fr = self.french_messages.french(result.message) if self.french_messages else ""
        return replace(result, location=where.text("en"), message_fr=fr)

    def problem(self, result) -> Problem | None:
        where = self.where(result.focus, result.path)
        if where is None:
            return None
        fr = (self.french_messages.french(result.message) if self.french_messages else "") or result.message
        severity = ERROR if result.severity == "Violation" else WARNING
        value = result.value if result.value not in ("", "[]") else ""
        return Problem(
            where, f"{fr} [{result.focus}]", f"{result.message} [{result.focus}]", value=value, severity=severity
        )


def _fill(template: str, values: dict[str, str]) -> str:
    """``template`` with its ``{?name}`` placeholders replaced by ``values`` (unknown ones kept)."""
    return re.sub(r"\{\?(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
