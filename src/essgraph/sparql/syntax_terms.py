"""The terminals of SPARQL as pyoxigraph's parser reads them: whitespace, keywords, IRIs, prefixed names, strings,
numbers, variables, blank nodes, language tags — the bottom layer of :mod:`essgraph.sparql.syntax`.

pyoxigraph parses with a PEG grammar (spargebra, rust-peg) without a separate lexer, and three of its habits
decide what a query means; they are reproduced here rather than the textbook token rules:

* keywords match their letters only, case-insensitively, with no word boundary (``trueSERVICE`` is ``true`` then
  ``SERVICE``; ``SERVICE:a`` is ``SERVICE`` then ``:a`` when no prefix ``SERVICE:`` is declared);
* ``IRIREF`` is ``<`` then anything up to ``>``, kept only when it unescapes and parses as an IRI (else the parser
  backtracks), and a prefixed name whose prefix is undeclared fails the same way;
* repetitions are greedy and never give back what they took (possessive).

Where pyoxigraph checks more than is reproduced here (language tags against BCP 47, blank node reuse), a failure
only ever ends in a syntax error, never in another reading of the text, so reading more leniently is safe.
"""

from __future__ import annotations

import re
from typing import Callable

from essgraph.sparql.syntax_iri import code_point, is_absolute, unescape_iriref, valid_iri

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_ECHAR = r"\\[tbnrf\"'\\]"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

WS = re.compile(r"(?:[ \t\n\r]|#[^\r\n]*+)*+")
NIL_WS = re.compile(r"[ \t\n\r]*+")  # inside () and [] only these, no comment
IRIREF = re.compile(r"<([^>]*+)>")
PN_PREFIX = re.compile(rf"[{_PN_CHARS_BASE}][{_PN_CHARS}]*+(?:\.++[{_PN_CHARS}]++)*+")
PN_LOCAL = re.compile(
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:[{_PN_CHARS}:]|{_PLX})*+"
    rf"(?:\.++(?:[{_PN_CHARS}:]|{_PLX})++)?+"
)
VAR = re.compile(rf"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*+")
BLANK_NODE_LABEL = re.compile(rf"_:[{_PN_CHARS_U}0-9][{_PN_CHARS}]*+(?:\.++[{_PN_CHARS}]++)*+")
LANGDIR = re.compile(r"@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+(--[a-zA-Z]++)?+")
_EXPONENT = r"[eE][+-]?+[0-9]++"
DOUBLE = re.compile(rf"(?:[0-9]++\.[0-9]*+|\.[0-9]++|[0-9]++){_EXPONENT}")
DECIMAL = re.compile(r"[0-9]*+\.[0-9]++")
INTEGER = re.compile(r"[0-9]++")
STRINGS = (  # in pyoxigraph's order: the long forms first
    re.compile(rf"'''((?:(?>(?:''|')?)(?:[^'\\]|{_ECHAR}|{_UCHAR}))*+)'''"),
    re.compile(rf'"""((?:(?>(?:""|")?)(?:[^"\\]|{_ECHAR}|{_UCHAR}))*+)"""'),
    re.compile(rf"'((?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*+)'"),
    re.compile(rf'"((?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*+)"'),
)
PATH_MOD_NOT_VAR = re.compile(rf"[0-9{_PN_CHARS_U}]")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|.)", re.DOTALL)
_SERVICE_LETTERS = re.compile("service", re.IGNORECASE | re.ASCII)


def names_service(text: str) -> bool:
    """Whether the letters of the SERVICE keyword occur anywhere (the keyword cannot be escaped or spelled
    otherwise: pyoxigraph compares ASCII letters, case-insensitively)."""
    return _SERVICE_LETTERS.search(text) is not None


def string_unescapes(content: str) -> bool:
    """A string literal's escapes all name characters (``\\uD800`` does not: pyoxigraph drops the reading)."""
    for match in _ESCAPE.finditer(content):
        digits = match.group(1) or match.group(2)
        if digits and not code_point(int(digits, 16)):
            return False
    return True


#: one part of :meth:`TermReader.sequence`: a rule, a keyword or punctuation
Part = str | Callable[[], bool]


class GiveUp(Exception):
    """The text is too deep or too costly to read within the budget."""


_KEYWORDS: dict[str, re.Pattern] = {}


def _keyword(word: str) -> re.Pattern:
    pattern = _KEYWORDS.get(word)
    if pattern is None:
        pattern = _KEYWORDS[word] = re.compile(re.escape(word), re.IGNORECASE | re.ASCII)
    return pattern


class TermReader:
    """Reading position, backtracking marks, and the terminal rules. Each rule returns True and moves past what it
    read, or returns False and leaves the position where it was."""

    def __init__(self, text: str, base: bool, budget: int):
        self.text = text
        self.pos = 0
        self.has_base = base  # relative IRIs resolve (the endpoint's IRI is the base)
        self.prefixes: dict[str, str] = {}  # PREFIX declarations, as pyoxigraph keeps them
        self.services: list[int] = []  # offsets of the SERVICE keywords of the reading so far
        self.aggregates = 0  # pyoxigraph's stack of SELECT scopes: aggregates need one
        self.furthest = 0  # the furthest offset any rule failed at (for the message)
        self.budget = budget

    def mark(self) -> tuple[int, int]:
        self.budget -= 1
        if self.budget < 0:
            raise GiveUp()
        return self.pos, len(self.services)

    def reset(self, mark: tuple[int, int]) -> bool:
        self.pos = mark[0]
        del self.services[mark[1] :]
        return False

    def _no(self) -> bool:
        if self.pos > self.furthest:
            self.furthest = self.pos
        return False

    def _match(self, pattern: re.Pattern) -> re.Match | None:
        found = pattern.match(self.text, self.pos)
        if found is None:
            self._no()
        return found

    def ws(self) -> bool:
        self.pos = _end(WS.match(self.text, self.pos))
        return True

    def lit(self, token: str) -> bool:
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return self._no()

    def kw(self, word: str) -> bool:
        found = self._match(_keyword(word))
        if found is None:
            return False
        self.pos = found.end()
        return True

    def token(self, pattern: re.Pattern) -> bool:
        found = self._match(pattern)
        if found is None:
            return False
        self.pos = found.end()
        return True

    # -- repetition -----------------------------------------------------------------------------------------------------

    def _optional(self, rule) -> bool:
        start = self.mark()
        if not rule():
            self.reset(start)
        return True

    def sequence(self, *parts: Part) -> bool:
        """``part _ part _ … part``, spargebra's sequence of rules: each part in turn, whitespace (``_``) between
        them, none after the last; all or nothing (when one fails, the position goes back to where it began).

        A part is a rule, or a string: a word of letters is a keyword (matched case-insensitively, as
        ``i("…")`` in spargebra), anything else is punctuation matched as it is written."""
        start = self.mark()
        for index, part in enumerate(parts):
            if index:
                self.ws()
            if isinstance(part, str):
                found = self.kw(part) if part.isalpha() else self.lit(part)
            else:
                found = part()
            if not found:
                return self.reset(start)
        return True

    def _one_or_more(self, item) -> bool:
        count = 0
        while True:
            start = self.mark()
            if not item():
                self.reset(start)
                return count > 0
            count += 1

    # -- terms ------------------------------------------------------------------------------------------------------

    def var(self) -> bool:
        return self.token(VAR)

    def iriref(self) -> str | None:
        found = self._match(IRIREF)
        if found is None:
            return None
        iri = unescape_iriref(found.group(1))
        if iri is None or not valid_iri(iri, self.has_base):
            self._no()
            return None
        self.pos = found.end()
        return iri

    def pname_ns(self) -> str | None:
        prefix = PN_PREFIX.match(self.text, self.pos)
        end = prefix.end() if prefix else self.pos
        if not self.text.startswith(":", end):
            self._no()
            return None
        self.pos = end + 1
        return self.text[prefix.start() : prefix.end()] if prefix else ""

    def prefixed_name(self) -> bool:
        start = self.mark()
        prefix = self.pname_ns()
        if prefix is None:
            return False
        local = PN_LOCAL.match(self.text, self.pos)
        if local and prefix in self.prefixes:
            namespace = self.prefixes[prefix]
            iri = namespace + local.group().replace("\\", "")
            if valid_iri(iri, relative=not is_absolute(namespace)):
                self.pos = local.end()
                return True
        if prefix in self.prefixes:  # PNAME_NS alone
            return True
        self._no()
        return self.reset(start)

    def iri(self) -> bool:
        return self.iriref() is not None or self.prefixed_name()

    def string(self) -> bool:
        for pattern in STRINGS:
            found = pattern.match(self.text, self.pos)
            if found and string_unescapes(found.group(1)):
                self.pos = found.end()
                return True
        return self._no()

    def rdf_literal(self) -> bool:
        if not self.string():
            return False
        after = self.mark()
        self.ws()
        if self.lit("^^"):
            self.ws()
            if self.iri():
                return True
        self.reset(after)
        self.ws()
        tag = self._match(LANGDIR)
        if tag and tag.group(1) in (None, "--ltr", "--rtl"):
            self.pos = tag.end()
            return True
        self.reset(after)
        return True

    def numeric_literal(self) -> bool:
        start = self.mark()
        if self.text.startswith(("+", "-"), self.pos):
            self.pos += 1
            self.ws()
        if self.token(DOUBLE) or self.token(DECIMAL) or self.token(INTEGER):
            return True
        return self.reset(start)

    def boolean_literal(self) -> bool:
        return self.lit("true") or self.lit("false")

    def nil(self) -> bool:
        return self._bracketed("(", ")")

    def blank_node(self) -> bool:
        return self.token(BLANK_NODE_LABEL) or self._bracketed("[", "]")

    def _bracketed(self, opening: str, closing: str) -> bool:
        if not self.text.startswith(opening, self.pos):
            return self._no()
        end = _end(NIL_WS.match(self.text, self.pos + 1))
        if not self.text.startswith(closing, end):
            return self._no()
        self.pos = end + 1
        return True

    def literal(self) -> bool:
        """RDFLiteral / NumericLiteral / BooleanLiteral, in that order (the tail of most term rules)."""
        return self.rdf_literal() or self.numeric_literal() or self.boolean_literal()


def _end(match: re.Match[str] | None) -> int:
    """The end of a match of a pattern that always matches (it may match nothing)."""
    assert match is not None
    return match.end()
