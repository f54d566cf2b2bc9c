"""Reading a SPARQL 1.1 Protocol request (https://www.w3.org/TR/sparql11-protocol/, section 2.1).

:func:`parse_request` turns the method, the raw query string, the Content-Type and the body into a
:class:`SparqlRequest`, or raises :class:`~essgraph.errors.HttpError` with the status the protocol prescribes and
a message that says what is wrong. It is a pure function: the W3C protocol tests drive it through the server.

* query via GET: ``?query=...``; via POST ``application/x-www-form-urlencoded`` (``query=`` in the body, dataset
  parameters in the body or the URL); via POST ``application/sparql-query`` (the body is the query, dataset
  parameters in the URL).
* ``default-graph-uri`` / ``named-graph-uri`` (any number) give the dataset and override the query's FROM clauses.
* ``format``, ``output``, ``results`` name the result format (as most endpoints read them; SPARQLWrapper sends all
  three, in the URL or the form): their values are kept for :func:`essgraph.web.http.choose`, which reads them by
  the one rule of every route.
* The endpoint is read-only: ``update``, ``using-graph-uri``, ``application/sparql-update`` are refused (403,
  the same ``read_only`` refusal as an update sent as a query: :func:`essgraph.sparql.guard.read_only`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from essgraph.errors import HttpError
from essgraph.sparql.guard import read_only
from essgraph.web.http import format_values

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
MAX_FIELDS = 1000


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()  # the values of the format parameters (format, output, results)

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def _params(raw: str, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        raise HttpError(
            400,
            "bad_encoding",
            f"the {where} is not UTF-8 once percent-decoded",
            "percent-encode the UTF-8 bytes of the query",
        ) from None
    except ValueError:
        raise HttpError(413, "too_many_parameters", f"the {where} has more than {MAX_FIELDS} parameters") from None


def _content_type(header: str | None) -> tuple[str, str | None]:
    """(media type, charset or None) of a Content-Type header; ('', None) when it is missing."""
    if not header or not header.strip():
        return "", None
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


def _decode_body(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(
            400,
            "bad_encoding",
            f"the request body is not UTF-8 (invalid byte at offset {exc.start})",
            "send the query as UTF-8",
        ) from None


def _body_params(method: str, content_type: str | None, body: bytes) -> list[tuple[str, str]] | str:
    """The form fields of a POST body, or the query text of a direct POST."""
    media, charset = _content_type(content_type)
    if media == UPDATE:
        raise read_only()
    if not media:
        raise HttpError(
            415,
            "missing_media_type",
            f"a {method} to the SPARQL endpoint needs a Content-Type",
            f"send {FORM} (query=...) or {DIRECT} (the query as the body)",
        )
    if media not in (FORM, DIRECT):
        raise HttpError(
            415,
            "unsupported_media_type",
            f"Content-Type {media} is not a SPARQL query request",
            f"send {FORM} (query=...) or {DIRECT} (the query as the body)",
        )
    if charset not in (None, "utf-8", "utf8"):
        raise HttpError(
            415,
            "unsupported_charset",
            f"charset {charset} is not accepted: SPARQL requests are UTF-8",
            "encode the request as UTF-8 (or leave the charset out)",
        )
    if media == DIRECT:
        return _decode_body(body)
    return _params(_decode_body(body), "request body")


def _iris(values: list[str], name: str) -> tuple[str, ...]:
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise HttpError(
                400,
                "bad_graph_iri",
                f"{name}={value!r} is not an absolute IRI",
                "give the full IRI of a graph, e.g. the named graphs listed in the service description",
            ) from None
    return tuple(values)


def parse_request(method: str, query_string: bytes, content_type: str | None, body: bytes) -> SparqlRequest:
    url_params = _params(query_string.decode("latin-1"), "URL query string")
    fields = list(url_params)
    direct_query = None
    if method == "POST":
        posted = _body_params(method, content_type, body)
        if isinstance(posted, str):
            direct_query = posted
        else:
            fields += posted
    names = {name for name, _ in fields}
    if names & set(UPDATE_PARAMS):
        raise read_only()
    queries = [value for name, value in fields if name == "query"]
    if direct_query is not None:
        queries.append(direct_query)
    if len(queries) > 1:
        raise HttpError(
            400,
            "several_queries",
            f"the request carries {len(queries)} queries; send exactly one",
            "a direct POST takes the query as its body only, not also as ?query=",
        )
    query = queries[0] if queries else None
    if query is None and method == "POST":
        raise HttpError(
            400,
            "missing_query",
            "the POST request has no query",
            f"send query=... as {FORM}, or the query itself as {DIRECT}",
        )
    if query is not None and not query.strip():
        raise HttpError(400, "missing_query", "the query is empty")
    return SparqlRequest(
        query,
        _iris([v for n, v in fields if n == "default-graph-uri"], "default-graph-uri"),
        _iris([v for n, v in fields if n == "named-graph-uri"], "named-graph-uri"),
        format_values(fields),
    )
