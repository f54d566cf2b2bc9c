"""Which texts are IRIs (RFC 3987), as oxiri — pyoxigraph's IRI parser — checks them when a query is parsed.

A text between ``<`` and ``>`` that is no IRI makes pyoxigraph give up that reading of the query and try the next
rule, so :mod:`essgraph.sparql.syntax` needs the same judgement: characters allowed in each part (scheme,
authority, path, query, fragment), well-formed percent escapes, private-use characters only in the query.
"""

from __future__ import annotations

import re

_UCS = ("\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF\U00010000-\U0001FFFD\U00020000-\U0002FFFD\U00030000-\U0003FFFD"
        "\U00040000-\U0004FFFD\U00050000-\U0005FFFD\U00060000-\U0006FFFD\U00070000-\U0007FFFD"
        "\U00080000-\U0008FFFD\U00090000-\U0009FFFD\U000A0000-\U000AFFFD\U000B0000-\U000BFFFD"
        "\U000C0000-\U000CFFFD\U000D0000-\U000DFFFD\U000E1000-\U000EFFFD")
_PRIVATE = "\uE000-\uF8FF\U000F0000-\U000FFFFD\U00100000-\U0010FFFD"
_PCT = "%[0-9A-Fa-f]{2}"
_UNRESERVED = rf"A-Za-z0-9\-._~{_UCS}"
_SUB_DELIMS = "!$&'()*+,;="
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_IPV6 = r"[0-9A-Fa-f:.]+"
_HOST = rf"(?:\[(?:{_IPV6}|v[0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+)\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*)"
_AUTHORITY = rf"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?{_HOST}(?::[0-9]*)?"
_TAIL = rf"(?:\?(?:{_PCHAR}|[/?{_PRIVATE}])*)?(?:#(?:{_PCHAR}|[/?])*)?"
_HIER = rf"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|{_PCHAR}+(?:/{_PCHAR}*)*|)"
_IRI = re.compile(rf"[A-Za-z][A-Za-z0-9+\-.]*:{_HIER}{_TAIL}")
_NO_COLON = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}@]|{_PCT})"
_RELATIVE = re.compile(rf"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|"
                       rf"{_NO_COLON}+(?:/{_PCHAR}*)*|){_TAIL}")


def valid_iri(text: str, relative: bool) -> bool:
    """An absolute IRI, or (``relative``: there is a base to resolve against) any IRI reference."""
    return _IRI.fullmatch(text) is not None or (relative and _RELATIVE.fullmatch(text) is not None)


def is_absolute(text: str) -> bool:
    return _IRI.fullmatch(text) is not None
