"""The format registry (essgraph.rdf.formats) and the one serialization path (essgraph.rdf.serialize)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from essgraph.errors import ConfigError
from essgraph.rdf import formats
from essgraph.rdf.namespaces import DOCUMENT_PREFIXES
from essgraph.rdf.serialize import compact_jsonld, prefixes_for, serialize, write_dump

EX = "http://example.org/"


def test_the_facts_of_pyoxigraph_formats_are_read_from_pyoxigraph():
    for f in formats.RDF_FORMATS + formats.RESULT_FORMATS:
        assert f.media_type == f.spec.media_type.split(";")[0]
        assert f.extension == f.spec.file_extension and f.label == f.spec.name
    assert formats.TURTLE.iri == "http://www.w3.org/ns/formats/Turtle"
    assert formats.SPARQL_JSON.iri == "http://www.w3.org/ns/formats/SPARQL_Results_JSON"


def test_json_ld_keeps_the_iri_of_the_w3c_list_of_formats():
    assert formats.JSONLD.iri == "http://www.w3.org/ns/formats/JSON-LD"


def test_named_graphs_are_kept_by_n_quads_trig_and_json_ld_only():
    assert {f.name for f in formats.RDF_FORMATS if f.keeps_graphs} == {"nquads", "trig", "jsonld"}


@pytest.mark.parametrize("name,offers,expected", [
    ("turtle", formats.GRAPH_FORMATS, formats.TURTLE),
    ("TTL", formats.GRAPH_FORMATS, formats.TURTLE),
    ("text/turtle", formats.GRAPH_FORMATS, formats.TURTLE),
    ("application/x-turtle", formats.GRAPH_FORMATS, formats.TURTLE),
    ("text/plain", formats.GRAPH_FORMATS, formats.NTRIPLES),
    ("json", formats.RESULT_FORMATS, formats.SPARQL_JSON),
    ("json", (formats.JSON, formats.HTML), formats.JSON),
    ("srx", formats.RESULT_FORMATS, formats.SPARQL_XML),
    ("csv", formats.GRAPH_FORMATS, None),
    ("pdf", formats.GRAPH_FORMATS, None),
])
def test_a_format_is_found_by_short_name_extension_media_type_or_alias(name, offers, expected):
    assert formats.by_name(name, offers) is expected


def test_source_files_are_read_by_their_extension():
    assert formats.for_file(Path("a.owl")) is formats.RDFXML
    assert formats.for_file(Path("a.JSON")) is formats.JSONLD
    assert formats.for_file(Path("a.nq")) is formats.NQUADS
    with pytest.raises(ConfigError) as caught:
        formats.for_file(Path("a.xlsx"))
    assert ".ttl" in caught.value.hint and ".skos" in caught.value.hint


def test_an_unknown_export_format_is_a_clear_error():
    assert formats.rdf_format("trig") is formats.TRIG
    with pytest.raises(ConfigError) as caught:
        formats.rdf_format("n3")
    assert "turtle" in caught.value.hint


def test_dcat_ap_identifiers_of_a_format():
    assert formats.TURTLE.iana_iri == "https://www.iana.org/assignments/media-types/text/turtle"
    assert formats.TURTLE.eu_file_type_iri == \
        "http://publications.europa.eu/resource/authority/file-type/RDF_TURTLE"
    assert formats.CSV.eu_file_type_iri.endswith("/file-type/CSV")
    assert formats.GZIP.iana_iri.endswith("/application/gzip")


def test_textual_formats_say_they_are_utf8():
    assert formats.TURTLE.content_type == "text/turtle; charset=utf-8"
    assert formats.CSV.content_type == "text/csv; charset=utf-8"
    assert formats.SPARQL_JSON.content_type == "application/sparql-results+json; charset=utf-8"
    assert formats.NTRIPLES.content_type == "application/n-triples"
    assert formats.GZIP.content_type == "application/gzip"


TRIPLES = [ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(DOCUMENT_PREFIXES["dct"] + "title"), ox.Literal("A")),
           ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(DOCUMENT_PREFIXES["rdf"] + "type"),
                     ox.NamedNode(DOCUMENT_PREFIXES["ess"] + "Plan"))]


def test_turtle_trig_and_rdfxml_declare_every_prefix_of_the_one_table():
    for f in formats.RDF_FORMATS:
        assert (prefixes_for(f) is DOCUMENT_PREFIXES) == (f.name in ("turtle", "trig", "rdfxml"))
    turtle = serialize(TRIPLES, formats.TURTLE).decode()
    for name, namespace in DOCUMENT_PREFIXES.items():
        assert f"@prefix {name}: <{namespace}> ." in turtle
    assert "dct:title" in turtle and "ess:Plan" in turtle
    assert "@prefix" not in serialize(TRIPLES, formats.NTRIPLES).decode()


def test_a_store_dumps_in_every_syntax_and_reads_back_the_same(tmp_path: Path):
    store = ox.Store()
    for graph in ("g1", "g2"):
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(EX + graph)) for t in TRIPLES)
    store.add(ox.Quad(ox.NamedNode(EX + "b"), ox.NamedNode(EX + "p"), ox.Literal("only in g2"), ox.NamedNode(EX + "g2")))
    for f in formats.RDF_FORMATS:
        path = tmp_path / f"dump.{f.extension}"
        with open(path, "wb") as out:
            write_dump(store, f, out)
        quads = list(ox.parse(path=str(path), format=f.rdf))
        if f.keeps_graphs:
            assert set(quads) == set(store), f.name
        else:
            assert {ox.Triple(q.subject, q.predicate, q.object) for q in quads} == \
                {ox.Triple(q.subject, q.predicate, q.object) for q in store}, f.name
        with open(path, "wb") as out:
            write_dump(store, f, out, graph=EX + "g1")
        assert {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=f.rdf)} == \
            set(TRIPLES), f.name


def test_rdf_answers_are_only_written_in_rdf_syntaxes():
    with pytest.raises(ValueError):
        serialize(TRIPLES, formats.CSV)


def test_the_pages_json_ld_is_compacted_with_the_given_context_and_loads_nothing():
    context = {"dct": DOCUMENT_PREFIXES["dct"], "title": {"@id": "dct:title"}}
    doc = compact_jsonld(TRIPLES, context, "http://example.org/context.jsonld").decode()
    assert '"@context": "http://example.org/context.jsonld"' in doc and '"title": "A"' in doc
    with pytest.raises(Exception) as caught:
        compact_jsonld(TRIPLES, "http://example.org/remote-context.jsonld", "x")  # a context to fetch
    causes, error = [], caught.value
    while error is not None:
        causes.append(str(error))
        error = error.__cause__ or error.__context__
    assert any("refusing to load http://example.org/remote-context.jsonld" in c for c in causes), causes
