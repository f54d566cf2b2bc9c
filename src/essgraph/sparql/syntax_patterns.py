"""Graph patterns, triples and property paths as pyoxigraph's parser reads them (a layer of
:mod:`essgraph.sparql.syntax`): this is where the SERVICE keywords of a reading are recorded.

Each rule follows spargebra's PEG rule of the same name, alternatives in the same order; ``ws`` is its ``_``.
"""

from __future__ import annotations

from typing import Callable

from essgraph.sparql.syntax_expressions import ExpressionReader
from essgraph.sparql.syntax_terms import PATH_MOD_NOT_VAR


class PatternReader(ExpressionReader):
    # given by the query reader (essgraph.sparql.syntax): a pattern may hold a sub-query or VALUES
    sub_select: Callable[[], bool]
    data_block: Callable[[], bool]

    # -- group graph patterns ----------------------------------------------------------------------------------------

    def group_graph_pattern(self) -> bool:
        start = self.mark()
        if self.lit("{") and self.ws() and self._group_graph_pattern_sub() and self.ws() and self.lit("}"):
            return True
        self.reset(start)
        if self.lit("{") and self.ws() and self.sub_select() and self.ws() and self.lit("}"):
            return True
        return self.reset(start)

    def _group_graph_pattern_sub(self) -> bool:
        self._optional(self._triples_block)
        self.ws()
        while True:
            start = self.mark()
            if not self._graph_pattern_not_triples():
                self.reset(start)
                return True
            self.ws()
            dot = self.mark()
            if not (self.lit(".") and self.ws()):
                self.reset(dot)
            self._optional(self._triples_block)
            self.ws()

    def _triples_block(self) -> bool:
        return self._dotted(self._triples_same_subject_path)

    def _triples_template(self) -> bool:
        return self._dotted(self._triples_same_subject)

    def _dotted(self, triples) -> bool:
        """``(_ triples _) ++ (".") ("." _)?``"""
        count = 0
        while True:
            start = self.mark()
            if count and not self.lit("."):
                break
            if not (self.ws() and triples() and self.ws()):
                self.reset(start)
                break
            count += 1
        if not count:
            return False
        end = self.mark()
        if not (self.lit(".") and self.ws()):
            self.reset(end)
        return True

    def _graph_pattern_not_triples(self) -> bool:
        if self._separated(lambda: self.group_graph_pattern() and self.ws(), "UNION", keyword=True):
            return True
        for word in ("OPTIONAL", "LATERAL", "MINUS"):
            if self._keyword_then(word, self.group_graph_pattern):
                return True
        if self._keyword_then("GRAPH", lambda: self.var_or_iri() and self.ws() and self.group_graph_pattern()):
            return True
        if self._service():
            return True
        if self._keyword_then("FILTER", self.constraint):
            return True
        if self._keyword_then(
            "BIND",
            lambda: (
                self.lit("(")
                and self.ws()
                and self.expression()
                and self.ws()
                and self.kw("AS")
                and self.ws()
                and self.var()
                and self.ws()
                and self.lit(")")
            ),
        ):
            return True
        return self._keyword_then("VALUES", self.data_block)

    def _keyword_then(self, word: str, rule) -> bool:
        start = self.mark()
        return (self.kw(word) and self.ws() and rule()) or self.reset(start)

    def _service(self) -> bool:
        for silent in (True, False):
            start = self.mark()
            if (
                self.kw("SERVICE")
                and self.ws()
                and (not silent or (self.kw("SILENT") and self.ws()))
                and self.var_or_iri()
                and self.ws()
                and self.group_graph_pattern()
            ):
                self.services.append(start[0])
                return True
            self.reset(start)
        return False

    # -- triples -----------------------------------------------------------------------------------------------------

    def _triples_same_subject(self) -> bool:
        return self._subject_then(self.property_list_not_empty, self.property_list, self._triples_node)

    def _triples_same_subject_path(self) -> bool:
        return self._subject_then(self._property_list_path_not_empty, self._property_list_path, self._triples_node_path)

    def _subject_then(self, properties, optional_properties, node) -> bool:
        start = self.mark()
        if self._reified_triple() and self.ws() and optional_properties():
            return True
        self.reset(start)
        if self.var_or_term() and self.ws() and properties():
            return True
        self.reset(start)
        if node() and self.ws() and optional_properties():
            return True
        return self.reset(start)

    def property_list(self) -> bool:
        return self._optional(self.property_list_not_empty)

    def _property_list_path(self) -> bool:
        return self._optional(self._property_list_path_not_empty)

    def property_list_not_empty(self) -> bool:
        return self._verbs_and_objects(self.verb, self._object)

    def _property_list_path_not_empty(self) -> bool:
        return self._verbs_and_objects(lambda: self.path() or self.var(), self._object_path)

    def _verbs_and_objects(self, verb, obj) -> bool:
        """``Verb _ ObjectList _ (";" _ (Verb _ ObjectList _)?)*``"""
        start = self.mark()
        if not (verb() and self.ws() and self._object_list(obj) and self.ws()):
            return self.reset(start)
        while True:
            more = self.mark()
            if not (self.lit(";") and self.ws()):
                self.reset(more)
                return True
            pair = self.mark()
            if not (verb() and self.ws() and self._object_list(obj) and self.ws()):
                self.reset(pair)

    def _object_list(self, obj) -> bool:
        return self._separated(lambda: obj() and self.ws(), ",")

    def _object(self) -> bool:
        return self._annotated(self._graph_node, self.property_list_not_empty)

    def _object_path(self) -> bool:
        return self._annotated(self._graph_node_path, self._property_list_path_not_empty)

    def _annotated(self, node, properties) -> bool:
        if not (node() and self.ws()):
            return False
        while True:  # Annotation: (Reifier _ AnnotationBlock? _ / AnnotationBlock _)*
            start = self.mark()
            if self._reifier() and self.ws():
                block = self.mark()
                if not self._annotation_block(properties):
                    self.reset(block)
                self.ws()
                continue
            self.reset(start)
            if self._annotation_block(properties) and self.ws():
                continue
            self.reset(start)
            return True

    def _annotation_block(self, properties) -> bool:
        start = self.mark()
        return (self.lit("{|") and self.ws() and properties() and self.ws() and self.lit("|}")) or self.reset(start)

    def _reifier(self) -> bool:
        if not (self.lit("~") and self.ws()):
            return False
        self.var() or self.iri() or self.blank_node()
        return True

    def verb(self) -> bool:
        return self.var_or_iri() or self.lit("a")

    def var_or_iri(self) -> bool:
        return self.var() or self.iri()

    def var_or_term(self) -> bool:
        return self.var() or self._triple_term() or self.iri() or self.literal() or self.blank_node() or self.nil()

    def _graph_node(self) -> bool:
        return self._reified_triple() or self.var_or_term() or self._triples_node()

    def _graph_node_path(self) -> bool:
        return self._reified_triple() or self.var_or_term() or self._triples_node_path()

    def _triples_node(self) -> bool:
        return self._collection(self._graph_node, closing_ws=False) or self._blank_properties(
            self.property_list_not_empty
        )

    def _triples_node_path(self) -> bool:
        return self._collection(self._graph_node_path, closing_ws=True) or self._blank_properties(
            self._property_list_path_not_empty
        )

    def _collection(self, node, closing_ws: bool) -> bool:
        start = self.mark()
        if (
            self.lit("(")
            and self.ws()
            and self._one_or_more(lambda: node() and self.ws())
            and (not closing_ws or self.ws())
            and self.lit(")")
        ):
            return True
        return self.reset(start)

    def _blank_properties(self, properties) -> bool:
        start = self.mark()
        return (self.lit("[") and self.ws() and properties() and self.ws() and self.lit("]")) or self.reset(start)

    # -- SPARQL 1.2 triple terms and reified triples -------------------------------------------------------------

    def _reified_triple(self) -> bool:
        start = self.mark()
        if not (self.lit("<<") and self.ws()):
            return self.reset(start)
        subject = self.var() or self._reified_triple() or self.iri() or self.literal() or self.blank_node()
        if (
            subject
            and self.ws()
            and self.verb()
            and self.ws()
            and (
                self.var()
                or self._triple_term()
                or self._reified_triple()
                or self.iri()
                or self.literal()
                or self.blank_node()
            )
            and self.ws()
        ):
            reifier = self.mark()
            if not self._reifier():
                self.reset(reifier)
            if self.ws() and self.lit(">>"):
                return True
        return self.reset(start)

    def _triple_term(self) -> bool:
        start = self.mark()
        if (
            self.lit("<<(")
            and self.ws()
            and (self.var() or self.iri() or self.literal() or self.blank_node())
            and self.ws()
            and self.verb()
            and self.ws()
            and (self.var() or self._triple_term() or self.iri() or self.literal() or self.blank_node())
            and self.ws()
            and self.lit(")>>")
        ):
            return True
        return self.reset(start)

    def _triple_term_data(self) -> bool:
        start = self.mark()
        if (
            self.lit("<<(")
            and self.ws()
            and self.iri()
            and self.ws()
            and (self.iri() or self.lit("a"))
            and self.ws()
            and (self._triple_term_data() or self.iri() or self.literal())
            and self.ws()
            and self.lit(")>>")
        ):
            return True  # a literal subject parses, then fails pyoxigraph's check: the same as not parsing
        return self.reset(start)

    # -- property paths ------------------------------------------------------------------------------------------

    def path(self) -> bool:
        return self._separated(lambda: self._path_sequence() and self.ws(), "|")

    def _path_sequence(self) -> bool:
        return self._separated(lambda: self._path_elt_or_inverse() and self.ws(), "/")

    def _path_elt_or_inverse(self) -> bool:
        start = self.mark()
        if self.lit("^") and self.ws() and self._path_elt():
            return True
        self.reset(start)
        return self._path_elt()

    def _path_elt(self) -> bool:
        if not self._path_primary():
            return False
        self.ws()
        if self.text.startswith(("*", "+"), self.pos):
            self.pos += 1
        elif self.text.startswith("?", self.pos) and not PATH_MOD_NOT_VAR.match(self.text, self.pos + 1):
            self.pos += 1
        return True

    def _path_primary(self) -> bool:
        if self.iri() or self.lit("a"):
            return True
        start = self.mark()
        if self.lit("!") and self.ws() and self._negated_property_set():
            return True
        self.reset(start)
        if self.lit("(") and self.ws() and self.path() and self.ws() and self.lit(")"):
            return True
        return self.reset(start)

    def _negated_property_set(self) -> bool:
        start = self.mark()
        if (
            self.lit("(")
            and self.ws()
            and self._separated(lambda: self._one_in_set() and self.ws(), "|")
            and self.lit(")")
        ):
            return True
        self.reset(start)
        return self._one_in_set()

    def _one_in_set(self) -> bool:
        start = self.mark()
        if self.lit("^") and self.ws() and (self.iri() or self.lit("a")):
            return True
        self.reset(start)
        return self.iri() or self.lit("a")
