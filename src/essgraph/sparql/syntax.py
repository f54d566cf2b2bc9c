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
        start = self.mark()
        if self.kw("BASE") and self.ws() and self.iriref() is not None:
            self.has_base = True
            return True
        return self.reset(start)

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
        start = self.mark()
        if self.kw("VERSION") and self.ws() and not self.text.startswith(("'''", '"""'), self.pos) and self.string():
            return True
        return self.reset(start)

    def _modifiers(self) -> bool:
        """``_ GroupClause? _ HavingClause? _ OrderClause? _ LimitOffsetClauses? _ ValuesClause``."""
        for clause in (self._group_clause, self._having_clause, self._order_clause, self._limit_offset):
            self.ws()
            clause()
        self.ws()
        start = self.mark()
        if not (self.kw("VALUES") and self.ws() and self.data_block()):
            self.reset(start)
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
            if self.var() and self.ws():
                count += 1
                continue
            self.reset(member)
            if (
                self.lit("(")
                and self.ws()
                and self.expression()
                and self.ws()
                and self.kw("AS")
                and self.ws()
                and self.var()
                and self.ws()
                and self.lit(")")
                and self.ws()
            ):
                count += 1
                continue
            self.reset(member)
            return count > 0

    def _select_query(self) -> bool:
        start = self.mark()
        if (
            self._select_clause()
            and self.ws()
            and self._dataset_clauses()
            and self.ws()
            and self._where_clause()
            and self._modifiers()
        ):
            return True
        return self.reset(start)

    def sub_select(self) -> bool:
        start = self.mark()
        if self._select_clause() and self.ws() and self._where_clause() and self._modifiers():
            return True
        return self.reset(start)

    def _construct_query(self) -> bool:
        start = self.mark()
        if (
            self.kw("CONSTRUCT")
            and self.ws()
            and self._construct_template()
            and self.ws()
            and self._dataset_clauses()
            and self.ws()
            and self._where_clause()
            and self._modifiers()
        ):
            return True
        self.reset(start)
        if (
            self.kw("CONSTRUCT")
            and self.ws()
            and self._dataset_clauses()
            and self.ws()
            and self.kw("WHERE")
            and self.ws()
            and self.lit("{")
            and self.ws()
            and self._optional(self._triples_template)
            and self.ws()
            and self.lit("}")
            and self._modifiers()
        ):
            return True
        return self.reset(start)

    def _describe_query(self) -> bool:
        start = self.mark()
        for star in (True, False):
            self.reset(start)
            if not (self.kw("DESCRIBE") and self.ws()):
                return self.reset(start)
            if star:
                if not self.lit("*"):
                    continue
            elif not self._one_or_more(lambda: self.var_or_iri() and self.ws()):
                continue
            self.ws()
            if self._dataset_clauses() and self.ws() and self._optional(self._where_clause) and self._modifiers():
                return True
        return self.reset(start)

    def _ask_query(self) -> bool:
        start = self.mark()
        if (
            self.kw("ASK")
            and self.ws()
            and self._dataset_clauses()
            and self.ws()
            and self._where_clause()
            and self._modifiers()
        ):
            return True
        return self.reset(start)

    def _dataset_clauses(self) -> bool:
        """``DatasetClause ** (_)``: zero or more."""
        first = True
        while True:
            start = self.mark()
            if not first:
                self.ws()
            if not (self.kw("FROM") and self.ws() and (self.iri() or (self.kw("NAMED") and self.ws() and self.iri()))):
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
        start = self.mark()
        if (
            self.kw(word)
            and self.ws()
            and self.kw("BY")
            and self.ws()
            and self._one_or_more(lambda: condition() and self.ws())
        ):
            return True
        return self.reset(start)

    def _group_condition(self) -> bool:
        if self.builtin_call() or self.function_call():
            return True
        start = self.mark()
        if self.lit("(") and self.ws() and self.expression() and self.ws():
            alias = self.mark()
            if not (self.kw("AS") and self.ws() and self.var() and self.ws()):
                self.reset(alias)
            if self.lit(")"):
                return True
        self.reset(start)
        return self.var()

    def _having_clause(self) -> bool:
        start = self.mark()
        if self.kw("HAVING") and self.ws() and self._one_or_more(self.constraint):
            return True
        return self.reset(start)

    def _order_clause(self) -> bool:
        return self._by_clause("ORDER", self._order_condition)

    def _order_condition(self) -> bool:
        for word in ("ASC", "DESC"):
            start = self.mark()
            if self.kw(word) and self.ws() and self.bracketted():
                return True
            self.reset(start)
        return self.constraint() or self.var()

    def _limit_offset(self) -> bool:
        for first, second in (("LIMIT", "OFFSET"), ("OFFSET", "LIMIT")):
            start = self.mark()
            if self._integer_clause(first):
                self.ws()
                self._integer_clause(second)
                return True
            self.reset(start)
        return False

    def _integer_clause(self, word: str) -> bool:
        start = self.mark()
        return (self.kw(word) and self.ws() and self.token(INTEGER)) or self.reset(start)

    def _construct_template(self) -> bool:
        start = self.mark()
        if self.lit("{") and self.ws() and self._construct_triples() and self.ws() and self.lit("}"):
            return True
        return self.reset(start)

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
        start = self.mark()
        if (
            self.var()
            and self.ws()
            and self.lit("{")
            and self.ws()
            and self._any(lambda: self._data_block_value() and self.ws())
            and self.lit("}")
        ):
            return True
        self.reset(start)
        if (
            self.lit("(")
            and self.ws()
            and self._any(lambda: self.var() and self.ws())
            and self.ws()
            and self.lit(")")
            and self.ws()
            and self.lit("{")
            and self.ws()
            and self._any(
                lambda: (
                    self.lit("(")
                    and self.ws()
                    and self._any(lambda: self._data_block_value() and self.ws())
                    and self.ws()
                    and self.lit(")")
                    and self.ws()
                )
            )
            and self.lit("}")
        ):
            return True
        return self.reset(start)

    def _data_block_value(self) -> bool:
        return self._triple_term_data() or self.iri() or self.literal() or self.kw("UNDEF")

    def _any(self, item) -> bool:
        self._one_or_more(item)
        return True
