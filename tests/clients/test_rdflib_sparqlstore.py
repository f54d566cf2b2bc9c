"""rdflib's ``SPARQLStore`` (rdflib 7) over the endpoint: ASK answers read right in every results format and by
every method; a graph larger than the row cap is read page by page with rdflib's own LIMIT/OFFSET (the README's
recipe, "rdflib"); iterating it whole fails with the endpoint's error kept in the exception chain.

rdflib has no ASK reading for CSV and TSV: it reads any CSV/TSV body as a SELECT table. essgraph answers ASK there
as Apache Jena does (a one-column table, variable ``_askResult``), so the value arrives as the table's one cell —
``bool()`` of that result is always True (rdflib counts rows), so the tests read the cell.
"""

from __future__ import annotations

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

TRUE = "ASK { ?s a <http://www.w3.org/ns/dcat#Catalog> }"
FALSE = "ASK { ?s a <http://example.org/Nothing> }"
METHODS = ["GET", "POST", "POST_FORM"]


def store(served, **options) -> rdflib.Graph:
    return rdflib.Graph(store=SPARQLStore(served.base + "sparql", **options))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_ask_in_csv_and_tsv_arrives_as_its_value(served, fmt, method):
    g = store(served, returnFormat=fmt, method=method)
    for query, expected in ((TRUE, "true"), (FALSE, "false")):
        result = g.query(query)
        assert [v for v in result.vars] == [rdflib.Variable("_askResult")]
        assert [str(row[0]) for row in result] == [expected], (fmt, method, query)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_ask_in_xml_and_json_is_a_boolean(served, fmt, method):
    g = store(served, returnFormat=fmt, method=method)
    assert g.query(TRUE).askAnswer is True
    assert g.query(FALSE).askAnswer is False


def test_a_graph_larger_than_the_row_cap_is_read_page_by_page(served):
    g = store(served)
    total = len(g)  # a COUNT(*): one row
    assert total > 10_000  # the server's row cap (ESSGRAPH_MAX_RESULT_ROWS)
    seen: list = []
    offset = 0
    while True:  # the README's recipe: rdflib adds ORDER BY, LIMIT and OFFSET to its SELECT ?s ?p ?o
        g.LIMIT, g.OFFSET = 4000, offset
        page = list(g.triples((None, None, None)))
        del g.LIMIT, g.OFFSET
        seen += page
        if len(page) < 4000:
            break
        offset += 4000
    assert len(seen) == len(set(seen)) == total  # every triple once: the default graph is a set


def test_iterating_a_graph_over_the_row_cap_fails_with_the_endpoints_reason_in_the_chain(served):
    g = store(served)  # GET: rdflib raises its own ValueError, the HTTP error chained to it
    with pytest.raises(ValueError) as caught:
        list(g.triples((None, None, None)))
    http_error = caught.value.__context__
    assert http_error.code == 400
    # rdflib accepts SPARQL XML or RDF/XML: the error comes as an RDF/XML document holding it in a comment
    body = http_error.read().decode("utf-8")
    assert http_error.headers["Content-Type"].startswith("application/rdf+xml")
    assert "400 too_many_results: the query returns more than 10,000 results" in body
    assert "(hint: add LIMIT (and OFFSET to page through)" in body
