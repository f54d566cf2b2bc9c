"""The SPARQL tokenizer that refuses SERVICE and updates before a query runs, and finds its form and dataset.

A keyword counts only as a keyword token: the same letters inside a string, an IRI, a comment, a prefixed name,
a variable, a blank node label or a language tag must not count (those queries are valid and answered), and
no spelling of a real SERVICE clause may slip through (those are refused)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from essgraph.errors import QueryRefused
from essgraph.sparql.guard import check_query
from essgraph.sparql.lexer import analyse

NOT_SERVICE = [
    'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/> { ?a ?b ?c }" }',
    "SELECT * WHERE { ?s ?p 'SERVICE <http://example.org/> {}' }",
    'SELECT * WHERE { ?s ?p """two\nlines SERVICE <http://example.org/> {}""" }',
    "SELECT * WHERE { ?s ?p '''it''s SERVICE''' }",
    'SELECT * WHERE { ?s ?p "escaped \\" SERVICE <http://x/> {}" }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "SELECT * WHERE { ?s <http://example.org/#SERVICE> ?o }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/> { }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:SERVICE ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:a.SERVICE ?o }",
    "SELECT ?service WHERE { ?service ?p $SERVICE }",
    "SELECT * WHERE { _:SERVICE ?p ?o }",
    'SELECT * WHERE { ?s ?p "x"@service }',
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
]
SERVICE = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <http://example.org/> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p \"a\" . SERVICE <http://example.org/> { } }",
    "SELECT * WHERE { ?s <http://a#b> ?o .\nSERVICE <http://example.org/> {} }",
    "SELECT * WHERE { ?s ?p 1.SERVICE <http://example.org/> {} }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<3) SERVICE <http://example.org/> {} }",
    "SELECT * WHERE {?s ?p ?o}# comment\nSERVICE<http://example.org/>{}",
    "ASK { FILTER EXISTS { SERVICE <http://example.org/> { ?s ?p ?o } } }",
]


@pytest.mark.parametrize("query", NOT_SERVICE)
def test_service_in_a_literal_iri_comment_or_name_is_not_a_keyword(query):
    ox.Store().query(query)  # a valid query, which runs without any request
    assert analyse(query).service is None
    check_query(query)


@pytest.mark.parametrize("query", SERVICE)
def test_every_service_clause_is_found(query):
    assert analyse(query).service is not None
    with pytest.raises(QueryRefused) as caught:
        check_query(query)
    assert caught.value.status == 403 and caught.value.code == "service_refused"


def test_service_position_is_reported():
    assert analyse("SELECT * WHERE {\n  ?s ?p ?o .\n  SERVICE <http://x/> {} }").service == (3, 3)


@pytest.mark.parametrize("query,form", [
    ("SELECT * {}", "SELECT"), ("ask {}", "ASK"), ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x/>", "DESCRIBE"),
    ("PREFIX select: <http://x/> BASE <http://b/> ASK { ?s select:p ?o }", "ASK"),
    ("# SELECT in a comment\nCONSTRUCT { } WHERE { }", "CONSTRUCT"),
    ("PREFIX ex: <http://ex/>\n# a comment\nDESCRIBE ex:a", "DESCRIBE"),
    ("nonsense", None),
])
def test_query_form(query, form):
    assert analyse(query).form == form


@pytest.mark.parametrize("query,keyword", [
    ("INSERT DATA { <a> <b> <c> }", "INSERT"), ("delete where { ?s ?p ?o }", "DELETE"),
    ("PREFIX ex: <http://ex/> LOAD <http://example.org/data.ttl>", "LOAD"), ("CLEAR ALL", "CLEAR"),
    ("DROP GRAPH <http://g>", "DROP"), ("CREATE GRAPH <http://g>", "CREATE"), ("ADD DEFAULT TO <http://g>", "ADD"),
    ("MOVE DEFAULT TO <http://g>", "MOVE"), ("COPY DEFAULT TO <http://g>", "COPY"),
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
])
def test_updates_are_recognised_and_refused(query, keyword):
    assert analyse(query).update == keyword and analyse(query).form is None
    with pytest.raises(QueryRefused) as caught:
        check_query(query)
    assert caught.value.status == 403 and caught.value.code == "read_only"


@pytest.mark.parametrize("query,has_dataset", [
    ("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", True),
    ("SELECT * FROM NAMED <http://g> WHERE { GRAPH ?g { ?s ?p ?o } }", True),
    ("select * from <http://g> { ?s ?p ?o }", True),
    ('SELECT * WHERE { ?s ?p "FROM" }', False),
    ("SELECT * WHERE { ?s <http://example.org/FROM> ?o }", False),
    ("PREFIX from: <http://x/> SELECT * WHERE { ?s from:p ?o }", False),
])
def test_dataset_clause(query, has_dataset):
    assert analyse(query).has_dataset_clause is has_dataset
