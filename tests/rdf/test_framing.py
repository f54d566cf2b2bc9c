"""Documents joined by their frames (essgraph.rdf.framing): the join of two stores' documents holds both stores'
data, blank nodes kept apart; a document that is not framed as pyoxigraph frames them is refused."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from essgraph.errors import InternalError
from essgraph.rdf import formats
from essgraph.rdf.framing import frame_of
from essgraph.rdf.serialize import write_dump

EX = "http://example.org/"


def store_of(turtle: str, graph: str) -> ox.Store:
    store = ox.Store()
    store.load(turtle.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    return store


def document(store: ox.Store, fmt) -> bytes:
    out = io.BytesIO()
    write_dump(store, fmt, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", formats.RDF_FORMATS, ids=lambda f: f.name)
def test_two_stores_documents_joined_hold_both_stores_data(fmt):
    one = store_of(f'<{EX}a> <{EX}p> [ <{EX}q> "un"@fr ] .', EX + "g1")
    two = store_of(f'<{EX}b> <{EX}p> [ <{EX}q> "deux"@fr ] ; <{EX}r> 2 .', EX + "g2")
    empty = ox.Store()
    frame = frame_of(fmt)
    bodies = [frame.body(document(s, fmt), fmt.name) for s in (one, empty, two)]
    assert bodies[1] == b""
    joined = frame.document(bodies)
    expected = set(one) | set(two)
    parsed = set(ox.parse(joined, format=fmt.rdf))
    if not fmt.keeps_graphs:
        expected = {ox.Quad(q.subject, q.predicate, q.object) for q in expected}
    assert parsed == expected
    assert len({q.subject for q in parsed if isinstance(q.subject, ox.BlankNode)}) == 2
    assert frame.document([b"", b""]) == document(empty, fmt)


@pytest.mark.parametrize("fmt", [formats.TURTLE, formats.RDFXML, formats.JSONLD], ids=lambda f: f.name)
def test_a_document_not_framed_as_expected_is_refused(fmt):
    whole = document(store_of(f"<{EX}a> <{EX}p> <{EX}b> .", EX + "g"), fmt)
    for broken in (whole[: len(whole) // 2], b"#" + whole):
        with pytest.raises(InternalError, match="does not start and end"):
            frame_of(fmt).body(broken, "piece.x")
