"""String-based constraint components (SHACL 1.0 §4.4): ``sh:minLength``, ``sh:maxLength``, ``sh:pattern`` (with
``sh:flags``), ``sh:languageIn``, ``sh:uniqueLang``. Lengths and patterns read an IRI's text or a literal's lexical
form; a blank node fails them."""

from __future__ import annotations

import re

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from essgraph.errors import ShapesError
from essgraph.validate.core.registry import Constraint, ValueConstraint, register

_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


class _Length(ValueConstraint):
    def __init__(self, compiler, shape, value):
        self.length = int(value)

    def fails(self, run, value):
        return isinstance(value, ox.BlankNode) or not self.within(len(value.value))


@register
class MinLength(_Length):
    def within(self, n):
        return n >= self.length

    def message(self, value):
        return f"Value length is not >= {self.length}"


@register
class MaxLength(_Length):
    def within(self, n):
        return n <= self.length

    def message(self, value):
        return f"Value length is not <= {self.length}"


@register
class Pattern(ValueConstraint):
    companions = (SH.flags,)

    def __init__(self, compiler, shape, value):
        flags = str(compiler.graph.value(shape.node, SH.flags) or "")
        self.pattern = str(value)
        text = re.escape(self.pattern) if "q" in flags else self.pattern
        try:
            self.regex = re.compile(text, sum(_FLAGS.get(f, 0) for f in set(flags)))
        except re.error as exc:
            raise ShapesError(
                f"shape {shape.label}: sh:pattern {self.pattern!r} is not a regular expression: {exc}",
                hint="write it in XPath regular expression syntax",
            ) from None

    def fails(self, run, value):
        return isinstance(value, ox.BlankNode) or self.regex.search(value.value) is None

    def message(self, value):
        return f"Value does not match pattern {self.pattern}"


def language_matches(tag: str, wanted: str) -> bool:
    """Basic language-range matching (RFC 4647 §3.3.1), as SPARQL's langMatches."""
    tag, wanted = tag.lower(), wanted.lower()
    return wanted == "*" or tag == wanted or tag.startswith(wanted + "-")


@register
class LanguageIn(ValueConstraint):
    def __init__(self, compiler, shape, value):
        self.ranges = [str(x) for x in Collection(compiler.graph, value)]

    def fails(self, run, value):
        return (
            not isinstance(value, ox.Literal)
            or not value.language
            or not any(language_matches(value.language, r) for r in self.ranges)
        )

    def message(self, value):
        return "Language is not in the allowed list"


@register
class UniqueLang(Constraint):
    def __init__(self, compiler, shape, value):
        self.on = value == rdflib.Literal(True)

    def evaluate(self, run, shape, focus, values):
        if not self.on:
            return
        seen: dict[str, int] = {}
        for v in values:
            if isinstance(v, ox.Literal) and v.language:
                seen[v.language.lower()] = seen.get(v.language.lower(), 0) + 1
        for language in sorted(tag for tag, n in seen.items() if n > 1) if len(seen) < len(values) else ():
            yield self.finding(shape, focus, None, f"Language {language} used more than once")
