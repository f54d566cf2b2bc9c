"""SPARQL expressions as pyoxigraph's parser reads them (the middle layer of :mod:`essgraph.sparql.syntax`).

What matters most here: ``<`` is the less-than operator only where an operator can follow a complete operand
(``FILTER(?a<?b)``), and the start of an IRI only where an operand begins — pyoxigraph decides by the grammar's
position, not by the characters, so ``?a<?b)SERVICE#>`` is a comparison followed by the SERVICE keyword.

Built-in calls are read a little more leniently than pyoxigraph 0.5 (whitespace is allowed before every ``(``):
a text only this reading accepts is refused later by pyoxigraph itself, so no query meaning changes.
"""

from __future__ import annotations

import functools
import re
from typing import Callable

from essgraph.sparql.syntax_terms import Part, TermReader

E1, E2, E3, E4 = 1, 2, 3, 4
NIL, LIST, VAR = "nil", "list", "var"
#: keyword -> the argument shapes it accepts, tried in order (REGEX with three arguments before two)
BUILTINS: dict[str, tuple] = {
    **dict.fromkeys(
        (
            "STR",
            "LANG",
            "LANGDIR",
            "DATATYPE",
            "IRI",
            "URI",
            "ABS",
            "CEIL",
            "FLOOR",
            "ROUND",
            "STRLEN",
            "UCASE",
            "LCASE",
            "ENCODE_FOR_URI",
            "YEAR",
            "MONTH",
            "DAY",
            "HOURS",
            "MINUTES",
            "SECONDS",
            "TIMEZONE",
            "TZ",
            "MD5",
            "SHA1",
            "SHA256",
            "SHA384",
            "SHA512",
            "isIRI",
            "isURI",
            "isBLANK",
            "isLITERAL",
            "isNUMERIC",
            "hasLang",
            "hasLangDir",
            "SUBJECT",
            "PREDICATE",
            "OBJECT",
            "isTriple",
        ),
        (E1,),
    ),
    **dict.fromkeys(
        (
            "LANGMATCHES",
            "CONTAINS",
            "STRSTARTS",
            "STRENDS",
            "STRBEFORE",
            "STRAFTER",
            "STRLANG",
            "STRDT",
            "sameTerm",
            "ADJUST",
        ),
        (E2,),
    ),
    **dict.fromkeys(("IF", "STRLANGDIR", "TRIPLE"), (E3,)),
    "SUBSTR": (E3, E2),
    "REGEX": (E3, E2),
    "REPLACE": (E4, E3),
    "BNODE": (E1, NIL),
    **dict.fromkeys(("RAND", "NOW", "UUID", "STRUUID"), (NIL,)),
    **dict.fromkeys(("CONCAT", "COALESCE"), (LIST,)),
    "BOUND": (VAR,),
}
AGGREGATES = ("COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT")
# longest first: no keyword's arguments can start with a letter, so at most the longest matching one can succeed
_CALLS = re.compile(
    "|".join(sorted((*BUILTINS, *AGGREGATES, "EXISTS", "NOT"), key=len, reverse=True)), re.IGNORECASE | re.ASCII
)
_RELATIONAL = ("=", "!=", ">=", ">", "<=", "<")


class ExpressionReader(TermReader):
    # given by the subclasses (PatternReader, the query reader): an expression may hold a pattern (EXISTS)
    verb: Callable[[], bool]
    group_graph_pattern: Callable[[], bool]

    def expression(self) -> bool:
        return self._separated(self._or_item, "||")

    def _or_item(self) -> bool:
        return self._separated(self._and_item, "&&") and self.ws()

    def _and_item(self) -> bool:
        return self._relational() and self.ws()

    def _separated(self, item, separator: str, keyword: bool = False) -> bool:
        """``item **<1,> (separator _)``: a separator not followed by an item is given back."""
        if not item():
            return False
        while True:
            before = self.mark()
            if not ((self.kw(separator) if keyword else self.lit(separator)) and self.ws() and item()):
                self.reset(before)
                return True

    def _relational(self) -> bool:
        if not self._additive():
            return False
        self.ws()
        before = self.mark()
        for op in _RELATIONAL:  # $("=" / "!=" / ...): the first operator that matches is the one
            if self.text.startswith(op, self.pos):
                self.pos += len(op)
                self.ws()
                if self._additive():
                    return True
                break
        self.reset(before)
        if self.kw("IN") and self.ws() and self.expression_list():  # no mark of its own: this runs at every operand
            return True
        self.reset(before)
        if self.kw("NOT") and self.ws() and self.kw("IN") and self.ws() and self.expression_list():
            return True
        self.reset(before)
        return True

    def _additive(self) -> bool:
        return self._binary(self._multiplicative, ("+", "-"), self._additive)

    def _multiplicative(self) -> bool:
        return self._binary(self._unary, ("*", "/"), self._multiplicative)

    def _binary(self, operand, operators: tuple[str, str], right) -> bool:
        if not operand():
            return False
        self.ws()
        before = self.mark()
        if self.text.startswith(operators, self.pos):
            self.pos += 1
            self.ws()
            if right():
                return True
        self.reset(before)
        return True

    def _unary(self) -> bool:
        start = self.mark()
        if self.text.startswith(("!", "+", "-"), self.pos):
            self.pos += 1
        self.ws()
        return self._primary() or self.reset(start)

    def _primary(self) -> bool:
        return (
            self.bracketted()
            or self._expr_triple_term()
            or self._iri_or_function()
            or self.var()
            or self.literal()
            or self.builtin_call()
        )

    def bracketted(self) -> bool:
        return self.sequence("(", self.expression, ")")

    def expression_as_var(self) -> bool:
        """``"(" _ Expression _ AS _ Var _ ")"``: an expression bound to a variable (in SELECT, in BIND)."""
        return self.sequence("(", self.expression, "AS", self.var, ")")

    def _iri_or_function(self) -> bool:
        if not self.iri():
            return False
        self.ws()
        self.expression_list()
        return True

    def function_call(self) -> bool:
        return self.sequence(self.iri, self.expression_list)

    def constraint(self) -> bool:
        return self.bracketted() or self.function_call() or self.builtin_call()

    def expression_list(self) -> bool:
        """``NIL / "(" _ Expression ++ ("," _) _ ")"``: ExpressionList, and ArgList too (spargebra's ArgList adds a
        ``_`` before ``")"``: the same reading, since each expression already took the whitespace after it)."""
        return (
            self.sequence("(", lambda: self._separated(lambda: self.expression() and self.ws(), ","), ")") or self.nil()
        )

    def _expr_triple_term(self) -> bool:
        return self.sequence(
            "<<(",
            lambda: self.iri() or self.literal() or self.var(),
            self.verb,
            self._expr_triple_object,
            ")>>",
        )

    def _expr_triple_object(self) -> bool:
        return self._expr_triple_term() or self.iri() or self.literal() or self.var()

    # -- built-in calls and aggregates -----------------------------------------------------------------------------

    def builtin_call(self) -> bool:
        found = _CALLS.match(self.text, self.pos)
        if found is None:
            return self._no()
        start = self.mark()
        name = found.group().upper()
        self.pos = found.end()
        self.ws()
        if name in AGGREGATES:
            ok = self.aggregates > 0 and self._aggregate(name)  # pyoxigraph: an aggregate needs a SELECT scope
        elif name == "EXISTS":
            ok = self.group_graph_pattern()
        elif name == "NOT":
            ok = self.sequence("EXISTS", self.group_graph_pattern)
        else:
            ok = any(self._arguments(shape) for shape in BUILTINS[_canonical(name)])
        return ok or self.reset(start)

    def _arguments(self, shape) -> bool:
        if shape == NIL:
            return self.nil()
        if shape == LIST:
            return self.expression_list()
        if shape == VAR:
            return self.sequence("(", self.var, ")")
        expressions: list[Part] = [self.expression, ","] * (shape - 1)  # shape: how many, comma-separated
        return self.sequence("(", *expressions, self.expression, ")")

    def _aggregate(self, name: str) -> bool:
        argument = functools.partial(self._aggregate_argument, name)
        return self.sequence("(", "DISTINCT", argument) or self.sequence("(", argument)

    def _aggregate_argument(self, name: str) -> bool:
        """What follows ``"(" _ (DISTINCT _)?``: ``"*" _ ")"`` (COUNT only), or an expression then ``")"``, or then
        ``";" _ SEPARATOR _ "=" _ String _ ")"`` (GROUP_CONCAT only)."""
        if name == "COUNT" and self.sequence("*", ")"):
            return True
        return self.sequence(
            self.expression,
            lambda: (
                (name == "GROUP_CONCAT" and self.sequence(";", "SEPARATOR", "=", self.string, ")")) or self.lit(")")
            ),
        )


def _canonical(name: str) -> str:
    """The table's spelling of a keyword matched case-insensitively."""
    for key in BUILTINS:
        if key.upper() == name:
            return key
    raise KeyError(name)
