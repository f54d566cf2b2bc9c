"""SPARQLWrapper 2.0, with its default settings, gets an answer to every query form in every format it offers for it,
by GET, POST form and direct POST, and ``convert()`` turns it into the value it promises.

SPARQLWrapper names the format three times (``format``, ``output``, ``results``), repeats each with a media type
(or a comma-separated list of two) for some formats, and sends short names of its own (``json-ld``, ``rdf+xml``,
``n3``, ``xml`` for RDF/XML, ``json`` for a graph): the one format rule of essgraph.web.http reads them all.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import warnings
import xml.dom.minidom

import pytest
import rdflib

from support.projects import base_of

SPARQLWrapper = pytest.importorskip("SPARQLWrapper")  # the "clients" extra of pyproject.toml

BASE = base_of("real")
DCAT = "http://www.w3.org/ns/dcat#"
DATASETS = {BASE + "id/dataset/essgraph", BASE + "id/dataset/saint-maur-des-fosses-2021"}
QUERIES = {
    "SELECT": f"SELECT ?s WHERE {{ ?s a <{DCAT}Dataset> }}",
    "ASK": f"ASK {{ ?s a <{DCAT}Catalog> }}",
    "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a <{DCAT}Catalog> ; ?p ?o }}",
    "DESCRIBE": f"DESCRIBE ?s WHERE {{ ?s a <{DCAT}Catalog> }}",
}
RESULT_FORMATS = ("json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("turtle", "n3", "xml", "rdf", "rdf+xml", "json-ld", "json")
CASES = [(q, f) for q in ("SELECT", "ASK") for f in RESULT_FORMATS] + [
    (q, f) for q in ("CONSTRUCT", "DESCRIBE") for f in GRAPH_FORMATS
]


def ask(served, form: str, fmt: str, method: str):
    from SPARQLWrapper import GET, POST, POSTDIRECTLY, URLENCODED

    sw = SPARQLWrapper.SPARQLWrapper(served.base + "sparql")
    sw.setQuery(QUERIES[form])
    sw.setReturnFormat(fmt)
    sw.setMethod(GET if method == "GET" else POST)
    sw.setRequestMethod(POSTDIRECTLY if method == "POSTDIRECTLY" else URLENCODED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its own warnings about what it sends ("Sending Accept header '*/*'...")
        warnings.filterwarnings("error", message="Format requested was")  # another format than asked: a failure
        return sw.query().convert()


def rows(converted, fmt: str) -> list[str]:
    """The ?s values of a SELECT answer, or the one value of an ASK answer, as SPARQLWrapper converted them."""
    if fmt == "json":
        if "boolean" in converted:
            return [str(converted["boolean"]).lower()]
        return [b["s"]["value"] for b in converted["results"]["bindings"]]
    if fmt == "xml":
        assert isinstance(converted, xml.dom.minidom.Document)
        boolean = converted.getElementsByTagName("boolean")
        if boolean:
            return [boolean[0].firstChild.data]
        return [u.firstChild.data for u in converted.getElementsByTagName("uri")]
    text = converted.decode("utf-8")  # CSV and TSV: the body
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter="," if fmt == "csv" else "\t"))
    return [cell.strip("<>") for row in table[1:] for cell in row]


@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
@pytest.mark.parametrize("form,fmt", CASES, ids=[f"{q}-{f}" for q, f in CASES])
def test_a_default_sparqlwrapper_request_is_answered_and_converted(served, form, fmt, method):
    converted = ask(served, form, fmt, method)
    if form == "SELECT":
        found = rows(converted, fmt)
        assert sorted(found) == sorted(DATASETS), found  # each dataset once
    elif form == "ASK":
        assert rows(converted, fmt) == ["true"]
    else:
        if isinstance(converted, bytes):  # Turtle (turtle, n3): SPARQLWrapper returns the body
            converted = rdflib.Graph().parse(data=converted, format="turtle")
        assert isinstance(converted, rdflib.Graph), type(converted)  # RDF/XML, JSON-LD: parsed by SPARQLWrapper
        catalog = rdflib.URIRef(BASE + "catalog")
        assert (catalog, rdflib.RDF.type, rdflib.URIRef(DCAT + "Catalog")) in converted
        assert len(set(converted.objects(catalog, rdflib.URIRef(DCAT + "dataset")))) == 2


def test_a_select_asked_as_turtle_says_why_it_cannot_be(served):
    with pytest.raises(urllib.error.HTTPError) as caught:  # SPARQLWrapper lets a 406 through
        ask(served, "SELECT", "turtle", "GET")
    assert caught.value.code == 406
    error = json.loads(caught.value.read())["error"]
    assert error["message"] == "format=turtle is not available for the result of this SELECT query", error
