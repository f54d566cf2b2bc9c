"""Reading a SPARQL query the way pyoxigraph reads it, to decide on its parsed form whether it calls SERVICE.

Why: a check on tokens alone can be led astray by text that pyoxigraph reads otherwise. In ``FILTER(?a<?b)SERVICE#>``
+ newline + ``<http://…>``, a tokenizer sees the IRI ``<?b)SERVICE#>``; pyoxigraph sees ``?a < ?b``, then the SERVICE
keyword, a comment, and the service's IRI — and runs it. Likewise ``trueSERVICE`` (``true`` then ``SERVICE``) and
``SERVICE:a`` (the prefix ``SERVICE:`` being undeclared, ``SERVICE`` then ``:a``). So this module follows
pyoxigraph's own grammar (spargebra's PEG rules, in their order, with the same semantic checks that make a rule
give way to the next one) and reports where the SERVICE keywords of the one reading that succeeds are.

:func:`read_query` answers with a :class:`Reading`. When the text cannot be read (a syntax error, or a construct
this reader does not know), ``ok`` is False and ``error_at`` says where reading stopped; the caller then refuses
any text that contains the letters of SERVICE at all (:func:`~essgraph.sparql.syntax_terms.names_service`).
The kernel filter of the query processes stays the independent second layer.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from essgraph.sparql.syntax_patterns import PatternReader
from essgraph.sparql.syntax_terms import INTEGER, GiveUp, names_service

__all__ = ["Reading", "read_query", "names_service"]


@dataclass(frozen=True)
class Reading:
    ok: bool
    services: tuple[int, ...] = field(default_factory=tuple)  # offsets of the SERVICE keywords
    error_at: int | None = None  # where reading stopped, when not ok


def read_query(text: str, base: bool = True, budget_per_char: int = 200) -> Reading:
    """Read ``text`` as a SPARQL query; ``base``: relative IRIs resolve (a base IRI is given with the query)."""
    reader = QueryReader(text, base, budget=budget_per_char * len(text) + 10_000)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # ~14 frames per nested parenthesis; Python 3.11 frames are cheap
    try:
        ok = reader.query_unit()
    except (GiveUp, RecursionError):
        ok = False
    finally:
        sys.setrecursionlimit(limit)
    return Reading(True, tuple(reader.services)) if ok else Reading(False, error_at=reader.furthest)


class QueryReader(PatternReader):
    """The query level: prologue, the four query forms, dataset clauses and solution modifiers."""

    # -- the query ---------------------------------------------------------------------------------------------------

    def query_unit(self) -> bool:
        self.ws()
        self._prologue()
        self.ws()
        if not (self._select_query() or self._construct_query() or self._describe_query() or self._ask_query()):
            return False
        self.ws()
        return self.pos == len(self.text) or self._no()

    def _prologue(self) -> None:
        while self._base_decl() or self._prefix_decl() or self._version_decl():
            self.ws()

    def _base_decl(self) -> bool:
        if self.sequence("BASE", lambda: self.iriref() is not None):
            self.has_base = True
            return True
        return False

    def _prefix_decl(self) -> bool:
        start = self.mark()
        if self.kw("PREFIX") and self.ws():
            name = self.pname_ns()
            if name is not None and self.ws():
                iri = self.iriref()
                if iri is not None:
                    self.prefixes[name] = iri
                    return True
        return self.reset(start)

    def _version_decl(self) -> bool:
        """SPARQL 1.2's ``VERSION "1.2"``, which pyoxigraph 0.5 accepts (a short string only)."""
        return self.sequence("VERSION", lambda: not self.text.startswith(("'''", '"""'), self.pos) and self.string())

    def _modifiers(self) -> bool:
        """``_ GroupClause? _ HavingClause? _ OrderClause? _ LimitOffsetClauses? _ ValuesClause``."""
        for clause in (self._group_clause, self._having_clause, self._order_clause, self._limit_offset):
            self.ws()
            clause()
        self.ws()
        self.sequence("VALUES", self.data_block)  # optional: a sequence that fails gives back what it read
        self.aggregates = max(self.aggregates - 1, 0)  # build_select pops the SELECT scope
        return True

    def _select_clause(self) -> bool:
        if not (self.kw("SELECT") and self.ws()):
            return False
        self.aggregates += 1  # pushed as soon as read, never taken back (as pyoxigraph does)
        start = self.mark()
        if not (self.kw("DISTINCT") or self.kw("REDUCED")):
            self.reset(start)
        self.ws()
        if self.lit("*"):
            return True
        count = 0
        while True:
            member = self.mark()
            if (self.var() or self.expression_as_var()) and self.ws():
                count += 1
                continue
            self.reset(member)
            return count > 0

    def _select_query(self) -> bool:
        return self.sequence(self._select_clause, self._dataset_clauses, self._where_clause, self._modifiers)

    def sub_select(self) -> bool:
        return self.sequence(self._select_clause, self._where_clause, self._modifiers)

    def _construct_query(self) -> bool:
        return self.sequence(
            "CONSTRUCT", self._construct_template, self._dataset_clauses, self._where_clause, self._modifiers
        ) or self.sequence(
            "CONSTRUCT",
            self._dataset_clauses,
            "WHERE",
            "{",
            lambda: self._optional(self._triples_template),
            "}",
            self._modifiers,
        )

    def _describe_query(self) -> bool:
        # "*" / (VarOrIri _)+ : one alternative of the grammar each, which cannot both start at the same place
        return self.sequence(
            "DESCRIBE",
            lambda: self.lit("*") or self._one_or_more(lambda: self.var_or_iri() and self.ws()),
            self._dataset_clauses,
            lambda: self._optional(self._where_clause),
            self._modifiers,
        )

    def _ask_query(self) -> bool:
        return self.sequence("ASK", self._dataset_clauses, self._where_clause, self._modifiers)

    def _dataset_clauses(self) -> bool:
        """``DatasetClause ** (_)``: zero or more."""
        first = True
        while True:
            start = self.mark()
            if not first:
                self.ws()
            if not self.sequence("FROM", lambda: self.iri() or self.sequence("NAMED", self.iri)):
                self.reset(start)
                return True
            first = False

    def _where_clause(self) -> bool:
        start = self.mark()
        if not self.kw("WHERE"):
            self.reset(start)
        self.ws()
        return self.group_graph_pattern() or self.reset(start)

    def _group_clause(self) -> bool:
        return self._by_clause("GROUP", self._group_condition)

    def _by_clause(self, word: str, condition) -> bool:
        """``word _ BY _ (condition _)+`` (GROUP BY, ORDER BY)."""
        return self.sequence(word, "BY", lambda: self._one_or_more(lambda: condition() and self.ws()))

    def _group_condition(self) -> bool:
        return (
            self.builtin_call()
            or self.function_call()
            or self.sequence("(", self.expression, lambda: self.sequence("AS", self.var) or True, ")")
            or self.var()
        )

    def _having_clause(self) -> bool:
        return self.sequence("HAVING", lambda: self._one_or_more(self.constraint))

    def _order_clause(self) -> bool:
        return self._by_clause("ORDER", self._order_condition)

    def _order_condition(self) -> bool:
        return (
            self.sequence("ASC", self.bracketted)
            or self.sequence("DESC", self.bracketted)
            or self.constraint()
            or self.var()
        )

    def _limit_offset(self) -> bool:
        for first, second in (("LIMIT", "OFFSET"), ("OFFSET", "LIMIT")):
            if self._integer_clause(first):
                self.ws()
                self._integer_clause(second)
                return True
        return False

    def _integer_clause(self, word: str) -> bool:
        return self.sequence(word, lambda: self.token(INTEGER))

    def _construct_template(self) -> bool:
        return self.sequence("{", self._construct_triples, "}")

    def _construct_triples(self) -> bool:
        """``(TriplesSameSubject _) ** ("." _) "."?``: zero or more."""
        count = 0
        while True:
            start = self.mark()
            if (count and not (self.lit(".") and self.ws())) or not (self._triples_same_subject() and self.ws()):
                self.reset(start)
                break
            count += 1
        dot = self.mark()
        if not self.lit("."):
            self.reset(dot)
        return True

    # -- inline data ---------------------------------------------------------------------------------------------

    def data_block(self) -> bool:
        """``Var _ "{" _ (Value _)* "}"``, or ``"(" _ (Var _)* _ ")" _ "{" _ ("(" _ (Value _)* _ ")" _)* "}"``."""
        return self.sequence(self.var, "{", self._data_values, "}") or self.sequence(
            "(", lambda: self._any(lambda: self.var() and self.ws()), ")", "{", lambda: self._any(self._data_row), "}"
        )

    def _data_row(self) -> bool:
        return self.sequence("(", self._data_values, ")") and self.ws()

    def _data_values(self) -> bool:
        return self._any(lambda: self._data_block_value() and self.ws())

    def _data_block_value(self) -> bool:
        return self._triple_term_data() or self.iri() or self.literal() or self.kw("UNDEF")

    def _any(self, item) -> bool:
        self._one_or_more(item)
        return True
