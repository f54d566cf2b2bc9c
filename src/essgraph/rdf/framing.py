"""How a document of each RDF syntax is framed, so that documents can be joined into one without a parser.

pyoxigraph writes a document as *head + body + tail*, where head and tail depend only on the syntax and on the
prefixes declared (:mod:`essgraph.rdf.serialize` declares the same table in every document):

==================  ===================================================  ===========  =========  ============
syntax              head                                                 tail         separator  empty store
==================  ===================================================  ===========  =========  ============
Turtle, TriG        the ``@prefix`` lines                                (none)       (none)     ``''``
RDF/XML             ``<?xml …?>`` and the ``<rdf:RDF xmlns…>`` line      ``</rdf:RDF>``  (none)  head + tail
JSON-LD             ``[``                                                ``]``        ``,``      ``[]``
N-Triples, N-Quads  (none)                                               (none)       (none)     ``''``
==================  ===================================================  ===========  =========  ============

so the document of several stores is head + their bodies (JSON-LD: joined by ``,``) + tail. The bodies of
Turtle/TriG/RDF/XML are whole statements (``.``-terminated, ``<g> { … }``, ``<rdf:Description>`` elements), and
blank nodes keep the store's labels, which are unique across the build (the store names them on load), so joining
never merges two blank nodes. The frames are not restated here: :func:`frame_of` reads them from pyoxigraph's own
output (a probe document of one quad, and the empty document) and checks that they are what the table says, and
:meth:`Frame.body` checks every document it cuts. If pyoxigraph ever frames documents otherwise, the build stops
with :class:`essgraph.errors.InternalError` instead of writing a broken document.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

import pyoxigraph as ox

from essgraph.errors import InternalError
from essgraph.rdf import formats
from essgraph.rdf.formats import Format
from essgraph.rdf.serialize import serialize

_PROBE = "urn:essgraph:framing-probe"


@dataclass(frozen=True)
class Frame:
    """The fixed parts of the documents of one syntax."""

    label: str
    head: bytes
    tail: bytes
    separator: bytes  # between two bodies
    empty: bytes  # the document of an empty store

    def body(self, document: bytes, where: str) -> bytes:
        """The body of ``document`` (``b''`` for an empty store's); an :class:`InternalError` naming ``where``
        when the document is not framed as expected."""
        if document == self.empty:
            return b""
        end = len(document) - len(self.tail)
        if not (document.startswith(self.head) and document.endswith(self.tail) and end > len(self.head)):
            raise InternalError(
                f"{where}: this {self.label} document does not start and end as pyoxigraph's documents do",
                hint="the dump cannot be joined into the whole graph's; rebuild from scratch, and report it if it "
                "happens again",
            )
        return document[len(self.head) : end]

    def document(self, bodies: list[bytes]) -> bytes:
        """The document holding ``bodies`` (for small documents; the dumps are joined by
        :mod:`essgraph.publish.assemble` without holding them in memory)."""
        bodies = [b for b in bodies if b]
        return self.head + self.separator.join(bodies) + self.tail if bodies else self.empty


def _document(quads: list[ox.Quad], fmt: Format) -> bytes:
    return serialize(quads if fmt.keeps_graphs else [q.triple for q in quads], fmt)


@functools.cache
def frame_of(fmt: Format) -> Frame:
    """The frame of ``fmt``'s documents as :func:`essgraph.rdf.serialize.serialize` writes them (pyoxigraph's
    output, read and checked against the module's table)."""
    probe = ox.Quad(ox.NamedNode(_PROBE + ":s"), ox.NamedNode(_PROBE + ":p"), ox.Literal("o"), ox.NamedNode(_PROBE))
    full, empty = _document([probe], fmt), _document([], fmt)
    syntax = fmt.rdf
    head, tail, separator = b"", b"", b""
    if syntax in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        lines = full.splitlines(keepends=True)
        head = b"".join(line for line in lines[: _count_leading(lines, b"@prefix ")])
    elif syntax == ox.RdfFormat.RDF_XML:
        start = full.find(b"\n<rdf:RDF ")
        head = full[: full.find(b"\n", start + 1) + 1] if start >= 0 else b""
        tail = full[full.rfind(b"</rdf:RDF>") :]
    elif syntax == ox.RdfFormat.JSON_LD:
        head, tail, separator = b"[", b"]", b","
    frame = Frame(fmt.label, head, tail, separator, empty)
    body = full[len(head) : len(full) - len(tail)]
    expected_empty = b"" if syntax not in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD) else head + tail
    framed = full.startswith(head) and full.endswith(tail) and _PROBE.encode() in body
    has_head = syntax in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD)
    if not framed or empty != expected_empty or bool(head) != has_head:
        raise InternalError(
            f"pyoxigraph {ox.__version__} frames {fmt.label} documents in a way essgraph does not know",
            hint="the whole-graph dumps are joined from per-dataset documents (essgraph.rdf.framing): check its "
            "table against this pyoxigraph's output",
        )
    return frame


def _count_leading(lines: list[bytes], start: bytes) -> int:
    count = 0
    while count < len(lines) and lines[count].startswith(start):
        count += 1
    return count


def fingerprint() -> str:
    """A digest of every syntax's frame: documents cut with one frame can be joined under another only if equal."""
    digest = hashlib.sha256()
    for fmt in formats.RDF_FORMATS:
        frame = frame_of(fmt)
        for part in (frame.head, frame.tail, frame.separator, frame.empty):
            digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()
