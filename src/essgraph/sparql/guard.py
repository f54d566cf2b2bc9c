"""What is refused before a query runs, from the command line and over HTTP alike.

* SPARQL Update: published data changes only by rebuilding it from its sources, never through a query.
* ``SERVICE`` (federated query): no query ever makes this tool send a request to another host.

Two checks, then the kernel:

* :func:`check_query`, on the query's tokens (:mod:`essgraph.sparql.lexer`), in the server process (or the CLI's)
  before anything else: cheap and linear, it refuses updates and plain SERVICE clauses at once, and finds the
  query form for content negotiation. Tokens alone can be fooled (``FILTER(?a<?b)SERVICE#>`` …).
* :func:`refuse_service`, on the query's parsed form, in the query process just before it runs
  (:mod:`essgraph.sparql.syntax` reads the text as pyoxigraph does): this is the decision. A text it cannot read to
  its end is refused when it contains the letters of SERVICE anywhere.
* The query process has no network at all (seccomp, :mod:`essgraph.sparql.sandbox`), and no query runs where that
  filter cannot be installed.
"""

from __future__ import annotations

from essgraph.errors import QueryRefused
from essgraph.sparql.lexer import QueryInfo, analyse, position
from essgraph.sparql.syntax import names_service, read_query


def read_only() -> QueryRefused:
    return QueryRefused(
        "SPARQL Update is refused: essgraph is read-only",
        "nothing can be changed through a query; the data is published by editing its sources and "
        "running 'essgraph build'",
        code="read_only",
    )


def check_query(text: str) -> QueryInfo:
    """The query's lexical facts; raises :class:`QueryRefused` for updates and SERVICE, before anything runs."""
    info = analyse(text)
    if info.update:
        raise read_only()
    if info.service:
        raise service_refused(*info.service)
    return info


def service_refused(line: int, column: int) -> QueryRefused:
    return QueryRefused(
        f"SERVICE (federated query) at line {line}, column {column} is not allowed: essgraph "
        "never sends a request to another host",
        "query the other endpoint yourself, or download this endpoint's data and combine them",
        code="service_refused",
    )


def refuse_service(text: str, base: bool = True) -> None:
    """Raise QueryRefused when pyoxigraph would read a SERVICE clause in ``text`` (or when the text cannot be read
    to its end and contains the letters of SERVICE); ``base``: relative IRIs resolve against a base IRI."""
    reading = read_query(text, base)
    if reading.ok:
        if reading.services:
            raise service_refused(*position(text, reading.services[0]))
        return
    if names_service(text):
        line, column = position(text, reading.error_at or 0)
        raise QueryRefused(
            f"the query cannot be read past line {line}, column {column}, and it contains the word "
            "SERVICE: it is refused, since essgraph runs a query only once sure it calls no other "
            "service",
            "fix the syntax near that position (SPARQL 1.1)",
            code="service_refused",
        )
