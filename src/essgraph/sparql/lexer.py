"""A SPARQL tokenizer that finds what the endpoint must know before running a query.

It answers: which query form (SELECT, ASK, CONSTRUCT, DESCRIBE), whether the text is an update instead, whether a
``SERVICE`` keyword occurs, and whether the query has its own dataset clause (``FROM``/``FROM NAMED``). Keywords
are only recognised as keyword tokens: the same letters inside a string literal, an IRI, a comment, a prefixed
name (``ex:service``), a variable (``?service``), a blank node label or a language tag (``"x"@service``) do not
count. The token rules follow the SPARQL 1.1 grammar's terminals (section 19.8).

Tokens are read without the grammar, so this is the cheap early check (in the server process, linear time), not
the decision on SERVICE: pyoxigraph reads ``<`` as less-than or as an IRI by its position in the grammar, and its
keywords have no word boundary. The decision is made on the parsed form, in the query process
(:mod:`essgraph.sparql.syntax`, :func:`essgraph.sparql.guard.refuse_service`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<string>\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              | "(?:[^"\\\n\r]|\\.)*"
              | '(?:[^'\\\n\r]|\\.)*')
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<bnode>_:(?:[\w.\-\u00B7]|{_PLX})*)
  | (?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:[\w.:\-\u00B7]|{_PLX})*)
  | (?P<word>[^\W\d_]\w*)
  | (?P<other>.)
""",
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class QueryInfo:
    form: str | None  # SELECT, CONSTRUCT, DESCRIBE or ASK; None when the text is no query
    update: str | None  # the first keyword when the text is a SPARQL Update request
    service: tuple[int, int] | None  # (line, column) of the first SERVICE keyword
    has_dataset_clause: bool  # FROM or FROM NAMED: the query names its own dataset

    @property
    def returns_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE answer with RDF triples; SELECT and ASK with a results table or a boolean."""
        return self.form in ("CONSTRUCT", "DESCRIBE")


def keywords(text: str):
    """(upper-cased keyword, offset) for every bare word of the query, in order."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word":
            yield match.group().upper(), match.start()


def position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def analyse(text: str) -> QueryInfo:
    form = update = None
    decided = False
    service = None
    dataset = False
    for word, offset in keywords(text):
        if not decided and word not in ("BASE", "PREFIX"):
            decided = True
            form = word if word in FORMS else None
            update = word if word in UPDATES else None
        if word == "SERVICE" and service is None:
            service = position(text, offset)
        elif word == "FROM":
            dataset = True
    return QueryInfo(form, update, service, dataset)
