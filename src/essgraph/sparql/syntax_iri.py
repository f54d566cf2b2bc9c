"""Which texts are IRIs (RFC 3987), as oxiri — pyoxigraph's IRI parser — checks them when a query is parsed.

A text between ``<`` and ``>`` that is no IRI makes pyoxigraph give up that reading of the query and try the next
rule, so :mod:`essgraph.sparql.syntax` needs the same judgement: characters allowed in each part (scheme,
authority, path, query, fragment), well-formed percent escapes, private-use characters only in the query; and
which IRI an IRIREF's escapes (``\\uXXXX``, ``\\UXXXXXXXX``) stand for, read as spargebra reads them.
"""

from __future__ import annotations

import re

_UCS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd"
    "\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd\U00070000-\U0007fffd"
    "\U00080000-\U0008fffd\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd"
    "\U000c0000-\U000cfffd\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
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
_RELATIVE = re.compile(
    rf"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|"
    rf"{_NO_COLON}+(?:/{_PCHAR}*)*|){_TAIL}"
)


def valid_iri(text: str, relative: bool) -> bool:
    """An absolute IRI, or (``relative``: there is a base to resolve against) any IRI reference."""
    return _IRI.fullmatch(text) is not None or (relative and _RELATIVE.fullmatch(text) is not None)


def is_absolute(text: str) -> bool:
    return _IRI.fullmatch(text) is not None


def code_point(value: int) -> bool:
    """A Unicode scalar value: a code point that is not a surrogate (what an escape may name)."""
    return value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF


def _hex_char(rest: str, size: int) -> tuple[str, str] | None:
    """Rust's ``u32::from_str_radix`` on the next ``size`` bytes (a leading ``+`` is allowed), as spargebra reads
    the escapes of an IRIREF."""
    raw = rest.encode("utf-8")[:size]
    try:
        digits = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(raw) < size or not re.fullmatch(r"\+?[0-9A-Fa-f]+", digits):
        return None
    value = int(digits, 16)
    if not code_point(value):
        return None
    return chr(value), rest[len(digits) :]


def unescape_iriref(content: str) -> str | None:
    """The IRI an IRIREF's content stands for; None when its escapes are not ``\\uXXXX`` or ``\\UXXXXXXXX``."""
    out = []
    while "\\" in content:
        before, _, after = content.partition("\\")
        out.append(before)
        if after[:1] not in ("u", "U"):
            return None
        decoded = _hex_char(after[1:], 4 if after[0] == "u" else 8)
        if decoded is None:
            return None
        out.append(decoded[0])
        content = decoded[1]
    out.append(content)
    return "".join(out)
