"""What is refused before a query runs, from the command line and over HTTP alike.

* SPARQL Update: published data changes only by rebuilding it from its sources, never through a query.
* ``SERVICE`` (federated query): no query ever makes this tool send a request to another host.

Both are found on the query's tokens (:mod:`essgraph.sparql.lexer`), so the same letters in a string, an IRI, a
comment or a name do not count. The kernel filter of the query processes (:mod:`essgraph.sparql.sandbox`) is the
second, independent layer: a query is never run without it.
"""

from __future__ import annotations

from essgraph.errors import QueryRefused
from essgraph.sparql.lexer import QueryInfo, analyse


def read_only() -> QueryRefused:
    return QueryRefused("SPARQL Update is refused: essgraph is read-only",
                        "nothing can be changed through a query; the data is published by editing its sources and "
                        "running 'essgraph build'", code="read_only")


def check_query(text: str) -> QueryInfo:
    """The query's lexical facts; raises :class:`QueryRefused` for updates and SERVICE, before anything runs."""
    info = analyse(text)
    if info.update:
        raise read_only()
    if info.service:
        line, column = info.service
        raise QueryRefused(f"SERVICE (federated query) at line {line}, column {column} is not allowed: essgraph "
                           "never sends a request to another host",
                           "query the other endpoint yourself, or download this endpoint's data and combine them",
                           code="service_refused")
    return info
