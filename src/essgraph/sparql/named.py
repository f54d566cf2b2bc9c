"""Named SPARQL queries of ``queries/``: each file has a header, and parameters bound as RDF terms.

Header lines start with ``#+``::

    #+ title: Actions citing a legal text
    #+ description: Every action whose card cites or clearly refers to the legal text.
    #+ param: text iri required -- the ELI IRI of the legal text (example: https://www.legifrance.gouv.fr/eli/loi/2016/2/11/AGRX1531165L/jo/texte)
    #+ param: year integer optional -- only actions scheduled that year (example: 2021)

A parameter ``NAME`` is the variable ``?NAME`` of the query: its value is bound with pyoxigraph's
``substitutions`` (never pasted into the text). Types: ``iri``, ``string``, ``integer``, ``decimal``, ``date``,
``lang`` (a string with the language tag given as ``value@fr``). An optional parameter left out stays unbound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from essgraph.errors import ConfigError, QueryParameterError

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "lang")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\w+)\s+(?P<req>required|optional)\s*"
    r"(?:--\s*(?P<desc>.*?))?\s*(?:\(example:\s*(?P<example>[^)]*)\))?\s*$"
)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool
    description: str = ""
    example: str = ""

    def describe(self) -> str:
        text = f"{self.name} ({self.type}, {'required' if self.required else 'optional'})"
        text += f" -- {self.description}" if self.description else ""
        return text + (f" (example: {self.name}={self.example})" if self.example else "")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def usage(self) -> str:
        """Its parameters, one per line: name, type, required or optional, description and example."""
        if not self.params:
            return f"query {self.name!r} has no parameters"
        return f"the parameters of query {self.name!r}:\n" + "\n".join(f"    {p.describe()}" for p in self.params)

    def bindings(self, values: dict[str, str]) -> dict[ox.Variable, object]:
        """Check and convert given values to RDF terms; unknown or missing parameters are errors."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryParameterError(f"query {self.name!r} has no parameter {', '.join(unknown)}", self.usage())
        missing = [p for p in self.params if p.required and not values.get(p.name)]
        if missing:
            names = ", ".join(f"{p.name!r} ({p.type})" for p in missing)
            raise QueryParameterError(
                f"query {self.name!r} needs the parameter{'s' * (len(missing) > 1)} {names}", self.usage()
            )
        return {ox.Variable(p.name): to_term(p, values[p.name]) for p in self.params if values.get(p.name)}


def to_term(p: Param, raw: str):
    try:
        if p.type == "iri":
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", raw):
                raise ValueError("not an absolute IRI")
            return ox.NamedNode(raw)
        if p.type == "integer":
            return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
        if p.type == "decimal":
            return ox.Literal(str(Decimal(raw)), datatype=ox.NamedNode(XSD + "decimal"))
        if p.type == "date":
            return ox.Literal(date.fromisoformat(raw).isoformat(), datatype=ox.NamedNode(XSD + "date"))
        if p.type == "lang":
            text, _, lang = raw.rpartition("@")
            if not text or not re.match(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$", lang):
                raise ValueError("expected text@lang, e.g. jardin@fr")
            return ox.Literal(text, language=lang)
        return ox.Literal(raw)
    except (ValueError, InvalidOperation) as exc:
        why = "not a number" if isinstance(exc, InvalidOperation) else str(exc)
        raise QueryParameterError(
            f"parameter {p.name!r}: {raw!r} is not a valid {p.type} ({why})",
            hint=f"for example {p.name}={p.example}" if p.example else None,
        ) from None


def parse_named_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            continue
        key, _, value = line[2:].strip().partition(":")
        key, value = key.strip(), value.strip()
        if key == "param":
            m = _PARAM.match(value)
            if not m or m["type"] not in PARAM_TYPES:
                raise ConfigError(
                    f"{path}:{lineno}: bad parameter line",
                    hint="write '#+ param: NAME TYPE required|optional -- description (example: VALUE)'"
                    f" with TYPE one of {', '.join(PARAM_TYPES)}",
                )
            params.append(Param(m["name"], m["type"], m["req"] == "required", m["desc"] or "", m["example"] or ""))
        elif key in ("title", "description"):
            meta[key] = (meta.get(key, "") + " " + value).strip()
    if "title" not in meta:
        raise ConfigError(
            f"{path}: the query has no '#+ title:' header line",
            hint="a named query starts with '#+ title: ...' (see the other files of queries/)",
        )
    return NamedQuery(path.stem, path, meta["title"], meta.get("description", ""), text, tuple(params))


def load_named_queries(folder: Path) -> dict[str, NamedQuery]:
    return {q.name: q for q in (parse_named_query(p) for p in sorted(folder.glob("*.rq")))}
