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
        return self.sequence("{", self._group_graph_pattern_sub, "}") or self.sequence("{", self.sub_select, "}")

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
        return (
            self.sequence("OPTIONAL", self.group_graph_pattern)
            or self.sequence("LATERAL", self.group_graph_pattern)
            or self.sequence("MINUS", self.group_graph_pattern)
            or self.sequence("GRAPH", self.var_or_iri, self.group_graph_pattern)
            or self._service()
            or self.sequence("FILTER", self.constraint)
            or self.sequence("BIND", self.expression_as_var)
            or self.sequence("VALUES", self.data_block)
        )

    def _service(self) -> bool:
        at = self.pos
        if self.sequence("SERVICE", "SILENT", self.var_or_iri, self.group_graph_pattern) or self.sequence(
            "SERVICE", self.var_or_iri, self.group_graph_pattern
        ):
            self.services.append(at)
            return True
        return False

    # -- triples -----------------------------------------------------------------------------------------------------

    def _triples_same_subject(self) -> bool:
        return self._subject_then(self.property_list_not_empty, self.property_list, self._triples_node)

    def _triples_same_subject_path(self) -> bool:
        return self._subject_then(self._property_list_path_not_empty, self._property_list_path, self._triples_node_path)

    def _subject_then(self, properties, optional_properties, node) -> bool:
        return (
            self.sequence(self._reified_triple, optional_properties)
            or self.sequence(self.var_or_term, properties)
            or self.sequence(node, optional_properties)
        )

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
        return self.sequence("{|", properties, "|}")

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
        return self._collection(self._graph_node) or self.sequence("[", self.property_list_not_empty, "]")

    def _triples_node_path(self) -> bool:
        return self._collection(self._graph_node_path) or self.sequence("[", self._property_list_path_not_empty, "]")

    def _collection(self, node) -> bool:
        """``"(" _ (node _)+ ")"`` (spargebra's CollectionPath adds a ``_`` before ``")"``: the same reading, since
        each node already took the whitespace after it)."""
        return self.sequence("(", lambda: self._one_or_more(lambda: node() and self.ws()), ")")

    # -- SPARQL 1.2 triple terms and reified triples -------------------------------------------------------------

    def _reified_triple(self) -> bool:
        """``"<<" _ subject _ Verb _ object _ Reifier? _ ">>"``."""
        return self.sequence(
            "<<",
            lambda: self.var() or self._reified_triple() or self.iri() or self.literal() or self.blank_node(),
            self.verb,
            lambda: (
                self.var()
                or self._triple_term()
                or self._reified_triple()
                or self.iri()
                or self.literal()
                or self.blank_node()
            ),
            lambda: self._optional(self._reifier),
            ">>",
        )

    def _triple_term(self) -> bool:
        return self.sequence(
            "<<(",
            lambda: self.var() or self.iri() or self.literal() or self.blank_node(),
            self.verb,
            lambda: self.var() or self._triple_term() or self.iri() or self.literal() or self.blank_node(),
            ")>>",
        )

    def _triple_term_data(self) -> bool:
        # a literal subject parses, then fails pyoxigraph's check: the same as not parsing
        return self.sequence(
            "<<(",
            self.iri,
            lambda: self.iri() or self.lit("a"),
            lambda: self._triple_term_data() or self.iri() or self.literal(),
            ")>>",
        )

    # -- property paths ------------------------------------------------------------------------------------------

    def path(self) -> bool:
        return self._separated(lambda: self._path_sequence() and self.ws(), "|")

    def _path_sequence(self) -> bool:
        return self._separated(lambda: self._path_elt_or_inverse() and self.ws(), "/")

    def _path_elt_or_inverse(self) -> bool:
        return self.sequence("^", self._path_elt) or self._path_elt()

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
        return (
            self.iri()
            or self.lit("a")
            or self.sequence("!", self._negated_property_set)
            or self.sequence("(", self.path, ")")
        )

    def _negated_property_set(self) -> bool:
        return (
            self.sequence("(", lambda: self._separated(lambda: self._one_in_set() and self.ws(), "|"), ")")
            or self._one_in_set()
        )

    def _one_in_set(self) -> bool:
        return self.sequence("^", lambda: self.iri() or self.lit("a")) or self.iri() or self.lit("a")
